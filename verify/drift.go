package verify

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/catalog"
	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/fixcore"
	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/prove"
	"github.com/agentiam/agentiam/rolegen"
	"github.com/agentiam/agentiam/verify/expect"
)

// Drift compares a deployed role with the role agentiam generates for
// the spec, statement by statement.
type Drift struct {
	// Reference says what the deployed role was compared with.
	Reference string `json:"reference"`
	// Beyond lists deployed statements that grant requests the generated
	// role denies: over-privilege. Both roles' identity policies are
	// taken within their permissions boundaries (effective permissions).
	Beyond []*StatementDrift `json:"beyond,omitempty"`
	// Lacks lists generated statements whose requests the deployed role denies.
	Lacks []*StatementDrift `json:"lacks,omitempty"`
	// Proven: Beyond is exact, not sampled. Package prove decided, for
	// every Allow statement of the deployed role, whether it grants any
	// request the generated role denies; each statement it lists has
	// examples (counterexamples where sampling found none).
	Proven bool `json:"proven,omitempty"`
	// Unproven lists the deployed statements prove could not decide
	// exactly (each with its reason in Unknown): sampling alone answered
	// for them, so Beyond may miss what they grant.
	Unproven []*StatementDrift `json:"unproven,omitempty"`
}

// StatementDrift is one statement and requests it grants that the other
// side does not.
type StatementDrift struct {
	StatementRef
	// Count is the number of probe requests that differ (or, where only
	// prove found them, of its counterexamples: at least one per new
	// action class and resource region, at most 20); Examples shows the
	// first few.
	Count    int     `json:"count"`
	Examples []Probe `json:"examples,omitempty"`
	Note     string  `json:"note,omitempty"`
	// Proven: prove decided the statement exactly (beyond only).
	Proven bool `json:"proven,omitempty"`
	// Unknown says why prove could not decide the statement exactly, so
	// that sampling alone answered (see Drift.Unproven).
	Unknown string `json:"unknown,omitempty"`
}

// Probe is a request built from a statement: each action it names (with
// wildcards expanded through the catalog) on a resource its patterns
// cover, filled so as to go beyond the spec where a wildcard allows it
// (another region, another account, a made-up id), with a context that
// meets its conditions.
type Probe struct {
	Principal string `json:"principal"`
	Action    string `json:"action"`
	Resource  string `json:"resource"`
	// ResourceAccount is set on prove's counterexamples for trust
	// policies, whose requests are cross-account.
	ResourceAccount string              `json:"resourceAccount,omitempty"`
	Context         map[string][]string `json:"context,omitempty"`
}

// maxExamples bounds the examples per statement.
const maxExamples = 3

// probeFill replaces wildcards in the resource part of probes.
const probeFill = "agentiam-probe"

func (v *verifier) drift(s *expect.Subject, deployed, ref *Policies) (*Drift, error) {
	d := &Drift{Reference: ref.Source}
	cpDeployed, err := v.compile(deployed)
	if err != nil {
		return nil, err
	}
	cpRef, err := v.compile(ref)
	if err != nil {
		return nil, err
	}
	if d.Beyond, d.Unproven, err = v.compare(s, deployed, cpRef, ref); err != nil {
		return nil, err
	}
	d.Proven = len(d.Unproven) == 0
	if d.Lacks, _, err = v.compare(s, ref, cpDeployed, nil); err != nil {
		return nil, err
	}
	return d, nil
}

// compare probes every Allow statement of from against the policies of
// to and returns the statements with probes that to denies. With exact,
// the policies to were compiled from, each statement is also decided by
// package prove (see applyProof); unproven lists those it could not
// decide.
func (v *verifier) compare(s *expect.Subject, from *Policies, to *compiledPolicies, exact *Policies) (out, unproven []*StatementDrift, err error) {
	pb := v.prober(s)
	visit := func(policyName string, d *policy.Document, against policy.Kind, whole *proof) error {
		if d == nil {
			return nil
		}
		for i, st := range d.Statements {
			if st.Effect.Value != policy.EffectAllow {
				continue
			}
			sd, listed, err := v.sample(pb, st, against, from.Boundary, to)
			if err != nil {
				return err
			}
			sd.Policy, sd.Index = policyName, i
			if exact != nil {
				p := *whole
				if p.verdict != prove.Pass {
					p = proveStatement(st, against, from.Boundary, exact)
				}
				applyProof(sd, p)
				if !sd.Proven {
					unproven = append(unproven, sd)
				}
			}
			if sd.Count > 0 || (listed && sd.Note != "") {
				out = append(out, sd)
			}
		}
		return nil
	}
	// One proof for all the identity Allow statements answers for each
	// when it passes (the common case: a deployed role as generated); the
	// trust policy's statements are decided one by one.
	trust, identity := &proof{verdict: prove.Unknown}, &proof{verdict: prove.Unknown}
	if exact != nil {
		*identity = proveAllows(from.Identity, from.Boundary, exact)
	}
	resName := resourcePolicyName(s.Kind)
	if err := visit(resName, from.Trust, policy.Trust, trust); err != nil {
		return nil, nil, err
	}
	for _, n := range from.Identity {
		if err := visit(n.Name, n.Document, policy.Identity, identity); err != nil {
			return nil, nil, err
		}
	}
	return out, unproven, nil
}

// sample probes one Allow statement against the policies to: the probes
// the statement alone (an identity statement within boundary, the
// permissions boundary of its role, when not nil) allows and to denies.
// listed says whether a statement that cannot be probed (NotAction,
// NotResource) is reported with its note.
func (v *verifier) sample(pb *prober, st *policy.Statement, against policy.Kind, boundary *policy.Document, to *compiledPolicies) (*StatementDrift, bool, error) {
	kind := against
	if kind == policy.Trust {
		kind = policy.Resource
	}
	sd := &StatementDrift{StatementRef: StatementRef{Kind: kind, Line: st.Pos.Line, Statement: st}}
	if st.Sid != nil {
		sd.Sid = st.Sid.Value
	}
	if st.NotAction != nil || st.NotResource != nil {
		sd.Note = "NotAction or NotResource grants everything it does not list; it cannot be compared request by request"
		return sd, against == policy.Identity || st.NotAction != nil, nil
	}
	alone, err := compilePolicies(single(st, against, boundary), v.others)
	if err != nil {
		return nil, false, err
	}
	for _, p := range pb.probes(st, against) {
		c := expect.Check{Against: against, Principal: p.Principal, Action: p.Action, Resource: p.Resource, Context: p.Context}
		if against == policy.Identity {
			c.Other = pb.delegation
		}
		if dd, _, err := evaluateCheck(&c, alone, false); err != nil || dd != eval.Allowed {
			continue // the probe does not fit the statement's conditions
		}
		dd, _, err := evaluateCheck(&c, to, false)
		if err != nil {
			return nil, false, err
		}
		if dd == eval.Allowed {
			continue
		}
		sd.Count++
		if len(sd.Examples) < maxExamples {
			sd.Examples = append(sd.Examples, p)
		}
	}
	return sd, false, nil
}

func single(st *policy.Statement, against policy.Kind, boundary *policy.Document) *Policies {
	d := policy.NewDocument(policy.CloneStatements([]*policy.Statement{st})...)
	if against == policy.Identity {
		return &Policies{Identity: []Named{{Name: "statement", Document: d}}, IdentityGiven: true, Boundary: boundary}
	}
	return &Policies{Trust: d}
}

// location is the partition, region and account of probes.
type location struct{ partition, region, account string }

// prober builds probe requests for one subject.
type prober struct {
	w          location
	foreign    string
	foreignReg string
	session    string
	roleARN    string
	delegation *policy.Document
}

func (v *verifier) prober(s *expect.Subject) *prober {
	w := location{partition: v.spec.Partition, region: v.spec.Region, account: v.spec.Account}
	if a, ok := v.spec.Agent(s.Agent); ok {
		w = location{partition: a.Partition, region: a.Region, account: v.spec.Account}
	}
	foreignReg := "eu-central-1"
	if w.region == foreignReg {
		foreignReg = "ap-south-1"
	}
	return &prober{
		w: w, foreign: fixcore.ForeignAccount(w.account), foreignReg: foreignReg, roleARN: s.ARN,
		session:    expect.RoleSession(w.partition, w.account, s.Name),
		delegation: v.delegation,
	}
}

func (pb *prober) probes(st *policy.Statement, against policy.Kind) []Probe {
	principals := []string{pb.session}
	if against != policy.Identity {
		principals = pb.principals(st.Principal)
	}
	ctx := probeContext(st.Condition)
	var out []Probe
	for _, action := range expandActions(st.Action) {
		for _, res := range pb.resources(st.Resource, action) {
			for _, p := range principals {
				out = append(out, Probe{Principal: p, Action: action, Resource: res, Context: ctx})
			}
		}
	}
	return out
}

func expandActions(l *policy.StringList) []string {
	var out []string
	for _, a := range l.Strings() {
		if !arn.HasWildcard(a) {
			if ca, err := catalog.LookupAction(a); err == nil {
				a = ca.FullName()
			}
			out = appendNew(out, a)
			continue
		}
		for _, ca := range catalog.ExpandActions(a) {
			out = appendNew(out, ca.FullName())
		}
	}
	return out
}

// principals returns callers a resource-side statement names; a wildcard
// or another account's principal becomes that account's root.
func (pb *prober) principals(p *policy.Principal) []string {
	foreignRoot := "arn:" + pb.w.partition + ":iam::" + pb.foreign + ":root"
	if p == nil || p.Wildcard {
		return []string{foreignRoot}
	}
	var out []string
	for _, e := range p.Entries {
		for _, v := range e.Values.Strings() {
			if v == "*" {
				v = foreignRoot
			}
			out = appendNew(out, strings.NewReplacer("*", probeFill, "?", "x").Replace(v))
		}
	}
	return out
}

// resources returns probe resources for an action under a Resource
// element: "*" becomes an ARN of each of the action's resource types
// with made-up ids; a pattern's wildcards are filled, once with the spec's region and
// account and once, where the region or account is a wildcard, with
// another.
func (pb *prober) resources(l *policy.StringList, action string) []string {
	if l == nil {
		if pb.roleARN != "" {
			return []string{pb.roleARN}
		}
		return []string{"*"}
	}
	var out []string
	for _, p := range l.Strings() {
		if p == "*" {
			out = appendNew(out, pb.witnesses(action)...)
			continue
		}
		for _, r := range pb.fill(p) {
			out = appendNew(out, r)
		}
	}
	return out
}

// witnesses are resources of each of the action's resource types with
// made-up ids, or "*" for an action without resource types.
func (pb *prober) witnesses(action string) []string {
	a, err := catalog.LookupAction(action)
	if err != nil || len(a.Resources) == 0 {
		return []string{expect.UntypedResource(action, pb.w.partition, pb.w.region, pb.w.account)}
	}
	var out []string
	for _, r := range a.Resources {
		vars := map[string]string{}
		for _, name := range r.Type.Variables() {
			switch name {
			case "Partition":
				vars[name] = pb.w.partition
			case "Region":
				vars[name] = pb.w.region
			case "Account":
				vars[name] = pb.w.account
			default:
				vars[name] = probeFill
			}
		}
		if s, err := r.Type.FormatARN(vars); err == nil {
			out = append(out, s)
		}
	}
	return out
}

func (pb *prober) fill(p string) []string {
	parts := strings.SplitN(p, ":", 6)
	if len(parts) != 6 || !arn.HasWildcard(p) {
		return []string{p}
	}
	inner := strings.NewReplacer("*", probeFill, "?", "x")
	build := func(region, account string) string {
		q := slices.Clone(parts)
		for i := 1; i < 5; i++ {
			q[i] = strings.NewReplacer("*", "", "?", "").Replace(q[i])
		}
		if arn.HasWildcard(parts[3]) {
			q[3] = region
		}
		if arn.HasWildcard(parts[4]) {
			q[4] = account
		}
		q[5] = inner.Replace(parts[5])
		return strings.Join(q, ":")
	}
	out := []string{build(pb.w.region, pb.w.account)}
	if arn.HasWildcard(parts[3] + parts[4]) {
		out = append(out, build(pb.foreignReg, pb.foreign))
	}
	return out
}

// probeContext builds a request context that meets a statement's
// conditions where it can: equality and pattern operators get their first
// value (wildcards filled), negated operators and Null "true" leave the
// key absent, numeric bounds get a value on the right side.
func probeContext(c *policy.Condition) map[string][]string {
	if c == nil {
		return nil
	}
	ctx := map[string][]string{}
	for _, op := range c.Operators {
		name := op.Name.Value
		name = strings.TrimPrefix(strings.TrimPrefix(name, "ForAnyValue:"), "ForAllValues:")
		name = strings.TrimSuffix(name, "IfExists")
		for _, k := range op.Keys {
			if len(k.Values) == 0 {
				continue
			}
			v := k.Values[0].Value
			switch {
			case strings.Contains(name, "Not"):
				continue
			case name == "Null":
				if v == "false" {
					ctx[k.Name.Value] = []string{probeFill}
				}
				continue
			case strings.HasSuffix(name, "Like"):
				v = strings.NewReplacer("*", probeFill, "?", "x").Replace(v)
			case name == "IpAddress":
				v, _, _ = strings.Cut(v, "/")
			case name == "NumericLessThan" || name == "NumericGreaterThan":
				if n, err := strconv.ParseFloat(v, 64); err == nil {
					if name == "NumericLessThan" {
						n--
					} else {
						n++
					}
					v = strconv.FormatFloat(n, 'f', -1, 64)
				}
			}
			ctx[k.Name.Value] = []string{v}
		}
	}
	return ctx
}

// alternateRole generates, for a role the spec keeps, the role agentiam
// would generate in its place: the reference for its drift.
func (v *verifier) alternateRole(s *expect.Subject) *Policies {
	v.alternateOnce.Do(func() {
		alt := *v.spec
		alt.Agents = make([]*agentspec.Agent, len(v.spec.Agents))
		for i, a := range v.spec.Agents {
			c := *a
			c.ExecutionRole = ""
			if a.CodeBuild != nil {
				cb := *a.CodeBuild
				cb.ExecutionRole = ""
				c.CodeBuild = &cb
			}
			alt.Agents[i] = &c
		}
		if plan, err := rolegen.Generate(&alt); err == nil {
			v.alternate = plan
		}
	})
	if v.alternate == nil {
		return nil
	}
	for _, r := range v.alternate.Roles {
		if r.Purpose == s.Purpose && r.Agent == s.Agent && r.Gateway == s.Gateway {
			p := generated(v.alternate, &expect.Subject{Kind: expect.KindRole, Name: r.Name, Purpose: r.Purpose})
			if p != nil {
				p.Source = fmt.Sprintf("the role agentiam generates for %s (%s)", s.Agent, s.Purpose)
			}
			return p
		}
	}
	return nil
}

// appendNew appends the values that list does not hold yet.
func appendNew(list []string, values ...string) []string {
	for _, v := range values {
		if !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}
