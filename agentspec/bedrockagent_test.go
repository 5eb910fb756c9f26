package agentspec

import (
	"errors"
	"slices"
	"testing"
)

const (
	testAlias  = "arn:aws:bedrock:us-west-2:123456789012:agent-alias/BBBBBBBBBB/CCCCCCCCCC"
	testKey    = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	bedrockHdr = "{type: bedrock-agent, models: [\"amazon.nova-pro-v1:0\"], "
)

func TestParseAgentAlias(t *testing.T) {
	tests := []struct {
		in   string
		want AgentAlias
		ok   bool
	}{
		{testAlias, AgentAlias{ARN: testAlias, AgentID: "BBBBBBBBBB", AliasID: "CCCCCCCCCC"}, true},
		{"arn:aws:bedrock:us-west-2:123456789012:agent-alias/BBBBBBBBBB", AgentAlias{}, false},
		{"arn:aws:bedrock:us-west-2:123456789012:agent-alias/BBBBBBBBBB/*", AgentAlias{}, false},
		{"arn:aws:bedrock:us-west-2:123456789012:agent/BBBBBBBBBB", AgentAlias{}, false},
		{"arn:aws:lambda:us-west-2:123456789012:function:f", AgentAlias{}, false},
		{"BBBBBBBBBB/CCCCCCCCCC", AgentAlias{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseAgentAlias(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseAgentAlias(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestBedrockAgentFeatures: collaborators, streaming and kms_key of a
// Bedrock agent, their defaults, and their errors at the value's
// position.
func TestBedrockAgentFeatures(t *testing.T) {
	tests := []struct {
		name, agent string
		check       func(a *Agent) bool
		err         string // "line:col code" of the one error, if any
	}{
		{"defaults", bedrockHdr + "}", func(a *Agent) bool { return len(a.Collaborators) == 0 && !a.Streaming && a.KMSKey == "" }, ""},
		{"collaborators", bedrockHdr + "collaborators: [\"" + testAlias + "\"]}", func(a *Agent) bool { return slices.Equal(a.Collaborators, []string{testAlias}) }, ""},
		{"streaming", bedrockHdr + "streaming: true}", func(a *Agent) bool { return a.Streaming }, ""},
		{"kms_key", bedrockHdr + "kms_key: \"" + testKey + "\"}", func(a *Agent) bool { return a.KMSKey == testKey }, ""},
		{"collaborator not an alias", bedrockHdr + "collaborators: [\"arn:aws:bedrock:us-west-2:123456789012:agent/BBBBBBBBBB\"]}", nil, "5:78 malformed-arn"},
		{"collaborator not an ARN", bedrockHdr + "collaborators: [BBBBBBBBBB]}", nil, "5:78 malformed-arn"},
		{"collaborator alias wildcard", bedrockHdr + "collaborators: [\"arn:aws:bedrock:us-west-2:123456789012:agent-alias/BBBBBBBBBB/*\"]}", nil, "5:78 invalid-value"},
		{"collaborator of another partition", bedrockHdr + "collaborators: [\"arn:aws-cn:bedrock:cn-north-1:123456789012:agent-alias/BBBBBBBBBB/CCCCCCCCCC\"]}", nil, "5:78 invalid-value"},
		{"collaborator is the agent itself", bedrockHdr + "agent_id: BBBBBBBBBB, collaborators: [\"" + testAlias + "\"]}", nil, "5:100 invalid-value"},
		{"collaborator twice", bedrockHdr + "collaborators: [\"" + testAlias + "\", \"" + testAlias + "\"]}", nil, "5:154 duplicate"},
		{"streaming not a boolean", bedrockHdr + "streaming: yes please}", nil, "5:73 wrong-type"},
		{"kms_key not a key", bedrockHdr + "kms_key: \"arn:aws:kms:us-west-2:123456789012:alias/agent\"}", nil, "5:71 malformed-arn"},
		{"collaborators on an agentcore agent", "{collaborators: [\"" + testAlias + "\"]}", nil, "5:7 wrong-agent-type"},
		{"streaming on an agentcore agent", "{streaming: true}", nil, "5:7 wrong-agent-type"},
		{"kms_key on an agentcore agent", "{kms_key: \"" + testKey + "\"}", nil, "5:7 wrong-agent-type"},
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

// TestBedrockAgentKeyLeavesKMSKeys: the agent's kms_key listed in
// kms_keys too is dropped there, with a warning at its entry.
func TestBedrockAgentKeyLeavesKMSKeys(t *testing.T) {
	other := "arn:aws:kms:us-west-2:123456789012:key/5678abcd-12ab-34cd-56ef-1234567890ab"
	src := header + "  a:\n    type: bedrock-agent\n    models: [\"amazon.nova-pro-v1:0\"]\n    kms_key: \"" + testKey + "\"\n    kms_keys: [\"" + other + "\", \"" + testKey + "\"]\n"
	s, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if a := s.Agents[0]; !slices.Equal(a.KMSKeys, []string{other}) || a.KMSKey != testKey {
		t.Errorf("kms_keys %v, kms_key %q", a.KMSKeys, a.KMSKey)
	}
	var at []string
	for _, d := range s.Warnings {
		if d.Code == CodeAgentKeyInKMSKeys {
			at = append(at, d.Pos.String())
		}
	}
	if !slices.Equal(at, []string{"9:95"}) {
		t.Errorf("warnings %v", s.Warnings)
	}
}

// TestBedrockAgentKeySuggestion: a misspelt key gets did-you-mean.
func TestBedrockAgentKeySuggestion(t *testing.T) {
	for typo, want := range map[string]string{"colaborators": "collaborators", "streamng": "streaming", "kms_kye": "kms_key"} {
		_, err := Parse("t.yaml", []byte(header+"  a: "+bedrockHdr+typo+": x}\n"))
		var e *Error
		if !errors.As(err, &e) || len(e.Diagnostics) != 1 || e.Diagnostics[0].Suggestion != want {
			t.Errorf("%s: err = %v, want the suggestion %s", typo, err, want)
		}
	}
}
