package audit

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/policy"
)

// Options tune an audit.
type Options struct {
	// Region is where probes act when a principal's policies name no
	// region of their own; "" is us-east-1.
	Region string
	// Workers is how many principals are audited at once; 0 is GOMAXPROCS.
	Workers int
	// NoTrace leaves the evaluator's trace out of findings.
	NoTrace bool
	// Generated are the roles agentiam would generate for agents, by
	// the name of the account role each replaces: over-privileged-agent
	// findings on those roles carry a Replacement.
	Generated map[string]*GeneratedRole
}

// Auditor audits accounts. AWS managed policies compiled for one account
// are kept for the next, by ARN and version; everything else is dropped
// when an account is done, so that auditing the accounts of an
// organization one at a time holds one account in memory.
type Auditor struct {
	opts   Options
	shared sharedPolicies
}

// New returns an auditor.
func New(opts Options) *Auditor {
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	return &Auditor{opts: opts}
}

// subjectResult is what the audit of one subject found.
type subjectResult struct {
	findings   []*Finding
	suppressed map[string]int
	edges      []Edge
}

// Audit finds the risks of one account.
func (a *Auditor) Audit(acct *Account) (*Report, error) {
	acct.resolveIdentity()
	st, err := a.prepare(acct)
	if err != nil {
		return nil, err
	}
	results := make([]subjectResult, len(st.subjects))
	var g errgroup.Group
	g.SetLimit(a.opts.Workers)
	for i, s := range st.subjects {
		g.Go(func() error {
			w := &work{a: a, st: st, s: s, res: &results[i]}
			if err := w.run(); err != nil {
				return fmt.Errorf("%s: %w", s.arn, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	r := st.report(results)
	if err := a.replacements(st, r.Findings); err != nil {
		return nil, err
	}
	return r, nil
}

// prepare compiles the account's organization policies and subjects.
func (a *Auditor) prepare(acct *Account) (*accountState, error) {
	st := &accountState{acct: acct, managed: map[string]*compiled{}, byARN: map[string]*subject{}, probes: map[string]*probeSet{}}
	var err error
	if st.scps, err = compileLevels("SCP", policy.SCP, acct.SCPs); err != nil {
		return nil, err
	}
	if st.rcps, err = compileLevels("RCP", policy.RCP, acct.RCPs); err != nil {
		return nil, err
	}
	key := policy.NewStatement("DelegateToAccount", policy.EffectAllow)
	key.Principal = policy.NewPrincipal(policy.PrincipalAWS, "arn:"+acct.Partition+":iam::"+acct.ID+":root")
	key.Action, key.Resource = policy.NewStringList("kms:*"), policy.NewStringList("*")
	if st.keyPolicy, err = compile("key policy delegating to the account", policy.Resource, policy.NewDocument(key)); err != nil {
		return nil, err
	}
	assume := policy.NewStatement("AssumeAnyRole", policy.EffectAllow)
	assume.Action, assume.Resource = policy.NewStringList("sts:AssumeRole"), policy.NewStringList("*")
	if st.outsider, err = compile("outsider's identity policy", policy.Identity, policy.NewDocument(assume)); err != nil {
		return nil, err
	}
	st.keyPolicy.synthetic, st.outsider.synthetic = true, true
	if err := a.buildSubjects(st); err != nil {
		return nil, err
	}
	for _, s := range st.subjects {
		s.region = regionOf(s, a.opts.Region)
	}
	return st, nil
}

func compileLevels(what string, kind policy.Kind, levels [][]*policy.Document) ([][]*compiled, error) {
	out := make([][]*compiled, len(levels))
	for i, l := range levels {
		for j, d := range l {
			c, err := compile(fmt.Sprintf("%s %d at level %d", what, j+1, i+1), kind, d)
			if err != nil {
				return nil, err
			}
			out[i] = append(out[i], c)
		}
	}
	return out, nil
}

// regionOf is the first region named by a resource ARN of an agent
// service in the subject's Allow statements, else the default.
func regionOf(s *subject, def string) string {
	for _, c := range s.identity {
		for _, st := range c.doc.Statements {
			if st.Effect.Value != policy.EffectAllow || st.Resource == nil {
				continue
			}
			for _, v := range st.Resource.Values {
				p, err := arn.Parse(v.Value)
				if err != nil || p.Region == "" || arn.HasWildcard(p.Region) {
					continue
				}
				switch p.Service {
				case "bedrock", "bedrock-agentcore", "ecr", "logs":
					return p.Region
				}
			}
		}
	}
	return def
}

// probesFor returns the probes of a region, written once per account.
func (st *accountState) probesFor(region string) (*probeSet, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if p, ok := st.probes[region]; ok {
		return p, nil
	}
	p, err := newProbeSet(st.acct.Partition, region, st.acct.ID)
	if err != nil {
		return nil, err
	}
	st.probes[region] = p
	return p, nil
}

// report gathers the subjects' results, worst first.
func (st *accountState) report(results []subjectResult) *Report {
	r := &Report{Findings: []*Finding{}}
	sum := &r.Summary
	sum.Accounts = 1
	sum.BySeverity = map[string]int{}
	sum.SuppressedBy = map[string]int{}
	sum.Roles, sum.Users, sum.Groups, sum.AgentRoles = len(st.acct.Roles), len(st.acct.Users), len(st.acct.Groups), len(st.agents)
	for i, res := range results {
		r.Findings = append(r.Findings, res.findings...)
		r.Reach = append(r.Reach, res.edges...)
		for k, n := range res.suppressed {
			sum.SuppressedBy[k] += n
			sum.Suppressed += n
		}
		if len(st.subjects[i].incomplete) > 0 {
			sum.Incomplete = append(sum.Incomplete, st.subjects[i].arn)
		}
	}
	SortFindings(r.Findings)
	slices.SortFunc(r.Reach, func(x, y Edge) int {
		return cmp.Or(cmp.Compare(x.From, y.From), cmp.Compare(x.To, y.To), cmp.Compare(x.Kind, y.Kind))
	})
	for _, f := range r.Findings {
		sum.BySeverity[f.Severity.String()]++
	}
	sum.Findings = len(r.Findings)
	return r
}

// SortFindings orders findings worst first, then by principal and code.
func SortFindings(fs []*Finding) {
	slices.SortStableFunc(fs, func(x, y *Finding) int {
		return cmp.Or(cmp.Compare(y.Severity, x.Severity), cmp.Compare(x.Account, y.Account),
			cmp.Compare(x.Principal, y.Principal), cmp.Compare(x.Code, y.Code), cmp.Compare(x.Target, y.Target))
	})
}

// Merge adds the findings and counts of another account's report.
func (r *Report) Merge(o *Report) {
	r.Findings = append(r.Findings, o.Findings...)
	r.Reach = append(r.Reach, o.Reach...)
	s, t := &r.Summary, &o.Summary
	s.Accounts += t.Accounts
	s.Roles += t.Roles
	s.Users += t.Users
	s.Groups += t.Groups
	s.AgentRoles += t.AgentRoles
	s.Findings += t.Findings
	s.Suppressed += t.Suppressed
	s.Incomplete = append(s.Incomplete, t.Incomplete...)
	if s.BySeverity == nil {
		s.BySeverity = map[string]int{}
	}
	if s.SuppressedBy == nil {
		s.SuppressedBy = map[string]int{}
	}
	for k, n := range t.BySeverity {
		s.BySeverity[k] += n
	}
	for k, n := range t.SuppressedBy {
		s.SuppressedBy[k] += n
	}
	SortFindings(r.Findings)
}
