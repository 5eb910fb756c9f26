package expect

import (
	"slices"
	"strings"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/fixcore"
	"github.com/agentiam/agentiam/policy"
)

// Purposes of the invokers' subjects.
const (
	// PurposeInvoker: the identity policy of an application that calls agents.
	PurposeInvoker = "invoker"
	// PurposeAgentCoreResourcePolicy: the resource-based policy of an
	// AgentCore runtime or endpoint, for invokers of other accounts.
	PurposeAgentCoreResourcePolicy = "agentcore-resource-policy"
)

// invokeRuntime are the runtime actions of an invoker; for_user adds
// InvokeAgentRuntimeForUser.
var (
	invokeRuntime        = "bedrock-agentcore:InvokeAgentRuntime"
	invokeRuntimeForUser = "bedrock-agentcore:InvokeAgentRuntimeForUser"
	defaultAliasID       = "TSTALIASID" // the alias every Bedrock agent has
)

// invokers adds the matrix of every invoker, and the resource-based
// policies of the runtimes invokers of other accounts call.
func (b *builder) invokers() {
	for _, inv := range b.spec.Invokers {
		b.invoker(inv)
	}
	for _, a := range b.spec.Agents {
		if a.Type == agentspec.AgentCore {
			b.runtimeResourcePolicies(a)
		}
	}
	b.gatewayResourcePolicies()
}

// sessionOf is a request principal acting as the invoker's principal:
// a session of a role, the user itself, or a user of the account.
func sessionOf(principal, partition, account, name string) string {
	a, err := arn.Parse(principal)
	if err != nil {
		return "arn:" + partition + ":iam::" + account + ":user/" + name
	}
	switch typ, rest, _ := strings.Cut(a.Resource, "/"); typ {
	case "role":
		return "arn:" + a.Partition + ":sts::" + a.Account + ":assumed-role/" + rest[strings.LastIndexByte(rest, '/')+1:] + "/" + sessionName
	case "user":
		return principal
	}
	return "arn:" + a.Partition + ":iam::" + a.Account + ":user/" + name
}

// invoker: the application may invoke exactly its agents (a runtime and
// its endpoints, a Bedrock agent's aliases), with the user's identity
// only when for_user is set, and nothing else.
func (b *builder) invoker(inv *agentspec.Invoker) {
	s := &Subject{Kind: KindCallerPolicy, Purpose: PurposeInvoker, Caller: inv.Name, Name: "agentiam-" + inv.Name}
	if name, ok := b.roles.CallerPolicy(inv.Name); ok {
		s.Name = name
	}
	b.subjects = append(b.subjects, s)
	w := where{partition: b.spec.Partition, region: b.spec.Region, account: b.spec.Account}
	m := &matrix{b: b, s: s, w: w, against: policy.Identity, principal: sessionOf(inv.Principal, w.partition, w.account, inv.Name)}
	var far *policy.Document
	if inv.CrossAccount(b.spec.Account) {
		// The runtime's own policy is the far side; here it allows all,
		// so that the identity policy decides.
		far = b.openPolicy
	}
	var listed []*agentspec.Agent
	for _, name := range inv.Agents {
		if a, ok := b.spec.Agent(name); ok {
			listed = append(listed, a)
			m.invokeAgent(inv, a, far)
		}
	}
	for _, a := range b.spec.Agents {
		if !slices.Contains(listed, a) {
			m.forbidInvoke("an agent the invoker does not call ("+a.Name+")", a, far)
		}
	}
	m.invokeGateways(inv, far)
	f := &b.f
	m.forbid(req{why: "a runtime outside the spec", actions: acts(invokeRuntime), resource: f.arn(w, "bedrock-agentcore", "runtime", b.outsider+"-"+runtimeSuffix), other: far})
	iam := where{partition: w.partition, account: w.account}
	m.forbid(req{why: "privilege escalation: pass a role to AgentCore", actions: acts("iam:PassRole"), resource: f.arn(iam, "iam", "role", other),
		ctx: ctx("iam:PassedToService", principalAgentCore)})
	m.forbid(req{why: "create runtimes", actions: acts("bedrock-agentcore:CreateAgentRuntime"), resource: "*"})
	dedupeChecks(s)
}

// invokeAgent requires invoking one agent and forbids managing it.
func (m *matrix) invokeAgent(inv *agentspec.Invoker, a *agentspec.Agent, other *policy.Document) {
	f, w := &m.b.f, m.b.where(a)
	switch a.Type {
	case agentspec.AgentCore:
		runtime := f.arn(w, "bedrock-agentcore", "runtime", runtimeIDOf(a))
		endpoint := f.arn(w, "bedrock-agentcore", "runtime-endpoint", runtimeIDOf(a), runtimeEndpoint)
		runtimeGrant := grant(f.arn(w, "bedrock-agentcore", "runtime", runtimePattern(a)))
		endpointGrant := grant(f.arn(w, "bedrock-agentcore", "runtime-endpoint", runtimePattern(a), "*"))
		actions := acts(invokeRuntime)
		if inv.ForUser {
			actions = append(actions, invokeRuntimeForUser)
		} else {
			m.forbid(req{why: "pass a user's identity to " + a.Name + " (for_user is not set)", actions: acts(invokeRuntimeForUser), resource: runtime, other: other})
		}
		m.need(req{src: SrcInvokeRuntime, why: "invoke runtime " + a.Name, actions: actions, resource: runtime, grant: runtimeGrant, other: other})
		m.need(req{src: SrcInvokeRuntime, why: "invoke runtime " + a.Name + " through its DEFAULT endpoint", actions: actions, resource: endpoint, grant: endpointGrant, other: other})
		m.forbid(req{why: "control-plane: change or delete runtime " + a.Name, actions: acts("bedrock-agentcore:UpdateAgentRuntime", "bedrock-agentcore:DeleteAgentRuntime"), resource: runtime, other: other})
		sibling := a.Name + "_v2"
		m.forbid(req{why: "a runtime whose name extends " + a.Name + " (" + sibling + ")", actions: acts(invokeRuntime),
			resource: f.arn(w, "bedrock-agentcore", "runtime", sibling+"-"+runtimeSuffix), other: other})
	case agentspec.BedrockAgent:
		id, pattern := a.AgentID, a.AgentID
		if id == "" {
			id, pattern = "A1B2C3D4E5", "*"
		}
		m.need(req{src: SrcAgentsCaller, why: "invoke Bedrock agent " + a.Name, actions: acts("bedrock:InvokeAgent"),
			resource: f.arn(w, "bedrock", "agent-alias", id, defaultAliasID), grant: grant(f.arn(w, "bedrock", "agent-alias", pattern, "*")), other: other})
		m.forbid(req{why: "control-plane: delete agent " + a.Name, actions: acts("bedrock:DeleteAgent"), resource: f.arn(w, "bedrock", "agent", id), other: other})
		if a.AgentID != "" {
			m.forbid(req{why: "another Bedrock agent's alias", actions: acts("bedrock:InvokeAgent"), resource: f.arn(w, "bedrock", "agent-alias", "ZZZZZZZZZZ", defaultAliasID), other: other})
		}
		m.invokerAgentKey(a, other)
	}
}

// forbidInvoke forbids invoking an agent of the spec the invoker does not list.
func (m *matrix) forbidInvoke(why string, a *agentspec.Agent, other *policy.Document) {
	f, w := &m.b.f, m.b.where(a)
	m.forbidAgentKey(why, a, other)
	switch {
	case a.Type == agentspec.AgentCore:
		m.forbid(req{why: why, actions: acts(invokeRuntime), resource: f.arn(w, "bedrock-agentcore", "runtime", runtimeIDOf(a)), other: other})
	case a.AgentID != "":
		m.forbid(req{why: why, actions: acts("bedrock:InvokeAgent"), resource: f.arn(w, "bedrock", "agent-alias", a.AgentID, defaultAliasID), other: other})
	}
}

// runtimeResourcePolicies adds, for a runtime that invokers of other
// accounts call, the subjects of the runtime's and its DEFAULT
// endpoint's resource-based policies: each such invoker's principal may
// invoke it (the caller's side allowing it), principals of other
// accounts, other runtimes and management actions are denied.
func (b *builder) runtimeResourcePolicies(a *agentspec.Agent) {
	var foreign []*agentspec.Invoker
	for _, inv := range b.spec.Invokers {
		if inv.CrossAccount(b.spec.Account) && slices.Contains(inv.Agents, a.Name) {
			foreign = append(foreign, inv)
		}
	}
	if len(foreign) == 0 {
		return
	}
	f, w := &b.f, b.where(a)
	id := runtimeIDOf(a)
	runtime := rpTarget{owner: a.Name, w: w, invoke: invokeRuntime, forUser: true,
		manage: acts("bedrock-agentcore:UpdateAgentRuntime", "bedrock-agentcore:DeleteAgentRuntime", "bedrock-agentcore:PutResourcePolicy")}
	rt := runtime
	rt.pattern, rt.resource, rt.outside = f.arn(w, "bedrock-agentcore", "runtime", runtimePattern(a)), f.arn(w, "bedrock-agentcore", "runtime", id),
		f.arn(w, "bedrock-agentcore", "runtime", b.outsider+"-"+runtimeSuffix)
	b.resourcePolicySubject(rt, foreign)
	ep := runtime
	ep.pattern, ep.resource, ep.outside = f.arn(w, "bedrock-agentcore", "runtime-endpoint", runtimePattern(a), runtimeEndpoint), f.arn(w, "bedrock-agentcore", "runtime-endpoint", id, runtimeEndpoint),
		f.arn(w, "bedrock-agentcore", "runtime-endpoint", b.outsider+"-"+runtimeSuffix, runtimeEndpoint)
	b.resourcePolicySubject(ep, foreign)
}

// gatewayResourcePolicies adds the subject of each gateway's
// resource-based policy that invokers of other accounts call.
func (b *builder) gatewayResourcePolicies() {
	for _, u := range b.spec.Gateways() {
		var foreign []*agentspec.Invoker
		for _, inv := range b.spec.Invokers {
			if inv.CrossAccount(b.spec.Account) && slices.Contains(inv.Gateways, u.Name) {
				foreign = append(foreign, inv)
			}
		}
		if len(foreign) == 0 {
			continue
		}
		f, w := &b.f, where{partition: u.Partition, region: u.Region, account: b.spec.Account}
		b.resourcePolicySubject(rpTarget{gateway: u.Name, w: w, invoke: "bedrock-agentcore:InvokeGateway",
			pattern:  f.arn(w, "bedrock-agentcore", "gateway", gatewayPattern(b.spec, u.Name)),
			resource: f.arn(w, "bedrock-agentcore", "gateway", gatewayIDOf(b.spec, u.Name)),
			outside:  f.arn(w, "bedrock-agentcore", "gateway", siblingName(u.Name)+"-"+gatewaySuffix),
			manage:   acts("bedrock-agentcore:UpdateGateway", "bedrock-agentcore:DeleteGateway", "bedrock-agentcore:PutResourcePolicy")}, foreign)
	}
}

// rpTarget is the resource an AgentCore resource policy is attached to.
type rpTarget struct {
	owner, gateway string // the agent, or the gateway
	w              where
	// pattern is the ARN the plan attaches the policy to, resource a
	// concrete ARN it covers, outside one it must not.
	pattern, resource, outside string
	invoke                     string
	forUser                    bool // InvokeAgentRuntimeForUser applies
	manage                     []string
}

// invokeGateways requires invoking the invoker's gateways and forbids the
// spec's other gateways, siblings and gateways outside the spec.
func (m *matrix) invokeGateways(inv *agentspec.Invoker, far *policy.Document) {
	f, b := &m.b.f, m.b
	invoke := acts("bedrock-agentcore:InvokeGateway")
	for _, u := range b.spec.Gateways() {
		w := where{partition: u.Partition, region: u.Region, account: b.spec.Account}
		gw := f.arn(w, "bedrock-agentcore", "gateway", gatewayIDOf(b.spec, u.Name))
		if !slices.Contains(inv.Gateways, u.Name) {
			m.forbid(req{why: "a gateway the invoker does not call (" + u.Name + ")", actions: invoke, resource: gw, other: far})
			continue
		}
		m.need(req{src: SrcGateway, why: "invoke gateway " + u.Name, actions: invoke, resource: gw, grant: grant(f.arn(w, "bedrock-agentcore", "gateway", gatewayPattern(b.spec, u.Name))), other: far})
		m.forbidRecreatedGateway(w, u.Name, invoke, far)
		m.forbid(req{why: "a gateway whose name extends " + u.Name + " (" + siblingName(u.Name) + ")", actions: invoke,
			resource: f.arn(w, "bedrock-agentcore", "gateway", siblingName(u.Name)+"-"+gatewaySuffix), other: far})
		m.forbid(req{why: "control-plane: change gateway " + u.Name, actions: acts("bedrock-agentcore:UpdateGateway"), resource: gw, other: far})
	}
}

// resourcePolicySubject adds one resource policy's subject: pattern is
// the ARN the plan attaches it to, resource a concrete ARN it covers,
// outside one of another runtime.
func (b *builder) resourcePolicySubject(t rpTarget, foreign []*agentspec.Invoker) {
	pattern, resource, outside, w := t.pattern, t.resource, t.outside, t.w
	s := &Subject{Kind: KindResourcePolicy, Purpose: PurposeAgentCoreResourcePolicy, Name: pattern, ARN: pattern, Agent: t.owner, Gateway: t.gateway}
	b.subjects = append(b.subjects, s)
	m := &matrix{b: b, s: s, w: w, against: policy.Resource}
	// The caller's identity policy, in its own account, allows the call:
	// the resource policy decides.
	callerSide := doc(fixcore.AllowStatement(nil, "bedrock-agentcore:*", "*"))
	accounts := []string{b.spec.Account}
	for _, inv := range foreign {
		accounts = append(accounts, inv.Account())
	}
	for _, inv := range foreign {
		p := sessionOf(inv.Principal, w.partition, inv.Account(), inv.Name)
		actions := acts(t.invoke)
		switch {
		case t.forUser && inv.ForUser:
			actions = append(actions, invokeRuntimeForUser)
		case t.forUser:
			m.forbid(req{why: "invoker " + inv.Name + " passing a user's identity (for_user is not set)", actions: acts(invokeRuntimeForUser), resource: resource, principal: p, other: callerSide})
		}
		m.need(req{src: SrcResourcePolicies, why: "invoker " + inv.Name + " (account " + inv.Account() + ") invokes " + t.owner + t.gateway, actions: actions, resource: resource, principal: p, other: callerSide,
			grant: &Grant{Principal: inv.Principal, Resource: pattern}})
		m.forbid(req{why: "invoker " + inv.Name + " invoking another resource through this policy", actions: acts(t.invoke), resource: outside, principal: p, other: callerSide})
		m.forbid(req{why: "invoker " + inv.Name + " managing the resource", actions: t.manage, resource: resource, principal: p, other: callerSide})
	}
	stranger := otherAccount(accounts...)
	m.forbid(req{why: "a principal of another account (" + stranger + ")", actions: acts(t.invoke), resource: resource,
		principal: "arn:" + w.partition + ":sts::" + stranger + ":assumed-role/" + other + "/" + sessionName, other: callerSide})
	dedupeChecks(s)
}

// otherAccount is an account none of the given ones.
func otherAccount(taken ...string) string {
	for _, a := range []string{"999988887777", "111122223333", "444455556666", "777788889999"} {
		if !slices.Contains(taken, a) {
			return a
		}
	}
	return "000011112222"
}

// grantPrincipal is a grant's principal in a statement: an AWS principal
// (an ARN or an account), else a service principal.
func grantPrincipal(p string) *policy.Principal {
	if strings.HasPrefix(p, "arn:") || len(p) == 12 && strings.Trim(p, "0123456789") == "" {
		return policy.NewPrincipal(policy.PrincipalAWS, p)
	}
	return policy.NewPrincipal(policy.PrincipalService, p)
}
