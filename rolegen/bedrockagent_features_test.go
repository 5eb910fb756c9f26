package rolegen

import (
	"slices"
	"testing"

	"github.com/agentiam/agentiam/lint"
	"github.com/agentiam/agentiam/policy"
)

const (
	collaboratorAlias = "arn:aws:bedrock:us-west-2:123456789012:agent-alias/BBBBBBBBBB/CCCCCCCCCC"
	agentKeyARN       = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

// bedrockFeaturesSpec: a supervisor with an id, one without, and an
// invoker of both.
const bedrockFeaturesSpec = header + `  boss:
    type: bedrock-agent
    models: [anthropic.claude-3-haiku-20240307-v1:0, us.amazon.nova-pro-v1:0]
    agent_id: ABCDEFGHIJ
    collaborators: ["` + collaboratorAlias + `"]
    streaming: true
    kms_key: "` + agentKeyARN + `"
    guardrails: [gr1abc2def3g, "us.guardrail.v1:0"]
  any:
    type: bedrock-agent
    models: [anthropic.claude-3-haiku-20240307-v1:0]
    kms_key: "` + agentKeyARN + `"
  plain:
    type: bedrock-agent
    models: [anthropic.claude-3-haiku-20240307-v1:0]
callers:
  invokers:
    web: {agents: [boss, any, plain]}
    other: {agents: [plain]}
`

// statementsOf are the statements of a role's inline policy or a
// caller's policies that allow an action.
func statementsOf(p *Plan, owner, action string) []*policy.Statement {
	var out []*policy.Statement
	for _, r := range p.Roles {
		if r.Agent != owner {
			continue
		}
		for _, ip := range r.InlinePolicies {
			for _, st := range ip.Document.Statements {
				if slices.Contains(st.Action.Strings(), action) {
					out = append(out, st)
				}
			}
		}
	}
	return append(out, callerStatements(p, owner, action)...)
}

// TestBedrockAgentFeatures: collaborators, streaming, guardrails and
// kms_key on the service role, and the key for the agent's invokers, each only in the
// agent's encryption context.
func TestBedrockAgentFeatures(t *testing.T) {
	p := generate(t, bedrockFeaturesSpec)
	const agents = "arn:aws:bedrock:us-west-2:123456789012:agent/"
	tests := []struct {
		name, owner, action string
		resources           []string // nil: no statement allows it
		op, context         []string // the encryption context per statement
	}{
		{"collaborator alias", "boss", "bedrock:InvokeAgent", []string{collaboratorAlias}, nil, nil},
		{"collaborator alias read", "boss", "bedrock:GetAgentAlias", []string{collaboratorAlias}, nil, nil},
		{"no collaborators", "any", "bedrock:InvokeAgent", nil, nil, nil},
		{"streaming", "boss", "bedrock:InvokeModelWithResponseStream", []string{
			"arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
			"arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.amazon.nova-pro-v1:0",
			"arn:aws:bedrock:*::foundation-model/amazon.nova-pro-v1:0",
		}, nil, nil},
		{"no streaming", "any", "bedrock:InvokeModelWithResponseStream", nil, nil, nil},
		{"key with the agent id", "boss", "kms:Decrypt", []string{agentKeyARN}, []string{"StringEquals"}, []string{agents + "ABCDEFGHIJ"}},
		{"key data keys", "boss", "kms:GenerateDataKey", []string{agentKeyARN}, []string{"StringEquals"}, []string{agents + "ABCDEFGHIJ"}},
		{"key without an agent id", "any", "kms:Decrypt", []string{agentKeyARN}, []string{"StringLike"}, []string{agents + "*"}},
		{"no key", "plain", "kms:Decrypt", nil, nil, nil},
		{"invoker keys", "web", "kms:Decrypt", []string{agentKeyARN, agentKeyARN}, []string{"StringEquals", "StringLike"}, []string{agents + "ABCDEFGHIJ", agents + "*"}},
		{"invoker data keys", "web", "kms:GenerateDataKey", []string{agentKeyARN, agentKeyARN}, []string{"StringEquals", "StringLike"}, []string{agents + "ABCDEFGHIJ", agents + "*"}},
		{"invoker of an agent without key", "other", "kms:Decrypt", nil, nil, nil},
		// "(Optional) If you associate a guardrail with your agent,
		// permissions to apply that guardrail":
		// https://docs.aws.amazon.com/bedrock/latest/userguide/agents-permissions.html
		{"guardrails", "boss", "bedrock:ApplyGuardrail", []string{
			"arn:aws:bedrock:us-west-2:123456789012:guardrail/gr1abc2def3g",
			"arn:aws:bedrock:*:123456789012:guardrail-profile/us.guardrail.v1:0",
		}, nil, nil},
		{"no guardrails", "plain", "bedrock:ApplyGuardrail", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got, ops, contexts []string
			for _, st := range statementsOf(p, tt.owner, tt.action) {
				got = append(got, st.Resource.Strings()...)
				for _, op := range []string{"StringEquals", "StringLike"} {
					for _, v := range conditionValues(st, op, encryptionContextAgent) {
						ops, contexts = append(ops, op), append(contexts, v)
					}
				}
			}
			if !slices.Equal(got, tt.resources) || !slices.Equal(ops, tt.op) || !slices.Equal(contexts, tt.context) {
				t.Errorf("resources %v %v %v\nwant      %v %v %v", got, ops, contexts, tt.resources, tt.op, tt.context)
			}
		})
	}
}

// TestBedrockAgentFeaturesLintClean: the features' documents have no
// lint error or warning (no wildcard under StringEquals).
func TestBedrockAgentFeaturesLintClean(t *testing.T) {
	for _, d := range documents(generate(t, bedrockFeaturesSpec)) {
		for _, diag := range lint.Document(d.doc, lint.Options{Type: d.kind, Size: d.size}) {
			if diag.Severity >= 1 {
				t.Errorf("%s: %s %s: %s", d.name, diag.Severity, diag.Code, diag.Message)
			}
		}
	}
}
