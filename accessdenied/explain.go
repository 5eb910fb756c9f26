package accessdenied

import (
	"fmt"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/rolegen"
)

// Options are what Explain may check the fix against. With neither a
// spec nor policies, Explain classifies the principal and proposes the
// fix without confirming it.
type Options struct {
	// Spec is the agentiam.yaml the roles were generated from; SpecName
	// names it in the explanation's notes ("agentiam.yaml").
	Spec     *agentspec.Spec
	SpecName string
	// Plan is the plan generated from Spec; Explain generates it when nil.
	Plan *rolegen.Plan
	// Policies are the denied role's policies, read from files; they take
	// the place of the generated role's in the confirmation.
	Policies *Policies
}

// Explanation is everything Explain found out about a denied request.
type Explanation struct {
	Message   Message
	Principal Principal
	Fix       Fix
	// Confirmation is set when the fix was checked with the evaluator
	// against the role's policies (Options.Spec or Options.Policies).
	Confirmation *Confirmation
	// SpecChange is the fix as a change of Options.Spec, for a role the
	// spec generates.
	SpecChange *SpecChange
	// Notes say what could not be checked, and why.
	Notes []string
}

// AlreadyAllowed reports whether the role's own policies allow the
// denied request: some other policy blocks it.
func (x *Explanation) AlreadyAllowed() bool {
	c := x.Confirmation
	return c != nil && c.Before != nil && c.Before.Decision == eval.Allowed
}

// Explain reads an AccessDenied message (see Parse), says who was denied
// and proposes the fix (see Propose); with a spec or the role's policies
// it confirms the fix with the evaluator (see Confirm) and, for a role
// the spec generates, gives the fix as a change of the spec, itself
// confirmed (see ProposeSpecChange). Errors wrap ErrUnrecognized (the
// text is not an AccessDenied message) or the generator's error for a
// spec that does not generate.
func Explain(message string, opts Options) (*Explanation, error) {
	m, err := Parse(message)
	if err != nil {
		return nil, err
	}
	return ExplainMessage(m, opts)
}

// ExplainMessage is Explain for a message already parsed, for callers
// that check the message before they read the inputs of Options.
func ExplainMessage(m Message, opts Options) (*Explanation, error) {
	plan := opts.Plan
	var err error
	if plan == nil && opts.Spec != nil {
		if plan, err = rolegen.Generate(opts.Spec); err != nil {
			return nil, fmt.Errorf("generating the roles of %s: %w", opts.SpecName, err)
		}
	}
	x := &Explanation{Message: m}
	var kinds map[string]PrincipalKind
	if plan != nil {
		kinds = PlanRoleKinds(plan)
	}
	x.Principal = ClassifyPrincipal(m.Principal, kinds)
	x.Fix = Propose(m, x.Principal)
	var role *rolegen.Role
	pols := opts.Policies
	if plan != nil {
		var planPols *Policies
		role, planPols = x.findRole(plan, opts.SpecName)
		if pols == nil {
			pols = planPols
		}
	}
	if pols == nil && x.Principal.Kind == KindAnonymous && x.Fix.Statement != nil {
		// An anonymous caller has no identity-based policies: the fix is
		// confirmed against the resource policy alone.
		pols = &Policies{Source: "no identity-based policies (an anonymous caller has none)"}
	}
	if pols != nil {
		conf, err := Confirm(m, x.Fix, *pols)
		if err != nil {
			x.Notes = append(x.Notes, "the fix could not be checked: "+err.Error())
		} else {
			x.Confirmation = conf
		}
	}
	if role != nil && x.Fix.PolicyType == policy.Identity && !x.AlreadyAllowed() {
		x.SpecChange = ProposeSpecChange(opts.Spec, role, m)
		if x.SpecChange == nil {
			x.Notes = append(x.Notes, fmt.Sprintf("no key of %s grants %s on this resource: add the statement to the role outside agentiam, or ask for the feature", opts.SpecName, m.Action))
		}
	}
	return x, nil
}

// findRole looks the denied principal up among the plan's roles and
// returns the generated role with its policies, or notes why there is none.
func (x *Explanation) findRole(plan *rolegen.Plan, specName string) (*rolegen.Role, *Policies) {
	role, kept := FindRole(plan, x.Principal)
	switch {
	case role != nil:
		p := PlanPolicies(role, "the role generated from "+specName)
		return role, &p
	case kept != nil:
		x.Notes = append(x.Notes, fmt.Sprintf("%s keeps %s instead of generating it: give its policies with --policy to confirm the fix", specName, kept.ARN))
	case x.Principal.RoleName != "":
		x.Notes = append(x.Notes, fmt.Sprintf("role %s is not one of the roles %s generates", x.Principal.RoleName, specName))
	default:
		x.Notes = append(x.Notes, fmt.Sprintf("the denied principal is not a role, so it is none of the roles %s generates", specName))
	}
	return nil, nil
}
