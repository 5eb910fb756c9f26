package verify

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/eval/explain"
	"github.com/agentiam/agentiam/fixcore"
	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/rolegen"
	"github.com/agentiam/agentiam/verify/expect"
	"golang.org/x/sync/errgroup"
)

// Options tune Verify.
type Options struct {
	// Deployed policies replace the generated ones of the same subjects;
	// they are the only source for roles the spec keeps.
	Deployed *Deployed
	// Explain attaches the evaluator's trace to every result, not only to
	// failures.
	Explain bool
	// GeneratedOnly skips the roles the spec keeps (the generation gate
	// judges only what it generates).
	GeneratedOnly bool
}

// Status of a subject.
type Status string

const (
	Verified Status = "verified"
	Failed   Status = "failed"
	// Unverified: a kept role whose policies were not given, or a role
	// with an attached policy whose document was not given.
	Unverified Status = "unverified"
	// Missing: the spec needs the subject and the plan lacks it.
	Missing Status = "missing"
)

// Report is the outcome of Verify.
type Report struct {
	Subjects []*SubjectReport `json:"subjects"`
	Summary  Summary          `json:"summary"`
	// Warnings concern the plan as a whole, such as a role the spec does
	// not call for.
	Warnings []string `json:"warnings,omitempty"`
}

// Summary counts the results.
type Summary struct {
	Subjects         int `json:"subjects"`
	Failed           int `json:"failed"`
	Unverified       int `json:"unverified"`
	Missing          int `json:"missing"`
	Requests         int `json:"requests"`
	RequiredAllowed  int `json:"requiredAllowed"`
	RequiredDenied   int `json:"requiredDenied"`
	ForbiddenDenied  int `json:"forbiddenDenied"`
	ForbiddenAllowed int `json:"forbiddenAllowed"`
}

// Passed reports whether every required request is allowed, every
// forbidden one denied, and every subject was verified.
func (r *Report) Passed() bool {
	s := r.Summary
	return s.Failed == 0 && s.Unverified == 0 && s.Missing == 0
}

// SubjectReport is the verification of one subject.
type SubjectReport struct {
	expect.Subject
	Source   string   `json:"source,omitempty"`
	Status   Status   `json:"status"`
	Note     string   `json:"note,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
	Results  []Result `json:"results"`
	// Fixes are the smallest changes that make the failed checks pass,
	// each confirmed (or not) with the evaluator.
	Fixes []*Fix `json:"fixes,omitempty"`
	// Drift compares deployed policies with the generated ones.
	Drift *Drift `json:"drift,omitempty"`
}

// Result is one evaluated check.
type Result struct {
	expect.Check
	Decision eval.Decision `json:"decision"`
	OK       bool          `json:"ok"`
	// Trace is set for failures, and for every result with Options.Explain.
	Trace *explain.Trace `json:"trace,omitempty"`
}

// Failure says what went wrong with a failed result, for people:
// "required request denied: ACTION on RESOURCE".
func (r *Result) Failure() string {
	what := "denied"
	if r.Expect == expect.Forbidden {
		what = "allowed"
	}
	return fmt.Sprintf("%s request %s: %s on %s", r.Expect, what, r.Action, r.Resource)
}

// Failures counts the failed results.
func (s *SubjectReport) Failures() int {
	n := 0
	for i := range s.Results {
		if !s.Results[i].OK {
			n++
		}
	}
	return n
}

// Verify evaluates the access matrix of every subject the spec calls for
// against its policies: the deployed ones when opts.Deployed has them,
// else the plan's. Subjects are verified in parallel.
func Verify(spec *agentspec.Spec, plan *rolegen.Plan, opts Options) (*Report, error) {
	subjects, err := Matrices(spec, plan)
	if err != nil {
		return nil, err
	}
	if opts.GeneratedOnly {
		subjects = slices.DeleteFunc(subjects, func(s *expect.Subject) bool { return s.Existing })
	}
	v := newVerifier(spec, plan, opts, subjects)
	// Looking deployed policies up marks them used: done here, in order.
	deployed := make([]*Policies, len(subjects))
	for i, s := range subjects {
		deployed[i], _ = opts.Deployed.For(s)
	}
	reports := make([]*SubjectReport, len(subjects))
	err = parallel(len(subjects), func(i int) error {
		sr, err := v.subject(subjects[i], deployed[i])
		reports[i] = sr
		return err
	})
	if err != nil {
		return nil, err
	}
	engines, err := policyEngines(spec, plan)
	if err != nil {
		return nil, err
	}
	rep := &Report{Subjects: append(reports, engines...)}
	for _, sr := range rep.Subjects {
		rep.Summary.add(sr)
	}
	rep.Warnings = unexpectedRoles(plan, subjects)
	return rep, nil
}

// parallel runs f(0..n-1) on every core and returns the first error;
// once one call fails, the calls not yet started are skipped.
func parallel(n int, f func(i int) error) error {
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	var failed atomic.Bool
	for i := range n {
		g.Go(func() error {
			if failed.Load() {
				return nil
			}
			err := f(i)
			if err != nil {
				failed.Store(true)
			}
			return err
		})
	}
	return g.Wait()
}

func (s *Summary) add(sr *SubjectReport) {
	s.Subjects++
	switch sr.Status {
	case Failed:
		s.Failed++
	case Unverified:
		s.Unverified++
	case Missing:
		s.Missing++
	}
	for i := range sr.Results {
		r := &sr.Results[i]
		s.Requests++
		switch {
		case r.Expect == expect.Required && r.OK:
			s.RequiredAllowed++
		case r.Expect == expect.Required:
			s.RequiredDenied++
		case r.OK:
			s.ForbiddenDenied++
		default:
			s.ForbiddenAllowed++
		}
	}
}

// unexpectedRoles lists plan roles no subject accounts for.
func unexpectedRoles(plan *rolegen.Plan, subjects []*expect.Subject) []string {
	var out []string
	for _, r := range plan.Roles {
		found := slices.ContainsFunc(subjects, func(s *expect.Subject) bool { return s.Kind == expect.KindRole && s.Name == r.Name })
		if !found {
			out = append(out, fmt.Sprintf("the plan has role %s (%s) that the spec does not call for; it was not verified", r.Name, r.Purpose))
		}
	}
	return out
}

type verifier struct {
	spec *agentspec.Spec
	plan *rolegen.Plan
	opts Options
	// others holds the far-side policies of every check, compiled before
	// subjects are verified in parallel; read-only afterwards.
	others map[*policy.Document]*eval.Policy
	// delegation is a resource policy that delegates to the spec's
	// account, the far side of drift probes.
	delegation *policy.Document
	// alternate is the plan for the spec with every kept role generated,
	// the reference for drift of kept roles; built on first use.
	alternateOnce sync.Once
	alternate     *rolegen.Plan
}

func newVerifier(spec *agentspec.Spec, plan *rolegen.Plan, opts Options, subjects []*expect.Subject) *verifier {
	v := &verifier{spec: spec, plan: plan, opts: opts, others: map[*policy.Document]*eval.Policy{},
		delegation: fixcore.AccountPolicy(spec.Partition, spec.Account, "*", "*")}
	add := func(d *policy.Document) {
		if _, ok := v.others[d]; d != nil && !ok {
			if p, err := eval.Compile(d); err == nil {
				v.others[d] = p
			}
		}
	}
	add(v.delegation)
	for _, s := range subjects {
		for i := range s.Checks {
			add(s.Checks[i].Other)
		}
	}
	return v
}

// subject verifies one subject; dep are its deployed policies, if given.
func (v *verifier) subject(s *expect.Subject, dep *Policies) (*SubjectReport, error) {
	sr := &SubjectReport{Subject: *s}
	gen := generated(v.plan, s)
	pols := gen
	deployed := dep != nil
	if deployed {
		pols = merge(gen, dep)
		sr.Warnings = append(sr.Warnings, dep.Warnings...)
	}
	switch {
	case pols == nil && s.Existing:
		sr.Status = Unverified
		sr.Note = fmt.Sprintf("the spec keeps %s: give its deployed policies with --authorization-details or --policy %s=FILE", s.ARN, s.Name)
		return sr, nil
	case pols == nil || len(s.Checks) == 0:
		sr.Status = Missing
		sr.Note = fmt.Sprintf("the spec calls for a %s %s and the plan has none", s.Purpose, s.Kind)
		return sr, nil
	}
	sr.Source = pols.Source
	cp, err := v.compile(pols)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Label(), err)
	}
	sr.Results = make([]Result, len(s.Checks))
	for i := range s.Checks {
		c := &s.Checks[i]
		d, tr, err := evaluateCheck(c, cp, v.opts.Explain)
		if err != nil {
			return nil, fmt.Errorf("%s: %s on %s: %w", s.Label(), c.Action, c.Resource, err)
		}
		r := Result{Check: *c, Decision: d, OK: c.Passes(d), Trace: tr}
		if !r.OK && tr == nil {
			if r.Trace, _, err = explainCheck(c, cp); err != nil {
				return nil, err
			}
		}
		sr.Results[i] = r
	}
	sr.Status = Verified
	if pols.Incomplete {
		// Failures stand; a pass does not, with permissions unknown.
		sr.Status = Unverified
		sr.Note = "an attached policy's document was not given: the forbidden requests may be allowed by it"
	}
	if sr.Failures() > 0 {
		sr.Status = Failed
		fixes, err := v.fixes(sr, pols)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Label(), err)
		}
		sr.Fixes = fixes
	}
	if deployed && s.Kind == expect.KindRole {
		ref := gen
		if ref == nil && s.Existing {
			ref = v.alternateRole(s)
		}
		if ref != nil {
			drift, err := v.drift(s, pols, ref)
			if err != nil {
				return nil, fmt.Errorf("%s: drift: %w", s.Label(), err)
			}
			sr.Drift = drift
		}
	}
	return sr, nil
}

func explainCheck(c *expect.Check, cp *compiledPolicies) (*explain.Trace, eval.Decision, error) {
	req := c.Request()
	tr, err := explain.Explain(cp.setFor(c), &req)
	if err != nil {
		return nil, eval.ImplicitlyDenied, err
	}
	return tr, tr.Decision, nil
}

// compiledPolicies are a subject's policies, compiled once, with the
// far-side policies of its checks.
type compiledPolicies struct {
	*fixcore.Compiled
	others map[*policy.Document]*eval.Policy
}

func (v *verifier) compile(p *Policies) (*compiledPolicies, error) {
	return compilePolicies(p, v.others)
}

func compilePolicies(p *Policies, others map[*policy.Document]*eval.Policy) (*compiledPolicies, error) {
	b := p.bundle()
	c, err := fixcore.Compile(&b, "trust policy")
	if err != nil {
		return nil, err
	}
	return &compiledPolicies{Compiled: c, others: others}, nil
}

// bundle returns the policies as the fix core takes them.
func (p *Policies) bundle() fixcore.Policies {
	return fixcore.Policies{Identity: p.Identity, Boundary: p.Boundary, Resource: p.Trust}
}

// setFor returns the policies that decide a check.
func (cp *compiledPolicies) setFor(c *expect.Check) *eval.Set {
	return c.Set(cp.Compiled, cp.other(c.Other))
}

// other returns the far side's policy of a check, compiled in advance
// (the map is shared by goroutines and only read). These documents are
// built by the matrix and always compile.
func (cp *compiledPolicies) other(d *policy.Document) *eval.Policy {
	if d == nil {
		return nil
	}
	if p, ok := cp.others[d]; ok {
		return p
	}
	p, _ := eval.Compile(d)
	return p
}

// Matrices derives the access matrix of every subject the spec calls
// for (see expect.Matrices), with its roles bound to the plan's, and
// drops the forbidden checks the spec grants, subject by subject in
// parallel.
func Matrices(spec *agentspec.Spec, plan *rolegen.Plan) ([]*expect.Subject, error) {
	subjects, err := expect.Matrices(spec, planRoles{plan})
	if err != nil {
		return nil, err
	}
	err = parallel(len(subjects), func(i int) error { return subjects[i].DropGranted() })
	if err != nil {
		return nil, err
	}
	return subjects, nil
}
