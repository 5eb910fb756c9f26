package diag

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text writes each diagnostic of l, whose positions are in src, as a
// compiler does:
//
//	name:line:column: severity code: message
//	   12 |     "bedrock-agentcore:InvokeAgent",
//	      |     ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//	      = did you mean bedrock-agentcore:InvokeAgentRuntime?
//
// name is how the caller names the source ("<stdin>", a file, a file
// with the address of a document in it); a diagnostic's own File is not
// used. The excerpt is left out when src does not hold the position.
func Text(w io.Writer, name string, src []byte, l List) error {
	var b bytes.Buffer
	for _, d := range l {
		fmt.Fprintf(&b, "%s: %s %s: %s\n", Location(name, d.Pos), d.Severity, d.Code, d.Message)
		excerpt(&b, src, d)
		if d.Suggestion != "" {
			fmt.Fprintf(&b, "      = did you mean %s?\n", d.Suggestion)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// Location is name:line:column, or name alone when p is not set.
func Location(name string, p Pos) string {
	if p.IsValid() {
		return fmt.Sprintf("%s:%d:%d", name, p.Line, p.Column)
	}
	return name
}

// Counts tallies diagnostics by severity.
type Counts struct {
	Errors, Warnings, Info int
}

// Count tallies the list.
func (l List) Count() Counts {
	var c Counts
	c.Add(l)
	return c
}

// Add tallies more diagnostics.
func (c *Counts) Add(l List) {
	for _, d := range l {
		switch d.Severity {
		case Error:
			c.Errors++
		case Warning:
			c.Warnings++
		default:
			c.Info++
		}
	}
}

// Total is the number of diagnostics counted.
func (c Counts) Total() int { return c.Errors + c.Warnings + c.Info }

// String reads "1 error, 2 warnings, 0 info".
func (c Counts) String() string {
	return fmt.Sprintf("%s, %s, %s", Plural(c.Errors, "error"), Plural(c.Warnings, "warning"), Plural(c.Info, "info", "info"))
}

// Plural is "1 error", "2 errors", or with a given plural "2 info".
func Plural(n int, one string, many ...string) string {
	if n == 1 {
		return "1 " + one
	}
	if len(many) > 0 {
		return fmt.Sprintf("%d %s", n, many[0])
	}
	return fmt.Sprintf("%d %ss", n, one)
}

// maxSourceWidth is the widest source excerpt printed under a
// diagnostic; longer lines (minified JSON, Terraform's jsonencode) are
// cut to a window around the token.
const maxSourceWidth = 100

// lineAt returns the line of src that p is on, without its line ending
// and, on line 1, without a byte order mark, which columns do not count
// (see internal/jsontext). The offset finds a later line directly, so
// that many findings in a long file do not rescan it.
func lineAt(src []byte, p Pos) ([]byte, bool) {
	if start := p.Offset - (p.Column - 1); p.Line > 1 && 0 < start && start <= len(src) && src[start-1] == '\n' {
		line := src[start:]
		if j := bytes.IndexByte(line, '\n'); j >= 0 {
			line = line[:j]
		}
		return bytes.TrimSuffix(line, []byte{'\r'}), true
	}
	line, ok := sourceLine(src, p.Line)
	if ok && p.Line == 1 {
		line = bytes.TrimPrefix(line, []byte("\ufeff"))
	}
	return line, ok
}

// sourceLine returns line n (1-based) of src without its line ending.
func sourceLine(src []byte, n int) ([]byte, bool) {
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(src, '\n')
		if j < 0 {
			return nil, false
		}
		src = src[j+1:]
	}
	if j := bytes.IndexByte(src, '\n'); j >= 0 {
		src = src[:j]
	}
	return bytes.TrimSuffix(src, []byte{'\r'}), true
}

// excerpt writes the source line of d with a caret under its token.
// A line wider than maxSourceWidth cells (minified JSON, Terraform's
// jsonencode) is cut to a window around the token; only that window is
// measured, so many findings on one long line stay cheap.
func excerpt(b *bytes.Buffer, src []byte, d Diagnostic) {
	if !d.Pos.IsValid() {
		return
	}
	line, ok := lineAt(src, d.Pos)
	if !ok {
		return
	}
	start := min(max(d.Pos.Column-1, 0), len(line))
	end := start + 1
	if d.End.IsValid() && d.End.Line == d.Pos.Line && d.End.Column > d.Pos.Column {
		end = d.End.Column - 1
	}
	end = min(end, len(line))
	leftBudget := maxSourceWidth
	if _, whole := cellsForward(line, maxSourceWidth); !whole {
		leftBudget = maxSourceWidth / 3
	}
	before, wholeLeft := cellsBackward(line[:start], leftBudget)
	token, wholeToken := cellsForward(line[start:end], maxSourceWidth-before.width)
	after, wholeRight := cellsForward(line[end:], maxSourceWidth-before.width-token.width)
	shown, col := before.text, before.width
	if !wholeLeft {
		shown, col = "..."+shown, col+3
	}
	shown += token.text + after.text
	if !wholeToken || !wholeRight {
		shown += "..."
	}
	fmt.Fprintf(b, "%5d | %s\n", d.Pos.Line, strings.TrimRight(shown, " "))
	b.WriteString("      | ")
	b.WriteString(strings.Repeat(" ", col))
	b.WriteByte('^')
	b.WriteString(strings.Repeat("~", max(token.width-1, 0)))
	b.WriteByte('\n')
}

// cells is text as a terminal shows it and the columns it takes.
type cells struct {
	text  string
	width int
}

// cellsForward returns the longest prefix of s that fits in budget
// columns, and whether that is all of s.
func cellsForward(s []byte, budget int) (cells, bool) {
	var c cells
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRune(s[i:])
		text, w := cell(r)
		if c.width+w > budget {
			c.text = b.String()
			return c, false
		}
		b.WriteString(text)
		c.width += w
		i += n
	}
	c.text = b.String()
	return c, true
}

// cellsBackward returns the longest suffix of s that fits in budget
// columns, and whether that is all of s.
func cellsBackward(s []byte, budget int) (cells, bool) {
	i, width := len(s), 0
	for i > 0 {
		r, n := utf8.DecodeLastRune(s[:i])
		_, w := cell(r)
		if width+w > budget {
			break
		}
		width += w
		i -= n
	}
	c, _ := cellsForward(s[i:], budget)
	return c, i == 0
}

// cell returns how a rune of a source line is printed and the terminal
// columns it takes: tabs as 4 spaces, ASCII control characters (below
// 0x20, and DEL) escaped as \xNN so that input cannot drive the terminal,
// C1 controls and invalid UTF-8 as U+FFFD, combining marks and format characters (zero-width
// joiners) in no column, East Asian wide characters and emoji in two.
func cell(r rune) (string, int) {
	switch {
	case r == '\t':
		return "    ", 4
	case r < ' ' || r == 0x7f:
		return fmt.Sprintf("\\x%02x", r), 4
	case 0x80 <= r && r < 0xa0 || r == utf8.RuneError:
		return "\ufffd", 1
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return string(r), 0
	}
	for _, rg := range wideRunes {
		if rg[0] <= r && r <= rg[1] {
			return string(r), 2
		}
	}
	return string(r), 1
}

// wideRunes are the ranges terminals draw two columns wide (East Asian
// Wide and Fullwidth, and the emoji blocks), enough to keep the caret
// under the token in ARNs and condition values written in any script.
var wideRunes = [][2]rune{
	{0x1100, 0x115f}, {0x2e80, 0x303e}, {0x3041, 0x33ff}, {0x3400, 0x4dbf}, {0x4e00, 0x9fff},
	{0xa000, 0xa4cf}, {0xac00, 0xd7a3}, {0xf900, 0xfaff}, {0xfe30, 0xfe4f}, {0xff00, 0xff60},
	{0xffe0, 0xffe6}, {0x1f300, 0x1f64f}, {0x1f680, 0x1f6ff}, {0x1f900, 0x1f9ff}, {0x1fa70, 0x1faff},
	{0x20000, 0x3fffd},
}
