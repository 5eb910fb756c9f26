package agentcorepolicy

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"

	"github.com/agentiam/agentiam/diag"
	cedar "github.com/cedar-policy/cedar-go"
)

// CodeSyntaxError is the diagnostic code of a policy file that does not parse.
const CodeSyntaxError = "syntax-error"

// Policy is one Cedar policy of a file, with where it is.
type Policy struct {
	// ID names the policy in decisions: file:line:column of its first
	// token, which is unique and leads to it.
	ID string
	// Name is the value of its @id annotation, if any.
	Name string
	File string
	Pos  diag.Pos
	// src is the policy's text: from its first token up to the next
	// policy's first token or the end of the file.
	src    []byte
	cedar  *cedar.Policy
	permit bool
}

// Permit reports whether the policy is a permit (else a forbid).
func (p *Policy) Permit() bool { return p.permit }

// Text returns the policy's Cedar text in canonical form.
func (p *Policy) Text() string { return string(p.cedar.MarshalCedar()) }

// PolicySet is the policies of one or more files, in file order.
type PolicySet struct {
	Policies []*Policy
	set      *cedar.PolicySet
	byID     map[cedar.PolicyID]*Policy
}

// NewPolicySet returns an empty set.
func NewPolicySet() *PolicySet {
	return &PolicySet{set: cedar.NewPolicySet(), byID: map[cedar.PolicyID]*Policy{}}
}

// parseErrorRE finds the position in a cedar-go parse error. cedar-go
// returns parse errors as text only ("parse error at <input>:4:73 ...");
// this is the one place we read its message, to place the diagnostic.
var parseErrorRE = regexp.MustCompile(`at [^ ]*?:(\d+):(\d+)`)

// AddFile parses a file of Cedar policies into the set. A file that does
// not parse is a diag.Diagnostic (code syntax-error) wrapping ErrSyntax,
// and adds nothing.
func (s *PolicySet) AddFile(file string, src []byte) error {
	ps, err := cedar.NewPolicySetFromBytes(file, src)
	if err != nil {
		d := diag.Diagnostic{File: file, Pos: diag.Pos{Line: 1, Column: 1}, Severity: diag.Error, Code: CodeSyntaxError, Message: err.Error()}
		if m := parseErrorRE.FindStringSubmatch(err.Error()); m != nil {
			line, _ := strconv.Atoi(m[1])
			col, _ := strconv.Atoi(m[2])
			d.Pos = diag.Pos{Line: line, Column: col, Offset: offsetOf(src, line, col)}
		}
		return fmt.Errorf("%w: %w", ErrSyntax, d)
	}
	var added []*Policy
	for _, p := range ps.All() {
		pos := p.Position()
		pol := &Policy{
			ID: fmt.Sprintf("%s:%d:%d", file, pos.Line, pos.Column), File: file,
			Pos:   diag.Pos{Line: pos.Line, Column: pos.Column, Offset: pos.Offset},
			cedar: p, permit: p.Effect() == cedar.Permit,
		}
		if id, ok := p.Annotations()["id"]; ok {
			pol.Name = string(id)
		}
		added = append(added, pol)
	}
	// cedar-go's set is a map: order the policies as in the file; each
	// one's text runs to the next.
	slices.SortFunc(added, func(a, b *Policy) int { return a.Pos.Offset - b.Pos.Offset })
	for i, p := range added {
		end := len(src)
		if i+1 < len(added) {
			end = added[i+1].Pos.Offset
		}
		p.src = src[p.Pos.Offset:end]
		s.Policies = append(s.Policies, p)
		s.byID[cedar.PolicyID(p.ID)] = p
		s.set.Add(cedar.PolicyID(p.ID), p.cedar)
	}
	return nil
}

// locate returns the position of the first occurrence of token in the
// policy's text, or the policy's own position when it does not occur:
// cedar-go's AST keeps positions of policies, not of their parts.
func (p *Policy) locate(token string) diag.Pos {
	i := bytes.Index(p.src, []byte(token))
	if token == "" || i < 0 {
		return p.Pos
	}
	if token[0] == '.' && len(token) > 1 {
		i++ // an attribute access is placed at its name
	}
	line, col := p.Pos.Line, p.Pos.Column
	for _, c := range p.src[:i] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return diag.Pos{Line: line, Column: col, Offset: p.Pos.Offset + i}
}

// offsetOf is the byte offset of a 1-based line and column, clamped to src.
func offsetOf(src []byte, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			return len(src)
		}
		off += i + 1
	}
	return min(off+col-1, len(src))
}
