// Package jsontext is a strict (RFC 8259), reflection-free JSON tokenizer
// that reports the line, column and byte offset of every token and of
// every syntax error.
//
// The Decoder reads a string source: strings without escapes are returned
// as substrings of the source, so decoding allocates only for strings that
// contain escapes. A source may hold several top-level values separated by
// whitespace (JSON Lines, concatenated JSON).
//
// Choices where RFC 8259 leaves room:
//   - Invalid UTF-8 inside strings is a syntax error: policy text must
//     survive a decode/encode round trip unchanged, and AWS APIs only carry
//     valid UTF-8 anyway.
//   - Lone UTF-16 surrogates in \u escapes decode to U+FFFD, as encoding/json does.
//   - A UTF-8 byte order mark at the very start of the source is skipped
//     and takes no column: editors do not show it, so the first character
//     after it is column 1.
//   - Nesting deeper than MaxDepth (default 64) is a syntax error.
package jsontext

import (
	"fmt"
	"io"
	"math/bits"
	"strconv"
	"unicode/utf8"

	"github.com/agentiam/agentiam/diag"
)

// DefaultMaxDepth is the nesting limit of a new Decoder.
const DefaultMaxDepth = 64

// Kind identifies a token.
type Kind byte

const (
	Invalid     Kind = 0
	ObjectStart Kind = '{'
	ObjectEnd   Kind = '}'
	ArrayStart  Kind = '['
	ArrayEnd    Kind = ']'
	String      Kind = '"'
	Number      Kind = '0'
	True        Kind = 't'
	False       Kind = 'f'
	Null        Kind = 'n'
)

// String names the kind the way error messages talk about JSON values.
func (k Kind) String() string {
	switch k {
	case ObjectStart:
		return "object"
	case ArrayStart:
		return "array"
	case ObjectEnd:
		return "'}'"
	case ArrayEnd:
		return "']'"
	case String:
		return "string"
	case Number:
		return "number"
	case True, False:
		return "boolean"
	case Null:
		return "null"
	}
	return "invalid"
}

// Token is one JSON token. Separators (',' and ':') are not tokens.
type Token struct {
	Kind Kind
	// Pos is the position of the token's first byte.
	Pos diag.Pos
	// End is the byte offset just past the token.
	End int
	// Text is the decoded value of a string, or the literal source text
	// of any other token ("12.5e3", "true", "{", ...).
	Text string
}

// EndPos returns the position just past the token; tokens never span lines.
func (t Token) EndPos() diag.Pos {
	n := t.End - t.Pos.Offset
	return diag.Pos{Line: t.Pos.Line, Column: t.Pos.Column + n, Offset: t.End}
}

// Int64 parses a number token as an integer.
func (t Token) Int64() (int64, error) { return strconv.ParseInt(t.Text, 10, 64) }

// Float64 parses a number token as a float.
func (t Token) Float64() (float64, error) { return strconv.ParseFloat(t.Text, 64) }

// SyntaxError is a JSON syntax error at the exact offending byte.
type SyntaxError struct {
	Pos diag.Pos
	Msg string
}

func (e *SyntaxError) Error() string { return e.Pos.String() + ": " + e.Msg }

// parser states: what the next byte may be.
type state uint8

const (
	stTop         state = iota // a top-level value or end of input
	stValue                    // a value (after ':')
	stArrayFirst               // a value or ']' (after '[')
	stArrayNext                // a value (after ',' in an array)
	stObjectFirst              // a key or '}' (after '{')
	stObjectNext               // a key (after ',' in an object)
	stColon                    // ':' (after a key)
	stAfter                    // ',' or the container's closer (after a value)
)

type frame struct {
	kind Kind // ObjectStart or ArrayStart
	pos  diag.Pos
}

// Decoder tokenizes a JSON source. The zero value is not usable; call NewDecoder.
type Decoder struct {
	src       string
	pos       int // offset of the next unread byte
	line      int // line of pos
	lineStart int // offset of the first byte of line
	state     state
	stack     []frame
	maxDepth  int
	err       error // sticky syntax error
	buf       []byte
	// The last token read: its kind, the offset of its first byte (it
	// ends at pos) and, for a string, whether buf holds its decoded
	// text. Token values are built from these only when asked for, so
	// that scanning copies no Token around.
	kind    Kind
	start   int
	escaped bool
}

// NewDecoder returns a decoder reading src.
func NewDecoder(src string) *Decoder {
	d := &Decoder{maxDepth: DefaultMaxDepth, stack: make([]frame, 0, 8)}
	d.Reset(src)
	return d
}

// Reset makes the decoder read src from the start, keeping its buffers
// and its depth limit.
func (d *Decoder) Reset(src string) {
	d.src = src
	d.pos = 0
	d.line = 1
	d.lineStart = 0
	d.state = stTop
	d.stack = d.stack[:0]
	d.err = nil
	d.pos = bomLen(src)
	d.lineStart = d.pos
}

// ResetAt makes the decoder read one value of src that starts at byte
// offset (as ReadValue or Offset found it in another decoder over the same
// text); positions are those of src. Reset at a later value of the same
// text, it counts lines from where it stood rather than from the start,
// so that reading the values of a file in order is linear, not quadratic.
func (d *Decoder) ResetAt(src string, offset int) {
	line, lineStart := d.line, d.lineStart
	same := len(d.src) == len(src) && d.src == src && offset >= lineStart
	d.Reset(src)
	if same {
		d.line, d.lineStart = line, lineStart
	}
	offset = min(max(offset, d.pos), len(src))
	p := d.PosAt(offset)
	d.pos, d.line, d.lineStart = offset, p.Line, offset-(p.Column-1)
}

// Offset returns the byte offset the decoder stands at; after PeekKind it
// is the start of the next token.
func (d *Decoder) Offset() int { return d.pos }

// bomLen returns the length of the UTF-8 byte order mark src starts with.
func bomLen(src string) int {
	if len(src) >= 3 && src[:3] == "\xef\xbb\xbf" {
		return 3
	}
	return 0
}

// SetMaxDepth sets the nesting limit (values below 1 mean 1).
func (d *Decoder) SetMaxDepth(n int) { d.maxDepth = max(n, 1) }

// Depth returns the number of open objects and arrays.
func (d *Decoder) Depth() int { return len(d.stack) }

// PosAt returns the position of the byte at offset. It scans for line
// breaks from the decoder's current line, or from the start for earlier
// offsets. Offsets inside a byte order mark are column 1.
func (d *Decoder) PosAt(offset int) diag.Pos {
	offset = min(max(offset, 0), len(d.src))
	line, start := 1, bomLen(d.src)
	if offset >= d.lineStart {
		line, start = d.line, d.lineStart
	}
	for i := start; i < offset; i++ {
		if d.src[i] == '\n' {
			line++
			start = i + 1
		}
	}
	return diag.Pos{Line: line, Column: max(offset-start, 0) + 1, Offset: offset}
}

func (d *Decoder) posOf(offset int) diag.Pos {
	return diag.Pos{Line: d.line, Column: offset - d.lineStart + 1, Offset: offset}
}

func (d *Decoder) fail(offset int, format string, args ...any) error {
	d.err = &SyntaxError{Pos: d.posOf(offset), Msg: fmt.Sprintf(format, args...)}
	return d.err
}

func (d *Decoder) skipSpace() {
	src := d.src
	if d.pos < len(src) && src[d.pos] > ' ' {
		return // compact JSON has no whitespace between most tokens
	}
	for i := d.pos; i < len(src); i++ {
		switch src[i] {
		case ' ', '\t', '\r':
		case '\n':
			d.line++
			d.lineStart = i + 1
		default:
			d.pos = i
			return
		}
	}
	d.pos = len(src)
}

// prepare consumes whitespace and separators and returns the first byte
// of the next token. At the end of the input the error is io.EOF between
// top-level values and a *SyntaxError inside one.
func (d *Decoder) prepare() (c byte, err error) {
	if d.err != nil {
		return 0, d.err
	}
	for {
		d.skipSpace()
		if d.pos >= len(d.src) {
			if d.state == stTop {
				return 0, io.EOF
			}
			return 0, d.failEOF()
		}
		c = d.src[d.pos]
		switch d.state {
		case stColon:
			if c != ':' {
				return 0, d.fail(d.pos, "unexpected %s after object key; expected ':'", describe(d.src, d.pos))
			}
			d.pos++
			d.state = stValue
			continue
		case stAfter:
			inObject := d.stack[len(d.stack)-1].kind == ObjectStart
			if c == ',' {
				d.pos++
				if inObject {
					d.state = stObjectNext
				} else {
					d.state = stArrayNext
				}
				continue
			}
			if inObject && c != '}' || !inObject && c != ']' {
				return 0, d.badAfterValue(c)
			}
		}
		return c, nil
	}
}

// badAfterValue explains the byte c that follows a value in an object or
// an array and is neither ',' nor the closer.
func (d *Decoder) badAfterValue(c byte) error {
	top := d.stack[len(d.stack)-1]
	if c == '/' {
		return d.fail(d.pos, "unexpected '/'; comments are not allowed in JSON")
	}
	hint := ""
	if top.kind == ObjectStart {
		if c == '"' {
			hint = " (missing ',' between members?)"
		} else if c == ']' {
			hint = fmt.Sprintf(" to close the object opened at %s", top.pos)
		}
		return d.fail(d.pos, "unexpected %s after object member; expected ',' or '}'%s", describe(d.src, d.pos), hint)
	}
	if c == '"' || c == '{' || c == '[' || c == '-' || isDigit(c) {
		hint = " (missing ',' between elements?)"
	} else if c == '}' {
		hint = fmt.Sprintf(" to close the array opened at %s", top.pos)
	}
	return d.fail(d.pos, "unexpected %s after array element; expected ',' or ']'%s", describe(d.src, d.pos), hint)
}

func (d *Decoder) failEOF() error {
	what := "a value"
	switch d.state {
	case stColon:
		what = "':'"
	case stObjectFirst:
		what = "a string key or '}'"
	case stObjectNext:
		what = "a string key"
	case stAfter:
		if d.stack[len(d.stack)-1].kind == ObjectStart {
			what = "',' or '}'"
		} else {
			what = "',' or ']'"
		}
	}
	msg := "unexpected end of input; expected " + what
	if n := len(d.stack); n > 0 {
		top := d.stack[n-1]
		msg += fmt.Sprintf(" (the %s opened at %s is not closed)", top.kind, top.pos)
	}
	return d.fail(d.pos, "%s", msg)
}

// PeekKind returns the kind of the next token without consuming it, or
// Invalid at the end of the input or on a syntax error (which the next
// ReadToken returns).
func (d *Decoder) PeekKind() Kind {
	c, err := d.prepare()
	if err != nil {
		return Invalid
	}
	switch {
	case c == '-' || isDigit(c):
		return Number
	case c == '{' || c == '}' || c == '[' || c == ']' || c == '"' || c == 't' || c == 'f' || c == 'n':
		return Kind(c)
	}
	return Invalid
}

// ReadToken returns the next token. Between top-level values, the end of
// the input gives io.EOF; anything malformed gives a *SyntaxError, and
// every later call returns the same error.
func (d *Decoder) ReadToken() (tok Token, err error) {
	if err = d.next(true); err != nil {
		return tok, err
	}
	// Field by field, as in Token: returning Token() copied it once more.
	tok.Kind, tok.End = d.kind, d.pos
	tok.Pos.Line, tok.Pos.Column, tok.Pos.Offset = d.line, d.start-d.lineStart+1, d.start
	tok.Text = d.Text()
	return tok, nil
}

// Next reads the next token as ReadToken does (with the same errors),
// but leaves it in the decoder: Kind, Text, Pos and End describe it
// until the next read. A parser that reads many tokens spends less
// time this way than building and copying Token values (a fifth of the
// policy parser's time went to copying them).
func (d *Decoder) Next() error { return d.next(true) }

// Kind returns the kind of the token read last.
func (d *Decoder) Kind() Kind { return d.kind }

// Text returns the text of the token read last, as Token.Text: a
// string with escapes is decoded into a new string at every call.
func (d *Decoder) Text() string {
	switch {
	case d.kind != String:
		return d.src[d.start:d.pos]
	case d.escaped:
		return string(d.buf)
	}
	return d.src[d.start+1 : d.pos-1]
}

// Pos returns the position of the first byte of the token read last.
func (d *Decoder) Pos() diag.Pos {
	return diag.Pos{Line: d.line, Column: d.start - d.lineStart + 1, Offset: d.start}
}

// End returns the offset just past the token read last.
func (d *Decoder) End() int { return d.pos }

// Token returns the token read last.
func (d *Decoder) Token() (tok Token) {
	// Field by field: a composite literal was built on the stack and
	// copied out, and reading it back stalled on the copy.
	tok.Kind, tok.End = d.kind, d.pos
	tok.Pos.Line, tok.Pos.Column, tok.Pos.Offset = d.line, d.start-d.lineStart+1, d.start
	tok.Text = d.Text()
	return tok
}

// next reads the next token (see token); without decode, strings are
// only validated.
func (d *Decoder) next(decode bool) error {
	c, err := d.prepare()
	if err != nil {
		return err
	}
	switch d.state {
	case stArrayFirst:
		if c == ']' {
			d.close()
			return nil
		}
	case stArrayNext:
		if c == ']' {
			return d.fail(d.pos, "unexpected ']' after ','; trailing commas are not allowed in JSON")
		}
	case stObjectFirst, stObjectNext:
		if c == '"' {
			err := d.readString(decode)
			if err == nil {
				d.state = stColon
			}
			return err
		}
		if c == '}' {
			if d.state == stObjectFirst {
				d.close()
				return nil
			}
			return d.fail(d.pos, "unexpected '}' after ','; trailing commas are not allowed in JSON")
		}
		return d.badKey()
	case stAfter:
		d.close()
		return nil
	}
	return d.readValue(c, decode)
}

// close reads the '}' or ']' at pos.
func (d *Decoder) close() {
	d.kind, d.start = Kind(d.src[d.pos]), d.pos
	d.pos++
	d.stack = d.stack[:len(d.stack)-1]
	d.afterValue()
}

func (d *Decoder) afterValue() {
	if len(d.stack) == 0 {
		d.state = stTop
	} else {
		d.state = stAfter
	}
}

func (d *Decoder) badKey() error {
	c := d.src[d.pos]
	switch {
	case c == '\'':
		return d.fail(d.pos, "unexpected \"'\"; object keys must be strings in double quotes")
	case isIdentByte(c):
		return d.fail(d.pos, "unexpected %s; object keys must be strings in double quotes", describe(d.src, d.pos))
	case c == '/':
		return d.fail(d.pos, "unexpected '/'; comments are not allowed in JSON")
	}
	if d.state == stObjectFirst {
		return d.fail(d.pos, "unexpected %s; expected a string key or '}'", describe(d.src, d.pos))
	}
	return d.fail(d.pos, "unexpected %s after ','; expected a string key", describe(d.src, d.pos))
}

func (d *Decoder) readValue(c byte, decode bool) error {
	start := d.pos
	switch c {
	case '{', '[':
		if len(d.stack) >= d.maxDepth {
			return d.fail(start, "nesting depth exceeds the limit of %d", d.maxDepth)
		}
		d.kind, d.start = Kind(c), start
		d.stack = append(d.stack, frame{kind: Kind(c), pos: d.posOf(start)})
		d.pos++
		if c == '{' {
			d.state = stObjectFirst
		} else {
			d.state = stArrayFirst
		}
		return nil
	case '"':
		err := d.readString(decode)
		if err == nil {
			d.afterValue()
		}
		return err
	case 't', 'f', 'n':
		word := identAt(d.src, start)
		var want string
		switch c {
		case 't':
			want = "true"
		case 'f':
			want = "false"
		default:
			want = "null"
		}
		if word != want {
			return d.fail(start, "invalid literal %q; expected %s", word, want)
		}
		d.kind, d.start = Kind(c), start
		d.pos += len(word)
		d.afterValue()
		return nil
	}
	if c == '-' || isDigit(c) {
		return d.readNumber()
	}
	return d.badValue()
}

// badValue explains a byte that cannot start a value.
func (d *Decoder) badValue() error {
	c := d.src[d.pos]
	switch c {
	case '/':
		return d.fail(d.pos, "unexpected '/'; comments are not allowed in JSON")
	case '\'':
		return d.fail(d.pos, "unexpected \"'\"; JSON strings must use double quotes")
	case '+':
		return d.fail(d.pos, "unexpected '+'; JSON numbers cannot start with '+'")
	case '.':
		return d.fail(d.pos, "unexpected '.'; JSON numbers need a digit before the decimal point")
	case ']', '}', ',', ':':
		if d.state == stTop {
			return d.fail(d.pos, "unexpected %s; expected a JSON value", describe(d.src, d.pos))
		}
		return d.fail(d.pos, "unexpected %s; expected a value", describe(d.src, d.pos))
	}
	if isIdentByte(c) {
		word := identAt(d.src, d.pos)
		switch word {
		case "NaN", "Infinity":
			return d.fail(d.pos, "%s is not valid JSON", word)
		case "True", "TRUE", "False", "FALSE", "Null", "NULL", "None", "nil":
			return d.fail(d.pos, "invalid literal %q; JSON literals are true, false and null in lower case", word)
		}
		return d.fail(d.pos, "unexpected %q; JSON strings must be in double quotes", word)
	}
	if r, _ := utf8.DecodeRuneInString(d.src[d.pos:]); r == '“' || r == '”' || r == '„' || r == '″' {
		return d.fail(d.pos, "unexpected %s; JSON strings must use straight double quotes (\")", describe(d.src, d.pos))
	}
	return d.fail(d.pos, "unexpected %s; expected a value", describe(d.src, d.pos))
}

func (d *Decoder) readNumber() error {
	src := d.src
	start := d.pos
	i := start
	if src[i] == '-' {
		i++
		if i >= len(src) || !isDigit(src[i]) {
			return d.fail(i, "invalid number: expected a digit after '-'")
		}
	}
	if src[i] == '0' {
		i++
		if i < len(src) && isDigit(src[i]) {
			return d.fail(i, "invalid number: leading zeros are not allowed")
		}
	} else {
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	if i < len(src) && src[i] == '.' {
		i++
		if i >= len(src) || !isDigit(src[i]) {
			return d.fail(i, "invalid number: expected a digit after the decimal point")
		}
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		i++
		if i < len(src) && (src[i] == '+' || src[i] == '-') {
			i++
		}
		if i >= len(src) || !isDigit(src[i]) {
			return d.fail(i, "invalid number: expected a digit in the exponent")
		}
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	d.kind, d.start, d.pos = Number, start, i
	d.afterValue()
	return nil
}

// plain[c] is true for string bytes that need no attention: not '"',
// not '\\', not a control character and ASCII.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// PlainRun returns the offset of the first byte at or after i that is
// not plain (printable ASCII other than '"' and '\\'): where a JSON
// string starting before i needs attention or ends. It tests eight bytes
// at a time: strings are most of the input and rarely hold anything but
// plain ASCII.
func PlainRun(s string, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(s); i += 8 {
		b := s[i : i+8]
		v := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		quote := v ^ (ones * '"')
		backslash := v ^ (ones * '\\')
		// Each term has a high bit set where a byte may be special: below
		// 0x20, a quote, a backslash, or non-ASCII. A borrow only carries
		// out of a special byte, so the lowest byte flagged is special.
		if m := ((v - ones*0x20) | (quote - ones) | (backslash - ones) | v) & highs; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for i < len(s) && plain[s[i]] {
		i++
	}
	return i
}

// readString reads the string starting at d.pos (a '"'). Without decode
// it only validates, and the token's text is the raw contents.
func (d *Decoder) readString(decode bool) error {
	src := d.src
	start := d.pos
	i := PlainRun(src, start+1)
	if i < len(src) && src[i] == '"' {
		d.kind, d.start, d.pos, d.escaped = String, start, i+1, false
		return nil
	}
	return d.readStringSlow(start, i, decode)
}

// readStringSlow continues a string at i, after the plain prefix
// src[start+1:i], handling escapes and non-ASCII text.
func (d *Decoder) readStringSlow(start, i int, decode bool) error {
	src := d.src
	escaped := false
	buf := d.buf[:0]
	copied := start + 1 // src[copied:i] is not yet in buf
	for {
		i = PlainRun(src, i)
		if i >= len(src) {
			return d.fail(i, "unexpected end of input in the string starting at %s", d.posOf(start))
		}
		c := src[i]
		switch {
		case c == '"':
			d.kind, d.start, d.pos, d.escaped = String, start, i+1, escaped && decode
			if d.escaped {
				d.buf = append(buf, src[copied:i]...)
			}
			return nil
		case c == '\\':
			escaped = true
			if decode {
				buf = append(buf, src[copied:i]...)
			}
			n, err := d.unescape(&buf, i, decode)
			if err != nil {
				return err
			}
			i += n
			copied = i
		case c < 0x20:
			if c == '\n' || c == '\r' {
				return d.fail(i, "unterminated string: a line break cannot appear inside a string (the string starts at %s; write \\n for a newline)", d.posOf(start))
			}
			return d.fail(i, "invalid control character U+%04X in string; escape it as %s", c, escapeFor(c))
		default: // non-ASCII
			r, size := utf8.DecodeRuneInString(src[i:])
			if r == utf8.RuneError && size == 1 {
				return d.fail(i, "invalid UTF-8 byte 0x%02x in string", src[i])
			}
			i += size
		}
	}
}

// unescape decodes the escape sequence at src[i] (a backslash), appending
// to *buf when decode is set, and returns its length in bytes.
func (d *Decoder) unescape(buf *[]byte, i int, decode bool) (int, error) {
	src := d.src
	if i+1 >= len(src) {
		return 0, d.fail(i+1, "unexpected end of input in escape sequence")
	}
	var b byte
	switch src[i+1] {
	case '"', '\\', '/':
		b = src[i+1]
	case 'b':
		b = '\b'
	case 'f':
		b = '\f'
	case 'n':
		b = '\n'
	case 'r':
		b = '\r'
	case 't':
		b = '\t'
	case 'u':
		r, ok := hex4(src, i+2)
		if !ok {
			return 0, d.fail(i, "invalid \\u escape: expected 4 hex digits after \\u")
		}
		n := 6
		if r >= 0xD800 && r < 0xDC00 {
			// A high surrogate pairs with an immediately following low one.
			if i+7 < len(src) && src[i+6] == '\\' && src[i+7] == 'u' {
				if lo, ok := hex4(src, i+8); ok && lo >= 0xDC00 && lo < 0xE000 {
					r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
					n = 12
				}
			}
			if n == 6 {
				r = utf8.RuneError
			}
		} else if r >= 0xDC00 && r < 0xE000 {
			r = utf8.RuneError
		}
		if decode {
			*buf = utf8.AppendRune(*buf, r)
		}
		return n, nil
	default:
		return 0, d.fail(i, "invalid escape: %s after '\\' in string; valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX", describe(src, i+1))
	}
	if decode {
		*buf = append(*buf, b)
	}
	return 2, nil
}

func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		var v byte
		switch {
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(v)
	}
	return r, true
}

// SkipValue consumes the next value, however deeply nested, validating it
// without decoding strings.
func (d *Decoder) SkipValue() error {
	depth := len(d.stack)
	first := true
	for {
		if err := d.next(false); err != nil {
			if err == io.EOF {
				return io.ErrUnexpectedEOF
			}
			return err
		}
		if first && (d.kind == ObjectEnd || d.kind == ArrayEnd) {
			return fmt.Errorf("jsontext: SkipValue at %s: no value before %s", d.posOf(d.start), d.kind)
		}
		first = false
		if len(d.stack) == depth {
			return nil
		}
	}
}

// ReadValue consumes the next value and returns its raw source text.
func (d *Decoder) ReadValue() (string, error) {
	if _, err := d.prepare(); err != nil {
		if err == io.EOF {
			return "", io.ErrUnexpectedEOF
		}
		return "", err
	}
	start := d.pos
	if err := d.SkipValue(); err != nil {
		return "", err
	}
	return d.src[start:d.pos], nil
}

// Finish reports an error unless only whitespace remains after the last
// complete top-level value.
func (d *Decoder) Finish() error {
	if d.err != nil {
		return d.err
	}
	if d.state != stTop {
		return fmt.Errorf("jsontext: Finish called inside a value at %s", d.posOf(d.pos))
	}
	d.skipSpace()
	if d.pos < len(d.src) {
		return d.fail(d.pos, "unexpected %s after the end of the top-level value", describe(d.src, d.pos))
	}
	return nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

// identAt returns the run of letters, digits and '_' at s[i:], capped so
// messages stay short.
func identAt(s string, i int) string {
	j := i
	for j < len(s) && j-i < 32 && (isIdentByte(s[j]) || isDigit(s[j])) {
		j++
	}
	return s[i:j]
}

// describe quotes the character at s[i] for a message.
func describe(s string, i int) string {
	c := s[i]
	switch {
	case c == '\'':
		return `"'"`
	case c >= 0x20 && c < 0x7f:
		return "'" + string(c) + "'"
	case c < 0x80:
		return fmt.Sprintf("control character U+%04X", c)
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && size == 1 {
		return fmt.Sprintf("invalid UTF-8 byte 0x%02x", c)
	}
	return fmt.Sprintf("'%c' (U+%04X)", r, r)
}

func escapeFor(c byte) string {
	switch c {
	case '\t':
		return `\t`
	case '\b':
		return `\b`
	case '\f':
		return `\f`
	}
	return fmt.Sprintf(`\u%04x`, c)
}
