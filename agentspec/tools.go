package agentspec

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/diag"
	"github.com/goccy/go-yaml/ast"
)

// Recording is where a custom browser stores its session recordings.
type Recording struct {
	Bucket string
	Prefix string // optional key prefix, such as "recordings/"
}

// toolKeys are the keys of a custom tool's mapping, per tool.
var toolKeys = map[string][]string{
	"code_interpreter": {"id", "name", "execution_role"},
	"browser":          {"id", "name", "recording"},
}

// tool reads code_interpreter / browser: true for the AWS-owned tool,
// {id: ...} for a custom one, {name: ...} for a custom one not yet
// created (code_interpreter may add execution_role: true, browser
// recording: {bucket, prefix}), false for none.
func (l *loader) tool(f field) *Tool {
	n := l.resolve(f.value)
	if b, ok := n.(*ast.BoolNode); ok {
		if b.Value {
			return &Tool{}
		}
		return nil
	}
	fs := l.fields(n, f.key, toolKeys[f.key]...)
	t := &Tool{}
	l.toolRef(f.key, nodePos(n), fs, t)
	if g, ok := fs["execution_role"]; ok {
		t.ExecutionRole, _ = l.boolean(g)
	}
	if g, ok := fs["recording"]; ok {
		t.Recording = l.recording(g)
	}
	return t
}

// toolRef reads a custom tool's id or name: exactly one of the two.
func (l *loader) toolRef(key string, at diag.Pos, fs map[string]field, t *Tool) {
	id, hasID := fs["id"]
	name, hasName := fs["name"]
	switch {
	case hasID && hasName:
		l.errorAt(nodePos(name.value), CodeInvalidValue, "%s has both id and name: give id once the tool exists, name before it is created", key)
		return
	case !hasID && !hasName:
		l.errorAt(at, CodeMissingKey, "%s needs \"id\" (the tool's id, as AgentCore returned it) or \"name\" (a tool not yet created)", key)
		return
	}
	if hasID {
		if v, ok := l.str(id); ok {
			if !agentCoreIDRE.MatchString(v) {
				l.errorAt(nodePos(id.value), CodeInvalidValue, "%s id %q must be a name, '-' and 10 letters or digits, as AgentCore returns it", key, v)
			}
			t.ID = v
		}
		return
	}
	// CreateCodeInterpreter's and CreateBrowser's name is
	// [a-zA-Z][a-zA-Z0-9_]{0,47}, a runtime's name rule (AWS CLI
	// reference, bedrock-agentcore-control create-code-interpreter).
	t.Name = l.matched(name, runtimeNameRE, CodeInvalidName, key+" name %q must be 1 to 48 letters, digits or '_', starting with a letter")
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
	case !t.Custom():
		fmt.Fprintf(b, "%s%s: true\n", indent, key)
	default:
		if t.ID != "" {
			fmt.Fprintf(b, "%s%s: {id: %s", indent, key, flowScalar(t.ID))
		} else {
			fmt.Fprintf(b, "%s%s: {name: %s", indent, key, flowScalar(t.Name))
		}
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
	Kind string
	// ID is the tool's id; Name, when ID is empty, the name of a tool
	// not yet created.
	ID, Name          string
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
		// An id holds '-', a name does not: the two never collide.
		key := kind + "/" + a.Region + "/" + t.ID + t.Name
		u, ok := byKey[key]
		if !ok {
			u = &ToolUse{Kind: kind, ID: t.ID, Name: t.Name, Region: a.Region, Partition: a.Partition, Recording: t.Recording}
			byKey[key] = u
			out = append(out, u)
		}
		u.Agents = append(u.Agents, a.Name)
	}
	for _, a := range s.Agents {
		if t := a.CodeInterpreter; t != nil && t.Custom() && t.ExecutionRole {
			add(a, "code_interpreter", t)
		}
		if t := a.Browser; t != nil && t.Custom() && t.Recording != nil {
			add(a, "browser", t)
		}
	}
	return out
}

// Ref is what names the tool in the spec: its id, else its name.
func (u *ToolUse) Ref() string {
	if u.ID != "" {
		return u.ID
	}
	return u.Name
}
