package agentspec

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/diag"
)

// invokersKey is the key under callers that lists the applications that
// call agents, rather than a deploying caller.
const invokersKey = "invokers"

// Invoker is an application (a role, a user, or another account) that
// calls agents of the spec: callers: invokers: {NAME: {agents: [...]}}.
type Invoker struct {
	Name string
	Pos  diag.Pos // position of the name in the source
	// Agents are the agents it calls (AgentCore runtimes and Bedrock agents).
	Agents []string
	// Gateways are AgentCore gateways of the spec it calls directly
	// (MCP with IAM authorization: InvokeGateway).
	Gateways []string
	// ForUser also allows InvokeAgentRuntimeForUser: the invoker passes
	// its user's identity (X-Amzn-Bedrock-AgentCore-Runtime-User-Id).
	ForUser bool
	// Principal is the invoker's IAM principal ARN (a role, a user, or an
	// account's root); empty when the spec does not say. A principal of
	// another account also needs the resource-based policy of each
	// runtime it calls.
	Principal string
}

// Account is the account of the invoker's principal, "" when none is given.
func (inv *Invoker) Account() string {
	if a, err := arn.Parse(inv.Principal); err == nil {
		return a.Account
	}
	return ""
}

// CrossAccount reports whether the invoker's principal is in another
// account than the spec's.
func (inv *Invoker) CrossAccount(account string) bool {
	a := inv.Account()
	return a != "" && a != account
}

// invokers reads callers: invokers:.
func (l *loader) invokers(s *Spec, p field) []*Invoker {
	pairs, _ := l.mapping(p.value, "invokers")
	var out []*Invoker
	for _, q := range pairs {
		inv := &Invoker{Name: q.key, Pos: q.keyPos}
		if !callerNameRE.MatchString(q.key) {
			l.errorAt(q.keyPos, CodeInvalidName, "invoker name %q must be 1 to 40 letters, digits or +=,.@_- (it becomes part of a policy name)", q.key)
		}
		what := "invoker " + q.key
		fs := l.fields(q.value, what, "agents", "gateways", "for_user", "principal")
		_, hasAgents := fs["agents"]
		if _, hasGateways := fs["gateways"]; !hasAgents && !hasGateways {
			l.errorAt(q.keyPos, CodeMissingKey, "%s needs \"agents\" (or \"gateways\"): what it calls", what)
		}
		if f, ok := fs["agents"]; ok {
			for _, a := range l.strList(f) {
				inv.Agents = append(inv.Agents, a.value)
				l.invokerRefs = append(l.invokerRefs, positionedRef{from: inv.Name, to: a})
			}
		}
		if f, ok := fs["gateways"]; ok {
			for _, g := range l.strList(f) {
				inv.Gateways = append(inv.Gateways, g.value)
				l.invokerGWs = append(l.invokerGWs, positionedRef{from: inv.Name, to: g})
			}
		}
		if f, ok := fs["for_user"]; ok {
			inv.ForUser, _ = l.boolean(f)
		}
		if f, ok := fs["principal"]; ok {
			inv.Principal = l.principal(f, s.Partition)
		}
		out = append(out, inv)
	}
	return out
}

// principal reads an IAM principal: a role or user ARN, an account's
// root ARN, or a 12-digit account id (its root).
func (l *loader) principal(f field, partition string) string {
	v, ok := l.str(f)
	if !ok {
		return ""
	}
	if accountRE.MatchString(v) {
		return "arn:" + partition + ":iam::" + v + ":root"
	}
	a, err := arn.Parse(v)
	if err != nil {
		l.errorAt(nodePos(f.value), CodeMalformedARN, "principal: %v", err)
		return v
	}
	typ, _, _ := strings.Cut(a.Resource, "/")
	if a.Service != "iam" || !accountRE.MatchString(a.Account) || (a.Resource != "root" && typ != "role" && typ != "user") || strings.ContainsAny(v, "*?") {
		l.errorAt(nodePos(f.value), CodeMalformedARN, "principal %q must be an IAM role or user ARN, an account's root ARN or a 12-digit account id", v)
	}
	return v
}

// checkInvokers resolves the invokers' agents and keeps their names
// apart from the deploying callers' (both name policies agentiam-NAME).
func (l *loader) checkInvokers(s *Spec) {
	names := make([]string, 0, len(s.Agents))
	for _, a := range s.Agents {
		names = append(names, a.Name)
	}
	for _, ref := range l.invokerRefs {
		if _, ok := s.Agent(ref.to.value); ok {
			continue
		}
		if sug, ok := closest(ref.to.value, names); ok {
			l.suggestAt(ref.to.pos, CodeUnknownAgent, sug, "invoker %s refers to unknown agent %q", ref.from, ref.to.value)
		} else {
			l.errorAt(ref.to.pos, CodeUnknownAgent, "invoker %s refers to unknown agent %q (agents: %s)", ref.from, ref.to.value, orNone(strings.Join(names, ", ")))
		}
	}
	var gateways []string
	for _, u := range s.Gateways() {
		gateways = append(gateways, u.Name)
	}
	for _, ref := range l.invokerGWs {
		if slices.Contains(gateways, ref.to.value) {
			continue
		}
		if sug, ok := closest(ref.to.value, gateways); ok {
			l.suggestAt(ref.to.pos, CodeUnknownAgent, sug, "invoker %s refers to unknown gateway %q", ref.from, ref.to.value)
		} else {
			l.errorAt(ref.to.pos, CodeUnknownAgent, "invoker %s refers to unknown gateway %q (gateways of the spec's agents: %s)", ref.from, ref.to.value, orNone(strings.Join(gateways, ", ")))
		}
	}
	for _, inv := range s.Invokers {
		for _, c := range s.Callers {
			if c.Name == inv.Name {
				l.errorAt(inv.Pos, CodeDuplicate, "invoker %s has the name of a caller: both get the policy agentiam-%s", inv.Name, inv.Name)
			}
		}
	}
}

// Invoker returns the invoker with the given name.
func (s *Spec) Invoker(name string) (*Invoker, bool) {
	for _, inv := range s.Invokers {
		if inv.Name == name {
			return inv, true
		}
	}
	return nil, false
}

// marshalCallers writes callers: the deploying callers, then invokers:.
func marshalCallers(b *bytes.Buffer, s *Spec) {
	if len(s.Callers) == 0 && len(s.Invokers) == 0 {
		return
	}
	b.WriteString("callers:\n")
	for _, c := range s.Callers {
		fmt.Fprintf(b, "  %s:", scalar(c.Name))
		if len(c.Agents) == 0 && !c.Delete && c.Tool == "" {
			b.WriteString(" {}\n")
			continue
		}
		b.WriteString("\n")
		list(b, "    ", "agents", c.Agents)
		if c.Delete {
			b.WriteString("    delete: true\n")
		}
		kv(b, "    ", "tool", c.Tool)
	}
	if len(s.Invokers) == 0 {
		return
	}
	b.WriteString("  " + invokersKey + ":\n")
	for _, inv := range s.Invokers {
		fmt.Fprintf(b, "    %s:\n", scalar(inv.Name))
		list(b, "      ", "agents", inv.Agents)
		list(b, "      ", "gateways", inv.Gateways)
		if inv.ForUser {
			b.WriteString("      for_user: true\n")
		}
		kv(b, "      ", "principal", inv.Principal)
	}
}

// ToolAgentCoreCLI is the starter toolkit's CLI (agentcore launch): a
// caller with tool: agentcore-cli may also make the calls its launch
// flow makes around the AgentCore APIs.
const ToolAgentCoreCLI = "agentcore-cli"

// deployTool reads a caller's tool.
func (l *loader) deployTool(f field) string {
	v, ok := l.str(f)
	if !ok {
		return ""
	}
	if v != ToolAgentCoreCLI {
		l.enumError(f, v, ToolAgentCoreCLI)
		return ""
	}
	return v
}
