// Package yamlspan finds where a YAML scalar ends in its source text, for
// diagnostics that underline a whole value: goccy/go-yaml gives where a
// token starts, not where it ends.
package yamlspan

// ScalarEnd returns the offset just after the scalar that starts at
// offset start of src, on the same line: a quoted scalar ends at its
// closing quote (or the end of the line when unclosed); a plain one
// before a comment (" #"), a flow indicator (, ] }), a key's ": " or the
// end of the line, trailing blanks excluded. It returns start when start
// is not in src.
func ScalarEnd(src []byte, start int) int {
	if start < 0 || start >= len(src) {
		return start
	}
	if q := src[start]; q == '"' || q == '\'' {
		return quotedEnd(src, start, q)
	}
	i := start
scan:
	for ; i < len(src); i++ {
		switch c := src[i]; {
		case c == '\n' || c == '\r' || c == ',' || c == ']' || c == '}':
			break scan
		case c == '#' && i > start && isBlank(src[i-1]):
			break scan
		case c == ':' && (i+1 == len(src) || isBlank(src[i+1]) || src[i+1] == '\n' || src[i+1] == '\r'):
			break scan
		}
	}
	for i > start && isBlank(src[i-1]) {
		i--
	}
	return i
}

func quotedEnd(src []byte, start int, q byte) int {
	for i := start + 1; i < len(src) && src[i] != '\n'; i++ {
		switch {
		case q == '"' && src[i] == '\\':
			i++
		case src[i] == q:
			return i + 1
		}
	}
	end := start + 1
	for end < len(src) && src[end] != '\n' {
		end++
	}
	return end
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }
