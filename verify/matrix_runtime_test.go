package verify

import (
	"slices"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/rolegen"
)

// failedRequests verifies a plan and lists its failed requests.
func failedRequests(t *testing.T, spec *agentspec.Spec, plan *rolegen.Plan) []string {
	t.Helper()
	rep, err := Verify(spec, plan, Options{GeneratedOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	return failures(rep)
}

// widenIDs turns the exact id patterns of a plan (name-??????????) back
// into name-*, as agentiam generated them before.
func widenIDs(p *rolegen.Plan) {
	widen := func(s string) string { return strings.ReplaceAll(s, "-??????????", "-*") }
	for _, r := range p.Roles {
		docs := []*policy.Document{r.TrustPolicy}
		for _, ip := range r.InlinePolicies {
			docs = append(docs, ip.Document)
		}
		for _, d := range docs {
			for _, st := range d.Statements {
				if st.Resource != nil {
					res := st.Resource.Strings()
					for i := range res {
						res[i] = widen(res[i])
					}
					st.Resource = policy.NewStringList(res...)
				}
				if st.Condition == nil {
					continue
				}
				for _, op := range st.Condition.Operators {
					for _, k := range op.Keys {
						for i := range k.Values {
							k.Values[i].Value = widen(k.Values[i].Value)
						}
					}
				}
			}
		}
	}
}

// TestMarketplace: an agent that calls a model sold through AWS
// Marketplace must be able to subscribe to it through Bedrock on its
// first call; one that calls only Amazon models, or says marketplace:
// false, must not.
func TestMarketplace(t *testing.T) {
	spec := parseSpec(t, `version: 1
account: "123456789012"
region: us-west-2
agents:
  third_party:
    models: [anthropic.claude-3-haiku-20240307-v1:0]
  amazon_only:
    models: [amazon.nova-pro-v1:0]
  subscribed:
    models: [meta.llama3-70b-instruct-v1:0]
    marketplace: false
`)
	plan := generate(t, spec)
	if got := failedRequests(t, spec, plan); len(got) > 0 {
		t.Fatalf("the generated plan fails:\n  %s", strings.Join(got, "\n  "))
	}
	// The plan of agentiam before marketplace support: no subscription.
	for _, r := range plan.Roles {
		for _, p := range r.InlinePolicies {
			p.Document.Statements = slices.DeleteFunc(p.Document.Statements, func(st *policy.Statement) bool {
				return st.Sid != nil && st.Sid.Value == "SubscribeToMarketplaceModels"
			})
		}
	}
	got := strings.Join(failedRequests(t, spec, plan), "\n")
	if !strings.Contains(got, "agent third_party): required aws-marketplace:Subscribe on * (subscribe") {
		t.Errorf("no failure for the missing subscription among:\n%s", got)
	}
	if strings.Contains(got, "amazon_only") || strings.Contains(got, "subscribed") {
		t.Errorf("agents that need no subscription fail:\n%s", got)
	}
}

// TestUserIDTokens: minting workload access tokens for any user id is
// forbidden unless the spec says user_id_tokens: true, as agentiam
// granted it before.
func TestUserIDTokens(t *testing.T) {
	spec := parseSpec(t, "version: 1\naccount: \"123456789012\"\nregion: us-west-2\nagents:\n  bot: {}\n  on_behalf: {user_id_tokens: true}\n")
	plan := generate(t, spec)
	if got := failedRequests(t, spec, plan); len(got) > 0 {
		t.Fatalf("the generated plan fails:\n  %s", strings.Join(got, "\n  "))
	}
	for _, r := range plan.Roles {
		for _, st := range r.InlinePolicies[0].Document.Statements {
			if st.Sid != nil && st.Sid.Value == "GetWorkloadAccessTokens" {
				st.Action = policy.NewStringList(append(st.Action.Strings(), "bedrock-agentcore:GetWorkloadAccessTokenForUserId")...)
			}
		}
	}
	got := strings.Join(failedRequests(t, spec, plan), "\n")
	if !strings.Contains(got, "agent bot): forbidden bedrock-agentcore:GetWorkloadAccessTokenForUserId") || strings.Contains(got, "on_behalf") {
		t.Errorf("want exactly bot's user-id tokens forbidden, got:\n%s", got)
	}
}

// TestMemoryRoleRequired: a memory with strategy models needs its
// execution role; a plan without it (as agentiam generated before) is
// reported missing.
func TestMemoryRoleRequired(t *testing.T) {
	spec := parseSpec(t, `version: 1
account: "123456789012"
region: us-west-2
agents:
  bot:
    memory: [{id: bot_mem-AbCdEf1234, access: read, strategy_models: ["amazon.nova-pro-v1:0"]}]
callers:
  ci: {}
`)
	plan := generate(t, spec)
	if got := failedRequests(t, spec, plan); len(got) > 0 {
		t.Fatalf("the generated plan fails:\n  %s", strings.Join(got, "\n  "))
	}
	plan.Roles = slices.DeleteFunc(plan.Roles, func(r *rolegen.Role) bool { return r.Purpose == rolegen.PurposeMemory })
	rep, err := Verify(spec, plan, Options{GeneratedOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Missing != 1 {
		t.Errorf("summary %+v, want the memory role missing", rep.Summary)
	}
}

// TestSiblingIDs: a gateway whose name extends the agent's gateway's
// (support-tools-admin) must be neither invocable by the agent nor able
// to assume the gateway's role; name-* allowed both and verified.
func TestSiblingIDs(t *testing.T) {
	spec := parseSpec(t, `version: 1
account: "123456789012"
region: us-west-2
agents:
  bot:
    invokes: [helper]
    gateway: {name: support-tools, lambda_targets: ["arn:aws:lambda:us-west-2:123456789012:function:tool"]}
  helper: {}
`)
	plan := generate(t, spec)
	if got := failedRequests(t, spec, plan); len(got) > 0 {
		t.Fatalf("the generated plan fails:\n  %s", strings.Join(got, "\n  "))
	}
	widenIDs(plan)
	got := strings.Join(failedRequests(t, spec, plan), "\n")
	for _, want := range []string{
		"forbidden bedrock-agentcore:InvokeGateway on arn:aws:bedrock-agentcore:us-west-2:123456789012:gateway/support-tools-admin-" + "a1b2c3d4e5",
		"forbidden sts:AssumeRole on arn:aws:iam::123456789012:role/AgentCoreGatewayExecutionRole-us-west-2-",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no failure %q among:\n%s", want, got)
		}
	}
}

// TestPinnedRuntime: once agent_arn pins a runtime, a runtime recreated
// under the same name must neither assume its role nor be invoked by the
// agents that call it; the name's id pattern allowed both.
func TestPinnedRuntime(t *testing.T) {
	spec := parseSpec(t, `version: 1
account: "123456789012"
region: us-west-2
agents:
  bot:
    invokes: [helper]
  helper:
    agent_arn: "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/helper-Ab3De5Gh7J"
`)
	if got := failedRequests(t, spec, generate(t, spec)); len(got) > 0 {
		t.Fatalf("the generated plan fails:\n  %s", strings.Join(got, "\n  "))
	}
	helper, _ := spec.Agent("helper")
	helper.RuntimeID = ""
	unpinned := generate(t, spec)
	helper.RuntimeID = "helper-Ab3De5Gh7J"
	got := strings.Join(failedRequests(t, spec, unpinned), "\n")
	for _, want := range []string{
		"forbidden sts:AssumeRole on arn:aws:iam::123456789012:role/AmazonBedrockAgentCoreSDKRuntime-us-west-2-",
		"forbidden bedrock-agentcore:InvokeAgentRuntime on arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/helper-Zz9Yy8Xx7W",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no failure %q among:\n%s", want, got)
		}
	}
}
