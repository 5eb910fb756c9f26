package expect

import (
	"strings"

	"github.com/agentiam/agentiam/agentspec"
)

// resourceRole starts the matrix of the role a resource (a memory, a
// custom tool) has, found by purpose and resource id.
func (b *builder) resourceRole(purpose, id, label string, w where) *matrix {
	m := b.role(purpose, "", "", w)
	m.s.Name, m.s.ARN, m.s.Resource = "(no "+purpose+" role for "+label+" in the plan)", "", label
	if r, ok := b.roles.Role(RoleKey{Purpose: purpose, Resource: id}); ok {
		m.s.Name, m.s.ARN = r.Name, r.ARN
	}
	m.principal = RoleSession(w.partition, w.account, m.s.Name)
	return m
}

// memoryRoles adds the matrix of each memory execution role: AgentCore
// assumes it for that memory only, and it invokes exactly the strategy
// models.
func (b *builder) memoryRoles() {
	for _, u := range b.spec.Memories() {
		w, f := where{partition: u.Partition, region: u.Region, account: b.spec.Account}, &b.f
		m := b.resourceRole(agentspec.PurposeMemory, u.ID, "memory "+u.ID, w)
		memory := f.arn(w, "bedrock-agentcore", "memory", u.ID)
		// The guide's trust names every AgentCore resource of the account
		// and region: the role is passed to CreateMemory before the
		// memory's id exists (memory-custom-strategy.html). A memory of
		// another region stays out.
		elsewhere := where{w.partition, anotherRegion(w.region), w.account}
		m.trust(principalAgentCore, memory, "arn:"+w.partition+":bedrock-agentcore:"+w.region+":"+w.account+":*",
			f.arn(elsewhere, "bedrock-agentcore", "memory", u.ID),
			f.arn(where{w.partition, w.region, b.foreign}, "bedrock-agentcore", "memory", u.ID))
		models := &agentspec.Agent{Name: u.ID, Type: agentspec.AgentCore, Region: u.Region, Partition: u.Partition, Models: u.StrategyModels}
		m.models(models)
		m.marketplace(models)
		m.forbid(req{why: "read the memory's records itself (the service does)", actions: acts("bedrock-agentcore:RetrieveMemoryRecords"), resource: memory})
		m.escalation()
	}
}

// deployMemories adds, for a deployer of agent a, creating and updating
// the memories with strategy models that a uses and passing their roles.
func (m *callerMatrix) deployMemories(a *agentspec.Agent) {
	f, aw := &m.b.f, m.b.where(a)
	for _, mem := range a.Memory {
		if len(mem.StrategyModels) == 0 {
			continue
		}
		m.need(req{src: SrcMemoryRole, why: "create memories", actions: acts("bedrock-agentcore:CreateMemory"), resource: "*"})
		m.need(req{src: SrcMemoryRole, why: "update memory " + mem.ID, actions: acts("bedrock-agentcore:GetMemory", "bedrock-agentcore:UpdateMemory"),
			resource: f.arn(aw, "bedrock-agentcore", "memory", mem.ID)})
		if r, ok := m.b.roles.Role(RoleKey{Purpose: agentspec.PurposeMemory, Resource: mem.ID, Region: a.Region}); ok {
			m.pass("pass the execution role of memory "+mem.ID+" to AgentCore", r.ARN, principalAgentCore)
		}
	}
}

// anotherRegion is a region of the same partition other than region.
func anotherRegion(region string) string {
	for _, r := range []string{"us-east-1", "us-west-2", "us-gov-west-1", "cn-north-1"} {
		if r != region && partitionOfRegion(r) == partitionOfRegion(region) {
			return r
		}
	}
	return region + "-other"
}

func partitionOfRegion(region string) string {
	switch {
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	}
	return "aws"
}
