package agentspec

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/arn"

	"github.com/goccy/go-yaml/ast"
)

// invokeList reads invokes: agent names, or {agent: NAME, for_user:
// true} for an agent called on behalf of this agent's user.
func (l *loader) invokeList(a *Agent, f field) {
	seen := map[string]bool{}
	for _, it := range l.list(f) {
		name, forUser, ok := l.invokeEntry(it)
		if !ok {
			continue
		}
		if seen[name.value] {
			l.errorAt(name.pos, CodeDuplicate, "%q is listed twice in invokes", name.value)
			continue
		}
		seen[name.value] = true
		a.Invokes = append(a.Invokes, name.value)
		l.invokes = append(l.invokes, positionedRef{from: a.Name, to: name})
		if forUser {
			if a.InvokesForUser == nil {
				a.InvokesForUser = map[string]bool{}
			}
			a.InvokesForUser[name.value] = true
		}
	}
}

func (l *loader) invokeEntry(it item) (name positioned, forUser, ok bool) {
	n := l.resolve(it.node)
	if s, isScalar := scalarText(n); isScalar {
		return positioned{s, it.pos}, false, true
	}
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
	default:
		l.errorAt(it.pos, CodeWrongType, "entries of invokes must be agent names or {agent: NAME, for_user: true}, found %s", kindName(n))
		return positioned{}, false, false
	}
	fs := l.fields(n, "an invokes entry", "agent", "for_user")
	l.require(fs, it.pos, "an invokes entry", "agent")
	af, has := fs["agent"]
	if !has {
		return positioned{}, false, false
	}
	v, isStr := l.str(af)
	if !isStr {
		return positioned{}, false, false
	}
	if uf, has := fs["for_user"]; has {
		forUser, _ = l.boolean(uf)
	}
	return positioned{v, nodePos(af.value)}, forUser, true
}

// marshalInvokes writes invokes as a plain list unless an agent is called
// for the user.
func marshalInvokes(b *bytes.Buffer, in string, a *Agent) {
	if len(a.InvokesForUser) == 0 {
		list(b, in, "invokes", a.Invokes)
		return
	}
	b.WriteString(in + "invokes:\n")
	for _, name := range a.Invokes {
		if a.InvokesForUser[name] {
			fmt.Fprintf(b, "%s  - {agent: %s, for_user: true}\n", in, flowScalar(name))
		} else {
			fmt.Fprintf(b, "%s  - %s\n", in, scalar(name))
		}
	}
}

// runtimeOptions reads the switches of an AgentCore runtime's execution
// role that are not about one resource.
func (l *loader) runtimeOptions(s *Spec, a *Agent, fs map[string]field) {
	if f, ok := fs["agent_arn"]; ok {
		if v, ok := l.str(f); ok {
			a.RuntimeID = l.runtimeID(positioned{v, nodePos(f.value)}, a, s.Account)
		}
	}
	if f, ok := fs["marketplace"]; ok {
		on, _ := l.boolean(f)
		a.MarketplaceOff = !on
	}
	if f, ok := fs["user_id_tokens"]; ok {
		a.UserIDTokens, _ = l.boolean(f)
	}
}

// marshalRuntimeOptions writes what runtimeOptions reads, where it
// differs from the default.
func marshalRuntimeOptions(b *bytes.Buffer, in string, a *Agent, account string) {
	if a.MarketplaceOff {
		b.WriteString(in + "marketplace: false\n")
	}
	if a.UserIDTokens {
		b.WriteString(in + "user_id_tokens: true\n")
	}
	if a.RuntimeID != "" {
		kv(b, in, "agent_arn", RuntimeARN(a, account))
	}
}

// RuntimeARN is the ARN of the agent's runtime once its id is known
// (agent_arn), empty before.
func RuntimeARN(a *Agent, account string) string {
	if a.RuntimeID == "" {
		return ""
	}
	return "arn:" + a.Partition + ":bedrock-agentcore:" + a.Region + ":" + account + ":runtime/" + a.RuntimeID
}

// runtimeID checks agent_arn (the toolkit's bedrock_agentcore.agent_arn)
// and returns the runtime id it names: a runtime of the agent's
// partition, region and account whose id is the agent's name, '-' and
// the ten characters AgentCore appends.
func (r *reader) runtimeID(p positioned, a *Agent, account string) string {
	if !r.checkARN(p, "agent_arn", "bedrock-agentcore", "runtime") {
		return ""
	}
	parsed, _ := arn.Parse(p.value)
	id := strings.TrimPrefix(parsed.Resource, "runtime/")
	switch {
	case parsed.Partition != a.Partition || parsed.Region != a.Region || parsed.Account != account:
		r.errorAt(p.pos, CodeInvalidValue, "agent_arn %q is in %s/%s/%s; agent %s runs in partition %s, region %s, account %s", p.value, parsed.Partition, parsed.Region, parsed.Account, a.Name, a.Partition, a.Region, account)
	case !agentCoreIDRE.MatchString(id) || len(id) != len(a.Name)+11 || !strings.HasPrefix(id, a.Name+"-"):
		r.errorAt(p.pos, CodeInvalidValue, "agent_arn %q names runtime id %q; the runtime of agent %s has id %s-XXXXXXXXXX (its name, '-' and ten letters or digits)", p.value, id, a.Name, a.Name)
	default:
		return id
	}
	return ""
}
