package lint

import (
	"fmt"
	"slices"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/internal/jsontext"
	"github.com/agentiam/agentiam/policy"
)

// A fragment is what users paste from documentation instead of a
// policy: a bare statement, several statements separated by commas (a
// trailing comma included), or an array of statements. lint wraps it in
// a policy with Version 2012-10-17, says so once, and lints the
// statements with positions in the original text.
type fragment struct {
	n     int  // statements
	array bool // a JSON array of statements
	bom   int  // length of a UTF-8 byte order mark before the text
	// start is the offset of the first '{' or '['.
	start int
	// prefix is the text put before the original (after a byte order
	// mark, which must stay first); every original offset moves by its
	// length, and so does every column of the first line.
	prefix string
}

const (
	fragmentPrefix      = `{"Version":"2012-10-17","Statement":[`
	fragmentArrayPrefix = `{"Version":"2012-10-17","Statement":`
	utf8BOM             = "\xef\xbb\xbf"
)

// fragmentKeys mark a statement; documentKeys mark a policy.
var (
	fragmentKeys = []string{"Effect", "Action", "NotAction"}
	documentKeys = []string{"Version", "Statement", "Id"}
)

// asFragment recognizes a fragment and returns it wrapped in a policy.
// It runs only on text that did not parse as a policy with a Statement.
func asFragment(src []byte) (wrapped []byte, f fragment, ok bool) {
	s := string(src)
	bom := 0
	if len(s) >= len(utf8BOM) && s[:len(utf8BOM)] == utf8BOM {
		bom = len(utf8BOM)
	}
	f.bom = bom
	i := skipSpace(s, bom)
	if i == len(s) || len(s) > policy.MaxSize {
		return nil, f, false
	}
	f.start = i
	body := s[bom:]
	switch s[i] {
	case '[':
		f.array, f.prefix = true, fragmentArrayPrefix
		end := 0
		if f.n, end, ok = statementArray(s[i:]); !ok || skipSpace(s, i+end) != len(s) {
			return nil, f, false
		}
		wrapped = []byte(s[:bom] + f.prefix + body + "}")
	case '{':
		f.prefix = fragmentPrefix
		trailing := -1
		if f.n, trailing, ok = statementList(s, i); !ok {
			return nil, f, false
		}
		if trailing >= 0 {
			// A space keeps every offset where it was.
			body = s[bom:trailing] + " " + s[trailing+1:]
		}
		wrapped = []byte(s[:bom] + f.prefix + body + "]}")
	default:
		return nil, f, false
	}
	return wrapped, f, f.n > 0
}

// statementList reads statements separated by commas from s at i and
// returns their number and the offset of a trailing comma (-1 if none).
func statementList(s string, i int) (n, trailing int, ok bool) {
	for {
		end, ok := statementObject(s[i:])
		if !ok {
			return 0, -1, false
		}
		n++
		i = skipSpace(s, i+end)
		if i == len(s) {
			return n, -1, true
		}
		if s[i] != ',' {
			return 0, -1, false
		}
		comma := i
		if i = skipSpace(s, i+1); i == len(s) {
			return n, comma, true
		}
	}
}

// statementObject reads the object at the start of s and returns the
// offset just past it, if it is shaped like a statement: it has an
// Effect, Action or NotAction and no top-level policy element.
func statementObject(s string) (end int, ok bool) {
	dec := jsontext.NewDecoder(s)
	if tok, err := dec.ReadToken(); err != nil || tok.Kind != jsontext.ObjectStart {
		return 0, false
	}
	marked := false
	for {
		key, err := dec.ReadToken()
		if err != nil {
			return 0, false
		}
		if key.Kind == jsontext.ObjectEnd {
			return key.Pos.Offset + 1, marked
		}
		if slices.Contains(documentKeys, key.Text) {
			return 0, false
		}
		marked = marked || slices.Contains(fragmentKeys, key.Text)
		if dec.SkipValue() != nil {
			return 0, false
		}
	}
}

// statementArray reads the array at the start of s and returns the
// number of its elements and the offset just past it, if every element
// is shaped like a statement.
func statementArray(s string) (n, end int, ok bool) {
	dec := jsontext.NewDecoder(s)
	if tok, err := dec.ReadToken(); err != nil || tok.Kind != jsontext.ArrayStart {
		return 0, 0, false
	}
	for dec.PeekKind() == jsontext.ObjectStart {
		raw, err := dec.ReadValue()
		if err != nil {
			return 0, 0, false
		}
		if _, ok := statementObject(raw); !ok {
			return 0, 0, false
		}
		n++
	}
	tok, err := dec.ReadToken()
	if err != nil || tok.Kind != jsontext.ArrayEnd {
		return 0, 0, false
	}
	return n, tok.Pos.Offset + 1, true
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// lintFragment lints a fragment wrapped in a policy, maps the positions
// back to the original text and says once that it is not a policy.
func lintFragment(name string, src, wrapped []byte, f fragment, opts Options) (diag.List, policy.Kind) {
	out, typ, _ := parseAndLint(name, wrapped, opts)
	start := jsontext.NewDecoder(string(src)).PosAt(f.start)
	for i := range out {
		out[i].Pos = f.original(out[i].Pos, start, len(src))
		out[i].End = f.original(out[i].End, diag.Pos{}, len(src))
	}
	var what string
	switch {
	case f.array:
		what = fmt.Sprintf("this is an array of %s, not a policy; make it the Statement of a policy: {\"Version\": \"2012-10-17\", \"Statement\": [...]}", plural(f.n, "statement"))
	case f.n == 1:
		what = "this is a statement, not a policy; wrap it in a policy: {\"Version\": \"2012-10-17\", \"Statement\": [ ... ]}"
	default:
		what = fmt.Sprintf("these are %d statements separated by commas, not a policy; wrap them in a policy: {\"Version\": \"2012-10-17\", \"Statement\": [ ... ]}", f.n)
	}
	end := start
	end.Column, end.Offset = end.Column+1, end.Offset+1
	out = append(out, diag.Diagnostic{File: name, Pos: start, End: end, Severity: rulesByCode[CodeStatementNotInPolicy].Severity,
		Code: CodeStatementNotInPolicy, Message: what})
	return out, typ
}

// original maps a position in the wrapped text to the original text;
// positions in the added text become def.
func (f fragment) original(p, def diag.Pos, size int) diag.Pos {
	if !p.IsValid() {
		return p
	}
	n := len(f.prefix)
	if p.Offset < f.bom+n || p.Offset-n > size {
		return def
	}
	p.Offset -= n
	if p.Line == 1 {
		p.Column -= n
	}
	return p
}

// plural writes "1 statement", "2 statements".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
