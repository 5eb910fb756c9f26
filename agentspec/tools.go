package agentspec

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// Recording is where a custom browser stores its session recordings.
type Recording struct {
	Bucket string
	Prefix string // optional key prefix, such as "recordings/"
}

// toolKeys are the keys of a custom tool's mapping, per tool.
var toolKeys = map[string][]string{
	"code_interpreter": {"id", "execution_role"},
	"browser":          {"id", "recording"},
}

// tool reads code_interpreter / browser: true for the AWS-owned tool,
// {id: ...} for a custom one (code_interpreter may add execution_role:
// true, browser recording: {bucket, prefix}), false for none.
func (l *loader) tool(f field) *Tool {
	n := l.resolve(f.value)
	if b, ok := n.(*ast.BoolNode); ok {
		if b.Value {
			return &Tool{}
		}
		return nil
	}
	fs := l.fields(n, f.key, toolKeys[f.key]...)
	l.require(fs, nodePos(n), f.key, "id")
	t := &Tool{}
	if g, ok := fs["id"]; ok {
		if v, ok := l.str(g); ok {
			if !agentCoreIDRE.MatchString(v) {
				l.errorAt(nodePos(g.value), CodeInvalidValue, "%s id %q must be a name, '-' and 10 letters or digits, as AgentCore returns it", f.key, v)
			}
			t.ID = v
		}
	}
	if g, ok := fs["execution_role"]; ok {
		t.ExecutionRole, _ = l.boolean(g)
	}
	if g, ok := fs["recording"]; ok {
		t.Recording = l.recording(g)
	}
	return t
}

func (l *loader) recording(f field) *Recording {
	fs := l.fields(f.value, "recording", "bucket", "prefix")
	l.require(fs, nodePos(l.resolve(f.value)), "recording", "bucket")
	r := &Recording{}
	if g, ok := fs["bucket"]; ok {
		r.Bucket = l.bucket(g)
	}
	if g, ok := fs["prefix"]; ok {
		r.Prefix, _ = l.str(g)
		r.Prefix = strings.TrimPrefix(r.Prefix, "/")
	}
	return r
}

// tool writes a tool the way tool reads it.
func tool(b *bytes.Buffer, indent, key string, t *Tool) {
	switch {
	case t == nil:
	case t.ID == "":
		fmt.Fprintf(b, "%s%s: true\n", indent, key)
	default:
		fmt.Fprintf(b, "%s%s: {id: %s", indent, key, flowScalar(t.ID))
		if t.ExecutionRole {
			b.WriteString(", execution_role: true")
		}
		if r := t.Recording; r != nil {
			fmt.Fprintf(b, ", recording: {bucket: %s", flowScalar(r.Bucket))
			if r.Prefix != "" {
				fmt.Fprintf(b, ", prefix: %s", flowScalar(r.Prefix))
			}
			b.WriteString("}")
		}
		b.WriteString("}\n")
	}
}

// ToolUse is one custom code interpreter or browser with an execution
// role: what every agent of the spec says about it.
type ToolUse struct {
	// Kind is "code_interpreter" or "browser".
	Kind              string
	ID                string
	Region, Partition string
	Agents            []string
	// Recording is a browser's session recording location, if any.
	Recording *Recording
}

// ToolRoles lists the custom tools whose execution role agentiam
// generates: code interpreters with execution_role: true, browsers with
// a recording location; merged by kind, region and id, in spec order.
func (s *Spec) ToolRoles() []*ToolUse {
	var out []*ToolUse
	byKey := map[string]*ToolUse{}
	add := func(a *Agent, kind string, t *Tool) {
		key := kind + "/" + a.Region + "/" + t.ID
		u, ok := byKey[key]
		if !ok {
			u = &ToolUse{Kind: kind, ID: t.ID, Region: a.Region, Partition: a.Partition, Recording: t.Recording}
			byKey[key] = u
			out = append(out, u)
		}
		u.Agents = append(u.Agents, a.Name)
	}
	for _, a := range s.Agents {
		if t := a.CodeInterpreter; t != nil && t.ID != "" && t.ExecutionRole {
			add(a, "code_interpreter", t)
		}
		if t := a.Browser; t != nil && t.ID != "" && t.Recording != nil {
			add(a, "browser", t)
		}
	}
	return out
}
