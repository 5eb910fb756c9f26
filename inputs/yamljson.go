package inputs

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/internal/jsontext"
	"github.com/agentiam/agentiam/internal/yamlspan"
	"github.com/goccy/go-yaml/ast"
)

// tokenSpan is where a token of the JSON a reader writes comes from in
// the original file. exact means the JSON token is the file's token
// character for character (but for quotes a plain YAML scalar lacks), so
// a position inside it maps inside the file's token.
type tokenSpan struct {
	start, end diag.Pos
	exact      bool
	// plain: the file's token has no quotes (a plain YAML scalar, an
	// HCL number), so the JSON token's opening quote has no counterpart.
	plain bool
}

// jsonWriter writes a policy document as JSON with one token per line,
// and remembers for every line where its token is in the file, so that
// the linter's positions in the JSON map back to the file (see
// Document.FilePos).
type jsonWriter struct {
	b     []byte
	lines []tokenSpan
}

// statementFilter counts the statements written and lists those left out
// because a value in them is known only later.
type statementFilter struct {
	kept    int
	skipped []NotLinted
}

// writeStatements writes the elements of a Statement array, comma
// separated, leaving out (and listing, with when) each one that unknown
// names a function or reference in.
func writeStatements[T any](w *jsonWriter, f *statementFilter, items []T, when Pending, unknown func(T) (string, diag.Pos), write func(T)) {
	first := true
	for i, st := range items {
		if name, at := unknown(st); name != "" {
			f.skipped = append(f.skipped, NotLinted{Pos: at, Function: name, Statement: i, When: when})
			continue
		}
		if !first {
			w.comma()
		}
		first = false
		f.kept++
		write(st)
	}
}

// token writes one token on its own line.
func (w *jsonWriter) token(text string, from tokenSpan) {
	w.b = append(w.b, text...)
	w.b = append(w.b, '\n')
	w.lines = append(w.lines, from)
}

// comma puts a ',' at the end of the last line.
func (w *jsonWriter) comma() {
	if n := len(w.b); n > 0 && w.b[n-1] == '\n' {
		w.b = append(w.b[:n-1], ",\n"...)
	}
}

// key writes an object key and its ':'.
func (w *jsonWriter) key(k string, from tokenSpan) {
	w.token(string(jsontext.AppendQuoted(nil, k))+":", from)
}

// str writes a string value.
func (w *jsonWriter) str(s string, from tokenSpan) {
	w.token(string(jsontext.AppendQuoted(nil, s)), from)
}

// mapPos maps a position in the written JSON to the file.
func mapPos(lines []tokenSpan, p diag.Pos, end bool) diag.Pos {
	if !p.IsValid() || p.Line > len(lines) {
		return diag.Pos{}
	}
	sp := lines[p.Line-1]
	if !sp.start.IsValid() {
		return diag.Pos{}
	}
	if !sp.exact {
		if end {
			return sp.end
		}
		return sp.start
	}
	shift := p.Column - 1
	if sp.plain {
		shift--
	}
	shift = max(shift, 0)
	if sp.end.Line == sp.start.Line {
		shift = min(shift, sp.end.Column-sp.start.Column)
	}
	return diag.Pos{Line: sp.start.Line, Column: sp.start.Column + shift, Offset: sp.start.Offset + shift}
}

// lineIndex turns goccy/go-yaml's line and column into positions with
// byte offsets, and finds where a scalar token ends.
type lineIndex struct {
	src    []byte
	starts []int
}

func newLineIndex(src []byte) *lineIndex {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &lineIndex{src: src, starts: starts}
}

// pos is the position of line and 1-based column (counted in bytes for
// ASCII; goccy counts characters, so a line with multibyte characters
// before the token is off by their extra bytes, which is then clamped).
func (ix *lineIndex) pos(line, column int) diag.Pos {
	if line < 1 || line > len(ix.starts) || column < 1 {
		return diag.Pos{}
	}
	off := min(ix.starts[line-1]+column-1, len(ix.src))
	return diag.Pos{Line: line, Column: column, Offset: off}
}

// nodeSpan returns where a scalar node's token is, and whether it is
// plain (unquoted).
func (ix *lineIndex) nodeSpan(n ast.Node) tokenSpan {
	t := n.GetToken()
	if t == nil || t.Position == nil {
		return tokenSpan{}
	}
	start := ix.pos(t.Position.Line, t.Position.Column)
	if !start.IsValid() {
		return tokenSpan{}
	}
	end := ix.tokenEnd(start)
	plain := start.Offset < len(ix.src) && ix.src[start.Offset] != '"' && ix.src[start.Offset] != '\''
	return tokenSpan{start: start, end: end, plain: plain}
}

// tokenEnd finds the end of the scalar starting at p (see yamlspan): the closing quote,
// or for a plain scalar the end of the line, a comment or a flow
// separator.
func (ix *lineIndex) tokenEnd(p diag.Pos) diag.Pos {
	if p.Offset >= len(ix.src) {
		return p
	}
	i := yamlspan.ScalarEnd(ix.src, p.Offset)
	return diag.Pos{Line: p.Line, Column: p.Column + i - p.Offset, Offset: i}
}

// pairs returns the key: value pairs of a mapping node (goccy/go-yaml
// gives a one-pair block mapping as the pair itself), nil for others.
func pairs(n ast.Node) []*ast.MappingValueNode {
	switch m := n.(type) {
	case *ast.MappingNode:
		return m.Values
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}
	}
	return nil
}

// keyText is the text of a mapping key.
func keyText(mv *ast.MappingValueNode) string {
	if mv == nil || mv.Key == nil {
		return ""
	}
	if s, ok := mv.Key.(*ast.StringNode); ok {
		return s.Value
	}
	return strings.Trim(mv.Key.String(), `"'`)
}

// member returns the value of a key of a mapping node, nil when absent.
func member(n ast.Node, key string) ast.Node {
	for _, mv := range pairs(n) {
		if keyText(mv) == key {
			return mv.Value
		}
	}
	return nil
}

// scalarText returns the text of a string or number scalar.
func scalarText(n ast.Node) (string, bool) {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		return v.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode:
		return v.GetToken().Value, true
	}
	return "", false
}

// unquoteNumber gives a number scalar's JSON form, or false when the
// YAML number is no JSON number (0x1F, .inf, 1_000).
func unquoteNumber(s string) (string, bool) {
	if _, err := strconv.ParseFloat(s, 64); err != nil || strings.ContainsAny(s, "_xXoO") || bytes.ContainsAny([]byte(s), "iInN") {
		return "", false
	}
	return s, true
}
