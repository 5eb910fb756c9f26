package agentcorepolicy

import (
	"errors"
	"fmt"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/internal/yamlguard"
	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
)

// CodeDefinition is the diagnostic code of an OpenAPI definition or a
// Smithy model that cannot be read as a target's tools.
const CodeDefinition = "invalid-target-definition"

// maxDefNesting bounds flow nesting in a target definition (YAML or
// JSON); real OpenAPI documents and Smithy models nest a few dozen levels.
const maxDefNesting = 200

// dnode is a JSON or YAML value with its position: the one tree the
// OpenAPI and Smithy readers walk, so both report file:line:column.
type dnode struct {
	pos    diag.Pos
	kind   dkind
	scalar string
	keys   []string
	keyPos []diag.Pos
	vals   []*dnode
	items  []*dnode
}

type dkind int

const (
	dScalar dkind = iota
	dMap
	dSeq
	dNull
)

// get returns the value of key k of a mapping, nil when absent.
func (n *dnode) get(k string) *dnode {
	if n == nil || n.kind != dMap {
		return nil
	}
	for i, key := range n.keys {
		if key == k {
			return n.vals[i]
		}
	}
	return nil
}

// defReader reads one definition file and builds its positioned errors.
type defReader struct {
	file string
}

// fail returns a diagnostic at pos wrapping ErrManifest.
func (r *defReader) fail(pos diag.Pos, format string, args ...any) error {
	if !pos.IsValid() {
		pos = diag.Pos{Line: 1, Column: 1}
	}
	d := diag.Diagnostic{File: r.file, Pos: pos, Severity: diag.Error, Code: CodeDefinition, Message: fmt.Sprintf(format, args...)}
	return fmt.Errorf("%w: %w", ErrManifest, d)
}

// parse reads src (JSON is YAML) into a dnode tree.
func (r *defReader) parse(src []byte) (*dnode, error) {
	tokens := lexer.Tokenize(string(src))
	if t := yamlguard.TooDeep(tokens, maxDefNesting); t != nil {
		return nil, r.fail(tokPos(t.Position.Line, t.Position.Column), "nested more than %d levels deep", maxDefNesting)
	}
	f, err := parser.Parse(tokens, 0)
	if err != nil {
		var ye yaml.Error
		if errors.As(err, &ye) {
			if t := ye.GetToken(); t != nil && t.Position != nil {
				return nil, r.fail(tokPos(t.Position.Line, t.Position.Column), "%s", ye.GetMessage())
			}
			return nil, r.fail(diag.Pos{}, "%s", ye.GetMessage())
		}
		return nil, r.fail(diag.Pos{}, "%v", err)
	}
	if len(f.Docs) != 1 || f.Docs[0].Body == nil {
		return nil, r.fail(diag.Pos{}, "want one JSON or YAML document")
	}
	return r.convert(f.Docs[0].Body)
}

func tokPos(line, col int) diag.Pos { return diag.Pos{Line: line, Column: col} }

func nodePosOf(n ast.Node) diag.Pos {
	if t := n.GetToken(); t != nil && t.Position != nil {
		return tokPos(t.Position.Line, t.Position.Column)
	}
	return diag.Pos{}
}

// convert maps a goccy/go-yaml node to a dnode. Aliases are refused:
// neither OpenAPI nor Smithy needs them, and they could expand without
// bound.
func (r *defReader) convert(n ast.Node) (*dnode, error) {
	pos := nodePosOf(n)
	switch v := n.(type) {
	case *ast.MappingNode:
		return r.mapping(pos, v.Values)
	case *ast.MappingValueNode:
		return r.mapping(pos, []*ast.MappingValueNode{v})
	case *ast.SequenceNode:
		out := &dnode{pos: pos, kind: dSeq}
		for _, it := range v.Values {
			c, err := r.convert(it)
			if err != nil {
				return nil, err
			}
			out.items = append(out.items, c)
		}
		return out, nil
	case *ast.NullNode:
		return &dnode{pos: pos, kind: dNull}, nil
	case *ast.StringNode:
		return &dnode{pos: pos, scalar: v.Value}, nil
	case *ast.LiteralNode:
		return &dnode{pos: pos, scalar: v.Value.Value}, nil
	case *ast.AnchorNode:
		return r.convert(v.Value)
	case *ast.TagNode:
		return r.convert(v.Value)
	case *ast.AliasNode:
		return nil, r.fail(pos, "YAML aliases are not supported in a target definition")
	case ast.ScalarNode:
		if t := n.GetToken(); t != nil {
			return &dnode{pos: pos, scalar: t.Value}, nil
		}
	}
	return nil, r.fail(pos, "unexpected YAML node %s", n.Type())
}

func (r *defReader) mapping(pos diag.Pos, pairs []*ast.MappingValueNode) (*dnode, error) {
	out := &dnode{pos: pos, kind: dMap}
	seen := make(map[string]bool, len(pairs))
	for _, p := range pairs {
		if p == nil || p.Key == nil || p.Value == nil {
			return nil, r.fail(pos, "malformed mapping")
		}
		kp := nodePosOf(p.Key)
		k, err := r.convert(p.Key)
		if err != nil {
			return nil, err
		}
		if k.kind != dScalar {
			return nil, r.fail(kp, "a mapping key must be a string")
		}
		if seen[k.scalar] {
			return nil, r.fail(kp, "key %q is given twice", k.scalar)
		}
		v, err := r.convert(p.Value)
		if err != nil {
			return nil, err
		}
		seen[k.scalar] = true
		out.keys = append(out.keys, k.scalar)
		out.keyPos = append(out.keyPos, kp)
		out.vals = append(out.vals, v)
	}
	return out, nil
}
