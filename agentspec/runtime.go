package agentspec

import (
	"bytes"
	"fmt"

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
func (l *loader) runtimeOptions(a *Agent, fs map[string]field) {
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
func marshalRuntimeOptions(b *bytes.Buffer, in string, a *Agent) {
	if a.MarketplaceOff {
		b.WriteString(in + "marketplace: false\n")
	}
	if a.UserIDTokens {
		b.WriteString(in + "user_id_tokens: true\n")
	}
}
