package rolegen

import (
	"maps"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/catalog"
)

// Gateway role features of the targets besides Lambda functions, and
// the deployer's use of a gateway's key and policy engine.
const (
	featGatewayAPIExport     feature = "gateway-api-gateway-export"
	featGatewayAPIInvoke     feature = "gateway-api-gateway-invoke"
	featGatewayKey           feature = "gateway-kms-key"
	featGatewayKeyGrant      feature = "gateway-kms-key-grant"
	featPolicyEngineAuthz    feature = "gateway-policy-engine-authorize"
	featPolicyEngineRead     feature = "gateway-policy-engine-read"
	featDeployGatewayKey     feature = "deploy-gateway-kms-key"
	featDeployGatewayEngines feature = "deploy-gateway-policy-engine"
	// The deployer of a gateway whose policy_engine has rules creates
	// their Cedar policies in the engine.
	featDeployPolicyNew      feature = "deploy-gateway-cedar-policy-create"
	featDeployPolicy         feature = "deploy-gateway-cedar-policy"
	featDeletePolicy         feature = "delete-gateway-cedar-policy"
	featDeployPolicyValidate feature = "deploy-gateway-cedar-policy-validate"
)

// gatewayTargetActions joins actionSets (see init): kept here, beside
// the code that uses them.
var gatewayTargetActions = map[feature][]string{
	// An API Gateway REST API stage target (AgentCore guide: Amazon API
	// Gateway REST API stages as targets): AgentCore reads the REST API
	// (a public endpoint only) and its stage's OpenAPI export (GetExport,
	// GET /restapis/{id}/stages/{stage}/exports/oas30), and with IAM
	// outbound authorization (GATEWAY_IAM_ROLE) signs its calls with the
	// gateway role (AgentCore guide: Set up outbound authorization).
	featGatewayAPIExport: {"apigateway:GET"},
	featGatewayAPIInvoke: {"execute-api:Invoke"},
	// A gateway encrypted with a customer managed key (AgentCore guide:
	// Encrypt your AgentCore gateway with a customer-managed KMS key):
	// the gateway role uses the key through AgentCore only.
	featGatewayKey:      {"kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"},
	featGatewayKeyGrant: {"kms:CreateGrant"},
	// Policy in AgentCore (AgentCore guide: AgentCore Gateway and Policy
	// in AgentCore IAM permissions): without these three every tool call
	// is denied. The catalog authorizes AuthorizeAction and
	// PartiallyAuthorizeActions on the gateway and the policy engine
	// (both required), GetPolicyEngine on the engine.
	featPolicyEngineAuthz: {"bedrock-agentcore:AuthorizeAction", "bedrock-agentcore:PartiallyAuthorizeActions"},
	featPolicyEngineRead:  {"bedrock-agentcore:GetPolicyEngine"},
	// The deployer creates or updates the gateway with its key, and
	// attaches the policy engine (UpdateGateway, in featDeployGateway).
	featDeployGatewayKey:     {"kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey", "kms:CreateGrant"},
	featDeployGatewayEngines: {"bedrock-agentcore:GetPolicyEngine"},
	// AgentCore guide, AgentCore Gateway and Policy in AgentCore IAM
	// permissions, Resource Management Role
	// (https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/policy-permissions.html):
	// CreatePolicy, UpdatePolicy, GetPolicy, DeletePolicy and ListPolicies;
	// "bedrock-agentcore:InvokeGateway is required to create or update
	// Cedar policies" (the engine validates a statement's actions against
	// the gateway); "ManageResourceScopedPolicy - Grants permission to
	// create Cedar policies that target specific gateway ARNs", which
	// agentiam's rules do (ManageAdminPolicy, for policies on gateway/*,
	// is not needed). The catalog authorizes CreatePolicy and ListPolicies
	// on the engine, GetPolicy, UpdatePolicy and DeletePolicy on the
	// engine and the policy.
	featDeployPolicyNew:      {"bedrock-agentcore:CreatePolicy", "bedrock-agentcore:ListPolicies"},
	featDeployPolicy:         {"bedrock-agentcore:GetPolicy", "bedrock-agentcore:UpdatePolicy"},
	featDeletePolicy:         {"bedrock-agentcore:DeletePolicy"},
	featDeployPolicyValidate: {"bedrock-agentcore:InvokeGateway", "bedrock-agentcore:ManageResourceScopedPolicy"},
}

func init() { maps.Copy(actionSets, gatewayTargetActions) }

// gatewayTargets grants the gateway role what its targets besides
// Lambda functions, its interceptors, its key and its policy engine need.
func (g *gen) gatewayTargets(st *statements, u *agentspec.GatewayUse, w where) {
	r := g.r
	account := w.account
	if len(u.OpenAPISchemas) > 0 {
		var objects []string
		for _, s := range u.OpenAPISchemas {
			bucket, key, _ := strings.Cut(strings.TrimPrefix(s, "s3://"), "/")
			objects = append(objects, r.arn(w, "s3", "object", bucket, key))
		}
		// Bucket names are global: aws:ResourceAccount pins the owner.
		st.add(r.when(r.allow("ReadOpenAPISchemas", featS3Read, objects...), "StringEquals", "aws:ResourceAccount", account))
	}
	g.smithyTargets(st, u.SmithyTargets)
	g.apiGatewayTargets(st, u.APIGatewayTargets, w)
	var runtimes []string
	for _, name := range u.MCPAgents {
		if a, ok := g.spec.Agent(name); ok {
			runtimes = append(runtimes, g.runtimeARNs(g.where(a), a)...)
		}
	}
	if len(runtimes) > 0 {
		st.add(r.allow("InvokeMCPServerRuntimes", featInvokeRuntime, runtimes...))
	}
	if len(u.Interceptors) > 0 {
		st.add(r.allow("InvokeInterceptors", featInvokeLambda, u.Interceptors...))
	}
	if u.KMSKey != "" {
		via := "bedrock-agentcore." + w.region + ".amazonaws.com"
		st.add(r.when(r.allow("UseGatewayKey", featGatewayKey, u.KMSKey), "StringEquals", "kms:ViaService", via))
		grant := r.when(r.allow("GrantGatewayKeyToAgentCore", featGatewayKeyGrant, u.KMSKey), "StringEquals", "kms:ViaService", via)
		st.add(r.when(grant, "Bool", "kms:GrantIsForAWSResource", "true"))
	}
	if u.PolicyEngine != "" {
		engine := r.arn(w, "bedrock-agentcore", "policy-engine", u.PolicyEngine)
		st.add(r.allow("AuthorizeToolCalls", featPolicyEngineAuthz, engine, g.gatewayARN(w, u.Name)))
		st.add(r.allow("ReadPolicyEngine", featPolicyEngineRead, engine))
	}
}

// smithyTargets grants each Smithy target's actions: on its resources
// where the action acts on a resource type, on "*" where it acts on none
// (agentspec rejects an action with resource types and no resources).
func (g *gen) smithyTargets(st *statements, targets []agentspec.SmithyTarget) {
	for _, t := range targets {
		var scoped, unscoped []string
		for _, name := range t.Actions {
			a, err := catalog.LookupAction(name)
			if err != nil {
				g.r.fail("smithy target %s: %v", t.Service, err)
				continue
			}
			if len(a.Resources) == 0 {
				unscoped = append(unscoped, a.FullName())
			} else {
				scoped = append(scoped, a.FullName())
			}
		}
		sid := "CallSmithyTarget" + camel(t.Service)
		if len(scoped) > 0 {
			st.add(&stmt{sid: sid, actions: scoped, resources: dedupe(t.Resources)})
		}
		if len(unscoped) > 0 {
			st.add(&stmt{sid: sid + "WithoutResources", actions: unscoped, resources: []string{"*"}})
		}
	}
}

// apiGatewayTargets grants reading each REST API and its stage's exports
// (GetExport is authorized on /restapis/{id}/stages/{stage}/exports/{type}),
// and invoking any method and path of exactly that stage.
func (g *gen) apiGatewayTargets(st *statements, targets []agentspec.APIGatewayTarget, w where) {
	if len(targets) == 0 {
		return
	}
	r := g.r
	var read, invoke []string
	for _, t := range targets {
		api := r.arn(w, "apigateway", "RestApi", t.RestAPIID)
		read = append(read, api, api+"/stages/"+t.Stage+"/exports/*")
		invoke = append(invoke, r.arn(w, "execute-api", "execute-api-general", t.RestAPIID, t.Stage, "*", "*"))
	}
	st.add(r.allow("ReadAPIGatewayExports", featGatewayAPIExport, read...))
	st.add(r.allow("InvokeAPIGatewayStages", featGatewayAPIInvoke, invoke...))
}

// gatewayTargetsDeploy lets a deployer create its agents' gateways with
// their customer managed keys (through AgentCore only), read the policy
// engines it attaches to them and the REST API stages it adds as targets,
// and write the Cedar policies of their policy_engine rules.
func (g *gen) gatewayTargetsDeploy(st *statements, c *agentspec.Caller, sc *deployScope) {
	var keys, vias, engines, exports []string
	var ruled []*agentspec.GatewayUse
	for _, u := range g.spec.Gateways() {
		if !deploysAny(sc.agents, u.Agents) {
			continue
		}
		w := where{partition: u.Partition, region: u.Region, account: g.spec.Account}
		if u.KMSKey != "" {
			keys = append(keys, u.KMSKey)
			vias = append(vias, "bedrock-agentcore."+u.Region+".amazonaws.com")
		}
		if u.PolicyEngine != "" {
			engines = append(engines, g.r.arn(w, "bedrock-agentcore", "policy-engine", u.PolicyEngine))
		}
		if e := u.EnginePolicies; e != nil && len(e.Rules) > 0 && u.PolicyEngine != "" {
			ruled = append(ruled, u)
		}
		for _, t := range u.APIGatewayTargets {
			api := g.r.arn(w, "apigateway", "RestApi", t.RestAPIID)
			exports = append(exports, api, api+"/stages/"+t.Stage+"/exports/*")
		}
	}
	if len(keys) > 0 {
		st.add(g.r.when(g.r.allow("UseGatewayKeys", featDeployGatewayKey, keys...), "StringEquals", "kms:ViaService", dedupe(vias)...))
	}
	if len(engines) > 0 {
		st.add(g.r.allow("ReadGatewayPolicyEngines", featDeployGatewayEngines, engines...))
	}
	g.cedarPoliciesDeploy(st, c, ruled)
	if len(exports) > 0 {
		// CreateGatewayTarget and UpdateGatewayTarget export the stage
		// "on your behalf": with the caller's credentials as well.
		st.add(g.r.allow("ReadAPIGatewayTargetExports", featGatewayAPIExport, exports...))
	}
}

// cedarPoliciesDeploy lets a deployer create, read and update the Cedar
// policies of the gateways' policy_engine rules in their engines (delete
// them too with delete: true), and validate them against their gateways.
func (g *gen) cedarPoliciesDeploy(st *statements, c *agentspec.Caller, gateways []*agentspec.GatewayUse) {
	if len(gateways) == 0 {
		return
	}
	r := g.r
	var engines, policies, gatewayARNs []string
	for _, u := range gateways {
		w := where{partition: u.Partition, region: u.Region, account: g.spec.Account}
		engine := r.arn(w, "bedrock-agentcore", "policy-engine", u.PolicyEngine)
		engines = append(engines, engine)
		policies = append(policies, r.arn(w, "bedrock-agentcore", "policy", u.PolicyEngine, "*"))
		gatewayARNs = append(gatewayARNs, g.gatewayARN(w, u.Name))
	}
	st.add(r.allow("CreateGatewayCedarPolicies", featDeployPolicyNew, engines...))
	s := r.allow("ManageGatewayCedarPolicies", featDeployPolicy, append(slices.Clone(engines), policies...)...)
	if c.Delete {
		s.actions = append(s.actions, r.actionsOf(featDeletePolicy)...)
	}
	st.add(s)
	st.add(r.allow("ValidateGatewayCedarPolicies", featDeployPolicyValidate, gatewayARNs...))
}

// crossAccountFunctions warns about each Lambda target or interceptor of
// the gateway in another account: the gateway role's identity policy
// allows invoking it, and the function's resource-based policy must
// allow the role too ("Resource-based permissions – Permissions attached
// to resources to allow the gateway service role to access it. You'll
// include the Amazon Resource Name (ARN) of the gateway service role as
// the Principal in the resource-based policy": AgentCore guide, Set up
// permissions for AgentCore Gateway,
// https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/gateway-prerequisites-permissions.html).
// That policy is the function owner's to add, in its account; the plan
// says how rather than writing it into this account's infrastructure
// code, which could not apply it.
func (g *gen) crossAccountFunctions(u *agentspec.GatewayUse) {
	role := g.roleARNs[roleRef{u.Name, PurposeGateway}]
	if role == "" {
		return
	}
	for _, fn := range dedupe(append(append([]string(nil), u.LambdaTargets...), u.Interceptors...)) {
		a, err := arn.Parse(fn)
		if err != nil || a.Account == "" || a.Account == g.spec.Account {
			continue
		}
		g.warn("gateway %s invokes %s in account %s: the function's resource-based policy must allow the gateway role; in that account run aws lambda add-permission --function-name %s --statement-id %s --action lambda:InvokeFunction --principal %s",
			u.Name, fn, a.Account, fn, fitName("AgentCoreGateway"+camel(u.Name), u.Name, "", maxStatementIDLength), role)
	}
}
