package agentcorepolicy

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/arn"
)

// RuleCase is a tool call derived from a rule of the spec: the call the
// rule allows, or one of the nearest calls it must not allow (another
// caller, an input past a limit).
type RuleCase struct {
	Rule string
	// Allow is what the rule's own policy must decide: Allow means it
	// permits the call, !Allow that it does not (another rule may).
	Allow bool
	// Why says what the case tests, for people.
	Why     string
	Request Request
}

// Caller ids of the derived cases.
const (
	anyCaller   = "agentiam-caller"
	otherSuffix = "-other"
)

// RuleCases derives, for every tool of every rule, the allowed call and
// the nearest denied ones. gatewayAccount is the account of an IAM
// caller the rule does not constrain.
func RuleCases(rules []agentspec.PolicyRule, gatewayAccount string) []RuleCase {
	auth := RulesAuth(rules)
	var out []RuleCase
	for i := range rules {
		r := &rules[i]
		allowed := allowedCall(r, auth, gatewayAccount)
		for _, tool := range r.Tools {
			call := allowed
			call.Tool = tool
			out = append(out, RuleCase{Rule: r.Name, Allow: true, Why: "the call the rule allows", Request: call})
			for _, d := range deniedCalls(r, call) {
				out = append(out, RuleCase{Rule: r.Name, Why: d.why, Request: d.req})
			}
		}
	}
	return out
}

// allowedCall is a caller and input the rule allows (without the tool).
func allowedCall(r *agentspec.PolicyRule, auth Auth, account string) Request {
	req := Request{PrincipalID: anyCaller}
	switch {
	case r.User != "":
		req.PrincipalID = r.User
	case r.IAMPrincipal != "":
		req.PrincipalID = strings.ReplaceAll(r.IAMPrincipal, "*", "agentiam")
	case auth == AuthIAM:
		req.PrincipalID = "arn:aws:iam::" + account + ":role/" + anyCaller
	}
	if len(r.Claims) > 0 {
		req.Tags = maps.Clone(r.Claims)
	}
	input := map[string]any{}
	for _, f := range limitedFields(r) {
		input[f] = satisfying(r.Input, f)
	}
	req.Input = mustJSON(input)
	return req
}

type denied struct {
	why string
	req Request
}

// deniedCalls are the allowed call with one thing changed: the caller,
// one claim, or one input past one limit.
func deniedCalls(r *agentspec.PolicyRule, allowed Request) []denied {
	var out []denied
	with := func(why string, change func(*Request)) {
		req := allowed
		req.Tags = maps.Clone(allowed.Tags)
		change(&req)
		out = append(out, denied{why, req})
	}
	if r.User != "" {
		with("another user", func(q *Request) { q.PrincipalID = r.User + otherSuffix })
	}
	for _, k := range slices.Sorted(maps.Keys(r.Claims)) {
		with(fmt.Sprintf("claim %s other than %s", k, r.Claims[k]), func(q *Request) { q.Tags[k] = r.Claims[k] + otherSuffix })
	}
	if r.IAMPrincipal != "" {
		with("a caller outside "+r.IAMPrincipal, func(q *Request) { q.PrincipalID = outside(r.IAMPrincipal) })
	}
	var input map[string]any
	_ = json.Unmarshal(allowed.Input, &input)
	for _, l := range r.Input {
		v, why := past(l)
		with(fmt.Sprintf("input %s %s", l.Field, why), func(q *Request) {
			changed := maps.Clone(input)
			changed[l.Field] = v
			q.Input = mustJSON(changed)
		})
	}
	return out
}

// outside returns a caller ARN the pattern does not match.
func outside(pattern string) string {
	for _, c := range []string{
		"arn:aws:iam::999999999999:role/agentiam" + otherSuffix,
		"arn:aws:sts::999999999999:assumed-role/agentiam" + otherSuffix + "/session",
		"agentiam" + otherSuffix,
	} {
		if !arn.Wildcard(pattern, c) {
			return c
		}
	}
	return "" // agentspec accepts no pattern that matches all three
}

// limitedFields are the input fields the rule limits, in spec order.
func limitedFields(r *agentspec.PolicyRule) []string {
	var out []string
	for _, l := range r.Input {
		if !slices.Contains(out, l.Field) {
			out = append(out, l.Field)
		}
	}
	return out
}

// satisfying is a value of field that meets every limit on it, as close
// to an upper bound as it can be (so that the denied case just past it
// is the nearest one).
func satisfying(lims []agentspec.InputLimit, field string) any {
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	var strs []string
	isString := false
	for _, l := range lims {
		if l.Field != field {
			continue
		}
		if len(l.Strings) > 0 {
			isString = true
			strs = append(strs, l.Strings[0])
			continue
		}
		n := l.Numbers[0]
		switch l.Op {
		case agentspec.OpLT:
			hi = min(hi, n-1)
		case agentspec.OpLE:
			hi = min(hi, n)
		case agentspec.OpGT:
			lo = max(lo, n+1)
		case agentspec.OpGE:
			lo = max(lo, n)
		case agentspec.OpEq, agentspec.OpIn:
			lo, hi = max(lo, n), min(hi, n)
		}
	}
	switch {
	case isString:
		return strs[0]
	case hi != math.MaxInt64:
		return hi
	case lo != math.MinInt64:
		return lo
	}
	return int64(0)
}

// past is the nearest value that breaks the limit, and why.
func past(l agentspec.InputLimit) (any, string) {
	if len(l.Strings) > 0 {
		v := l.Strings[0] + otherSuffix
		return v, fmt.Sprintf("%q, not %s", v, describe(l))
	}
	n := l.Numbers[0]
	var v int64
	switch l.Op {
	case agentspec.OpLT, agentspec.OpGT:
		v = n
	case agentspec.OpLE:
		v = n + 1
	case agentspec.OpGE:
		v = n - 1
	default: // eq, in: one more than the largest value
		v = slices.Max(l.Numbers) + 1
	}
	return v, fmt.Sprintf("%d, not %s", v, describe(l))
}

func describe(l agentspec.InputLimit) string {
	sym := map[string]string{agentspec.OpLT: "<", agentspec.OpLE: "<=", agentspec.OpGT: ">", agentspec.OpGE: ">=", agentspec.OpEq: "==", agentspec.OpIn: "in"}[l.Op]
	var vs []string
	for _, n := range l.Numbers {
		vs = append(vs, fmt.Sprint(n))
	}
	for _, s := range l.Strings {
		vs = append(vs, fmt.Sprintf("%q", s))
	}
	if l.Op == agentspec.OpIn {
		return sym + " [" + strings.Join(vs, ", ") + "]"
	}
	return sym + " " + vs[0]
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // maps of strings and integers always marshal
	}
	return b
}

// RuleResult is a rule case decided by the evaluator.
type RuleResult struct {
	RuleCase
	// Decision is the rule's own policy's decision: each case is decided
	// against that policy alone, so that another rule allowing the call
	// does not hide a policy that is too loose.
	Decision Decision
	OK       bool
}

// CheckRules decides every case against the policy generated for its
// rule (a rule without one denies everything) and judges each decision.
func CheckRules(v *Validator, gen []Generated, cases []RuleCase) ([]RuleResult, error) {
	sets := map[string]*PolicySet{}
	for _, g := range gen {
		ps, err := GeneratedSet([]Generated{g})
		if err != nil {
			return nil, err
		}
		sets[g.Name] = ps
	}
	out := make([]RuleResult, 0, len(cases))
	for _, c := range cases {
		ps, ok := sets[c.Rule]
		if !ok {
			ps = NewPolicySet()
		}
		d, err := v.Authorize(ps, c.Request)
		if err != nil {
			return nil, fmt.Errorf("rule %s: %w", c.Rule, err)
		}
		out = append(out, RuleResult{RuleCase: c, Decision: d, OK: d.Allow == c.Allow && len(d.Errors) == 0})
	}
	return out, nil
}

// GeneratedSet parses generated policies into a set, one file per
// policy named after its rule.
func GeneratedSet(gen []Generated) (*PolicySet, error) {
	ps := NewPolicySet()
	for _, g := range gen {
		if err := ps.AddFile(g.Name+".cedar", []byte(g.Statement)); err != nil {
			return nil, err
		}
	}
	return ps, nil
}
