package expect

import (
	"strings"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/policy"
)

// encryptionContextAgent is the encryption context key under which
// Bedrock Agents names the agent whose resources a key encrypts.
const encryptionContextAgent = "kms:EncryptionContext:aws:bedrock:arn"

// bedrockAgentIDs are the id a Bedrock agent's requests name and the
// pattern the spec grants: any agent of the account until agent_id is set.
func bedrockAgentIDs(a *agentspec.Agent) (id, pattern string) {
	if a.AgentID == "" {
		return "A1B2C3D4E5", "*"
	}
	return a.AgentID, a.AgentID
}

// bedrockAgentFeatures adds a Bedrock agent's collaborators, streaming
// and key to its service role's matrix; m.models must have run.
func (m *matrix) bedrockAgentFeatures(a *agentspec.Agent) {
	m.collaborators(a)
	m.agentStreaming(a)
	m.agentKey(a, m.b.keyPolicy)
}

// collaborators adds invoking and reading exactly the collaborators'
// aliases: not another alias of a collaborator, not another agent's.
func (m *matrix) collaborators(a *agentspec.Agent) {
	f, w := &m.b.f, m.w
	collaborate := acts("bedrock:InvokeAgent", "bedrock:GetAgentAlias")
	for _, c := range a.Collaborators {
		alias, ok := agentspec.ParseAgentAlias(c)
		if !ok {
			continue
		}
		m.need(req{src: SrcAgentsCollaboration, why: "invoke collaborator " + c, actions: collaborate, resource: c})
		m.forbid(req{why: "another alias of collaborator agent " + alias.AgentID, actions: acts("bedrock:InvokeAgent"),
			resource: strings.TrimSuffix(c, alias.AliasID) + "ZZZZZZZZZZ"})
		m.forbid(req{why: "change collaborator " + c, actions: acts("bedrock:UpdateAgentAlias", "bedrock:DeleteAgentAlias"), resource: c})
	}
	m.forbid(req{why: "a collaborator outside the spec", actions: collaborate, resource: f.arn(w, "bedrock", "agent-alias", "ZZZZZZZZZZ", defaultAliasID)})
}

// agentStreaming adds, for every model request the agent needs,
// InvokeModelWithResponseStream: required with streaming: true,
// forbidden without.
func (m *matrix) agentStreaming(a *agentspec.Agent) {
	var invokes []Check
	for _, c := range m.s.Checks {
		if c.Expect == Required && c.Action == "bedrock:InvokeModel" {
			invokes = append(invokes, c)
		}
	}
	for _, c := range invokes {
		c.Action = "bedrock:InvokeModelWithResponseStream"
		if a.Streaming {
			c.Why += " with a streamed response (streaming)"
			c.Source = SourceOf(SrcAgentsStreaming)
		} else {
			c.Expect, c.Why, c.Source, c.Grant = Forbidden, "stream "+c.Why+" (streaming is not set)", nil, nil
		}
		m.s.Checks = append(m.s.Checks, c)
	}
}

// agentKey adds using the agent's kms_key in the agent's encryption
// context, and forbids it without the context or in another agent's;
// keyPolicy is the key's side of the request.
func (m *matrix) agentKey(a *agentspec.Agent, keyPolicy *policy.Document) {
	if a.KMSKey == "" {
		return
	}
	f, w := &m.b.f, m.b.where(a)
	id, pattern := bedrockAgentIDs(a)
	agent, granted := f.arn(w, "bedrock", "agent", id), f.arn(w, "bedrock", "agent", pattern)
	op := "StringEquals"
	if strings.Contains(granted, "*") {
		op = "StringLike"
	}
	use := acts("kms:GenerateDataKey", "kms:Decrypt")
	m.need(req{src: SrcAgentsEncryption, why: "use key " + a.KMSKey + " for agent " + a.Name, actions: use, resource: a.KMSKey,
		ctx: ctx(encryptionContextAgent, agent), other: keyPolicy, grant: grant(a.KMSKey, cond(op, encryptionContextAgent, granted))})
	m.forbid(req{why: "key " + a.KMSKey + " of agent " + a.Name + " without its encryption context", actions: use, resource: a.KMSKey, other: keyPolicy})
	other := f.arn(w, "bedrock", "agent", "ZZZZZZZZZZ")
	if a.AgentID == "" {
		other = f.arn(where{w.partition, w.region, m.b.foreign}, "bedrock", "agent", id)
	}
	m.forbid(req{why: "key " + a.KMSKey + " of agent " + a.Name + " in another agent's encryption context", actions: use, resource: a.KMSKey,
		ctx: ctx(encryptionContextAgent, other), other: keyPolicy})
}

// invokerAgentKey adds, for an invoker, the key of a Bedrock agent it
// calls; far is the far side of a cross-account call, if any.
func (m *matrix) invokerAgentKey(a *agentspec.Agent, far *policy.Document) {
	keyPolicy := m.b.keyPolicy
	if far != nil {
		keyPolicy = far
	}
	m.agentKey(a, keyPolicy)
}

// forbidAgentKey forbids the key of a Bedrock agent the invoker does not
// call, in that agent's encryption context.
func (m *matrix) forbidAgentKey(why string, a *agentspec.Agent, far *policy.Document) {
	if a.Type != agentspec.BedrockAgent || a.KMSKey == "" {
		return
	}
	keyPolicy := m.b.keyPolicy
	if far != nil {
		keyPolicy = far
	}
	id, _ := bedrockAgentIDs(a)
	m.forbid(req{why: why + ": its key", actions: acts("kms:Decrypt"), resource: a.KMSKey,
		ctx: ctx(encryptionContextAgent, m.b.f.arn(m.b.where(a), "bedrock", "agent", id)), other: keyPolicy})
}
