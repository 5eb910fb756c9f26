package agentspec

import (
	"slices"
	"strings"

	"github.com/agentiam/agentiam/arn"
)

// CodeAgentKeyInKMSKeys warns that a Bedrock agent's kms_key is also in
// its kms_keys, which would grant it without the encryption context.
const CodeAgentKeyInKMSKeys = "agent-key-in-kms-keys"

// AgentAlias is an entry of collaborators: the alias ARN
// arn:P:bedrock:R:A:agent-alias/{AgentId}/{AgentAliasId}.
type AgentAlias struct {
	ARN, AgentID, AliasID string
}

// ParseAgentAlias splits an agent alias ARN; ok is false for anything
// else.
func ParseAgentAlias(s string) (AgentAlias, bool) {
	a, err := arn.Parse(s)
	if err != nil || a.Service != "bedrock" {
		return AgentAlias{}, false
	}
	kind, rest, _ := strings.Cut(a.Resource, "/")
	agentID, aliasID, found := strings.Cut(rest, "/")
	if kind != "agent-alias" || !found || !bedrockIDRE.MatchString(agentID) || !bedrockIDRE.MatchString(aliasID) {
		return AgentAlias{}, false
	}
	return AgentAlias{ARN: s, AgentID: agentID, AliasID: aliasID}, true
}

// bedrockAgentFeatures reads the Bedrock agent's collaborators,
// streaming and kms_key.
func (l *loader) bedrockAgentFeatures(a *Agent, fs map[string]field) {
	if f, ok := fs["collaborators"]; ok {
		for _, p := range l.strList(f) {
			if c, ok := l.collaborator(a, p); ok {
				a.Collaborators = append(a.Collaborators, c.ARN)
			}
		}
	}
	if f, ok := fs["streaming"]; ok {
		a.Streaming, _ = l.boolean(f)
	}
	if f, ok := fs["kms_key"]; ok {
		if v, ok := l.str(f); ok && l.checkARN(positioned{v, nodePos(f.value)}, "kms_key", "kms", "key") {
			a.KMSKey = v
		}
	}
}

// collaborator validates one entry of collaborators: an alias of
// another agent in the agent's partition.
func (l *loader) collaborator(a *Agent, p positioned) (AgentAlias, bool) {
	if !l.checkARN(p, "collaborators", "bedrock", "agent-alias") {
		return AgentAlias{}, false
	}
	c, ok := ParseAgentAlias(p.value)
	parsed, _ := arn.Parse(p.value)
	switch {
	case !ok:
		l.errorAt(p.pos, CodeInvalidValue, "collaborators: %q must name an agent and its alias by the 10-character ids Bedrock assigned (agent-alias/AGENTID/ALIASID)", p.value)
	case parsed.Partition != a.Partition:
		l.errorAt(p.pos, CodeInvalidValue, "collaborators: %q is in partition %s; agent %s runs in %s", p.value, parsed.Partition, a.Name, a.Partition)
	case a.AgentID != "" && c.AgentID == a.AgentID:
		l.errorAt(p.pos, CodeInvalidValue, "collaborators: %q is an alias of agent %s itself (agent_id %s)", p.value, a.Name, a.AgentID)
	default:
		return c, true
	}
	return AgentAlias{}, false
}

// agentKeyNotInKMSKeys drops the agent's kms_key from its kms_keys:
// kms_keys grants kms:Decrypt on any encryption context, which would
// make the context kms_key binds its use to pointless.
func (l *loader) agentKeyNotInKMSKeys(a *Agent, fs map[string]field) {
	if a.KMSKey == "" || !slices.Contains(a.KMSKeys, a.KMSKey) {
		return
	}
	a.KMSKeys = slices.DeleteFunc(a.KMSKeys, func(k string) bool { return k == a.KMSKey })
	for _, it := range l.list(fs["kms_keys"]) {
		if v, _ := scalarText(l.resolve(it.node)); v == a.KMSKey {
			l.warnAt(it.pos, CodeAgentKeyInKMSKeys, "kms_keys: %s is the agent's kms_key, used only in its encryption context; it is left out of kms_keys (which would let the role decrypt anything under the key)", v)
		}
	}
}
