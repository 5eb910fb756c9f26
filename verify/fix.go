package verify

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/eval/explain"
	"github.com/agentiam/agentiam/fixcore"
	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/verify/expect"
)

// FixKind says what a fix changes.
type FixKind string

const (
	// FixAdd adds statements to a policy: required requests are denied.
	FixAdd FixKind = "add"
	// FixBoundary adds statements to the permissions boundary: the
	// identity policies allow a required request, the boundary does not.
	FixBoundary FixKind = "boundary"
	// FixNarrow replaces a statement that grants forbidden requests by
	// statements that keep only what the spec needs from it (none: remove it).
	FixNarrow FixKind = "narrow"
	// FixDeny removes or narrows a Deny statement that blocks required requests.
	FixDeny FixKind = "deny"
)

// StatementRef points at a statement of the subject's policies.
type StatementRef struct {
	Policy string `json:"policy"`
	// Kind is the kind of that policy: identity, boundary, or resource
	// (the trust policy or the resource policy of the subject).
	Kind      policy.Kind       `json:"-"`
	Index     int               `json:"index"`
	Sid       string            `json:"sid,omitempty"`
	Line      int               `json:"line,omitempty"`
	Statement *policy.Statement `json:"-"`
	// Matches says why the statement applies to the forbidden requests:
	// which of its patterns cover them.
	Matches []string `json:"matches,omitempty"`
}

// Label names the statement for people.
func (r *StatementRef) Label() string {
	s := fmt.Sprintf("statement #%d", r.Index)
	if r.Sid != "" {
		s = fmt.Sprintf("statement %q (#%d)", r.Sid, r.Index)
	}
	if r.Line > 0 {
		s += fmt.Sprintf(", line %d", r.Line)
	}
	return s + " of " + r.Policy
}

// Fix is the smallest statement change that makes failed checks pass.
type Fix struct {
	Kind FixKind `json:"kind"`
	// Policy is the policy to change, as people read it; PolicyKind is its
	// kind, and NewPolicy says a new inline policy is to be added.
	Policy     string      `json:"policy"`
	PolicyKind policy.Kind `json:"-"`
	NewPolicy  bool        `json:"-"`
	// Statement is the statement to replace (narrow) or remove (deny).
	Statement *StatementRef `json:"statement,omitempty"`
	// Statements are added (add, boundary) or replace Statement (narrow;
	// none means remove it).
	Statements []*policy.Statement `json:"-"`
	// Checks are the indexes of the results the fix is for.
	Checks []int  `json:"checks"`
	Advice string `json:"advice"`
	// Confirmed: with the change applied, the evaluator allows or denies
	// each of Checks as expected and no other check of the subject fails.
	Confirmed bool `json:"confirmed"`
	// StillFailing and Regressions explain an unconfirmed fix: checks of
	// the fix that still fail (another statement also grants them), and
	// checks that passed and fail with the change.
	StillFailing []int `json:"stillFailing,omitempty"`
	Regressions  []int `json:"regressions,omitempty"`
}

// MarshalJSON includes the statements as policy JSON.
func (f *Fix) MarshalJSON() ([]byte, error) {
	type plain Fix
	out := struct {
		*plain
		Statements []json.RawMessage `json:"statements"`
		Original   json.RawMessage   `json:"original,omitempty"`
	}{plain: (*plain)(f), Statements: []json.RawMessage{}}
	for _, st := range f.Statements {
		out.Statements = append(out.Statements, StatementJSON(st))
	}
	if f.Statement != nil && f.Statement.Statement != nil {
		out.Original = StatementJSON(f.Statement.Statement)
	}
	return json.Marshal(out)
}

// StatementJSON prints one statement as canonical, compact policy JSON.
func StatementJSON(st *policy.Statement) json.RawMessage {
	b, err := json.Marshal(st)
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}

// Document wraps the fix's statements in a policy document, as they are
// printed for people.
func (f *Fix) Document() *policy.Document {
	return policy.NewDocument(policy.CloneStatements(f.Statements)...)
}

// fixes computes the fixes of a failed subject.
func (v *verifier) fixes(sr *SubjectReport, pols *Policies) ([]*Fix, error) {
	// One fix per policy to add to, and per statement to narrow or
	// remove, each with every check it is for: additions first, then the
	// others in the order the failures first name them.
	byKey := map[string]*Fix{}
	var adds, changes []*Fix
	fixFor := func(key string, list *[]*Fix, newFix func() *Fix) *Fix {
		f, ok := byKey[key]
		if !ok {
			f = newFix()
			byKey[key] = f
			*list = append(*list, f)
		}
		return f
	}
	statementFix := func(kind FixKind, ref *StatementRef) *Fix {
		key := string(kind) + "\x00" + ref.Policy + "\x00" + fmt.Sprint(ref.Index)
		return fixFor(key, &changes, func() *Fix { return &Fix{Kind: kind, Policy: ref.Policy, PolicyKind: ref.Kind, Statement: ref} })
	}
	resName := resourcePolicyName(sr.Kind)
	for i := range sr.Results {
		r := &sr.Results[i]
		switch {
		case r.OK:
		case r.Expect == expect.Required && r.Decision == eval.ExplicitlyDenied:
			for _, ref := range appliedStatements(r.Trace, pols, eval.EffectDeny, policy.KindUnknown, resName) {
				f := statementFix(FixDeny, ref)
				f.Checks = append(f.Checks, i)
			}
		case r.Expect == expect.Required:
			add := addTarget(r.Against, pols, resName)
			if r.Against == policy.Identity && boundaryBlocks(r.Trace) {
				add = &Fix{Kind: FixBoundary, Policy: "permissions boundary", PolicyKind: policy.Boundary}
			}
			f := fixFor(string(add.Kind)+"\x00"+add.Policy, &adds, func() *Fix { return add })
			f.Checks = append(f.Checks, i)
		default:
			side := policy.Resource
			if r.Against == policy.Identity {
				side = policy.Identity
			}
			for _, ref := range appliedStatements(r.Trace, pols, eval.EffectAllow, side, resName) {
				f := statementFix(FixNarrow, ref)
				f.Checks = append(f.Checks, i)
			}
		}
	}
	for _, f := range adds {
		var checks []*expect.Check
		for _, i := range f.Checks {
			checks = append(checks, &sr.Results[i].Check)
		}
		f.Statements = expect.Statements(checks, "")
		f.Advice = addAdvice(f, sr)
	}
	for _, f := range changes {
		switch f.Kind {
		case FixDeny:
			f.Advice = fmt.Sprintf("%s denies what the spec requires (%s). Narrow its Action, Resource or Condition so that it no longer matches these requests; removing it is what was checked.",
				f.Statement.Label(), describeChecks(sr, f.Checks))
		case FixNarrow:
			v.narrow(f, sr)
		}
	}
	out := append(adds, changes...)
	for _, f := range out {
		if err := v.confirm(f, sr, pols); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// resourcePolicyName is what the subject's resource-side policy is called.
func resourcePolicyName(k expect.SubjectKind) string {
	if k == expect.KindResourcePolicy {
		return "resource policy"
	}
	return "trust policy"
}

// addTarget is the fix that adds statements for a request decided against
// kind a: to the resource side, the first identity policy, or a new one.
func addTarget(a policy.Kind, pols *Policies, resName string) *Fix {
	switch {
	case a != policy.Identity:
		return &Fix{Kind: FixAdd, Policy: resName, PolicyKind: policy.Resource}
	case len(pols.Identity) > 0:
		return &Fix{Kind: FixAdd, Policy: pols.Identity[0].Name, PolicyKind: policy.Identity}
	}
	return &Fix{Kind: FixAdd, Policy: "a new inline policy", PolicyKind: policy.Identity, NewPolicy: true}
}

// boundaryBlocks reports whether an identity policy allowed the request
// and the permissions boundary did not.
func boundaryBlocks(tr *explain.Trace) bool {
	if tr == nil {
		return false
	}
	identity, boundary := false, false
	for _, p := range tr.Policies {
		switch p.Kind {
		case policy.Identity:
			identity = identity || p.Result == eval.ResultAllow
		case policy.Boundary:
			boundary = p.Result != eval.ResultAllow
		}
	}
	return identity && boundary
}

// appliedStatements returns the statements of the subject's own policies
// with the given effect that applied in a trace. only (Identity or
// Resource) restricts the policies looked at; KindUnknown takes both.
func appliedStatements(tr *explain.Trace, pols *Policies, effect eval.Effect, only policy.Kind, resName string) []*StatementRef {
	if tr == nil {
		return nil
	}
	var out []*StatementRef
	for _, pt := range tr.Policies {
		var d *policy.Document
		var name string
		switch {
		case pt.Kind == policy.Identity && only != policy.Resource && pt.Index < len(pols.Identity):
			d, name = pols.Identity[pt.Index].Document, pols.Identity[pt.Index].Name
		case pt.Kind == policy.Resource && only != policy.Identity && pols.Trust != nil:
			d, name = pols.Trust, resName
		case pt.Kind == policy.Boundary && effect == eval.EffectDeny && pols.Boundary != nil:
			d, name = pols.Boundary, "permissions boundary"
		default:
			continue
		}
		for _, st := range pt.Statements {
			if !st.Applied || st.Effect != effect || st.Index >= len(d.Statements) {
				continue
			}
			out = append(out, &StatementRef{Policy: name, Kind: pt.Kind, Index: st.Index, Sid: st.Sid, Line: st.Line, Statement: d.Statements[st.Index]})
		}
	}
	return out
}

// narrow computes the replacement of a statement that grants forbidden
// requests: the grants of the required checks it covers on its own.
func (v *verifier) narrow(f *Fix, sr *SubjectReport) {
	st := f.Statement.Statement
	alone := policy.NewDocument(policy.CloneStatements([]*policy.Statement{st})...)
	single := &Policies{IdentityGiven: true}
	trust := f.Statement.Kind == policy.Resource
	if trust {
		single.Trust = alone
	} else {
		single.Identity = []Named{{Name: f.Policy, Document: alone}}
	}
	cp, err := compilePolicies(single, v.others)
	var covered []*expect.Check
	if err == nil {
		for i := range sr.Results {
			r := &sr.Results[i]
			if r.Expect != expect.Required || !r.OK || (r.Against == policy.Identity) == trust {
				continue
			}
			if d, _, err := evaluateCheck(&r.Check, cp, false); err == nil && d == eval.Allowed {
				covered = append(covered, &r.Check)
			}
		}
	}
	sid := ""
	if st.Sid != nil {
		sid = st.Sid.Value
	}
	f.Statements = expect.Statements(covered, sid)
	keepConditions(f.Statements, st)
	f.Statement.Matches = matches(st, sr, f.Checks)
	why := strings.Join(f.Statement.Matches, "; ")
	if why != "" {
		why = " (" + why + ")"
	}
	if len(f.Statements) == 0 {
		f.Advice = fmt.Sprintf("%s grants %s%s and nothing the spec needs: remove it.", f.Statement.Label(), describeChecks(sr, f.Checks), why)
		return
	}
	f.Advice = fmt.Sprintf("%s grants %s%s. Replace it with the statements below, which keep exactly what the spec needs from it.", f.Statement.Label(), describeChecks(sr, f.Checks), why)
	if missing := missingConditionKeys(st, f.Statements); len(missing) > 0 {
		f.Advice += " They add the conditions on " + strings.Join(missing, ", ") + "."
	}
}

// keepConditions copies the original statement's conditions onto the
// replacement where the replacement does not already constrain the key.
func keepConditions(stmts []*policy.Statement, orig *policy.Statement) {
	if orig.Condition == nil {
		return
	}
	for _, st := range stmts {
		for _, op := range orig.Condition.Operators {
			for _, k := range op.Keys {
				if hasConditionKey(st, k.Name.Value) {
					continue
				}
				values := make([]string, len(k.Values))
				for i, v := range k.Values {
					values[i] = v.Value
				}
				st.AddCondition(op.Name.Value, k.Name.Value, values...)
			}
		}
	}
}

func hasConditionKey(st *policy.Statement, key string) bool {
	if st.Condition == nil {
		return false
	}
	for _, op := range st.Condition.Operators {
		for _, k := range op.Keys {
			if strings.EqualFold(k.Name.Value, key) {
				return true
			}
		}
	}
	return false
}

// missingConditionKeys lists the condition keys the replacement checks
// and the original statement did not.
func missingConditionKeys(orig *policy.Statement, repl []*policy.Statement) []string {
	var out []string
	for _, st := range repl {
		if st.Condition == nil {
			continue
		}
		for _, op := range st.Condition.Operators {
			for _, k := range op.Keys {
				if !hasConditionKey(orig, k.Name.Value) && !slices.Contains(out, k.Name.Value) {
					out = append(out, k.Name.Value)
				}
			}
		}
	}
	return out
}

// matches says which patterns of a statement cover the failed checks.
func matches(st *policy.Statement, sr *SubjectReport, checks []int) []string {
	var out []string
	note := func(s string) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, i := range checks {
		c := &sr.Results[i].Check
		if st.NotAction != nil {
			note("NotAction grants every action it does not list")
		}
		if st.Action != nil {
			for _, a := range st.Action.Strings() {
				if arn.HasWildcard(a) && arn.WildcardFold(a, c.Action) {
					note(fmt.Sprintf("Action %q matches %s by wildcard", a, c.Action))
				}
			}
		}
		if st.NotResource != nil {
			note("NotResource grants every resource it does not list")
		}
		if st.Resource != nil {
			for _, p := range st.Resource.Strings() {
				if p == "*" {
					note("Resource \"*\" covers every resource")
				} else if arn.HasWildcard(p) && arn.Match(p, c.Resource) {
					note(fmt.Sprintf("Resource %q matches %s by wildcard", p, c.Resource))
				}
			}
		}
		if st.Principal != nil && st.Principal.Wildcard {
			note("Principal \"*\" names everyone")
		}
	}
	return out
}

// describeChecks summarises the checks of a fix in a few words.
func describeChecks(sr *SubjectReport, checks []int) string {
	parts := make([]string, 0, 3)
	for _, i := range checks {
		c := &sr.Results[i].Check
		s := c.Action + " on " + c.Resource
		if c.Against != policy.Identity {
			s = c.Action + " by " + c.Principal
		}
		s += " (" + c.Why + ")"
		if len(parts) == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(checks)-3))
			break
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

func addAdvice(f *Fix, sr *SubjectReport) string {
	switch f.Kind {
	case FixBoundary:
		return fmt.Sprintf("The identity policies allow %s, the permissions boundary does not: add these statements to the boundary.", describeChecks(sr, f.Checks))
	}
	where := f.Policy
	if f.PolicyKind == policy.Resource {
		where = "the " + where
	} else if !f.NewPolicy {
		where = "policy " + where
	}
	return fmt.Sprintf("Denied: %s. Add these statements to %s.", describeChecks(sr, f.Checks), where)
}

// apply returns the subject's policies with the fix applied.
func apply(f *Fix, pols *Policies) *Policies {
	change := fixcore.Change{Kind: fixcore.Add, Policy: policy.Identity, Name: f.Policy + " (fix)", Statements: f.Statements}
	switch f.Kind {
	case FixAdd:
		if f.PolicyKind == policy.Resource {
			change.Policy, change.Name = policy.Resource, ""
		}
	case FixBoundary:
		change.Policy, change.Name = policy.Boundary, ""
	case FixNarrow, FixDeny:
		ref := f.Statement
		change = fixcore.Change{Kind: fixcore.Replace, Policy: policy.Identity, Name: ref.Policy, Index: ref.Index, Statements: f.Statements}
		if ref.Kind == policy.Resource || ref.Kind == policy.Boundary {
			change.Policy = ref.Kind
		}
	}
	bundle := pols.bundle()
	b := bundle.Apply(change)
	out := *pols
	out.Identity, out.Boundary, out.Trust = b.Identity, b.Boundary, b.Resource
	return &out
}

// confirm applies the fix and evaluates every check of the subject again.
func (v *verifier) confirm(f *Fix, sr *SubjectReport, pols *Policies) error {
	cp, err := compilePolicies(apply(f, pols), v.others)
	if err != nil {
		return fmt.Errorf("fix for %s: %w", f.Policy, err)
	}
	target := map[int]bool{}
	for _, i := range f.Checks {
		target[i] = true
	}
	var verdict fixcore.Verdict
	for i := range sr.Results {
		r := &sr.Results[i]
		d, _, err := evaluateCheck(&r.Check, cp, false)
		if err != nil {
			return err
		}
		verdict.Record(i, target[i], r.OK, r.Check.Passes(d))
	}
	f.StillFailing, f.Regressions = verdict.StillFailing, verdict.Regressions
	f.Confirmed = verdict.Confirmed()
	return nil
}
