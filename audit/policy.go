package audit

import "github.com/agentiam/agentiam/policy"

// ReadOnlyActions are the calls --live makes, all read-only.
var ReadOnlyActions = []string{
	"iam:GetAccountAuthorizationDetails",
	"bedrock-agentcore:ListAgentRuntimes", "bedrock-agentcore:GetAgentRuntime",
	"bedrock-agentcore:ListGateways", "bedrock-agentcore:GetGateway",
	"bedrock-agentcore:ListCodeInterpreters", "bedrock-agentcore:GetCodeInterpreter",
	"bedrock-agentcore:ListBrowsers", "bedrock-agentcore:GetBrowser",
	"bedrock:ListAgents", "bedrock:GetAgent",
}

// ReadOnlyPolicy is the identity policy the live audit needs: exactly
// the read-only calls it makes, on every resource (they list and
// describe the account; none reads data or secrets).
func ReadOnlyPolicy() []byte {
	st := policy.NewStatement("AgentiamAuditReadOnly", policy.EffectAllow)
	st.Action = policy.NewStringList(ReadOnlyActions...)
	st.Resource = policy.NewStringList("*")
	return append(policy.Format(policy.NewDocument(st)), '\n')
}
