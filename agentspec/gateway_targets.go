package agentspec

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/diag"
)

// gatewayTargetKeys are the keys of a gateway besides name,
// lambda_targets and outbound: the targets and settings that the
// gateway reaches or uses with its own role.
var gatewayTargetKeys = []string{
	"openapi_targets", "smithy_targets", "api_gateway_targets", "mcp_targets",
	"interceptors", "kms_key", "policy_engine",
}

// GatewayTargets are the targets of a gateway, besides Lambda functions,
// that its role reaches, and the key and policy engine it uses.
type GatewayTargets struct {
	// OpenAPISchemas are the s3://bucket/key URIs of OpenAPI schemas the
	// gateway reads from S3 (openapi_targets; inline schemas need no
	// access and are not listed).
	OpenAPISchemas []string
	// SmithyTargets are AWS services the gateway calls with its role
	// (IAM outbound authorization, SigV4).
	SmithyTargets []SmithyTarget
	// APIGatewayTargets are Amazon API Gateway REST API stages.
	APIGatewayTargets []APIGatewayTarget
	// MCPAgents are AgentCore agents of the spec whose runtimes serve as
	// MCP server targets.
	MCPAgents []string
	// Interceptors are the Lambda functions (ARNs) that intercept the
	// gateway's requests and responses.
	Interceptors []string
	// KMSKey is the customer managed key (ARN) that encrypts the gateway.
	KMSKey string
	// PolicyEngine is the id of the AgentCore policy engine that
	// authorizes the gateway's tool calls.
	PolicyEngine string
	// EnginePolicies are the Cedar policies agentiam writes into the
	// policy engine, when the spec gives rules; nil otherwise.
	EnginePolicies *EnginePolicies

	// Where the spec says them, for the checks across agents.
	mcpRefs           []positioned
	kmsPos, enginePos diag.Pos
}

// SmithyTarget is an AWS service the gateway calls through a Smithy
// model: the actions (catalog casing, "service:Action") and the
// resources they act on.
type SmithyTarget struct {
	Service   string
	Actions   []string
	Resources []string
}

// APIGatewayTarget is a stage of an API Gateway REST API.
type APIGatewayTarget struct {
	RestAPIID string
	Stage     string
}

// needsRole reports whether any of the targets or settings needs the
// gateway role.
func (t *GatewayTargets) needsRole() bool {
	return len(t.OpenAPISchemas)+len(t.SmithyTargets)+len(t.APIGatewayTargets)+len(t.MCPAgents)+len(t.Interceptors) > 0 ||
		t.KMSKey != "" || t.PolicyEngine != ""
}

// merge adds what o lists that t does not hold yet; the key and the
// policy engine are the first agent's (Parse rejects two different ones).
func (t *GatewayTargets) merge(o GatewayTargets) {
	t.OpenAPISchemas = appendNew(t.OpenAPISchemas, o.OpenAPISchemas...)
	for _, s := range o.SmithyTargets {
		if !slices.ContainsFunc(t.SmithyTargets, func(x SmithyTarget) bool {
			return x.Service == s.Service && slices.Equal(x.Actions, s.Actions) && slices.Equal(x.Resources, s.Resources)
		}) {
			t.SmithyTargets = append(t.SmithyTargets, s)
		}
	}
	for _, a := range o.APIGatewayTargets {
		if !slices.Contains(t.APIGatewayTargets, a) {
			t.APIGatewayTargets = append(t.APIGatewayTargets, a)
		}
	}
	t.MCPAgents = appendNew(t.MCPAgents, o.MCPAgents...)
	t.Interceptors = appendNew(t.Interceptors, o.Interceptors...)
	if t.KMSKey == "" {
		t.KMSKey = o.KMSKey
	}
	if t.PolicyEngine == "" {
		t.PolicyEngine = o.PolicyEngine
	}
	if t.EnginePolicies == nil {
		t.EnginePolicies = o.EnginePolicies
	}
}

var (
	// restAPIIDRE: API Gateway gives REST APIs ten lowercase letters or digits.
	restAPIIDRE = lazyRegexp(`^[a-z0-9]{10}$`)
	// stageNameRE: stage names are letters, digits, '-' and '_'.
	stageNameRE = lazyRegexp(`^[A-Za-z0-9_-]{1,128}$`)
	// policyEngineIDRE: a policy engine's name ([A-Za-z][A-Za-z0-9_]*, at
	// most 48 characters), '-' and the ten characters AgentCore appends,
	// lowercase: AWS::BedrockAgentCore::Policy's PolicyEngineId (and
	// PolicyEngine's) has pattern ^[A-Za-z][A-Za-z0-9_]*-[a-z0-9_]{10}$
	// (CloudFormation resource schema; cfn-lint E3031 rejects an
	// uppercase suffix). https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-bedrockagentcore-policy.html
	policyEngineIDRE = lazyRegexp(`^[A-Za-z][A-Za-z0-9_]{0,47}-[a-z0-9_]{10}$`)
)

// gatewayTargets reads the target keys of a gateway mapping.
func (l *loader) gatewayTargets(a *Agent, gateway string, fs map[string]field) GatewayTargets {
	var t GatewayTargets
	if f, ok := fs["openapi_targets"]; ok {
		t.OpenAPISchemas = l.openAPITargets(f)
	}
	if f, ok := fs["smithy_targets"]; ok {
		for _, it := range l.list(f) {
			if s, ok := l.smithyTarget(it); ok {
				t.SmithyTargets = append(t.SmithyTargets, s)
			}
		}
	}
	if f, ok := fs["api_gateway_targets"]; ok {
		t.APIGatewayTargets = l.apiGatewayTargets(f)
	}
	if f, ok := fs["mcp_targets"]; ok {
		t.mcpRefs = l.mcpTargets(f)
		for _, r := range t.mcpRefs {
			t.MCPAgents = append(t.MCPAgents, r.value)
		}
	}
	if f, ok := fs["interceptors"]; ok {
		t.Interceptors = l.arnList(f, "lambda", "function")
	}
	if f, ok := fs["kms_key"]; ok {
		if v, ok := l.str(f); ok && l.checkARN(positioned{v, nodePos(f.value)}, "kms_key", "kms", "key") {
			if parsed, _ := arn.Parse(v); parsed.Region != a.Region {
				l.errorAt(nodePos(f.value), CodeInvalidValue, "kms_key %q is in region %s; the gateway is in %s and can only use a key of its own region", v, parsed.Region, a.Region)
			}
			t.KMSKey, t.kmsPos = v, nodePos(f.value)
		}
	}
	if f, ok := fs["policy_engine"]; ok {
		t.PolicyEngine, t.EnginePolicies = l.policyEngine(gateway, f)
		t.enginePos = nodePos(f.value)
	}
	return t
}

// openAPITargets reads {schema: s3://bucket/key} entries.
func (l *loader) openAPITargets(f field) []string {
	var out []string
	for _, p := range l.entryValues(f, "openapi_targets", "schema") {
		v := p.value
		bucket, key, found := strings.Cut(strings.TrimPrefix(v, "s3://"), "/")
		switch {
		case !strings.HasPrefix(v, "s3://") || !found || key == "" || !bucketRE.MatchString(bucket):
			l.errorAt(p.pos, CodeInvalidValue, "schema must be the S3 URI s3://bucket/key of an OpenAPI schema (inline schemas need no access: leave them out), found %q", v)
		case strings.ContainsAny(key, "*?"):
			l.errorAt(p.pos, CodeInvalidValue, "schema %q names one object: no wildcards", v)
		case slices.Contains(out, v):
			l.errorAt(p.pos, CodeDuplicate, "schema %q is listed twice in openapi_targets", v)
		default:
			out = append(out, v)
		}
	}
	return out
}

// entryValues reads a list of one-key mappings ({key: VALUE}) and
// returns each string value with its position.
func (l *loader) entryValues(f field, list, key string) []positioned {
	var out []positioned
	what := "an " + list + " entry"
	for _, it := range l.list(f) {
		fs := l.fields(it.node, what, key)
		l.require(fs, it.pos, what, key)
		if g, ok := fs[key]; ok {
			if v, ok := l.str(g); ok {
				out = append(out, positioned{v, nodePos(g.value)})
			}
		}
	}
	return out
}

// arnList reads a list of ARNs of one resource type, named after its key.
func (l *loader) arnList(f field, service, resourceType string) []string {
	var out []string
	for _, p := range l.strList(f) {
		if l.checkARN(p, f.key, service, resourceType) {
			out = append(out, p.value)
		}
	}
	return out
}

// apiGatewayTargets reads {rest_api_id: ..., stage: ...} entries.
func (l *loader) apiGatewayTargets(f field) []APIGatewayTarget {
	var out []APIGatewayTarget
	for _, it := range l.list(f) {
		fs := l.fields(it.node, "an api_gateway_targets entry", "rest_api_id", "stage")
		l.require(fs, it.pos, "an api_gateway_targets entry", "rest_api_id", "stage")
		var t APIGatewayTarget
		if g, ok := fs["rest_api_id"]; ok {
			if v, ok := l.str(g); ok {
				if !restAPIIDRE.MatchString(v) {
					l.errorAt(nodePos(g.value), CodeInvalidValue, "rest_api_id %q must be the ten lowercase letters or digits API Gateway assigned to the REST API", v)
				}
				t.RestAPIID = v
			}
		}
		if g, ok := fs["stage"]; ok {
			if v, ok := l.str(g); ok {
				if !stageNameRE.MatchString(v) {
					l.errorAt(nodePos(g.value), CodeInvalidName, "stage %q must be 1 to 128 letters, digits, '-' or '_'", v)
				}
				t.Stage = v
			}
		}
		if t.RestAPIID == "" || t.Stage == "" {
			continue
		}
		if slices.Contains(out, t) {
			l.errorAt(it.pos, CodeDuplicate, "stage %s of REST API %s is listed twice in api_gateway_targets", t.Stage, t.RestAPIID)
			continue
		}
		out = append(out, t)
	}
	return out
}

// mcpTargets reads {agent: NAME} entries; checkGatewayTargets resolves
// the names once every agent is known.
func (l *loader) mcpTargets(f field) []positioned {
	var out []positioned
	for _, p := range l.entryValues(f, "mcp_targets", "agent") {
		if slices.ContainsFunc(out, func(o positioned) bool { return o.value == p.value }) {
			l.errorAt(p.pos, CodeDuplicate, "agent %q is listed twice in mcp_targets", p.value)
			continue
		}
		out = append(out, p)
	}
	return out
}

// policyEngine reads policy_engine: {id: ..., mode, gateway_id, rules}.
func (l *loader) policyEngine(gateway string, f field) (string, *EnginePolicies) {
	fs := l.fields(f.value, "policy_engine", "id", "mode", "gateway_id", "rules")
	l.require(fs, nodePos(l.resolve(f.value)), "policy_engine", "id")
	e := l.enginePolicies(gateway, fs)
	g, ok := fs["id"]
	if !ok {
		return "", e
	}
	v, ok := l.str(g)
	if !ok {
		return "", e
	}
	if !policyEngineIDRE.MatchString(v) {
		l.badPolicyEngineID(nodePos(g.value), v)
	}
	return v, e
}

// badPolicyEngineID reports an id that is not a policy engine's, with
// the id lowercased after its name as suggestion where that is one.
func (l *loader) badPolicyEngineID(at diag.Pos, v string) {
	const msg = "policy engine id %q must be a name, '-' and 10 lowercase letters, digits or '_', as AgentCore returns it (for example support_policies-abcdef1234)"
	if i := strings.LastIndexByte(v, '-'); i >= 0 {
		if fixed := v[:i+1] + strings.ToLower(v[i+1:]); fixed != v && policyEngineIDRE.MatchString(fixed) {
			l.suggestAt(at, CodeInvalidValue, fixed, msg, v)
			return
		}
	}
	l.errorAt(at, CodeInvalidValue, msg, v)
}

// checkGatewayTargets resolves mcp_targets to AgentCore agents of the
// spec and rejects two agents that give one gateway a different key or
// policy engine.
func (l *loader) checkGatewayTargets(s *Spec) {
	var runtimes []string
	for _, a := range s.Agents {
		if a.Type == AgentCore {
			runtimes = append(runtimes, a.Name)
		}
	}
	type setting struct{ value, from string }
	keys, engines := map[string]setting{}, map[string]setting{}
	type engineRules struct {
		policies *EnginePolicies
		agent    string
	}
	rules := map[string]engineRules{}
	same := func(seen map[string]setting, gateway, key, value, agent string, at diag.Pos) {
		if value == "" {
			return
		}
		if was, ok := seen[gateway]; ok && was.value != value {
			l.errorAt(at, CodeInvalidValue, "gateway %s has %s %q here and %q under agent %s: a gateway has one", gateway, key, value, was.value, was.from)
			return
		}
		seen[gateway] = setting{value, agent}
	}
	for _, a := range s.Agents {
		g := a.Gateway
		if g == nil {
			continue
		}
		for _, ref := range g.mcpRefs {
			l.checkMCPTarget(s, g.Name, ref, runtimes)
		}
		same(keys, g.Name, "kms_key", g.KMSKey, a.Name, g.kmsPos)
		same(engines, g.Name, "policy_engine", g.PolicyEngine, a.Name, g.enginePos)
		if g.EnginePolicies != nil {
			if was, ok := rules[g.Name]; ok && !was.policies.equal(g.EnginePolicies) {
				l.errorAt(g.enginePos, CodeInvalidValue, "gateway %s has policy_engine rules, mode or gateway_id here and others under agent %s: give them once", g.Name, was.agent)
				continue
			}
			rules[g.Name] = engineRules{g.EnginePolicies, a.Name}
		}
	}
}

func (l *loader) checkMCPTarget(s *Spec, gateway string, ref positioned, runtimes []string) {
	a, ok := s.Agent(ref.value)
	switch {
	case ok && a.Type != AgentCore:
		l.errorAt(ref.pos, CodeWrongAgentType, "mcp_targets of gateway %s name AgentCore runtimes, %s is type: %s", gateway, a.Name, a.Type)
	case ok:
	default:
		if sug, found := closest(ref.value, runtimes); found {
			l.suggestAt(ref.pos, CodeUnknownAgent, sug, "mcp_targets of gateway %s refers to unknown agent %q", gateway, ref.value)
		} else {
			l.errorAt(ref.pos, CodeUnknownAgent, "mcp_targets of gateway %s refers to unknown agent %q (AgentCore agents: %s)", gateway, ref.value, orNone(strings.Join(runtimes, ", ")))
		}
	}
}

// marshalGatewayTargets writes a gateway's targets the way
// gatewayTargets reads them.
func marshalGatewayTargets(b *bytes.Buffer, indent string, t GatewayTargets) {
	if len(t.OpenAPISchemas) > 0 {
		b.WriteString(indent + "openapi_targets:\n")
		for _, s := range t.OpenAPISchemas {
			fmt.Fprintf(b, "%s  - {schema: %s}\n", indent, flowScalar(s))
		}
	}
	if len(t.SmithyTargets) > 0 {
		b.WriteString(indent + "smithy_targets:\n")
		for _, s := range t.SmithyTargets {
			fmt.Fprintf(b, "%s  - service: %s\n", indent, scalar(s.Service))
			list(b, indent+"    ", "actions", s.Actions)
			list(b, indent+"    ", "resources", s.Resources)
		}
	}
	if len(t.APIGatewayTargets) > 0 {
		b.WriteString(indent + "api_gateway_targets:\n")
		for _, a := range t.APIGatewayTargets {
			fmt.Fprintf(b, "%s  - {rest_api_id: %s, stage: %s}\n", indent, flowScalar(a.RestAPIID), flowScalar(a.Stage))
		}
	}
	if len(t.MCPAgents) > 0 {
		b.WriteString(indent + "mcp_targets:\n")
		for _, a := range t.MCPAgents {
			fmt.Fprintf(b, "%s  - {agent: %s}\n", indent, flowScalar(a))
		}
	}
	list(b, indent, "interceptors", t.Interceptors)
	kv(b, indent, "kms_key", t.KMSKey)
	if t.PolicyEngine != "" {
		marshalPolicyEngine(b, indent, t.PolicyEngine, t.EnginePolicies)
	}
}
