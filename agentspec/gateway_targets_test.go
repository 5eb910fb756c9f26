package agentspec

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestGatewayTargets: each target key of a gateway, its errors at the
// value's position (did-you-mean where there is a near name), and the
// round trip through Marshal.
func TestGatewayTargets(t *testing.T) {
	const key = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	const fn = "arn:aws:lambda:us-west-2:123456789012:function:intercept"
	const table = "arn:aws:dynamodb:us-west-2:123456789012:table/orders"
	tests := []struct {
		name, gateway string
		more          string // further agents
		check         func(g *Gateway) bool
		at, code      string // where the one error points (the first occurrence of at), and its code
		suggestion    string
	}{
		{name: "openapi schema", gateway: `{openapi_targets: [{schema: "s3://schemas/tools/openapi.json"}]}`,
			check: func(g *Gateway) bool {
				return slices.Equal(g.OpenAPISchemas, []string{"s3://schemas/tools/openapi.json"})
			}},
		{name: "openapi schema not in S3", gateway: `{openapi_targets: [{schema: "https://x/openapi.json"}]}`, at: `"https`, code: CodeInvalidValue},
		{name: "openapi schema with a wildcard", gateway: `{openapi_targets: [{schema: "s3://schemas/*.json"}]}`, at: `"s3`, code: CodeInvalidValue},
		{name: "openapi entry key", gateway: `{openapi_targets: [{schema: "s3://schemas/a.json", schemas: x}]}`, at: "schemas:", code: CodeUnknownKey, suggestion: "schema"},
		{name: "smithy with resources", gateway: `{smithy_targets: [{service: dynamodb, actions: [GetItem, "dynamodb:Query"], resources: ["` + table + `"]}]}`,
			check: func(g *Gateway) bool {
				return len(g.SmithyTargets) == 1 && slices.Equal(g.SmithyTargets[0].Actions, []string{"dynamodb:GetItem", "dynamodb:Query"}) && g.SmithyTargets[0].Resources[0] == table
			}},
		{name: "smithy action without resource type", gateway: `{smithy_targets: [{service: ec2, actions: [DescribeInstances]}]}`,
			check: func(g *Gateway) bool { return g.SmithyTargets[0].Actions[0] == "ec2:DescribeInstances" }},
		{name: "smithy unknown action", gateway: `{smithy_targets: [{service: dynamodb, actions: [GetItm], resources: ["` + table + `"]}]}`, at: "GetItm", code: CodeInvalidValue, suggestion: "GetItem"},
		{name: "smithy unknown service", gateway: `{smithy_targets: [{service: dynamodbb, actions: [GetItem]}]}`, at: "dynamodbb", code: CodeInvalidValue, suggestion: "dynamodb"},
		{name: "smithy action of another service", gateway: `{smithy_targets: [{service: dynamodb, actions: ["s3:GetObject"]}]}`, at: `"s3:`, code: CodeInvalidValue},
		{name: "smithy action needs resources", gateway: `{smithy_targets: [{service: dynamodb, actions: [GetItem]}]}`, at: "GetItem", code: CodeMissingKey},
		{name: "smithy resource of another type", gateway: `{smithy_targets: [{service: s3, actions: [GetObject], resources: ["arn:aws:s3:::some-bucket"]}]}`, at: "GetObject", code: CodeInvalidValue},
		{name: "smithy resource of another service", gateway: `{smithy_targets: [{service: dynamodb, actions: [GetItem], resources: ["` + fn + `"]}]}`, at: `"arn:aws:lambda`, code: CodeMalformedARN},
		{name: "smithy resource star", gateway: `{smithy_targets: [{service: ec2, actions: [DescribeInstances], resources: ["*"]}]}`, at: `"*"`, code: CodeInvalidValue},
		{name: "api gateway stage", gateway: `{api_gateway_targets: [{rest_api_id: a1b2c3d4e5, stage: prod}]}`,
			check: func(g *Gateway) bool { return g.APIGatewayTargets[0] == APIGatewayTarget{"a1b2c3d4e5", "prod"} }},
		{name: "api gateway id", gateway: `{api_gateway_targets: [{rest_api_id: A1B2, stage: prod}]}`, at: "A1B2", code: CodeInvalidValue},
		{name: "api gateway without stage", gateway: `{api_gateway_targets: [{rest_api_id: a1b2c3d4e5}]}`, at: "{rest_api_id", code: CodeMissingKey},
		{name: "mcp runtime", gateway: `{mcp_targets: [{agent: helper}]}`, more: "  helper: {}\n",
			check: func(g *Gateway) bool { return slices.Equal(g.MCPAgents, []string{"helper"}) }},
		{name: "mcp unknown agent", gateway: `{mcp_targets: [{agent: helpr}]}`, more: "  helper: {}\n", at: "helpr", code: CodeUnknownAgent, suggestion: "helper"},
		{name: "mcp bedrock agent", gateway: `{mcp_targets: [{agent: faq}]}`, more: "  faq: {type: bedrock-agent, models: [\"amazon.nova-pro-v1:0\"]}\n", at: "faq}", code: CodeWrongAgentType},
		{name: "interceptors", gateway: `{interceptors: ["` + fn + `"]}`, check: func(g *Gateway) bool { return slices.Equal(g.Interceptors, []string{fn}) }},
		{name: "interceptor not a function", gateway: `{interceptors: ["` + table + `"]}`, at: `"arn`, code: CodeMalformedARN},
		{name: "kms key", gateway: `{kms_key: "` + key + `"}`, check: func(g *Gateway) bool { return g.KMSKey == key }},
		{name: "kms key of another region", gateway: `{kms_key: "` + strings.Replace(key, "us-west-2", "us-east-1", 1) + `"}`, at: `"arn`, code: CodeInvalidValue},
		{name: "policy engine", gateway: `{policy_engine: {id: pe_one-abcdef1234}}`, check: func(g *Gateway) bool { return g.PolicyEngine == "pe_one-abcdef1234" }},
		{name: "policy engine id", gateway: `{policy_engine: {id: "pe*"}}`, at: `"pe*"`, code: CodeInvalidValue},
		// AWS's resource schema: ^[A-Za-z][A-Za-z0-9_]*-[a-z0-9_]{10}$.
		{name: "policy engine id uppercase suffix", gateway: `{policy_engine: {id: Pe_One-AbCdEf1234}}`, at: "Pe_One-", code: CodeInvalidValue, suggestion: "Pe_One-abcdef1234"},
		{name: "policy engine id underscore suffix", gateway: `{policy_engine: {id: pe_one-abc_ef1234}}`, check: func(g *Gateway) bool { return g.PolicyEngine == "pe_one-abc_ef1234" }},
		{name: "policy engine id short suffix", gateway: `{policy_engine: {id: pe_one-abcdef123}}`, at: "pe_one-", code: CodeInvalidValue},
		{name: "policy engine name too long", gateway: `{policy_engine: {id: a` + strings.Repeat("b", 48) + `-abcdef1234}}`, at: "abbb", code: CodeInvalidValue},
		{name: "policy engine key", gateway: `{policy_engin: {id: pe_one-abcdef1234}}`, at: "policy_engin", code: CodeUnknownKey, suggestion: "policy_engine"},
		{name: "two keys for one gateway", gateway: `{name: shared, kms_key: "` + key + `"}`,
			more: "  b: {gateway: {name: shared, kms_key: \"" + strings.Replace(key, "1234abcd", "9999abcd", 1) + "\"}}\n", at: "", code: CodeInvalidValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := "  a: {gateway: " + tt.gateway + "}\n"
			s, err := Parse("t.yaml", []byte(header+line+tt.more))
			if tt.code != "" {
				se, ok := err.(*Error)
				if !ok || len(se.Diagnostics) != 1 {
					t.Fatalf("err = %v, want one %s error", err, tt.code)
				}
				d := se.Diagnostics[0]
				want := d.Pos.String() + " " + tt.code // two agents: the second one's value
				if tt.at != "" {
					want = fmt.Sprintf("5:%d %s", strings.Index(line, tt.at)+1, tt.code)
				}
				if got := d.Pos.String() + " " + d.Code; got != want || d.Suggestion != tt.suggestion {
					t.Errorf("error %q (%s, suggestion %q), want %q (suggestion %q)", got, d.Message, d.Suggestion, want, tt.suggestion)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if g := s.Agents[0].Gateway; !tt.check(g) {
				t.Errorf("gateway %+v", g)
			}
			again, err := Parse("m.yaml", Marshal(s, ""))
			if err != nil || !tt.check(again.Agents[0].Gateway) {
				t.Errorf("round trip: %v\n%s", err, Marshal(s, ""))
			}
		})
	}
}

// TestGatewayTargetsMerge: agents that share a gateway add up their
// targets, and a gateway that has any of them needs its role.
func TestGatewayTargetsMerge(t *testing.T) {
	s, err := Parse("t.yaml", []byte(header+`  a:
    gateway: {name: shared, openapi_targets: [{schema: "s3://bkt/one.json"}], interceptors: ["arn:aws:lambda:us-west-2:123456789012:function:f"]}
  b:
    gateway: {name: shared, openapi_targets: [{schema: "s3://bkt/one.json"}, {schema: "s3://bkt/two.json"}], policy_engine: {id: pe_one-abcdef1234}}
  c:
    gateway: {name: plain}
`))
	if err != nil {
		t.Fatal(err)
	}
	gws := s.Gateways()
	if len(gws) != 2 {
		t.Fatalf("%d gateways", len(gws))
	}
	u := gws[0]
	if !slices.Equal(u.OpenAPISchemas, []string{"s3://bkt/one.json", "s3://bkt/two.json"}) || len(u.Interceptors) != 1 || u.PolicyEngine != "pe_one-abcdef1234" || !u.NeedsRole() {
		t.Errorf("merged %+v", u)
	}
	if gws[1].NeedsRole() {
		t.Errorf("gateway plain needs no role")
	}
}
