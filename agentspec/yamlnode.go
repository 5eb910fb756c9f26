package agentspec

import (
	"errors"
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/internal/suggest"
	"github.com/agentiam/agentiam/internal/yamlguard"
	"github.com/agentiam/agentiam/internal/yamlspan"
	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
)

// Diagnostic codes. They are stable: scripts and tests match on them.
const (
	CodeYAMLSyntax       = "yaml-syntax"
	CodeEmpty            = "empty-spec"
	CodeUnknownKey       = "unknown-key"
	CodeMissingKey       = "missing-key"
	CodeWrongType        = "wrong-type"
	CodeInvalidValue     = "invalid-value"
	CodeInvalidName      = "invalid-name"
	CodeMalformedARN     = "malformed-arn"
	CodeUnknownModel     = "unknown-model"
	CodeUnknownAgent     = "unknown-agent"
	CodeWrongAgentType   = "wrong-agent-type"
	CodeDuplicate        = "duplicate"
	CodeNoModels         = "no-models"
	CodeIncompleteModels = "incomplete-models"
	CodeNotImported      = "not-imported"
	CodeUnknownRegion    = "unknown-region"
	CodeExampleAccount   = "example-account"
)

// maxDiagnostics bounds the diagnostics of one file, so that a huge
// broken input cannot produce a huge report.
const maxDiagnostics = 100

// maxNesting bounds how deeply flow collections ([...], {...}) and entries
// on one line ("- - -") may nest (see yamlguard); a spec needs five.
const maxNesting = 64

// reader walks a goccy/go-yaml AST and records positioned diagnostics.
type reader struct {
	file  string
	src   []byte
	diags diag.List
	// aliases maps each alias to the node of the anchor it names.
	aliases map[*ast.AliasNode]ast.Node
}

// field is one key: value pair of a mapping.
type field struct {
	key    string
	keyPos diag.Pos
	value  ast.Node // never nil: a missing value is an *ast.NullNode
}

// parseYAML parses src into the body node of its single document. A nil
// node with a nil error means an empty document.
func (r *reader) parseYAML(src []byte) (ast.Node, error) {
	r.src = src
	tokens := lexer.Tokenize(string(src))
	if t := yamlguard.TooDeep(tokens, maxNesting); t != nil {
		pos := tokenPos(t.Position.Line, t.Position.Column, t.Position.Offset)
		end := diag.Pos{Line: pos.Line, Column: pos.Column + 1, Offset: pos.Offset + 1}
		r.add(diag.Diagnostic{Pos: pos, End: end, Severity: diag.Error, Code: CodeYAMLSyntax,
			Message: fmt.Sprintf("YAML nested more than %d levels deep: a spec needs a few", maxNesting)})
		return nil, r.result(ErrSyntax)
	}
	f, err := parser.Parse(tokens, 0)
	if err != nil {
		d := diag.Diagnostic{File: r.file, Severity: diag.Error, Code: CodeYAMLSyntax, Message: err.Error()}
		var ye yaml.Error
		if errors.As(err, &ye) {
			d.Message = ye.GetMessage()
			if t := ye.GetToken(); t != nil && t.Position != nil {
				d.Pos = tokenPos(t.Position.Line, t.Position.Column, t.Position.Offset)
			}
		}
		return nil, &Error{Diagnostics: diag.List{d}, kind: ErrSyntax}
	}
	var bodies []ast.Node
	for _, doc := range f.Docs {
		if doc != nil && doc.Body != nil {
			bodies = append(bodies, doc.Body)
		}
	}
	switch len(bodies) {
	case 0:
		return nil, nil
	case 1:
		r.aliases = map[*ast.AliasNode]ast.Node{}
		r.collectAnchors(bodies[0], map[string]ast.Node{})
		return bodies[0], nil
	}
	r.errorAt(nodePos(bodies[1]), CodeYAMLSyntax, "expected one YAML document, found %d", len(bodies))
	return nil, r.result(ErrInvalid)
}

// collectAnchors resolves every alias of the document, in document order,
// to the most recent anchor of its name whose node is complete (an alias
// inside its own anchor's node refers to no earlier anchor). Resolving
// them up front makes an alias independent of the order in which the
// loader reads keys, and of whether it reads the anchor's key at all.
func (r *reader) collectAnchors(n ast.Node, anchors map[string]ast.Node) {
	switch v := n.(type) {
	case *ast.AnchorNode:
		r.collectAnchors(v.Value, anchors)
		if name := anchorName(v.Name); name != "" {
			anchors[name] = v.Value
		}
	case *ast.AliasNode:
		if target, ok := anchors[anchorName(v.Value)]; ok {
			r.aliases[v] = target
		}
	case *ast.TagNode:
		r.collectAnchors(v.Value, anchors)
	case *ast.MappingNode:
		for _, p := range v.Values {
			r.collectAnchors(p, anchors)
		}
	case *ast.MappingValueNode:
		r.collectAnchors(v.Key, anchors)
		r.collectAnchors(v.Value, anchors)
	case *ast.MappingKeyNode:
		r.collectAnchors(v.Value, anchors)
	case *ast.SequenceNode:
		for _, e := range v.Values {
			r.collectAnchors(e, anchors)
		}
	}
}

// result returns the collected errors, or nil when there are none.
func (r *reader) result(kind error) error {
	if !r.diags.HasErrors() {
		return nil
	}
	r.diags.Sort()
	errs := diag.List{}
	for _, d := range r.diags {
		if d.Severity == diag.Error {
			errs = append(errs, d)
		}
	}
	return &Error{Diagnostics: errs, kind: kind}
}

// warnings returns the collected warnings and notes, sorted.
func (r *reader) warnings() diag.List {
	var w diag.List
	for _, d := range r.diags {
		if d.Severity != diag.Error {
			w = append(w, d)
		}
	}
	w.Sort()
	return w
}

func tokenPos(line, column, offset int) diag.Pos {
	// goccy offsets are 1-based; diag offsets are 0-based.
	if offset > 0 {
		offset--
	}
	return diag.Pos{Line: line, Column: column, Offset: offset}
}

// nodePos is where a node starts in the source: for a block mapping the
// token is its first ':', so the first key is used instead.
func nodePos(n ast.Node) diag.Pos {
	switch v := n.(type) {
	case nil:
		return diag.Pos{}
	case *ast.MappingNode:
		if len(v.Values) > 0 && !v.IsFlowStyle {
			return nodePos(v.Values[0].Key)
		}
	case *ast.MappingValueNode:
		return nodePos(v.Key)
	}
	t := n.GetToken()
	if t == nil || t.Position == nil {
		return diag.Pos{}
	}
	return tokenPos(t.Position.Line, t.Position.Column, t.Position.Offset)
}

func (r *reader) add(d diag.Diagnostic) {
	if len(r.diags) >= maxDiagnostics {
		return
	}
	d.File = r.file
	if d.Pos.IsValid() && !d.End.IsValid() {
		d.End = tokenEnd(r.src, d.Pos)
	}
	r.diags = append(r.diags, d)
}

// tokenEnd finds where the YAML scalar starting at pos ends on its line:
// a quoted string at its closing quote, a plain one before a comment, a
// flow indicator or a key's ':'. It returns the zero Pos when pos is not
// in src.
func tokenEnd(src []byte, pos diag.Pos) diag.Pos {
	start := pos.Offset
	if start < 0 || start >= len(src) {
		return diag.Pos{}
	}
	i := yamlspan.ScalarEnd(src, start)
	if i <= start {
		return diag.Pos{}
	}
	return diag.Pos{Line: pos.Line, Column: pos.Column + i - start, Offset: i}
}

func (r *reader) errorAt(pos diag.Pos, code, format string, args ...any) {
	r.add(diag.Diagnostic{Pos: pos, Severity: diag.Error, Code: code, Message: fmt.Sprintf(format, args...)})
}

func (r *reader) suggestAt(pos diag.Pos, code, suggestion, format string, args ...any) {
	r.add(diag.Diagnostic{Pos: pos, Severity: diag.Error, Code: code, Message: fmt.Sprintf(format, args...), Suggestion: suggestion})
}

func (r *reader) warnAt(pos diag.Pos, code, format string, args ...any) {
	r.add(diag.Diagnostic{Pos: pos, Severity: diag.Warning, Code: code, Message: fmt.Sprintf(format, args...)})
}

// resolve strips tags and anchors and follows aliases.
func (r *reader) resolve(n ast.Node) ast.Node {
	for depth := 0; depth < 100; depth++ {
		switch v := n.(type) {
		case *ast.TagNode:
			n = v.Value
		case *ast.AnchorNode:
			n = v.Value
		case *ast.AliasNode:
			target, ok := r.aliases[v]
			if !ok {
				r.errorAt(nodePos(v), CodeYAMLSyntax, "alias *%s refers to no earlier anchor", anchorName(v.Value))
				return nil
			}
			n = target
		default:
			return n
		}
	}
	return nil
}

func anchorName(n ast.Node) string {
	if n == nil {
		return ""
	}
	if t := n.GetToken(); t != nil {
		return t.Value
	}
	return ""
}

func isNull(n ast.Node) bool {
	_, ok := n.(*ast.NullNode)
	return n == nil || ok
}

// kindName describes a node for "expected X, found Y" messages.
func kindName(n ast.Node) string {
	switch n.(type) {
	case nil, *ast.NullNode:
		return "nothing"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.BoolNode:
		return "a boolean"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number"
	}
	return "a string"
}

// mapping returns the pairs of a mapping node in source order. A null
// value counts as an empty mapping ("deployer:" or "deployer: {}").
func (r *reader) mapping(n ast.Node, what string) ([]field, bool) {
	n = r.resolve(n)
	var pairs []*ast.MappingValueNode
	switch v := n.(type) {
	case nil, *ast.NullNode:
		return nil, true
	case *ast.MappingNode:
		pairs = v.Values
	case *ast.MappingValueNode:
		pairs = []*ast.MappingValueNode{v}
	default:
		r.errorAt(nodePos(n), CodeWrongType, "%s must be a mapping, found %s", what, kindName(n))
		return nil, false
	}
	out := make([]field, 0, len(pairs))
	for _, p := range pairs {
		key := r.resolve(p.Key)
		if key == nil {
			continue
		}
		if _, ok := key.(*ast.MergeKeyNode); ok {
			r.errorAt(nodePos(key), CodeYAMLSyntax, "merge keys (<<) are not supported in %s", what)
			continue
		}
		name, ok := scalarText(key)
		if !ok {
			r.errorAt(nodePos(key), CodeWrongType, "keys of %s must be strings, found %s", what, kindName(key))
			continue
		}
		value := p.Value
		if value == nil {
			value = ast.Null(nil)
		}
		out = append(out, field{key: name, keyPos: nodePos(key), value: value})
	}
	return out, true
}

// fields reads a mapping whose keys must be among known, reporting any
// other key with the closest known one as a suggestion.
func (r *reader) fields(n ast.Node, what string, known ...string) map[string]field {
	pairs, _ := r.mapping(n, what)
	out := make(map[string]field, len(pairs))
	for _, f := range pairs {
		if !contains(known, f.key) {
			if s, ok := closest(f.key, known); ok {
				r.suggestAt(f.keyPos, CodeUnknownKey, s, "unknown key %q in %s", f.key, what)
			} else {
				r.errorAt(f.keyPos, CodeUnknownKey, "unknown key %q in %s (known keys: %s)", f.key, what, strings.Join(known, ", "))
			}
			continue
		}
		out[f.key] = f
	}
	return out
}

// require reports a missing key at the position of the mapping.
func (r *reader) require(fs map[string]field, at diag.Pos, what string, keys ...string) {
	for _, k := range keys {
		if _, ok := fs[k]; !ok {
			r.errorAt(at, CodeMissingKey, "%s needs %q", what, k)
		}
	}
}

// scalarText returns the source text of a scalar node: numbers and
// booleans keep their spelling, so an unquoted account id "012345678901"
// keeps its leading zero.
func scalarText(n ast.Node) (string, bool) {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		if v.Value != nil {
			return v.Value.Value, true
		}
		return "", true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		if t := n.GetToken(); t != nil {
			return t.Value, true
		}
	}
	return "", false
}

// str reads a scalar as text.
func (r *reader) str(f field) (string, bool) {
	n := r.resolve(f.value)
	if s, ok := scalarText(n); ok {
		return s, true
	}
	r.errorAt(nodePos(n), CodeWrongType, "%s must be a string, found %s", f.key, kindName(n))
	return "", false
}

// matched reads a scalar as text and reports code, with format given the
// value, unless re matches it. The value is returned either way ("" when
// it is not a scalar), so later checks see what the spec says.
func (r *reader) matched(f field, re interface{ MatchString(string) bool }, code, format string) string {
	v, ok := r.str(f)
	if ok && !re.MatchString(v) {
		r.errorAt(nodePos(f.value), code, format, v)
	}
	return v
}

// boolean reads true or false.
func (r *reader) boolean(f field) (bool, bool) {
	n := r.resolve(f.value)
	if b, ok := n.(*ast.BoolNode); ok {
		return b.Value, true
	}
	r.errorAt(nodePos(n), CodeWrongType, "%s must be true or false, found %s", f.key, kindName(n))
	return false, false
}

// item is one element of a list with its position.
type item struct {
	node ast.Node
	pos  diag.Pos
}

// list reads a sequence; null counts as empty.
func (r *reader) list(f field) []item {
	n := r.resolve(f.value)
	switch v := n.(type) {
	case nil, *ast.NullNode:
		return nil
	case *ast.SequenceNode:
		out := make([]item, 0, len(v.Values))
		for _, e := range v.Values {
			out = append(out, item{node: e, pos: nodePos(e)})
		}
		return out
	}
	r.errorAt(nodePos(n), CodeWrongType, "%s must be a list, found %s", f.key, kindName(n))
	return nil
}

// positioned is a string with the position it was read from.
type positioned struct {
	value string
	pos   diag.Pos
}

// strList reads a list of strings, reporting duplicates.
func (r *reader) strList(f field) []positioned {
	var out []positioned
	seen := map[string]bool{}
	for _, it := range r.list(f) {
		n := r.resolve(it.node)
		s, ok := scalarText(n)
		if !ok {
			hint := ""
			if _, isMap := n.(*ast.MappingNode); isMap {
				// goccy/go-yaml reads a plain a:b inside {...} as a pair.
				hint = ` (quote entries that contain ':', such as "anthropic.claude-3-haiku-20240307-v1:0", inside {...})`
			}
			r.errorAt(it.pos, CodeWrongType, "entries of %s must be strings, found %s%s", f.key, kindName(n), hint)
			continue
		}
		if seen[s] {
			r.errorAt(it.pos, CodeDuplicate, "%q is listed twice in %s", s, f.key)
			continue
		}
		seen[s] = true
		out = append(out, positioned{s, it.pos})
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// closest returns the candidate nearest to s, if it is close enough to
// be a plausible typo: the names in a spec are short, so two edits are
// always allowed.
func closest(s string, candidates []string) (string, bool) {
	return suggest.Within(candidates, s, max(2, len(s)/3))
}
