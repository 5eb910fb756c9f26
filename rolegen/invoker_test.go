package rolegen

import (
	"slices"
	"testing"
)

const invokersSpec = header + `  bot: {}
  helper: {}
  faq: {type: bedrock-agent, models: ["anthropic.claude-3-haiku-20240307-v1:0"], agent_id: ABCDEFGHIJ}
  faq_any: {type: bedrock-agent, models: ["anthropic.claude-3-haiku-20240307-v1:0"]}
callers:
  ci: {}
  invokers:
    web: {agents: [bot, faq, faq_any], for_user: true}
    partner: {agents: [bot], principal: "arn:aws:iam::999988887777:role/PartnerApp"}
    other_account: {agents: [bot, helper], principal: "111122223333"}
    same_account: {agents: [helper], principal: "arn:aws:iam::123456789012:role/App"}
`

// TestInvokerPolicies: an application that calls agents may invoke
// exactly their runtimes (and endpoints) and Bedrock agent aliases, the
// user's identity only with for_user.
func TestInvokerPolicies(t *testing.T) {
	p := generate(t, invokersSpec)
	const rt = "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/"
	tests := []struct {
		invoker, action string
		resources       []string
	}{
		{"web", "bedrock-agentcore:InvokeAgentRuntime", []string{rt + "bot-??????????", rt + "bot-??????????/runtime-endpoint/*"}},
		{"web", "bedrock-agentcore:InvokeAgentRuntimeForUser", []string{rt + "bot-??????????", rt + "bot-??????????/runtime-endpoint/*"}},
		{"web", "bedrock:InvokeAgent", []string{"arn:aws:bedrock:us-west-2:123456789012:agent-alias/ABCDEFGHIJ/*", "arn:aws:bedrock:us-west-2:123456789012:agent-alias/*/*"}},
		{"partner", "bedrock-agentcore:InvokeAgentRuntime", []string{rt + "bot-??????????", rt + "bot-??????????/runtime-endpoint/*"}},
		{"partner", "bedrock-agentcore:InvokeAgentRuntimeForUser", nil},
		{"partner", "bedrock:InvokeAgent", nil},
		{"other_account", "bedrock-agentcore:InvokeAgentRuntime", []string{rt + "bot-??????????", rt + "bot-??????????/runtime-endpoint/*", rt + "helper-??????????", rt + "helper-??????????/runtime-endpoint/*"}},
	}
	for _, tc := range tests {
		t.Run(tc.invoker+" "+tc.action, func(t *testing.T) {
			sts := callerStatements(p, tc.invoker, tc.action)
			if tc.resources == nil {
				if len(sts) != 0 {
					t.Fatalf("%d statements allow %s", len(sts), tc.action)
				}
				return
			}
			if len(sts) != 1 {
				t.Fatalf("%d statements allow %s, want 1", len(sts), tc.action)
			}
			if got := sts[0].Resource.Strings(); !slices.Equal(got, tc.resources) {
				t.Errorf("resources %v, want %v", got, tc.resources)
			}
		})
	}
}

// TestAgentCoreResourcePolicies: a runtime called from other accounts
// gets a resource-based policy on the runtime and on its DEFAULT
// endpoint naming exactly those principals; runtimes only called from
// the spec's own account get none.
func TestAgentCoreResourcePolicies(t *testing.T) {
	p := generate(t, invokersSpec)
	const rt = "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/"
	want := map[string][]string{
		rt + "bot-??????????":                             {"arn:aws:iam::999988887777:role/PartnerApp", "arn:aws:iam::111122223333:root"},
		rt + "bot-??????????/runtime-endpoint/DEFAULT":    {"arn:aws:iam::999988887777:role/PartnerApp", "arn:aws:iam::111122223333:root"},
		rt + "helper-??????????":                          {"arn:aws:iam::111122223333:root"},
		rt + "helper-??????????/runtime-endpoint/DEFAULT": {"arn:aws:iam::111122223333:root"},
	}
	got := map[string][]string{}
	for _, rp := range p.ResourcePolicies {
		if rp.Kind != KindAgentCoreResourcePolicy {
			continue
		}
		for _, st := range rp.Document.Statements {
			if st.Principal == nil || len(st.Principal.Entries) != 1 || st.Principal.Entries[0].Type.Value != "AWS" {
				t.Errorf("%s: statement %s principal %+v, want one AWS principal", rp.ResourceARN, st.Sid.Value, st.Principal)
				continue
			}
			if res := st.Resource.Strings(); !slices.Equal(res, []string{rp.ResourceARN}) {
				t.Errorf("%s: statement %s resources %v", rp.ResourceARN, st.Sid.Value, res)
			}
			if acts := st.Action.Strings(); !slices.Equal(acts, []string{"bedrock-agentcore:InvokeAgentRuntime"}) {
				t.Errorf("%s: statement %s actions %v", rp.ResourceARN, st.Sid.Value, acts)
			}
			got[rp.ResourceARN] = append(got[rp.ResourceARN], st.Principal.Entries[0].Values.Strings()...)
		}
	}
	if len(got) != len(want) {
		t.Errorf("resource policies on %v, want %v", got, want)
	}
	for res, principals := range want {
		if !slices.Equal(got[res], principals) {
			t.Errorf("%s: principals %v, want %v", res, got[res], principals)
		}
	}
}

// TestGatewayInvokers: an invoker that calls a gateway may invoke exactly
// that gateway's id; from another account the gateway gets a resource
// policy naming the invoker.
func TestGatewayInvokers(t *testing.T) {
	p := generate(t, header+`  bot: {gateway: {name: support-tools}}
  admin: {gateway: {name: support-tools-admin}}
callers:
  invokers:
    mcp_client: {gateways: [support-tools]}
    partner: {gateways: [support-tools], principal: "999988887777"}
`)
	const gw = "arn:aws:bedrock-agentcore:us-west-2:123456789012:gateway/support-tools-??????????"
	for _, inv := range []string{"mcp_client", "partner"} {
		sts := callerStatements(p, inv, "bedrock-agentcore:InvokeGateway")
		if len(sts) != 1 || !slices.Equal(sts[0].Resource.Strings(), []string{gw}) {
			t.Errorf("%s: InvokeGateway statements %d, want one on %s", inv, len(sts), gw)
		}
	}
	var found int
	for _, rp := range p.ResourcePolicies {
		if rp.Kind != KindAgentCoreResourcePolicy {
			continue
		}
		found++
		if rp.ResourceARN != gw || rp.ResourceType != "gateway" || rp.Gateway != "support-tools" || rp.Owner() != "gateway support-tools" {
			t.Errorf("resource policy %+v", rp)
		}
		st := rp.Document.Statements
		if len(st) != 1 || !slices.Equal(st[0].Principal.Entries[0].Values.Strings(), []string{"arn:aws:iam::999988887777:root"}) ||
			!slices.Equal(st[0].Action.Strings(), []string{"bedrock-agentcore:InvokeGateway"}) {
			t.Errorf("gateway policy statements %+v", st)
		}
	}
	if found != 1 {
		t.Errorf("%d AgentCore resource policies, want the gateway's", found)
	}
}
