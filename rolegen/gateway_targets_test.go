package rolegen

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/policy"
)

// TestGatewayTargets: each gateway target, interceptor, key and policy
// engine gives the gateway role exactly its grant; a gateway with only
// these needs a role; the deployer uses the key, reads the engine and the
// stage's export.
func TestGatewayTargets(t *testing.T) {
	const key = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	p := generate(t, header+`  a:
    gateway:
      name: tools
      openapi_targets: [{schema: "s3://schemas/tools/openapi.json"}]
      smithy_targets:
        - {service: dynamodb, actions: [GetItem], resources: ["arn:aws:dynamodb:us-west-2:123456789012:table/orders"]}
        - {service: ec2, actions: [DescribeInstances]}
      api_gateway_targets: [{rest_api_id: a1b2c3d4e5, stage: prod}]
      mcp_targets: [{agent: b}]
      interceptors: ["arn:aws:lambda:us-west-2:123456789012:function:intercept"]
      kms_key: "`+key+`"
      policy_engine: {id: pe_one-abcdef1234}
  b: {}
callers:
  ci: {agents: [a]}
`)
	var role *Role
	for _, r := range p.Roles {
		if r.Purpose == PurposeGateway {
			role = r
		}
	}
	if role == nil {
		t.Fatal("no gateway role")
	}
	doc := string(policy.Format(role.InlinePolicies[0].Document))
	tests := []struct{ name, want string }{
		{"openapi schema", `"arn:aws:s3:::schemas/tools/openapi.json"`},
		{"smithy action on its table", `"arn:aws:dynamodb:us-west-2:123456789012:table/orders"`},
		{"smithy action without resource type", `"Sid": "CallSmithyTargetEc2WithoutResources"`},
		{"rest api export", `"arn:aws:apigateway:us-west-2::/restapis/a1b2c3d4e5/stages/prod/exports/*"`},
		{"rest api stage", `"arn:aws:execute-api:us-west-2:123456789012:a1b2c3d4e5/prod/*/*"`},
		{"mcp runtime", `"arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/b-??????????"`},
		{"mcp runtime endpoint", `"arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/b-??????????/runtime-endpoint/*"`},
		{"interceptor", `"arn:aws:lambda:us-west-2:123456789012:function:intercept"`},
		{"key through AgentCore", `"kms:ViaService": "bedrock-agentcore.us-west-2.amazonaws.com"`},
		{"policy engine", `"arn:aws:bedrock-agentcore:us-west-2:123456789012:policy-engine/pe_one-abcdef1234"`},
		{"authorize on the gateway", `"arn:aws:bedrock-agentcore:us-west-2:123456789012:gateway/tools-??????????"`},
		{"authorize action", `"bedrock-agentcore:PartiallyAuthorizeActions"`},
		// IAM-based outbound authorization: "verify that the gateway
		// service role has bedrock-agentcore:InvokeGateway permissions"
		// (https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/gateway-outbound-auth.html).
		{"invoke its own gateway", `"Sid": "InvokeOwnGateway"`},
	}
	for _, tt := range tests {
		if !strings.Contains(doc, tt.want) {
			t.Errorf("%s: gateway role lacks %s:\n%s", tt.name, tt.want, doc)
		}
	}
	if strings.Count(doc, "dynamodb:GetItem") != 1 || strings.Count(doc, `"Resource": "*"`) != 1 {
		t.Errorf("gateway role grants more than its targets:\n%s", doc)
	}
	caller := string(policy.Format(p.CallerPolicies[0].Document))
	for _, want := range []string{`"Sid": "UseGatewayKeys"`, `"bedrock-agentcore:GetPolicyEngine"`, `/restapis/a1b2c3d4e5/stages/prod/exports/*"`} {
		if !strings.Contains(caller, want) {
			t.Errorf("caller policy lacks %s:\n%s", want, caller)
		}
	}
}

// TestPinnedGateway: with policy_engine's gateway_id, every grant, trust
// condition and resource policy on the gateway names its exact ARN (as
// agent_arn pins a runtime), none the pattern of every id of its name;
// without it, they name the pattern.
func TestPinnedGateway(t *testing.T) {
	const (
		exact   = "arn:aws:bedrock-agentcore:us-west-2:123456789012:gateway/tools-k9m8n7p6q5"
		pattern = "arn:aws:bedrock-agentcore:us-west-2:123456789012:gateway/tools-??????????"
	)
	spec := func(engine string) string {
		return header + `  a:
    gateway:
      name: tools
      lambda_targets: ["arn:aws:lambda:us-west-2:123456789012:function:orders"]
      policy_engine: ` + engine + `
callers:
  ci: {agents: [a]}
  invokers:
    partner: {agents: [a], gateways: [tools], principal: "arn:aws:iam::999988887777:role/PartnerApp"}
`
	}
	tests := []struct {
		name, engine    string
		want, forbidden string
		atLeast         int
	}{
		// gateway role: trust SourceArn, AuthorizeToolCalls; runtime's
		// InvokeGateway; caller's deploy grants; the invoker's grant and
		// the gateway's resource policy (ARN and Resource).
		{"pinned", `{id: pe_one-abcdef1234, gateway_id: tools-k9m8n7p6q5, rules: [{tools: [Orders___lookup], user: alice}]}`, exact, pattern, 7},
		{"unpinned", `{id: pe_one-abcdef1234}`, pattern, exact, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := generate(t, spec(tt.engine))
			p.Spec = nil
			b, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			got := string(b)
			if n := strings.Count(got, tt.want); n < tt.atLeast {
				t.Errorf("%d mentions of %s, want at least %d:\n%s", n, tt.want, tt.atLeast, got)
			}
			if strings.Contains(got, tt.forbidden) {
				t.Errorf("plan names %s:\n%s", tt.forbidden, got)
			}
		})
	}
}

// TestGatewaySelfInvoke: only a gateway with targets it signs for with
// its role (Lambda, Smithy, API Gateway, MCP runtime) gets InvokeGateway,
// and only on itself.
func TestGatewaySelfInvoke(t *testing.T) {
	for _, tt := range []struct {
		name, gateway string
		want          []string
	}{
		{"lambda target", `{name: tools, lambda_targets: ["arn:aws:lambda:us-west-2:123456789012:function:f"]}`, []string{"arn:aws:bedrock-agentcore:us-west-2:123456789012:gateway/tools-??????????"}},
		{"smithy target", `{name: tools, smithy_targets: [{service: ec2, actions: [DescribeInstances]}]}`, []string{"arn:aws:bedrock-agentcore:us-west-2:123456789012:gateway/tools-??????????"}},
		{"OAuth outbound only", `{name: tools, outbound: {oauth2_providers: [github]}}`, nil},
		{"OpenAPI schema only", `{name: tools, openapi_targets: [{schema: "s3://schemas/tools/openapi.json"}]}`, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := generate(t, header+"  a:\n    gateway: "+tt.gateway+"\n")
			var got []string
			for _, r := range p.Roles {
				if r.Purpose != PurposeGateway {
					continue
				}
				for _, ip := range r.InlinePolicies {
					for _, st := range ip.Document.Statements {
						if slices.Contains(st.Action.Strings(), "bedrock-agentcore:InvokeGateway") {
							got = append(got, st.Resource.Strings()...)
						}
					}
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("InvokeGateway on %v, want %v", got, tt.want)
			}
		})
	}
}
