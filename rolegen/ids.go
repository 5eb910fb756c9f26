package rolegen

import (
	"strings"

	"github.com/agentiam/agentiam/agentspec"
)

// idSuffixLength is the length of the suffix AgentCore appends to a
// runtime's or gateway's name to make its id: CreateAgentRuntime returns
// agentRuntimeId [a-zA-Z][a-zA-Z0-9_]{0,99}-[a-zA-Z0-9]{10}, CreateGateway
// gatewayId ([0-9a-z][-]?){1,100}-[0-9a-z]{10}.
const idSuffixLength = 10

// idPattern matches exactly the ids of the runtime or gateway called
// name: the name, '-' and ten characters. name+"-*" would also match the
// ids of every resource whose name extends this one: gateway names may
// hold '-', so gateway/support-tools-* also matches gateway
// support-tools-admin. Use it wherever an id suffix is matched.
func idPattern(name string) string {
	return name + "-" + strings.Repeat("?", idSuffixLength)
}

// runtimeID is the id of the agent's runtime where agent_arn pins it,
// else the pattern of every id its name can have.
func runtimeID(a *agentspec.Agent) string {
	if a.RuntimeID != "" {
		return a.RuntimeID
	}
	return idPattern(a.Name)
}

// toolID is the id of a custom tool: the id the spec gives, else the
// pattern of every id AgentCore can give the tool called name (the
// CreateCodeInterpreter/CreateBrowser ids, {name}-{10 characters}, as
// for runtimes). Every grant and trust condition on a custom tool names
// it through here.
func toolID(id, name string) string {
	if id != "" {
		return id
	}
	return idPattern(name)
}

// runtimeARNs are the ARN patterns of a runtime and of its endpoints:
// InvokeAgentRuntime and the endpoint actions are authorized on both
// (the catalog lists runtime and runtime-endpoint as required).
func (g *gen) runtimeARNs(w where, a *agentspec.Agent) []string {
	id := runtimeID(a)
	return []string{
		g.r.arn(w, "bedrock-agentcore", "runtime", id),
		g.r.arn(w, "bedrock-agentcore", "runtime-endpoint", id, "*"),
	}
}

// invokes lets the agent invoke the runtimes it calls, and those it
// calls on behalf of its user with the user's id.
func (g *gen) invokes(st *statements, a *agentspec.Agent) {
	var all, forUser []string
	for _, name := range a.Invokes {
		if target, ok := g.spec.Agent(name); ok {
			arns := g.runtimeARNs(g.where(target), target)
			all = append(all, arns...)
			if a.InvokesForUser[name] {
				forUser = append(forUser, arns...)
			}
		}
	}
	if len(all) > 0 {
		st.add(g.r.allow("InvokeOtherAgents", featInvokeRuntime, all...))
	}
	if len(forUser) > 0 {
		st.add(g.r.allow("InvokeOtherAgentsForUser", featInvokeForUser, forUser...))
	}
}

// gatewayID is the id of the gateway called name where its
// policy_engine's gateway_id pins it, else the pattern of every id its
// name can have (as runtimeID for an agent's runtime).
func (g *gen) gatewayID(name string) string {
	if id := g.spec.GatewayID(name); id != "" {
		return id
	}
	return idPattern(name)
}

// gatewayARN is the ARN of the gateway called name: exact where
// gateway_id pins it, else the pattern of its ids. Every grant, trust
// condition and resource policy on a gateway names it through here.
func (g *gen) gatewayARN(w where, name string) string {
	return g.r.arn(w, "bedrock-agentcore", "gateway", g.gatewayID(name))
}
