package agentcorepolicy

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/internal/jsontext"
)

// CodeManifest is the diagnostic code of a tool manifest that cannot be read.
const CodeManifest = "invalid-manifest"

// Tool is one MCP tool of a gateway target.
type Tool struct {
	Target      string
	Name        string
	Description string
	Input       *JSONSchema
}

// Action is the tool's Cedar action name, <target>___<tool>.
func (t *Tool) Action() string { return t.Target + Sep + t.Name }

// JSONSchema is the part of a tool's JSON Schema that the Cedar schema
// depends on.
type JSONSchema struct {
	Type       TypeList               `json:"type"`
	Properties map[string]*JSONSchema `json:"properties"`
	Required   []string               `json:"required"`
	Items      *JSONSchema            `json:"items"`
}

// TypeList is JSON Schema's "type": one name or a list of names.
type TypeList []string

// UnmarshalJSON accepts "string" and ["string", "null"].
func (t *TypeList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*t = TypeList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New(`"type" must be a string or a list of strings`)
	}
	*t = many
	return nil
}

// manifest is an MCP tools/list result.
type manifest struct {
	Tools *[]struct {
		Name        string      `json:"name"`
		Description string      `json:"description"`
		InputSchema *JSONSchema `json:"inputSchema"`
	} `json:"tools"`
}

// ReadManifest reads an MCP tools/list result
// ({"tools":[{"name","description","inputSchema"}]}) as the tools of
// target. Errors are a diag.Diagnostic wrapping ErrManifest.
func ReadManifest(file, target string, src []byte) ([]Tool, error) {
	fail := func(pos diag.Pos, format string, args ...any) error {
		if !pos.IsValid() {
			pos = diag.Pos{Line: 1, Column: 1}
		}
		d := diag.Diagnostic{File: file, Pos: pos, Severity: diag.Error, Code: CodeManifest, Message: fmt.Sprintf(format, args...)}
		return fmt.Errorf("%w: %w", ErrManifest, d)
	}
	if err := checkTargetName(target); err != nil {
		return nil, fail(diag.Pos{}, "%v", err)
	}
	// jsontext first: it gives syntax errors their exact position and
	// bounds the nesting depth; encoding/json then maps the shape.
	dec := jsontext.NewDecoder(string(src))
	if err := dec.SkipValue(); err != nil {
		var se *jsontext.SyntaxError
		if errors.As(err, &se) {
			return nil, fail(se.Pos, "%s", se.Msg)
		}
		return nil, fail(diag.Pos{}, "not a JSON document: %v", err)
	}
	if err := dec.Finish(); err != nil {
		return nil, fail(diag.Pos{}, "%v", err)
	}
	var m manifest
	if err := json.Unmarshal(src, &m); err != nil {
		return nil, fail(diag.Pos{}, "not an MCP tools/list result: %v", err)
	}
	if m.Tools == nil {
		return nil, fail(diag.Pos{}, `not an MCP tools/list result: no "tools" list`)
	}
	tools := make([]Tool, 0, len(*m.Tools))
	seen := map[string]bool{}
	for i, t := range *m.Tools {
		switch {
		case t.Name == "":
			return nil, fail(diag.Pos{}, "tools[%d] has no name", i)
		case strings.ContainsAny(t.Name, "\"\\\x00"):
			return nil, fail(diag.Pos{}, "tools[%d]: name %q has a character a Cedar action name cannot hold", i, t.Name)
		case seen[t.Name]:
			return nil, fail(diag.Pos{}, "tools[%d]: tool %q is listed twice", i, t.Name)
		}
		seen[t.Name] = true
		tools = append(tools, Tool{Target: target, Name: t.Name, Description: t.Description, Input: t.InputSchema})
	}
	return tools, nil
}

// checkTargetName rejects target names that cannot prefix an action name.
func checkTargetName(target string) error {
	switch {
	case target == "":
		return errors.New("the target has no name")
	case strings.Contains(target, Sep):
		return fmt.Errorf("target name %q contains %q, which separates a target from its tool", target, Sep)
	case strings.ContainsAny(target, "\"\\\x00"):
		return fmt.Errorf("target name %q has a character a Cedar action name cannot hold", target)
	}
	return nil
}
