package verify

import (
	"fmt"
	"sort"

	"github.com/agentiam/agentiam/agentcorepolicy"
	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/rolegen"
	"github.com/agentiam/agentiam/verify/expect"
)

// policyEngines verifies the Cedar policies of every gateway whose spec
// gives policy_engine rules: the cases are derived from the rules (the
// call each allows, the nearest calls it must not: another caller, an
// input just past a limit) and decided by agentcorepolicy's authorizer
// against the plan's policy for the rule; the policies are also checked
// against the schema the rules describe.
func policyEngines(spec *agentspec.Spec, plan *rolegen.Plan) ([]*SubjectReport, error) {
	var out []*SubjectReport
	for _, u := range spec.Gateways() {
		e := u.EnginePolicies
		if e == nil || len(e.Rules) == 0 {
			continue
		}
		sr := &SubjectReport{Subject: expect.Subject{Kind: expect.KindPolicyEngine, Name: u.PolicyEngine, Purpose: expect.PurposeCedarPolicies, Gateway: u.Name}, Status: Verified}
		out = append(out, sr)
		pe := planEngine(plan, u.Name)
		if pe == nil {
			sr.Status = Missing
			sr.Note = "the plan has no Cedar policies for this gateway"
			continue
		}
		if err := checkEngine(sr, spec.Account, pe, e.Rules); err != nil {
			return nil, fmt.Errorf("policy engine of gateway %s: %w", u.Name, err)
		}
	}
	return out, nil
}

func planEngine(plan *rolegen.Plan, gateway string) *rolegen.PolicyEngine {
	for _, pe := range plan.PolicyEngines {
		if pe.Gateway == gateway {
			return pe
		}
	}
	return nil
}

// checkEngine fills the subject's results from the rules' cases.
func checkEngine(sr *SubjectReport, account string, pe *rolegen.PolicyEngine, rules []agentspec.PolicyRule) error {
	v, err := agentcorepolicy.NewValidator(agentcorepolicy.RulesGateway(pe.GatewayARN, rules))
	if err != nil {
		return err
	}
	gen := make([]agentcorepolicy.Generated, len(pe.Policies))
	for i, p := range pe.Policies {
		gen[i] = agentcorepolicy.Generated{Name: p.Name, Statement: p.Statement}
	}
	ps, err := agentcorepolicy.GeneratedSet(gen)
	if err != nil {
		return err
	}
	for _, d := range v.Validate(ps) {
		sr.Warnings = append(sr.Warnings, d.Error())
		if d.Severity == diag.Error {
			sr.Status = Failed
		}
	}
	results, err := agentcorepolicy.CheckRules(v, gen, agentcorepolicy.RuleCases(rules, account))
	if err != nil {
		return err
	}
	for _, r := range results {
		sr.Results = append(sr.Results, ruleResult(pe, r))
		if !r.OK {
			sr.Status = Failed
		}
	}
	return nil
}

// ruleResult is a rule case as a verify result: required when the rule
// must allow the call, forbidden when it must not; the caller's tags and
// the tool's input are its context.
func ruleResult(pe *rolegen.PolicyEngine, r agentcorepolicy.RuleResult) Result {
	want := expect.Forbidden
	if r.Allow {
		want = expect.Required
	}
	ctx := map[string][]string{"input": {string(r.Request.Input)}}
	tags := make([]string, 0, len(r.Request.Tags))
	for k := range r.Request.Tags {
		tags = append(tags, k)
	}
	sort.Strings(tags)
	for _, k := range tags {
		ctx["tag:"+k] = []string{r.Request.Tags[k]}
	}
	decision := eval.ImplicitlyDenied
	switch {
	case r.Decision.Allow:
		decision = eval.Allowed
	case len(r.Decision.Determining) > 0:
		decision = eval.ExplicitlyDenied
	}
	return Result{
		Check: expect.Check{
			Expect: want, Why: "rule " + r.Rule + ": " + r.Why,
			Principal: pe.Auth.PrincipalType() + "::" + r.Request.PrincipalID,
			Action:    r.Request.Tool, Resource: pe.GatewayARN, Context: ctx,
		},
		Decision: decision, OK: r.OK,
	}
}
