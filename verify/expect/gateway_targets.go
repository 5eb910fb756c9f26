package expect

import (
	"slices"
	"strings"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/catalog"
	"github.com/agentiam/agentiam/fixcore"
	"github.com/agentiam/agentiam/policy"
)

// Made-up parts of the requests of gateway targets.
const (
	// apiExportType is the export AgentCore reads of a REST API stage.
	apiExportType = "oas30"
	// apiOtherStage is a stage of the same REST API the spec does not list.
	apiOtherStage = "agentiam_other"
	// otherPolicyEngine is a policy engine the spec does not name.
	otherPolicyEngine = "agentiam_other-abcdef1234"
	// cedarPolicyID is a policy of a gateway's engine, as the engine
	// names the policies of the spec's rules.
	cedarPolicyID = "refunds-a1b2c3d4e5"
)

// gatewayTargets adds the requests of a gateway's targets besides Lambda
// functions, its interceptors, key and policy engine; gatewayID is the
// gateway's id in the matrix's requests.
func (m *matrix) gatewayTargets(u *agentspec.GatewayUse, gatewayID string) {
	m.openAPISchemas(u.OpenAPISchemas)
	for _, t := range u.SmithyTargets {
		m.smithyTarget(t)
	}
	m.apiGatewayTargets(u.APIGatewayTargets)
	m.mcpRuntimes(u.MCPAgents)
	for _, fn := range u.Interceptors {
		m.need(req{src: SrcGatewayInterceptors, why: "invoke its interceptor", actions: acts("lambda:InvokeFunction"), resource: fn, other: m.b.functionPolicy(fn)})
		m.forbid(req{why: "change the code of its interceptor", actions: acts("lambda:UpdateFunctionCode"), resource: fn})
	}
	if u.KMSKey != "" {
		m.gatewayKey(u.KMSKey, "bedrock-agentcore."+m.w.region+".amazonaws.com", SrcGatewayEncryption)
	}
	m.policyEngine(u, gatewayID)
}

// openAPISchemas adds reading exactly the schema objects.
func (m *matrix) openAPISchemas(schemas []string) {
	f, w := &m.b.f, m.w
	for _, s := range schemas {
		bucket, key, _ := strings.Cut(strings.TrimPrefix(s, "s3://"), "/")
		obj := f.arn(w, "s3", "object", bucket, key)
		m.need(req{src: SrcGateway, why: "read its OpenAPI schema " + s, actions: acts("s3:GetObject"), resource: obj,
			grant: grant(obj, cond("StringEquals", "aws:ResourceAccount", w.account))})
		m.forbid(req{why: "another object of the schema bucket " + bucket, actions: acts("s3:GetObject"), resource: f.arn(w, "s3", "object", bucket, key+".bak")})
		m.forbid(req{why: "a schema bucket named " + bucket + " owned by another account", actions: acts("s3:GetObject"), resource: obj, account: m.b.foreign, other: m.b.openPolicy})
		m.forbid(req{why: "overwrite its OpenAPI schema", actions: acts("s3:PutObject"), resource: obj})
	}
}

// smithyTarget adds each action of a Smithy target on each of its
// resources (on "*" for an action without resource types), the actions
// on the resource in another account, and a write action the spec does
// not list.
func (m *matrix) smithyTarget(t agentspec.SmithyTarget) {
	for _, name := range t.Actions {
		a, err := catalog.LookupAction(name)
		if err != nil {
			continue
		}
		if len(a.Resources) == 0 {
			m.need(req{src: SrcGatewayOutbound, why: "call its Smithy target " + t.Service, actions: acts(name), resource: untypedResource(name, m.w), grant: grant("*")})
			continue
		}
		for _, res := range t.Resources {
			if !actsOn(a, res) {
				continue
			}
			m.need(req{src: SrcGatewayOutbound, why: "call its Smithy target " + t.Service + " on " + res, actions: acts(name), resource: fillWildcards(res), grant: grant(res)})
			if foreign, ok := inAccount(res, m.b.foreign); ok {
				m.forbid(req{why: "its Smithy target's resource in another account that allows everyone", actions: acts(name), resource: foreign, other: m.b.openPolicy})
			}
		}
	}
	for _, res := range t.Resources {
		if w := unlistedWrite(t, res); w != "" {
			m.forbid(req{why: "an action of " + t.Service + " the Smithy target does not list", actions: acts(w), resource: fillWildcards(res)})
		}
	}
}

// actsOn reports whether the resource is of a type the action acts on.
func actsOn(a *catalog.Action, resource string) bool {
	return slices.ContainsFunc(a.Resources, func(r catalog.ActionResource) bool { return r.Type.Matches(resource) })
}

// inAccount is the ARN in another account, when the ARN names one.
func inAccount(resource, account string) (string, bool) {
	a, err := arn.Parse(fillWildcards(resource))
	if err != nil || a.Account == "" {
		return "", false
	}
	a.Account = account
	return a.String(), true
}

// unlistedWrite is a write action of the target's service that acts on
// the resource and that the target does not list, or "".
func unlistedWrite(t agentspec.SmithyTarget, resource string) string {
	svc, ok := catalog.Lookup(t.Service)
	if !ok {
		return ""
	}
	for _, a := range svc.Actions {
		if a.HasAccess(catalog.Write) && !slices.Contains(t.Actions, a.FullName()) && actsOn(a, fillWildcards(resource)) {
			return a.FullName()
		}
	}
	return ""
}

// apiGatewayTargets adds reading each REST API and its stage's export,
// invoking the stage, and neither another stage nor changes to the API.
func (m *matrix) apiGatewayTargets(targets []agentspec.APIGatewayTarget) {
	f, w := &m.b.f, m.w
	for _, t := range targets {
		api := f.arn(w, "apigateway", "RestApi", t.RestAPIID)
		export := api + "/stages/" + t.Stage + "/exports/"
		m.need(req{src: SrcGatewayAPIGateway, why: "read REST API " + t.RestAPIID, actions: acts("apigateway:GET"), resource: api})
		m.need(req{src: SrcGatewayAPIGateway, why: "export stage " + t.Stage + " of REST API " + t.RestAPIID, actions: acts("apigateway:GET"),
			resource: export + apiExportType, grant: grant(export + "*")})
		m.need(req{src: SrcGatewayAPIGateway, why: "invoke stage " + t.Stage + " of REST API " + t.RestAPIID, actions: acts("execute-api:Invoke"),
			resource: f.arn(w, "execute-api", "execute-api-general", t.RestAPIID, t.Stage, "GET", "pets"),
			grant:    grant(f.arn(w, "execute-api", "execute-api-general", t.RestAPIID, t.Stage, "*", "*"))})
		m.forbid(req{why: "invoke another stage of REST API " + t.RestAPIID, actions: acts("execute-api:Invoke"),
			resource: f.arn(w, "execute-api", "execute-api-general", t.RestAPIID, apiOtherStage, "GET", "pets")})
		m.forbid(req{why: "export another stage of REST API " + t.RestAPIID, actions: acts("apigateway:GET"),
			resource: api + "/stages/" + apiOtherStage + "/exports/" + apiExportType})
		m.forbid(req{why: "change or delete REST API " + t.RestAPIID, actions: acts("apigateway:PATCH", "apigateway:DELETE"), resource: api})
	}
}

// mcpRuntimes adds invoking each runtime that serves as an MCP server
// target, on the runtime and its endpoint, and not a runtime whose name
// extends its name.
func (m *matrix) mcpRuntimes(agents []string) {
	f := &m.b.f
	invoke := acts("bedrock-agentcore:InvokeAgentRuntime")
	for _, name := range agents {
		a, ok := m.b.spec.Agent(name)
		if !ok {
			continue
		}
		aw := m.b.where(a)
		id, pattern := runtimeIDOf(a), runtimePattern(a)
		m.need(req{src: SrcGatewayOutbound, why: "invoke its MCP server runtime " + name, actions: invoke,
			resource: f.arn(aw, "bedrock-agentcore", "runtime", id), grant: grant(f.arn(aw, "bedrock-agentcore", "runtime", pattern))})
		m.need(req{src: SrcInvokeRuntime, why: "invoke the endpoint of its MCP server runtime " + name, actions: invoke,
			resource: f.arn(aw, "bedrock-agentcore", "runtime-endpoint", id, runtimeEndpoint),
			grant:    grant(f.arn(aw, "bedrock-agentcore", "runtime-endpoint", pattern, "*"))})
		m.forbid(req{why: "a runtime whose name extends its MCP server's (" + name + "_admin)", actions: invoke,
			resource: f.arn(aw, "bedrock-agentcore", "runtime", name+"_admin-"+runtimeSuffix)})
		if a.RuntimeID != "" {
			m.forbid(req{why: "MCP server runtime " + name + " recreated under the same name", actions: invoke,
				resource: f.arn(aw, "bedrock-agentcore", "runtime", recreatedRuntimeID(a))})
		}
		m.forbid(req{why: "change or delete its MCP server runtime " + name, actions: acts("bedrock-agentcore:UpdateAgentRuntime", "bedrock-agentcore:DeleteAgentRuntime"),
			resource: f.arn(aw, "bedrock-agentcore", "runtime", id)})
	}
}

// gatewayKey adds using the gateway's customer managed key through
// AgentCore only (via), and neither directly nor another key.
func (m *matrix) gatewayKey(key, via string, src SourceID) {
	b := m.b
	through := cond("StringEquals", "kms:ViaService", via)
	m.need(req{src: src, why: "use the gateway's key through AgentCore", actions: acts("kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"), resource: key,
		ctx: ctx("kms:ViaService", via), other: b.keyPolicy, grant: grant(key, through)})
	m.need(req{src: src, why: "grant AgentCore the gateway's key", actions: acts("kms:CreateGrant"), resource: key,
		ctx: ctx("kms:ViaService", via, "kms:GrantIsForAWSResource", "true"), other: b.keyPolicy,
		grant: grant(key, through, cond("Bool", "kms:GrantIsForAWSResource", "true"))})
	m.forbid(req{why: "use the gateway's key directly, not through AgentCore", actions: acts("kms:Decrypt", "kms:CreateGrant"), resource: key, other: b.keyPolicy})
	m.forbid(req{why: "use the gateway's key through another service", actions: acts("kms:Decrypt"), resource: key,
		ctx: ctx("kms:ViaService", "s3."+m.w.region+".amazonaws.com"), other: b.keyPolicy})
	m.forbid(req{why: "control-plane deletion: the gateway's key", actions: acts("kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"), resource: key, other: b.keyPolicy})
}

// policyEngine adds authorizing tool calls with the gateway's policy
// engine (on the engine and the gateway, as the catalog requires) and
// reading it; not another engine, and no change to it.
func (m *matrix) policyEngine(u *agentspec.GatewayUse, gatewayID string) {
	if u.PolicyEngine == "" {
		return
	}
	f, w := &m.b.f, m.w
	engine := f.arn(w, "bedrock-agentcore", "policy-engine", u.PolicyEngine)
	authorize := acts("bedrock-agentcore:AuthorizeAction", "bedrock-agentcore:PartiallyAuthorizeActions")
	m.need(req{src: SrcGatewayPolicy, why: "authorize tool calls with policy engine " + u.PolicyEngine, actions: authorize, resource: engine})
	m.need(req{src: SrcGatewayPolicy, why: "authorize tool calls of its gateway", actions: authorize, resource: f.arn(w, "bedrock-agentcore", "gateway", gatewayID),
		grant: grant(f.arn(w, "bedrock-agentcore", "gateway", gatewayPattern(m.b.spec, u.Name)))})
	m.forbidRecreatedGateway(w, u.Name, authorize, nil)
	m.need(req{src: SrcGatewayPolicy, why: "read policy engine " + u.PolicyEngine, actions: acts("bedrock-agentcore:GetPolicyEngine"), resource: engine})
	other := f.arn(w, "bedrock-agentcore", "policy-engine", otherPolicyEngine)
	m.forbid(req{why: "another policy engine", actions: append(authorize, "bedrock-agentcore:GetPolicyEngine"), resource: other})
	m.forbid(req{why: "authorize the tool calls of a gateway whose name extends its gateway's (" + siblingName(u.Name) + ")", actions: authorize,
		resource: f.arn(w, "bedrock-agentcore", "gateway", siblingName(u.Name)+"-"+gatewaySuffix)})
	m.forbid(req{why: "change or delete policy engine " + u.PolicyEngine, actions: acts("bedrock-agentcore:UpdatePolicyEngine", "bedrock-agentcore:DeletePolicyEngine"), resource: engine})
}

// deployGatewayTargets adds, for a deployer of agent a, using its
// gateway's key through AgentCore, reading its policy engine and the
// exports of its REST API stages.
func (m *callerMatrix) deployGatewayTargets(a *agentspec.Agent) {
	gw := a.Gateway
	if gw == nil {
		return
	}
	f, w := &m.b.f, m.b.where(a)
	for _, u := range m.b.spec.Gateways() {
		if u.Name != gw.Name {
			continue
		}
		if u.KMSKey != "" {
			via := "bedrock-agentcore." + w.region + ".amazonaws.com"
			m.need(req{src: SrcGatewayEncryption, why: "create gateway " + u.Name + " with its key", actions: acts("kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey", "kms:CreateGrant"),
				resource: u.KMSKey, ctx: ctx("kms:ViaService", via), other: m.b.keyPolicy, grant: grant(u.KMSKey, cond("StringEquals", "kms:ViaService", via))})
			m.forbid(req{why: "use gateway " + u.Name + "'s key directly", actions: acts("kms:Decrypt"), resource: u.KMSKey, other: m.b.keyPolicy})
		}
		if u.PolicyEngine != "" {
			engine := f.arn(w, "bedrock-agentcore", "policy-engine", u.PolicyEngine)
			m.need(req{src: SrcGatewayPolicy, why: "read the policy engine of gateway " + u.Name, actions: acts("bedrock-agentcore:GetPolicyEngine"), resource: engine})
			m.forbid(req{why: "delete the policy engine of gateway " + u.Name, actions: acts("bedrock-agentcore:DeletePolicyEngine"), resource: engine})
			m.deployCedarPolicies(u, w, engine)
		}
		for _, t := range u.APIGatewayTargets {
			api := f.arn(w, "apigateway", "RestApi", t.RestAPIID)
			export := api + "/stages/" + t.Stage + "/exports/"
			m.need(req{src: SrcGatewayAPIGateway, why: "export stage " + t.Stage + " of REST API " + t.RestAPIID + " for its gateway target", actions: acts("apigateway:GET"),
				resource: export + apiExportType, grant: grant(export + "*")})
			m.forbid(req{why: "change REST API " + t.RestAPIID, actions: acts("apigateway:PATCH"), resource: api})
		}
	}
}

// deployCedarPolicies adds, for a deployer of a gateway whose
// policy_engine has rules, writing their Cedar policies in the engine
// (AgentCore guide, policy-permissions.html, Resource Management Role):
// CreatePolicy and ListPolicies on the engine, GetPolicy and UpdatePolicy
// on its policies (DeletePolicy only with delete: true), InvokeGateway on
// the gateway, which creating or updating a policy takes to validate it,
// and ManageResourceScopedPolicy on the gateway, which a policy naming
// that gateway takes; not ManageAdminPolicy (policies on every gateway),
// nor another engine's policies.
func (m *callerMatrix) deployCedarPolicies(u *agentspec.GatewayUse, w where, engine string) {
	if u.EnginePolicies == nil || len(u.EnginePolicies.Rules) == 0 {
		return
	}
	f := &m.b.f
	policy := f.arn(w, "bedrock-agentcore", "policy", u.PolicyEngine, cedarPolicyID)
	policies := grant(f.arn(w, "bedrock-agentcore", "policy", u.PolicyEngine, "*"))
	gateway := f.arn(w, "bedrock-agentcore", "gateway", gatewayIDOf(m.b.spec, u.Name))
	m.need(req{src: SrcGatewayPolicy, why: "create the Cedar policies of gateway " + u.Name, actions: acts("bedrock-agentcore:CreatePolicy", "bedrock-agentcore:ListPolicies"), resource: engine})
	m.need(req{src: SrcGatewayPolicy, why: "read and update the Cedar policies of gateway " + u.Name, actions: acts("bedrock-agentcore:GetPolicy", "bedrock-agentcore:UpdatePolicy"),
		resource: policy, grant: policies})
	m.need(req{src: SrcGatewayPolicy, why: "validate the Cedar policies of gateway " + u.Name + " against it", actions: acts("bedrock-agentcore:InvokeGateway", "bedrock-agentcore:ManageResourceScopedPolicy"),
		resource: gateway, grant: grant(f.arn(w, "bedrock-agentcore", "gateway", gatewayPattern(m.b.spec, u.Name)))})
	del := req{src: SrcGatewayPolicy, why: "delete the Cedar policies of gateway " + u.Name, actions: acts("bedrock-agentcore:DeletePolicy"), resource: policy, grant: policies}
	if m.c.Delete {
		m.need(del)
	} else {
		del.why += " (delete is not set)"
		m.forbid(del)
	}
	m.forbid(req{why: "Cedar policies on every gateway (ManageAdminPolicy)", actions: acts("bedrock-agentcore:ManageAdminPolicy"), resource: gateway})
	m.forbid(req{why: "the Cedar policies of another policy engine", actions: acts("bedrock-agentcore:CreatePolicy", "bedrock-agentcore:UpdatePolicy"),
		resource: f.arn(w, "bedrock-agentcore", "policy-engine", otherPolicyEngine)})
}

// forbidRecreatedGateway forbids actions on a gateway recreated under
// the name of the one gateway_id pins (nothing when none is pinned):
// the grant names the pinned id, not every id of the name.
func (m *matrix) forbidRecreatedGateway(w where, name string, actions []string, other *policy.Document) {
	if m.b.spec.GatewayID(name) == "" {
		return
	}
	m.forbid(req{why: "a gateway recreated under the name of the one gateway_id pins (" + name + ")", actions: actions,
		resource: m.b.f.arn(w, "bedrock-agentcore", "gateway", recreatedGatewayID(name)), other: other})
}

// functionPolicy is the far side of invoking a Lambda function of
// another account: its resource-based policy, which the function's owner
// adds and which allows the spec's account (AgentCore guide, Set up
// permissions for AgentCore Gateway: resource-based permissions name the
// gateway service role). nil for a function of the spec's account, which
// the role's identity policy alone may invoke.
func (b *builder) functionPolicy(fn string) *policy.Document {
	a, err := arn.Parse(fn)
	if err != nil || a.Account == "" || a.Account == b.spec.Account {
		return nil
	}
	return fixcore.AccountPolicy(b.spec.Partition, b.spec.Account, "lambda:InvokeFunction", fn)
}
