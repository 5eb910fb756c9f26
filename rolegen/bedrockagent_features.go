package rolegen

import (
	"strings"

	"github.com/agentiam/agentiam/agentspec"
)

// Features of Bedrock Agents beyond models, action groups and knowledge
// bases (their actions are in actionSets).
const (
	// featInvokeCollaborator: a supervisor agent reads and invokes its
	// collaborators' aliases (Bedrock guide: Create a service role for
	// Amazon Bedrock Agents, multi-agent collaboration).
	featInvokeCollaborator feature = "invoke-agent-collaborator"
	// featAgentKey: the customer managed key of an agent, for its service
	// role and for whoever invokes it (Bedrock guide: Encryption of agent
	// resources).
	featAgentKey feature = "bedrock-agent-key"
)

// encryptionContextAgent is the encryption context key Bedrock Agents
// puts the agent's ARN under when it uses the agent's key.
const encryptionContextAgent = "kms:EncryptionContext:aws:bedrock:arn"

// agentModelsFeature is what the service role may do with the agent's
// models: InvokeModel, and with streaming: true also
// InvokeModelWithResponseStream, which streaming the final response
// takes (Bedrock guide: Invoke an agent from your application).
func agentModelsFeature(a *agentspec.Agent) feature {
	if a.Streaming {
		return featInvokeModel
	}
	return featInvokeModelAgent
}

// bedrockAgentFeatures adds the collaborators and the agent's key to its
// service role.
func (g *gen) bedrockAgentFeatures(st *statements, a *agentspec.Agent, agentARN string) {
	if len(a.Collaborators) > 0 {
		st.add(g.r.allow("InvokeAgentCollaborators", featInvokeCollaborator, a.Collaborators...))
	}
	if a.KMSKey != "" {
		st.add(g.agentKey("UseAgentKey", a, agentARN))
	}
}

// agentKey allows the agent's key only in the agent's encryption
// context: kms:EncryptionContext:aws:bedrock:arn is the agent's ARN,
// matched with StringLike when the agent id is not known yet.
func (g *gen) agentKey(sid string, a *agentspec.Agent, agentARN string) *stmt {
	op := "StringEquals"
	if strings.ContainsAny(agentARN, "*?") {
		op = "StringLike"
	}
	return g.r.when(g.r.allow(sid, featAgentKey, a.KMSKey), op, encryptionContextAgent, agentARN)
}

// bedrockAgentARN is the ARN of a Bedrock agent, every agent of its
// account and region while agent_id is not set.
func (g *gen) bedrockAgentARN(a *agentspec.Agent) string {
	id := a.AgentID
	if id == "" {
		id = "*"
	}
	return g.r.arn(g.where(a), "bedrock", "agent", id)
}

// invokerAgentKeys lets an invoker use the keys of the Bedrock agents it
// calls, each only in its agent's encryption context: InvokeAgent on an
// agent encrypted with a customer managed key checks that the caller
// may use the key.
func (g *gen) invokerAgentKeys(st *statements, inv *agentspec.Invoker) {
	for _, name := range inv.Agents {
		a, ok := g.spec.Agent(name)
		if !ok || a.Type != agentspec.BedrockAgent || a.KMSKey == "" {
			continue
		}
		sid := fitName("UseAgentKey"+camel(a.Name), a.Name, "", maxStatementIDLength-2)
		st.add(g.agentKey(sid, a, g.bedrockAgentARN(a)))
	}
}
