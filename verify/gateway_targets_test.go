package verify

import (
	"slices"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/rolegen"
)

// TestGatewayTargetsVerify: the generated gateway role verifies; each
// grant of a target widened or dropped fails verification on the request
// that catches it.
func TestGatewayTargetsVerify(t *testing.T) {
	const spec = callerHeader + `  a:
    gateway:
      name: tools
      openapi_targets: [{schema: "s3://schemas/tools/openapi.json"}]
      smithy_targets: [{service: dynamodb, actions: [GetItem], resources: ["arn:aws:dynamodb:us-west-2:123456789012:table/orders"]}]
      api_gateway_targets: [{rest_api_id: a1b2c3d4e5, stage: prod}]
      mcp_targets: [{agent: b}]
      interceptors: ["arn:aws:lambda:us-west-2:123456789012:function:intercept"]
      kms_key: "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
      policy_engine: {id: pe_one-abcdef1234}
  b: {}
callers:
  ci: {agents: [a]}
`
	widen := func(sid, resource string) func(t *testing.T, p *rolegen.Plan) {
		return func(t *testing.T, p *rolegen.Plan) {
			d, i := statement(t, p, "tools", sid)
			d.Statements[i].Resource = policy.NewStringList(resource)
		}
	}
	drop := func(sid string) func(t *testing.T, p *rolegen.Plan) {
		return func(t *testing.T, p *rolegen.Plan) {
			d, i := statement(t, p, "tools", sid)
			d.Statements = slices.Delete(d.Statements, i, i+1)
		}
	}
	tests := []struct {
		name    string
		breakIt func(t *testing.T, p *rolegen.Plan)
		want    string // in a failed request
	}{
		{"schema bucket widened", widen("ReadOpenAPISchemas", "arn:aws:s3:::schemas/*"), "forbidden s3:GetObject on arn:aws:s3:::schemas/tools/openapi.json.bak"},
		{"schema dropped", drop("ReadOpenAPISchemas"), "required s3:GetObject on arn:aws:s3:::schemas/tools/openapi.json"},
		{"smithy table widened", widen("CallSmithyTargetDynamodb", "arn:aws:dynamodb:*:*:table/orders"), "forbidden dynamodb:GetItem on arn:aws:dynamodb:us-west-2:999988887777:table/orders"},
		{"every stage", widen("InvokeAPIGatewayStages", "arn:aws:execute-api:us-west-2:123456789012:a1b2c3d4e5/*"), "forbidden execute-api:Invoke on arn:aws:execute-api:us-west-2:123456789012:a1b2c3d4e5/agentiam_other/GET/pets"},
		{"export dropped", drop("ReadAPIGatewayExports"), "required apigateway:GET on arn:aws:apigateway:us-west-2::/restapis/a1b2c3d4e5/stages/prod/exports/oas30"},
		{"runtime name prefix", widen("InvokeMCPServerRuntimes", "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/b*"), "forbidden bedrock-agentcore:InvokeAgentRuntime on arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/b_admin-AbCdEf1234"},
		{"interceptor dropped", drop("InvokeInterceptors"), "required lambda:InvokeFunction on arn:aws:lambda:us-west-2:123456789012:function:intercept"},
		{"key without AgentCore", func(t *testing.T, p *rolegen.Plan) {
			d, i := statement(t, p, "tools", "UseGatewayKey")
			dropCondition(d.Statements[i], "kms:ViaService")
		}, "forbidden kms:Decrypt on arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
		{"every policy engine", widen("AuthorizeToolCalls", "*"), "forbidden bedrock-agentcore:AuthorizeAction on arn:aws:bedrock-agentcore:us-west-2:123456789012:policy-engine/agentiam_other-abcdef1234"},
		{"engine read dropped", drop("ReadPolicyEngine"), "required bedrock-agentcore:GetPolicyEngine on arn:aws:bedrock-agentcore:us-west-2:123456789012:policy-engine/pe_one-abcdef1234"},
	}
	s := parseSpec(t, spec)
	if got := failedRequests(t, s, generate(t, s)); len(got) > 0 {
		t.Fatalf("generated plan fails:\n%s", strings.Join(got, "\n"))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := generate(t, s)
			tt.breakIt(t, p)
			got := failedRequests(t, s, p)
			if !slices.ContainsFunc(got, func(f string) bool { return strings.Contains(f, tt.want) }) {
				t.Errorf("failures:\n%s\nwant one with %q", strings.Join(got, "\n"), tt.want)
			}
		})
	}
}

// TestPinnedGateway: once policy_engine's gateway_id pins a gateway, a
// gateway recreated under the same name must neither assume its role,
// nor be invoked by its agent or invokers, nor have its tool calls
// authorized by the engine; the plan generated without the pin (every
// id of the name) allows all four.
func TestPinnedGateway(t *testing.T) {
	const id = "tools-k9m8n7p6q5"
	spec := parseSpec(t, callerHeader+`  a:
    gateway:
      name: tools
      lambda_targets: ["arn:aws:lambda:us-west-2:123456789012:function:orders"]
      policy_engine: {id: pe_one-abcdef1234, gateway_id: `+id+`, rules: [{tools: [Orders___lookup], user: alice}]}
callers:
  ci: {agents: [a]}
  invokers:
    partner: {agents: [a], gateways: [tools], principal: "arn:aws:iam::999988887777:role/PartnerApp"}
`)
	if got := failedRequests(t, spec, generate(t, spec)); len(got) > 0 {
		t.Fatalf("the generated plan fails:\n  %s", strings.Join(got, "\n  "))
	}
	a, _ := spec.Agent("a")
	a.Gateway.EnginePolicies.GatewayID = ""
	unpinned := generate(t, spec)
	a.Gateway.EnginePolicies.GatewayID = id
	got := strings.Join(failedRequests(t, spec, unpinned), "\n")
	const recreated = "arn:aws:bedrock-agentcore:us-west-2:123456789012:gateway/tools-zz9yy8xx7w"
	for _, want := range []string{
		"forbidden sts:AssumeRole on arn:aws:iam::123456789012:role/AgentCoreGatewayExecutionRole-",
		"forbidden bedrock-agentcore:InvokeGateway on " + recreated,
		"forbidden bedrock-agentcore:AuthorizeAction on " + recreated,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no failure %q among:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "InvokeGateway on "+recreated); n < 2 {
		t.Errorf("want the recreated gateway forbidden to the agent and to the invoker, got %d failures:\n%s", n, got)
	}
}

// TestCrossAccountLambdaTargets: a Lambda target or interceptor of
// another account needs the function's resource-based policy to allow
// the gateway role ("Resource-based permissions – Permissions attached to
// resources to allow the gateway service role to access it":
// https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/gateway-prerequisites-permissions.html).
// That policy is the function owner's: verify assumes it, the plan warns
// with the command that adds it, and the role's own grant is still
// required.
func TestCrossAccountLambdaTargets(t *testing.T) {
	const target, interceptor = "arn:aws:lambda:us-west-2:999988887777:function:orders", "arn:aws:lambda:us-west-2:999988887777:function:intercept"
	s := parseSpec(t, callerHeader+`  a:
    gateway:
      name: tools
      lambda_targets: ["`+target+`", "arn:aws:lambda:us-west-2:123456789012:function:local"]
      interceptors: ["`+interceptor+`"]
`)
	p := generate(t, s)
	if got := failedRequests(t, s, p); len(got) > 0 {
		t.Fatalf("generated plan fails:\n%s", strings.Join(got, "\n"))
	}
	var warned []string
	for _, w := range p.Warnings {
		if strings.Contains(w, "aws lambda add-permission") {
			warned = append(warned, w)
		}
	}
	if len(warned) != 2 || !strings.Contains(warned[0], target) || !strings.Contains(warned[1], interceptor) ||
		!strings.Contains(warned[0], "--principal arn:aws:iam::123456789012:role/AgentCoreGatewayExecutionRole-us-west-2-") {
		t.Errorf("warnings %q, want one per function of account 999988887777 naming the gateway role", p.Warnings)
	}
	d, i := statement(t, p, "tools", "InvokeLambdaTargets")
	d.Statements[i].Resource = policy.NewStringList("arn:aws:lambda:us-west-2:123456789012:function:local")
	got := failedRequests(t, s, p)
	if !slices.ContainsFunc(got, func(f string) bool { return strings.Contains(f, "required lambda:InvokeFunction on "+target) }) {
		t.Errorf("without the role's grant, failures:\n%s\nwant the cross-account target required", strings.Join(got, "\n"))
	}
}
