package eval

import (
	"strings"

	"github.com/agentiam/agentiam/arn"
)

// template is a policy string with its ${...} variables parsed out once
// at compile time. A template without variables or escapes is just its
// literal text.
type template struct {
	raw   string
	parts []tpart // nil when raw has no ${...}
}

type tpartKind uint8

const (
	partText    tpartKind = iota // literal text; '*' and '?' are wildcards where the operator has them
	partEscaped                  // ${*}, ${?}, ${$}: a literal character, never a wildcard
	partVar                      // ${key} or ${key, 'default'}
)

type tpart struct {
	kind   tpartKind
	text   string // text, the escaped character, or the key as written
	key    string // lowercase key of a variable
	def    string
	hasDef bool
}

// parseTemplateAfter splits s into text, escapes and variables. Under
// policy Version 2008-10-17 (or none) variables are literal text (vars
// false). When s has variables, its parts follow a first text part
// holding head (when not empty). The parts take room from mem (or one
// allocation), and so do the lowercased keys of the variables.
func parseTemplateAfter(head, s string, vars bool, mem *compileMem) template {
	t := template{raw: s}
	n := 0
	if vars {
		n = strings.Count(s, "${")
	}
	if n == 0 {
		return t
	}
	t.parts = grow(&mem.parts, 2*n+2) // head, then text and variable for each "${", then the rest
	if head != "" {
		t.parts = append(t.parts, tpart{kind: partText, text: head})
	}
	start := len(t.parts)
	rest := s
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			break // an unclosed ${ is literal text
		}
		body := rest[i+2 : i+j]
		if i > 0 {
			t.parts = append(t.parts, tpart{kind: partText, text: rest[:i]})
		}
		switch body {
		case "*", "?", "$":
			t.parts = append(t.parts, tpart{kind: partEscaped, text: body})
		default:
			p := tpart{kind: partVar, text: body}
			key := body
			if k := strings.IndexByte(body, ','); k >= 0 {
				key = body[:k]
				def := strings.TrimSpace(body[k+1:])
				if len(def) >= 2 && def[0] == '\'' && def[len(def)-1] == '\'' {
					p.def, p.hasDef = def[1:len(def)-1], true
				}
			}
			p.key = mem.lowerASCII(strings.TrimSpace(key))
			t.parts = append(t.parts, p)
		}
		rest = rest[i+j+1:]
	}
	if len(t.parts) == start {
		return template{raw: s} // only unclosed "${": literal text
	}
	if rest != "" {
		t.parts = append(t.parts, tpart{kind: partText, text: rest})
	}
	return t
}

// hasVars reports whether the template needs the request to resolve.
func (t *template) hasVars() bool { return t.parts != nil }

// resolveVar returns a variable's value: the request's single value of
// the key, else the default. Multivalued keys cannot be variables.
func (rs *reqState) resolveVar(p *tpart) (string, bool) {
	if vals, ok := rs.lookup(p.key); ok && len(vals) == 1 {
		return vals[0], true
	}
	if p.hasDef {
		return p.def, true
	}
	return "", false
}

// expand renders the template for the request: variables substituted,
// escapes turned into their characters. ok is false when a variable has
// no value and no default.
func (t *template) expand(rs *reqState) (string, bool) {
	if t.parts == nil {
		return t.raw, true
	}
	var b strings.Builder
	for i := range t.parts {
		p := &t.parts[i]
		switch p.kind {
		case partText, partEscaped:
			b.WriteString(p.text)
		case partVar:
			v, ok := rs.resolveVar(p)
			if !ok {
				return "", false
			}
			b.WriteString(v)
		}
	}
	return b.String(), true
}

// value is the template as written and as resolved for the request.
func (t *template) value(rs *reqState) Value {
	v, ok := t.expand(rs)
	return Value{Written: t.raw, Resolved: v, Vars: t.hasVars(), Missing: !ok}
}

// equals compares s with the expanded template without building it; a
// variable with no value makes it false.
func (t *template) equals(rs *reqState, s string, fold bool) bool {
	if t.parts == nil {
		if fold {
			return strings.EqualFold(t.raw, s)
		}
		return t.raw == s
	}
	for i := range t.parts {
		p := &t.parts[i]
		text := p.text
		if p.kind == partVar {
			v, ok := rs.resolveVar(p)
			if !ok {
				return false
			}
			text = v
		}
		if len(s) < len(text) {
			return false
		}
		if fold {
			if !strings.EqualFold(s[:len(text)], text) {
				return false
			}
		} else if s[:len(text)] != text {
			return false
		}
		s = s[len(text):]
	}
	return s == ""
}

// glob renders the template as a wildcard pattern in which escaped
// characters and variable values are literal text.
func (t *template) glob(rs *reqState, buf arn.Glob) (arn.Glob, bool) {
	for i := range t.parts {
		p := &t.parts[i]
		switch p.kind {
		case partText:
			buf = buf.AppendPattern(p.text)
		case partEscaped:
			buf = buf.AppendLiteral(p.text)
		case partVar:
			v, ok := rs.resolveVar(p)
			if !ok {
				return buf, false
			}
			buf = buf.AppendLiteral(v)
		}
	}
	return buf, true
}
