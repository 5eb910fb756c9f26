package verify

import (
	"slices"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/rolegen"
)

const bedrockFeaturesSpec = callerHeader + `  boss:
    type: bedrock-agent
    models: [anthropic.claude-3-haiku-20240307-v1:0, us.amazon.nova-pro-v1:0]
    agent_id: ABCDEFGHIJ
    collaborators: ["arn:aws:bedrock:us-west-2:123456789012:agent-alias/BBBBBBBBBB/CCCCCCCCCC"]
    streaming: true
    kms_key: "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  any:
    type: bedrock-agent
    models: [anthropic.claude-3-haiku-20240307-v1:0]
    kms_key: "arn:aws:kms:us-west-2:123456789012:key/5678abcd-12ab-34cd-56ef-1234567890ab"
callers:
  invokers:
    web: {agents: [boss]}
`

// TestBedrockAgentFeaturesVerify: the generated plan of collaborators,
// streaming and kms_key verifies, and each way of breaking it fails on
// the request that guards it.
// encryptionContextAgent is the condition key of the agent in a Bedrock agent's KMS encryption context.
const encryptionContextAgent = "kms:EncryptionContext:aws:bedrock:arn"

func TestBedrockAgentFeaturesVerify(t *testing.T) {
	spec := parseSpec(t, bedrockFeaturesSpec)
	if got := failedRequests(t, spec, generate(t, spec)); len(got) > 0 {
		t.Fatalf("the generated plan fails:\n  %s", strings.Join(got, "\n  "))
	}
	tests := []struct {
		name   string
		damage func(t *testing.T, p *rolegen.Plan)
		want   string // a failed request contains it
	}{
		{"key without context", func(t *testing.T, p *rolegen.Plan) {
			d, i := statement(t, p, "boss", "UseAgentKey")
			dropCondition(d.Statements[i], encryptionContextAgent)
		}, "agent boss): forbidden kms:Decrypt on arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (key arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab of agent boss without its encryption context)"},
		{"key of any agent", func(t *testing.T, p *rolegen.Plan) {
			d, i := statement(t, p, "any", "UseAgentKey")
			setCondition(d.Statements[i], "StringLike", encryptionContextAgent, "arn:aws:bedrock:*:*:agent/*")
		}, "in another agent's encryption context"},
		{"no key", func(t *testing.T, p *rolegen.Plan) {
			d, i := statement(t, p, "boss", "UseAgentKey")
			d.Statements = slices.Delete(d.Statements, i, i+1)
		}, "required kms:GenerateDataKey"},
		{"every alias of the collaborator", func(t *testing.T, p *rolegen.Plan) {
			d, i := statement(t, p, "boss", "InvokeAgentCollaborators")
			d.Statements[i].Resource = policy.NewStringList("arn:aws:bedrock:us-west-2:123456789012:agent-alias/BBBBBBBBBB/*")
		}, "another alias of collaborator agent BBBBBBBBBB"},
		{"no collaborator alias read", func(t *testing.T, p *rolegen.Plan) {
			d, i := statement(t, p, "boss", "InvokeAgentCollaborators")
			d.Statements[i].Action = policy.NewStringList("bedrock:InvokeAgent")
		}, "required bedrock:GetAgentAlias"},
		{"no streaming", func(t *testing.T, p *rolegen.Plan) {
			d, i := statement(t, p, "boss", "InvokeModels")
			d.Statements[i].Action = policy.NewStringList("bedrock:InvokeModel")
		}, "required bedrock:InvokeModelWithResponseStream"},
		{"streaming while off", func(t *testing.T, p *rolegen.Plan) {
			d, i := statement(t, p, "any", "InvokeModels")
			d.Statements[i].Action = policy.NewStringList("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream")
		}, "(streaming is not set)"},
		{"invoker key without context", func(t *testing.T, p *rolegen.Plan) {
			d, i := callerStatement(t, p, "web", "UseAgentKeyBoss")
			dropCondition(d.Statements[i], encryptionContextAgent)
		}, "of caller web: forbidden kms:Decrypt"},
		{"invoker without key", func(t *testing.T, p *rolegen.Plan) {
			d, i := callerStatement(t, p, "web", "UseAgentKeyBoss")
			d.Statements = slices.Delete(d.Statements, i, i+1)
		}, "of caller web: required kms:Decrypt"},
		{"invoker of the other agent's key", func(t *testing.T, p *rolegen.Plan) {
			d, i := callerStatement(t, p, "web", "UseAgentKeyBoss")
			d.Statements[i].Resource = policy.NewStringList("arn:aws:kms:us-west-2:123456789012:key/*")
			setCondition(d.Statements[i], "StringLike", encryptionContextAgent, "arn:aws:bedrock:us-west-2:123456789012:agent/*")
		}, "an agent the invoker does not call (any): its key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := generate(t, spec)
			tt.damage(t, plan)
			got := strings.Join(failedRequests(t, spec, plan), "\n")
			if !strings.Contains(got, tt.want) {
				t.Errorf("no failure with %q in:\n%s", tt.want, got)
			}
		})
	}
}

// setCondition replaces a statement's condition with one operator and key.
func setCondition(st *policy.Statement, op, key, value string) {
	st.Condition = nil
	st.AddCondition(op, key, value)
}
