package main

import (
	"fmt"
	"strconv"
	"strings"
)

// parseJSArray parses the JavaScript array literal that follows marker in
// src. It accepts only what the compiled globalConditionKeys.js uses: an
// array of objects whose properties are identifiers (or quoted names)
// bound to string literals, with comments and optional trailing commas.
func parseJSArray(src, marker string) ([]map[string]string, error) {
	i := strings.Index(src, marker)
	if i < 0 {
		return nil, fmt.Errorf("%q not found", marker)
	}
	p := &jsParser{src: src, pos: i + len(marker)}
	if err := p.expect('['); err != nil {
		return nil, err
	}
	var out []map[string]string
	for {
		if p.peek() == ']' {
			p.pos++
			return out, nil
		}
		obj, err := p.object()
		if err != nil {
			return nil, err
		}
		out = append(out, obj)
		if p.peek() == ',' {
			p.pos++
		} else if p.peek() != ']' {
			return nil, p.errorf("expected ',' or ']'")
		}
	}
}

type jsParser struct {
	src string
	pos int
}

func (p *jsParser) errorf(format string, args ...any) error {
	return fmt.Errorf("offset %d: %s", p.pos, fmt.Sprintf(format, args...))
}

// peek skips white space and comments and returns the next byte, or 0 at the end.
func (p *jsParser) peek() byte {
	for p.pos < len(p.src) {
		rest := p.src[p.pos:]
		switch {
		case strings.IndexByte(" \t\r\n", rest[0]) >= 0:
			p.pos++
			continue
		case strings.HasPrefix(rest, "//"):
			if i := strings.IndexByte(rest, '\n'); i >= 0 {
				p.pos += i + 1
			} else {
				p.pos = len(p.src)
			}
			continue
		case strings.HasPrefix(rest, "/*"):
			if i := strings.Index(rest[2:], "*/"); i >= 0 {
				p.pos += i + 4
			} else {
				p.pos = len(p.src)
			}
			continue
		}
		break
	}
	if p.pos >= len(p.src) {
		return 0
	}
	return p.src[p.pos]
}

func (p *jsParser) expect(c byte) error {
	if p.peek() != c {
		return p.errorf("expected %q", c)
	}
	p.pos++
	return nil
}

func (p *jsParser) object() (map[string]string, error) {
	if err := p.expect('{'); err != nil {
		return nil, err
	}
	obj := map[string]string{}
	for {
		c := p.peek()
		if c == '}' {
			p.pos++
			return obj, nil
		}
		var name string
		var err error
		if c == '\'' || c == '"' {
			name, err = p.str()
		} else {
			name, err = p.ident()
		}
		if err != nil {
			return nil, err
		}
		if err := p.expect(':'); err != nil {
			return nil, err
		}
		if c := p.peek(); c != '\'' && c != '"' {
			return nil, p.errorf("property %q: only string values are supported", name)
		}
		val, err := p.str()
		if err != nil {
			return nil, err
		}
		if _, dup := obj[name]; dup {
			return nil, p.errorf("duplicate property %q", name)
		}
		obj[name] = val
		if p.peek() == ',' {
			p.pos++
		} else if p.peek() != '}' {
			return nil, p.errorf("expected ',' or '}'")
		}
	}
}

func (p *jsParser) ident() (string, error) {
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || p.pos > start && '0' <= c && c <= '9' {
			p.pos++
			continue
		}
		break
	}
	if p.pos == start {
		return "", p.errorf("expected a property name")
	}
	return p.src[start:p.pos], nil
}

// str reads a quoted string literal with the common escapes.
func (p *jsParser) str() (string, error) {
	quote := p.src[p.pos]
	p.pos++
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == quote:
			p.pos++
			return b.String(), nil
		case c == '\n':
			return "", p.errorf("unterminated string")
		case c != '\\':
			b.WriteByte(c)
			p.pos++
			continue
		}
		if p.pos+1 >= len(p.src) {
			break
		}
		e := p.src[p.pos+1]
		p.pos += 2
		switch e {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'u':
			if p.pos+4 > len(p.src) {
				return "", p.errorf("short \\u escape")
			}
			r, err := strconv.ParseUint(p.src[p.pos:p.pos+4], 16, 16)
			if err != nil {
				return "", p.errorf("bad \\u escape")
			}
			b.WriteRune(rune(r))
			p.pos += 4
		case '\n':
			// Line continuation.
		default:
			b.WriteByte(e)
		}
	}
	return "", p.errorf("unterminated string")
}
