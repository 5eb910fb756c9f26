package agentcorepolicy

import (
	"maps"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/cedar-policy/cedar-go/ast"
	"github.com/cedar-policy/cedar-go/types"
)

// Generated is the Cedar policy of one rule of a spec's policy engine.
type Generated struct {
	// Name is the rule's name: the policy's name in its engine and its
	// @id annotation.
	Name string
	// Statement is the policy in Cedar syntax, as cedar-go prints it.
	Statement string
	Rule      *agentspec.PolicyRule
}

// RulesAuth is the authorizer a gateway's rules imply: IAM when a rule
// names an IAM principal pattern, else OAuth (agentspec rejects rules
// that mix the two).
func RulesAuth(rules []agentspec.PolicyRule) Auth {
	for i := range rules {
		if rules[i].IAMPrincipal != "" {
			return AuthIAM
		}
	}
	return AuthOAuth
}

// FromRules writes one permit per rule, built with cedar-go's AST:
//
//	@id("<name>")
//	permit (principal [== AgentCore::OAuthUser::"<user>" | is <type>],
//	        action [== | in [...]] AgentCore::Action::"<tool>",
//	        resource == AgentCore::Gateway::"<gateway ARN>")
//	when { <claims> && <iam pattern> && <input limits> };
//
// A claim is a tag (principal.hasTag(k) && principal.getTag(k) == v); an
// IAM pattern is principal.id like "..."; each limited input property is
// tested with has first, so that the policy is valid whether the tool
// declares it required or optional, and a call without it is denied.
func FromRules(gatewayARN string, rules []agentspec.PolicyRule) []Generated {
	auth := RulesAuth(rules)
	out := make([]Generated, 0, len(rules))
	for i := range rules {
		r := &rules[i]
		p := ast.Annotation("id", types.String(r.Name)).Permit()
		ptype := types.EntityType(auth.PrincipalType())
		if r.User != "" {
			p.PrincipalEq(types.NewEntityUID(ptype, types.String(r.User)))
		} else {
			p.PrincipalIs(ptype)
		}
		actions := make([]types.EntityUID, len(r.Tools))
		for j, t := range r.Tools {
			actions[j] = types.NewEntityUID(TypeAction, types.String(t))
		}
		if len(actions) == 1 {
			p.ActionEq(actions[0])
		} else {
			p.ActionInSet(actions...)
		}
		p.ResourceEq(types.NewEntityUID(TypeGateway, types.String(gatewayARN)))
		if cond, ok := ruleCondition(r); ok {
			p.When(cond)
		}
		out = append(out, Generated{Name: r.Name, Statement: string(p.MarshalCedar()), Rule: r})
	}
	return out
}

// ruleCondition joins the rule's claims, IAM pattern and input limits.
func ruleCondition(r *agentspec.PolicyRule) (ast.Node, bool) {
	var parts []ast.Node
	for _, k := range slices.Sorted(maps.Keys(r.Claims)) {
		tag := ast.String(k)
		parts = append(parts, ast.Principal().HasTag(tag), ast.Principal().GetTag(tag).Equal(ast.String(r.Claims[k])))
	}
	if r.IAMPrincipal != "" {
		parts = append(parts, ast.Principal().Access("id").Like(likePattern(r.IAMPrincipal)))
	}
	var guarded []string
	for _, l := range r.Input {
		if !slices.Contains(guarded, l.Field) {
			guarded = append(guarded, l.Field)
			parts = append(parts, ast.Context().Access("input").Has(types.String(l.Field)))
		}
		parts = append(parts, limitNode(l))
	}
	if len(parts) == 0 {
		return ast.Node{}, false
	}
	cond := parts[0]
	for _, p := range parts[1:] {
		cond = cond.And(p)
	}
	return cond, true
}

// likePattern is an IAM ARN pattern as a Cedar like pattern: * matches
// any characters in both.
func likePattern(s string) types.Pattern {
	var comps []any
	for i, lit := range strings.Split(s, "*") {
		if i > 0 {
			comps = append(comps, types.Wildcard{})
		}
		if lit != "" {
			comps = append(comps, lit)
		}
	}
	return types.NewPattern(comps...)
}

// limitNode is one input limit as a Cedar comparison.
func limitNode(l agentspec.InputLimit) ast.Node {
	field := ast.Context().Access("input").Access(types.String(l.Field))
	operand := func(i int) ast.Node {
		if len(l.Numbers) > 0 {
			return ast.Long(l.Numbers[i])
		}
		return ast.String(l.Strings[i])
	}
	switch l.Op {
	case agentspec.OpLT:
		return field.LessThan(operand(0))
	case agentspec.OpLE:
		return field.LessThanOrEqual(operand(0))
	case agentspec.OpGT:
		return field.GreaterThan(operand(0))
	case agentspec.OpGE:
		return field.GreaterThanOrEqual(operand(0))
	case agentspec.OpIn:
		set := make([]ast.Node, 0, len(l.Numbers)+len(l.Strings))
		for i := range max(len(l.Numbers), len(l.Strings)) {
			set = append(set, operand(i))
		}
		return ast.Set(set...).Contains(field)
	}
	return field.Equal(operand(0))
}

// RulesGateway is the gateway the rules describe, for validating and
// testing their policies when the tools' manifests are not at hand: each
// tool a rule names, taking every property the rules limit for it, typed
// by the limit (integer or string) and optional.
func RulesGateway(gatewayARN string, rules []agentspec.PolicyRule) *Gateway {
	gw := &Gateway{ARN: gatewayARN, Auth: RulesAuth(rules)}
	byAction := map[string]*JSONSchema{}
	var order []string
	for _, r := range rules {
		for _, t := range r.Tools {
			s, ok := byAction[t]
			if !ok {
				s = &JSONSchema{Type: TypeList{"object"}, Properties: map[string]*JSONSchema{}}
				byAction[t] = s
				order = append(order, t)
			}
			for _, l := range r.Input {
				typ := "string"
				if len(l.Numbers) > 0 {
					typ = "integer"
				}
				if _, ok := s.Properties[l.Field]; !ok {
					s.Properties[l.Field] = &JSONSchema{Type: TypeList{typ}}
				}
			}
		}
	}
	for _, a := range order {
		target, tool, _ := strings.Cut(a, Sep)
		gw.Tools = append(gw.Tools, Tool{Target: target, Name: tool, Input: byAction[a]})
	}
	return gw
}
