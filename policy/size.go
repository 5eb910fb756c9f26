package policy

import (
	"bytes"
	"unicode"
	"unicode/utf8"
)

// Size is the size of the document as IAM counts it against its quotas:
// the characters of its canonical JSON, whitespace outside strings
// excluded (see SizeOfJSON).
func Size(d *Document) int { return SizeOfJSON(Format(d)) }

// SizeOfJSON counts the characters of policy JSON as IAM counts them
// against its quotas: whitespace outside strings (and a byte order mark)
// does not count; everything inside strings does, escapes as written.
// It counts characters, not bytes: "é" is one.
func SizeOfJSON(src []byte) int {
	n := 0
	for i := 0; i < len(src); {
		switch c := src[i]; {
		case c == '"':
			end := stringEnd(src, i)
			n += utf8.RuneCount(src[i:end])
			i = end
		case c < utf8.RuneSelf:
			if !unicode.IsSpace(rune(c)) {
				n++
			}
			i++
		default:
			r, w := utf8.DecodeRune(src[i:])
			if !unicode.IsSpace(r) && r != '\uFEFF' {
				n++
			}
			i += w
		}
	}
	return n
}

// stringEnd returns the offset just past the JSON string whose opening
// quote is at i, or len(src) if it is not closed. Generation sizes many
// documents, and skipping to the next quote or escape keeps that cheap.
func stringEnd(src []byte, i int) int {
	for j := i + 1; j < len(src); {
		k := bytes.IndexAny(src[j:], `"\`)
		if k < 0 {
			break
		}
		j += k
		if src[j] == '"' {
			return j + 1
		}
		j += 2 // the backslash and the character it escapes
	}
	return len(src)
}
