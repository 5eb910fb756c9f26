// Package report renders lint results as compiler-style text, as JSON
// with a stable schema, and as SARIF 2.1.0 for code-scanning UIs. It
// writes to the io.Writer it is given; only internal/cli chooses where.
package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/lint"
)

// Counts summarizes results.
type Counts struct {
	Documents  int `json:"documents"`
	Errors     int `json:"errors"`
	Warnings   int `json:"warnings"`
	Info       int `json:"info"`
	Suppressed int `json:"suppressed"`
	// Pending counts documents of Terraform plans known only after apply,
	// which were not linted.
	Pending int `json:"pending,omitempty"`
}

// Count tallies the diagnostics of the results.
func Count(results []lint.Result) Counts {
	c := Counts{Documents: len(results)}
	for _, r := range results {
		if r.Target.Pending {
			c.Pending++
		}
		c.Suppressed += len(r.Suppressed)
		for _, d := range r.Diags {
			switch d.Severity {
			case diag.Error:
				c.Errors++
			case diag.Warning:
				c.Warnings++
			default:
				c.Info++
			}
		}
	}
	return c
}

// displayName is how the outputs name a file: standard input ("-" on the
// command line) is "<stdin>", as compilers name it.
func displayName(file string) string {
	if file == "-" {
		return "<stdin>"
	}
	return file
}

// location is how text output names where a diagnostic is:
// file:line:column, with the address of a document embedded in a plan.
func location(r lint.Result, d diag.Diagnostic) string {
	name := displayName(r.Target.File)
	if r.Target.Address != "" {
		name += "(" + r.Target.Address + ")"
	}
	if d.Pos.IsValid() {
		return fmt.Sprintf("%s:%d:%d", name, d.Pos.Line, d.Pos.Column)
	}
	return name
}

// maxSourceWidth is the widest source excerpt printed under a
// diagnostic; longer lines (minified JSON, Terraform's jsonencode) are
// cut to a window around the token.
const maxSourceWidth = 100

// Text writes each diagnostic as
//
//	file:line:column: severity code: message
//	   12 |     "bedrock-agentcore:InvokeAgent",
//	      |     ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//	      = did you mean bedrock-agentcore:InvokeAgentRuntime?
//
// followed by a summary line when there is any finding.
func Text(w io.Writer, results []lint.Result) error {
	var b bytes.Buffer
	for _, r := range results {
		if r.Target.Pending {
			fmt.Fprintf(&b, "%s: note: Terraform knows this policy only after apply, so it was not linted; lint the state after apply (terraform show -json > state.json)\n", location(r, diag.Diagnostic{}))
		}
		for _, d := range r.Diags {
			fmt.Fprintf(&b, "%s: %s %s: %s\n", location(r, d), d.Severity, d.Code, d.Message)
			excerpt(&b, r.Target.Src, d)
			if d.Suggestion != "" {
				fmt.Fprintf(&b, "      = did you mean %s?\n", d.Suggestion)
			}
		}
	}
	c := Count(results)
	if n := c.Errors + c.Warnings + c.Info; n > 0 || c.Suppressed > 0 || c.Pending > 0 {
		fmt.Fprintf(&b, "%s, %s, %s in %s", plural(c.Errors, "error"), plural(c.Warnings, "warning"), plural(c.Info, "info", "info"), plural(c.Documents, "document"))
		var notes []string
		if c.Suppressed > 0 {
			notes = append(notes, fmt.Sprintf("%d suppressed by configuration", c.Suppressed))
		}
		if c.Pending > 0 {
			notes = append(notes, fmt.Sprintf("%d known only after apply, not linted", c.Pending))
		}
		if len(notes) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(notes, "; "))
		}
		b.WriteByte('\n')
	}
	_, err := w.Write(b.Bytes())
	return err
}

func plural(n int, one string, many ...string) string {
	if n == 1 {
		return "1 " + one
	}
	if len(many) > 0 {
		return fmt.Sprintf("%d %s", n, many[0])
	}
	return fmt.Sprintf("%d %ss", n, one)
}

// lineAt returns the line of src that p is on, without its line ending
// and, on line 1, without a byte order mark, which columns do not count
// (see internal/jsontext). The offset finds a later line directly, so
// that many findings in a long file do not rescan it.
func lineAt(src []byte, p diag.Pos) ([]byte, bool) {
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
func excerpt(b *bytes.Buffer, src []byte, d diag.Diagnostic) {
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

// jsonDiagnostic is the stable JSON schema of one finding.
type jsonDiagnostic struct {
	File       string `json:"file"`
	Address    string `json:"address,omitempty"`
	Line       int    `json:"line,omitempty"`
	Column     int    `json:"column,omitempty"`
	EndLine    int    `json:"endLine,omitempty"`
	EndColumn  int    `json:"endColumn,omitempty"`
	Severity   string `json:"severity"`
	Code       string `json:"code"`
	Message    string `json:"message"`
	Statement  *int   `json:"statement,omitempty"`
	Sid        string `json:"sid,omitempty"`
	Suggestion string `json:"suggestion,omitempty"`
	Suppressed string `json:"suppressed,omitempty"`
}

type jsonDocument struct {
	File    string `json:"file"`
	Address string `json:"address,omitempty"`
	Type    string `json:"type,omitempty"`
	// Pending: known only after apply, not linted.
	Pending bool `json:"pending,omitempty"`
}

type jsonReport struct {
	Version     int              `json:"version"`
	Documents   []jsonDocument   `json:"documents"`
	Diagnostics []jsonDiagnostic `json:"diagnostics"`
	Suppressed  []jsonDiagnostic `json:"suppressed,omitempty"`
	Summary     Counts           `json:"summary"`
}

// JSONVersion is the schema version of the JSON output; it changes only
// when a field changes meaning or disappears.
const JSONVersion = 1

func toJSON(r lint.Result, d diag.Diagnostic) jsonDiagnostic {
	j := jsonDiagnostic{
		File: displayName(r.Target.File), Address: r.Target.Address, Line: d.Pos.Line, Column: d.Pos.Column,
		Severity: d.Severity.String(), Code: d.Code, Message: d.Message, Sid: d.Sid, Suggestion: d.Suggestion,
	}
	if d.End.IsValid() {
		j.EndLine, j.EndColumn = d.End.Line, d.End.Column
	}
	if d.Statement >= 0 {
		s := d.Statement
		j.Statement = &s
	}
	return j
}

// JSON writes the results as one JSON object:
//
//	{"version": 1, "documents": [{file, address, type, pending}],
//	 "diagnostics": [{file, address, line, column, endLine, endColumn,
//	   severity, code, message, statement, sid, suggestion}],
//	 "suppressed": [... with "suppressed": reason],
//	 "summary": {documents, errors, warnings, info, suppressed, pending}}
//
// Lines and columns are 1-based; columns count bytes; statement is the
// 0-based statement index, absent for document-level findings. For a
// document of a Terraform plan (an address such as aws_iam_role.x.policy),
// lines and columns are within the policy string; for one of an agentiam
// plan (roles[NAME].trustPolicy ...), they are in the plan file.
func JSON(w io.Writer, results []lint.Result) error {
	rep := jsonReport{Version: JSONVersion, Documents: []jsonDocument{}, Diagnostics: []jsonDiagnostic{}, Summary: Count(results)}
	for _, r := range results {
		doc := jsonDocument{File: displayName(r.Target.File), Address: r.Target.Address, Type: r.Type.String(), Pending: r.Target.Pending}
		if r.Target.Pending {
			doc.Type = r.Target.Type.String()
		}
		rep.Documents = append(rep.Documents, doc)
		for _, d := range r.Diags {
			rep.Diagnostics = append(rep.Diagnostics, toJSON(r, d))
		}
		for _, s := range r.Suppressed {
			j := toJSON(r, s.Diagnostic)
			j.Suppressed = s.Reason
			rep.Suppressed = append(rep.Suppressed, j)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}
