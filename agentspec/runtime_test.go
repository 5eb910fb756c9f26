package agentspec

import "testing"

// TestRuntimeOptions: the switches of an AgentCore runtime's role, their
// defaults, and their errors at the value's position.
func TestRuntimeOptions(t *testing.T) {
	tests := []struct {
		name, agent string
		check       func(a *Agent) bool
		err         string // "line:col code" of the one error, if any
	}{
		{"marketplace by default", "{}", func(a *Agent) bool { return !a.MarketplaceOff }, ""},
		{"marketplace false", "{marketplace: false}", func(a *Agent) bool { return a.MarketplaceOff }, ""},
		{"user id tokens off by default", "{}", func(a *Agent) bool { return !a.UserIDTokens }, ""},
		{"user id tokens", "{user_id_tokens: true}", func(a *Agent) bool { return a.UserIDTokens }, ""},
		{"user id tokens not a boolean", "{user_id_tokens: [x]}", nil, "5:23 wrong-type"},
		{"invokes for the user", "{invokes: [b, {agent: c, for_user: true}, {agent: d}]}\n  b: {}\n  c: {}\n  d: {}", func(a *Agent) bool {
			return len(a.Invokes) == 3 && a.InvokesForUser["c"] && len(a.InvokesForUser) == 1
		}, ""},
		{"invokes entry without agent", "{invokes: [{for_user: true}]}", nil, "5:17 missing-key"},
		{"invokes entry unknown key", "{invokes: [{agent: b, for_usr: true}]}\n  b: {}", nil, "5:28 unknown-key"},
		{"invokes twice", "{invokes: [b, {agent: b, for_user: true}]}\n  b: {}", nil, "5:28 duplicate"},
		{"invokes unknown agent", "{invokes: [{agent: nobody, for_user: true}]}", nil, "5:25 unknown-agent"},
		{"memory strategy models", "{memory: [{id: m_one-AbCdEf1234, access: read, strategy_models: [\"amazon.nova-pro-v1:0\"]}]}", func(a *Agent) bool {
			return len(a.Memory) == 1 && len(a.Memory[0].StrategyModels) == 1 && a.Memory[0].StrategyModels[0].ID == "amazon.nova-pro-v1:0"
		}, ""},
		{"memory strategy model unknown", "{memory: [{id: m_one-AbCdEf1234, access: read, strategy_models: [nova]}]}", nil, "5:71 unknown-model"},
		{"custom tools with roles", "{code_interpreter: {id: ci_one-AbCdEf1234, execution_role: true}, browser: {id: br_one-AbCdEf1234, recording: {bucket: rec-bucket, prefix: /runs/}}}", func(a *Agent) bool {
			return a.CodeInterpreter.ExecutionRole && a.Browser.Recording != nil && a.Browser.Recording.Bucket == "rec-bucket" && a.Browser.Recording.Prefix == "runs/"
		}, ""},
		{"tools stay plain", "{code_interpreter: true, browser: {id: br_one-AbCdEf1234}}", func(a *Agent) bool {
			return a.CodeInterpreter != nil && a.CodeInterpreter.ID == "" && a.Browser.ID == "br_one-AbCdEf1234" && a.Browser.Recording == nil
		}, ""},
		{"execution_role on a browser", "{browser: {id: br_one-AbCdEf1234, execution_role: true}}", nil, "5:40 unknown-key"},
		{"recording without bucket", "{browser: {id: br_one-AbCdEf1234, recording: {prefix: x/}}}", nil, "5:51 missing-key"},
		{"recording bucket name", "{browser: {id: br_one-AbCdEf1234, recording: {bucket: Bad_Bucket}}}", nil, "5:60 invalid-name"},
		{"agent_arn pins the runtime", "{agent_arn: \"arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/a-AbCdEf1234\"}", func(a *Agent) bool { return a.RuntimeID == "a-AbCdEf1234" }, ""},
		{"agent_arn of another agent", "{agent_arn: \"arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/ab-AbCdEf1234\"}", nil, "5:18 invalid-value"},
		{"agent_arn id too short", "{agent_arn: \"arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/a-AbCdEf\"}", nil, "5:18 invalid-value"},
		{"agent_arn in another region", "{agent_arn: \"arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/a-AbCdEf1234\"}", nil, "5:18 invalid-value"},
		{"agent_arn not a runtime", "{agent_arn: \"arn:aws:bedrock-agentcore:us-west-2:123456789012:gateway/a-abcdef1234\"}", nil, "5:18 malformed-arn"},
		{"agent_arn on a bedrock agent", "{type: bedrock-agent, models: [\"amazon.nova-pro-v1:0\"], agent_arn: x}", nil, "5:62 wrong-agent-type"},
		{"marketplace not a boolean", "{marketplace: off}", nil, "5:20 wrong-type"},
		{"marketplace on a bedrock agent", "{type: bedrock-agent, models: [\"amazon.nova-pro-v1:0\"], marketplace: false}", nil, "5:62 wrong-agent-type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("t.yaml", []byte(header+"  a: "+tt.agent+"\n"))
			if tt.err != "" {
				se, ok := err.(*Error)
				if !ok || len(se.Diagnostics) != 1 {
					t.Fatalf("err = %v, want one error at %s", err, tt.err)
				}
				d := se.Diagnostics[0]
				if got := d.Pos.String() + " " + d.Code; got != tt.err {
					t.Errorf("error %q (%s), want %q", got, d.Message, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(s.Agents[0]) {
				t.Errorf("agent %+v", s.Agents[0])
			}
			again, err := Parse("m.yaml", Marshal(s, ""))
			if err != nil || !tt.check(again.Agents[0]) {
				t.Errorf("round trip: %v\n%s", err, Marshal(s, ""))
			}
		})
	}
}

func TestSoldThroughMarketplace(t *testing.T) {
	for id, want := range map[string]bool{
		"anthropic.claude-3-haiku-20240307-v1:0":    true,
		"us.anthropic.claude-3-haiku-20240307-v1:0": true,
		"meta.llama3-70b-instruct-v1:0":             true,
		"amazon.nova-pro-v1:0":                      false,
		"us.amazon.nova-pro-v1:0":                   false,
	} {
		m, _, ok := classifyModelID(id)
		if !ok {
			t.Fatalf("%s is not in the model table", id)
		}
		if got := m.SoldThroughMarketplace(); got != want {
			t.Errorf("%s: SoldThroughMarketplace = %v, want %v", id, got, want)
		}
	}
	if (Model{ID: "arn:aws:bedrock:us-west-2:123456789012:provisioned-model/x", Kind: ModelARN}).SoldThroughMarketplace() {
		t.Error("a model ARN is judged")
	}
}
