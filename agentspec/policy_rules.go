package agentspec

import (
	"bytes"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/agentiam/agentiam/diag"
	"github.com/goccy/go-yaml/ast"
)

// Policy engine modes (the gateway's policyEngineConfiguration.mode and
// a policy's EnforcementMode).
const (
	ModeEnforce = "ENFORCE"
	ModeLogOnly = "LOG_ONLY"
)

// Operators of an input limit.
const (
	OpLT = "lt" // <
	OpLE = "le" // <=
	OpGT = "gt" // >
	OpGE = "ge" // >=
	OpEq = "eq" // ==
	OpIn = "in" // one of a list
)

var (
	limitOps = []string{OpLT, OpLE, OpGT, OpGE, OpEq, OpIn}
	// ruleKeys are the keys of a rule of policy_engine.rules.
	ruleKeys = []string{"name", "tools", "user", "claims", "iam_principal", "input"}
	// policyNameRE: a policy's name in its engine, as CreatePolicy takes it.
	policyNameRE = lazyRegexp(`^[A-Za-z][A-Za-z0-9_]{0,47}$`)
	// toolActionRE: <target>___<tool>, the gateway's name of a tool.
	toolActionRE = lazyRegexp(`^[^"\\*]+?___[^"\\*]+$`)
	// inputFieldRE: a property of the tool's input, a Cedar identifier.
	inputFieldRE = lazyRegexp(`^[_a-zA-Z][_a-zA-Z0-9]*$`)
	// iamPrincipalRE: an IAM or STS ARN pattern, matched with Cedar's like.
	iamPrincipalRE = lazyRegexp(`^arn:aws[a-z-]*:(iam|sts)::([0-9]{12}|\*):[^"\\?]+$`)
	// gatewayIDSuffix: the ten characters AgentCore appends to a gateway's
	// name: AWS::BedrockAgentCore::Gateway's GatewayIdentifier has pattern
	// ^([0-9a-z][-]?){1,100}-[0-9a-z]{10}$ (the name part is gatewayNameRE).
	gatewayIDSuffix = regexp.MustCompile(`^[0-9a-z]{10}$`)
)

// EnginePolicies are the Cedar policies agentiam writes into a gateway's
// policy engine (policy_engine: {mode, gateway_id, rules}).
type EnginePolicies struct {
	// Mode is ENFORCE (the default) or LOG_ONLY.
	Mode string
	// GatewayID is the gateway's id (its name, '-' and ten characters):
	// policies that name tools must name the gateway's ARN, and it pins
	// every grant on the gateway (Spec.GatewayID).
	GatewayID string
	Rules     []PolicyRule
}

// PolicyRule permits callers to call tools within input limits. Callers
// are OAuth users (User, the token's sub; Claims, every one required) or
// IAM principals (IAMPrincipal, an ARN pattern); a rule naming none
// permits every caller.
type PolicyRule struct {
	// Name is the policy's name in the engine (rule_N by default).
	Name         string
	Tools        []string
	User         string
	Claims       map[string]string
	IAMPrincipal string
	Input        []InputLimit
	// Pos is where the rule is in the spec.
	Pos diag.Pos
}

// OAuth reports whether the rule names OAuth callers.
func (r *PolicyRule) OAuth() bool { return r.User != "" || len(r.Claims) > 0 }

// InputLimit bounds one property of the tools' input: Field Op Value,
// with integer (Numbers) or string (Strings) operands; OpIn takes
// several, the others one.
type InputLimit struct {
	Field   string
	Op      string
	Numbers []int64
	Strings []string
}

// enginePolicies reads mode, gateway_id and rules of policy_engine.
func (l *loader) enginePolicies(gateway string, fs map[string]field) *EnginePolicies {
	_, hasMode := fs["mode"]
	_, hasGW := fs["gateway_id"]
	rf, hasRules := fs["rules"]
	if !hasMode && !hasGW && !hasRules {
		return nil
	}
	e := &EnginePolicies{Mode: ModeEnforce}
	if f, ok := fs["mode"]; ok {
		if v, ok := l.str(f); ok {
			if v != ModeEnforce && v != ModeLogOnly {
				l.enumError(f, v, ModeEnforce, ModeLogOnly)
			}
			e.Mode = v
		}
	}
	if f, ok := fs["gateway_id"]; ok {
		e.GatewayID = l.gatewayID(gateway, f)
	}
	if hasRules {
		names := map[string]bool{}
		for i, it := range l.list(rf) {
			r := l.policyRule(it, i)
			if names[r.Name] {
				l.errorAt(it.pos, CodeDuplicate, "two rules of policy_engine are named %s: a policy's name is unique in its engine", r.Name)
			}
			names[r.Name] = true
			e.Rules = append(e.Rules, r)
		}
		if len(e.Rules) > 0 && !hasGW {
			l.errorAt(rf.keyPos, CodeMissingKey, "policy_engine with rules needs \"gateway_id\": the policies name the gateway's ARN (its id is %s-XXXXXXXXXX, as CreateGateway returned it)", gateway)
		}
	}
	l.checkAuthorizers(e.Rules)
	return e
}

func (l *loader) gatewayID(gateway string, f field) string {
	v, ok := l.str(f)
	if !ok {
		return ""
	}
	suffix, found := strings.CutPrefix(v, gateway+"-")
	if found && gatewayIDSuffix.MatchString(suffix) {
		return v
	}
	const msg = "gateway_id %q must be the id of gateway %s: %s-, then ten lowercase letters or digits (GatewayIdentifier ^([0-9a-z][-]?){1,100}-[0-9a-z]{10}$)"
	if found && gatewayIDSuffix.MatchString(strings.ToLower(suffix)) {
		l.suggestAt(nodePos(f.value), CodeInvalidValue, gateway+"-"+strings.ToLower(suffix), msg, v, gateway, gateway)
	} else {
		l.errorAt(nodePos(f.value), CodeInvalidValue, msg, v, gateway, gateway)
	}
	return v
}

// checkAuthorizers rejects OAuth and IAM callers in one engine's rules:
// a gateway has one authorizer, which decides the principal type.
func (l *loader) checkAuthorizers(rules []PolicyRule) {
	var oauth, iam *PolicyRule
	for i := range rules {
		r := &rules[i]
		if r.OAuth() && oauth == nil {
			oauth = r
		}
		if r.IAMPrincipal != "" && iam == nil {
			iam = r
		}
	}
	if oauth != nil && iam != nil && oauth != iam {
		later := max(oauth.Pos.Offset, iam.Pos.Offset)
		at := oauth.Pos
		if iam.Pos.Offset == later {
			at = iam.Pos
		}
		l.errorAt(at, CodeInvalidValue, "rules %s and %s name OAuth callers (user, claims) and IAM callers (iam_principal): a gateway has one authorizer", oauth.Name, iam.Name)
	}
}

// policyRule reads one rule.
func (l *loader) policyRule(it item, i int) PolicyRule {
	const what = "a policy_engine rule"
	fs := l.fields(it.node, what, ruleKeys...)
	l.require(fs, it.pos, what, "tools")
	r := PolicyRule{Name: fmt.Sprintf("rule_%d", i+1), Pos: it.pos}
	if f, ok := fs["name"]; ok {
		if v, ok := l.str(f); ok {
			if !policyNameRE.MatchString(v) {
				l.errorAt(nodePos(f.value), CodeInvalidName, "rule name %q must be a letter, then up to 47 letters, digits or '_' (a policy's name in its engine)", v)
			}
			r.Name = v
		}
	}
	if f, ok := fs["tools"]; ok {
		r.Tools = l.ruleTools(f)
	}
	if f, ok := fs["user"]; ok {
		r.User, _ = l.str(f)
	}
	if f, ok := fs["claims"]; ok {
		r.Claims = l.claims(f)
	}
	if f, ok := fs["iam_principal"]; ok {
		if v, ok := l.str(f); ok {
			if !iamPrincipalRE.MatchString(v) {
				l.errorAt(nodePos(f.value), CodeInvalidValue, "iam_principal %q must be an IAM or STS ARN pattern (* matches any characters, as in Cedar's like; no ?), such as arn:aws:iam::123456789012:role/RefundAgent*", v)
			}
			r.IAMPrincipal = v
		}
	}
	if r.OAuth() && r.IAMPrincipal != "" {
		l.errorAt(it.pos, CodeInvalidValue, "rule %s names OAuth callers (user, claims) and an IAM caller (iam_principal): a gateway has one authorizer", r.Name)
	}
	if f, ok := fs["input"]; ok {
		r.Input = l.inputLimits(f)
	}
	return r
}

// ruleTools reads tools: [<target>___<tool>, ...].
func (l *loader) ruleTools(f field) []string {
	var out []string
	for _, p := range l.strList(f) {
		if !toolActionRE.MatchString(p.value) {
			if target, tool, ok := strings.Cut(p.value, "__"); ok && target != "" && tool != "" && !strings.ContainsAny(p.value, `"\*`) {
				l.suggestAt(p.pos, CodeInvalidValue, target+"___"+strings.TrimLeft(tool, "_"), "tool %q: a gateway names its tools <target>___<tool>, with three underscores", p.value)
			} else {
				l.errorAt(p.pos, CodeInvalidValue, "tool %q must be <target>___<tool> as the gateway lists it (no wildcards: list the tools)", p.value)
			}
			continue
		}
		out = append(out, p.value)
	}
	if len(out) == 0 && len(l.list(f)) == 0 {
		l.errorAt(nodePos(l.resolve(f.value)), CodeInvalidValue, "tools must list at least one tool")
	}
	return out
}

// claims reads {claim: value, ...}: the OAuth claims the caller's token
// must carry.
func (l *loader) claims(f field) map[string]string {
	pairs, _ := l.mapping(f.value, "claims")
	out := map[string]string{}
	for _, p := range pairs {
		if v, ok := l.str(p); ok {
			out[p.key] = v
		}
	}
	return out
}

// inputLimits reads {field: {op: value}, ...}.
func (l *loader) inputLimits(f field) []InputLimit {
	pairs, _ := l.mapping(f.value, "input")
	var out []InputLimit
	for _, p := range pairs {
		if !inputFieldRE.MatchString(p.key) {
			l.errorAt(p.keyPos, CodeInvalidName, "input field %q must be a property name of the tool's input (letters, digits, '_')", p.key)
			continue
		}
		ops, _ := l.mapping(p.value, "input field "+p.key)
		if len(ops) == 0 {
			l.errorAt(nodePos(l.resolve(p.value)), CodeMissingKey, "input field %s needs a limit: one of %s", p.key, strings.Join(limitOps, ", "))
		}
		var lim []InputLimit
		for _, op := range ops {
			if x, ok := l.inputLimit(p.key, op); ok {
				lim = append(lim, x)
			}
		}
		l.checkRange(p, lim)
		out = append(out, lim...)
	}
	return out
}

func (l *loader) inputLimit(name string, op field) (InputLimit, bool) {
	if !slices.Contains(limitOps, op.key) {
		if s, ok := closest(op.key, limitOps); ok {
			l.suggestAt(op.keyPos, CodeUnknownKey, s, "unknown limit %q on input field %s", op.key, name)
		} else {
			l.errorAt(op.keyPos, CodeUnknownKey, "unknown limit %q on input field %s (limits: %s)", op.key, name, strings.Join(limitOps, ", "))
		}
		return InputLimit{}, false
	}
	lim := InputLimit{Field: name, Op: op.key}
	values := []item{{node: op.value, pos: nodePos(l.resolve(op.value))}}
	if op.key == OpIn {
		values = l.list(op)
		if len(values) == 0 {
			l.errorAt(nodePos(l.resolve(op.value)), CodeInvalidValue, "in on input field %s needs at least one value", name)
			return lim, false
		}
	}
	for _, v := range values {
		n := l.resolve(v.node)
		switch x := n.(type) {
		case *ast.IntegerNode:
			i, err := strconv.ParseInt(x.GetToken().Value, 0, 64)
			if err != nil {
				l.errorAt(v.pos, CodeInvalidValue, "%s is not a 64-bit integer", x.GetToken().Value)
				return lim, false
			}
			lim.Numbers = append(lim.Numbers, i)
		case *ast.StringNode:
			lim.Strings = append(lim.Strings, x.Value)
		default:
			l.errorAt(v.pos, CodeWrongType, "a limit on input field %s is an integer or a string, found %s", name, kindName(n))
			return lim, false
		}
	}
	switch {
	case len(lim.Numbers) > 0 && len(lim.Strings) > 0:
		l.errorAt(nodePos(l.resolve(op.value)), CodeWrongType, "the values of in on input field %s are all integers or all strings", name)
		return lim, false
	case len(lim.Strings) > 0 && op.key != OpEq && op.key != OpIn:
		l.errorAt(nodePos(l.resolve(op.value)), CodeWrongType, "%s on input field %s compares integers; strings take eq or in", op.key, name)
		return lim, false
	}
	return lim, true
}

// checkRange rejects integer limits no value satisfies (lt 5 with gt 10):
// the policy would never apply.
func (l *loader) checkRange(f field, lims []InputLimit) {
	lo, hi := int64(-1<<63), int64(1<<63-1)
	for _, x := range lims {
		if len(x.Numbers) != 1 {
			continue
		}
		n := x.Numbers[0]
		switch x.Op {
		case OpLT:
			hi = min(hi, n-1)
		case OpLE:
			hi = min(hi, n)
		case OpGT:
			lo = max(lo, n+1)
		case OpGE:
			lo = max(lo, n)
		case OpEq:
			lo, hi = max(lo, n), min(hi, n)
		}
	}
	if lo > hi {
		l.errorAt(nodePos(l.resolve(f.value)), CodeInvalidValue, "no value of input field %s satisfies these limits: the rule would never apply", f.key)
	}
}

// equal reports whether two agents describe the engine's policies alike.
func (e *EnginePolicies) equal(o *EnginePolicies) bool {
	if e == nil || o == nil {
		return e == o
	}
	return e.Mode == o.Mode && e.GatewayID == o.GatewayID && slices.EqualFunc(e.Rules, o.Rules, func(a, b PolicyRule) bool {
		return a.Name == b.Name && slices.Equal(a.Tools, b.Tools) && a.User == b.User && maps.Equal(a.Claims, b.Claims) &&
			a.IAMPrincipal == b.IAMPrincipal && slices.EqualFunc(a.Input, b.Input, func(x, y InputLimit) bool {
			return x.Field == y.Field && x.Op == y.Op && slices.Equal(x.Numbers, y.Numbers) && slices.Equal(x.Strings, y.Strings)
		})
	})
}

// marshalPolicyEngine writes policy_engine the way policyEngine reads it.
func marshalPolicyEngine(b *bytes.Buffer, indent, id string, e *EnginePolicies) {
	if e == nil {
		fmt.Fprintf(b, "%spolicy_engine: {id: %s}\n", indent, flowScalar(id))
		return
	}
	in := indent + "  "
	fmt.Fprintf(b, "%spolicy_engine:\n", indent)
	kv(b, in, "id", id)
	kv(b, in, "mode", e.Mode)
	kv(b, in, "gateway_id", e.GatewayID)
	if len(e.Rules) == 0 {
		return
	}
	b.WriteString(in + "rules:\n")
	for _, r := range e.Rules {
		fmt.Fprintf(b, "%s  - name: %s\n", in, scalar(r.Name))
		marshalRule(b, in+"    ", r)
	}
}

func marshalRule(b *bytes.Buffer, in string, r PolicyRule) {
	tools := make([]string, len(r.Tools))
	for i, t := range r.Tools {
		tools[i] = flowScalar(t)
	}
	fmt.Fprintf(b, "%stools: [%s]\n", in, strings.Join(tools, ", "))
	kv(b, in, "user", r.User)
	if len(r.Claims) > 0 {
		var kvs []string
		for _, k := range slices.Sorted(maps.Keys(r.Claims)) {
			kvs = append(kvs, flowScalar(k)+": "+flowScalar(r.Claims[k]))
		}
		fmt.Fprintf(b, "%sclaims: {%s}\n", in, strings.Join(kvs, ", "))
	}
	kv(b, in, "iam_principal", r.IAMPrincipal)
	if len(r.Input) == 0 {
		return
	}
	b.WriteString(in + "input:\n")
	var fields []string
	byField := map[string][]string{}
	for _, x := range r.Input {
		if _, seen := byField[x.Field]; !seen {
			fields = append(fields, x.Field)
		}
		byField[x.Field] = append(byField[x.Field], x.Op+": "+limitValue(x))
	}
	for _, f := range fields {
		fmt.Fprintf(b, "%s  %s: {%s}\n", in, f, strings.Join(byField[f], ", "))
	}
}

// limitValue writes a limit's operand: integers plain, strings always
// quoted (so that "500" stays a string), in as a list.
func limitValue(x InputLimit) string {
	var vs []string
	for _, n := range x.Numbers {
		vs = append(vs, strconv.FormatInt(n, 10))
	}
	for _, s := range x.Strings {
		vs = append(vs, quoteAlways(s))
	}
	if x.Op == OpIn {
		return "[" + strings.Join(vs, ", ") + "]"
	}
	return vs[0]
}
