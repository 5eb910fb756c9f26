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
}

// Count tallies the diagnostics of the results.
func Count(results []lint.Result) Counts {
	c := Counts{Documents: len(results)}
	for _, r := range results {
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

// location is how text output names where a diagnostic is:
// file:line:column, with the Terraform address of an embedded document.
func location(r lint.Result, d diag.Diagnostic) string {
	name := r.Target.File
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
		for _, d := range r.Diags {
			fmt.Fprintf(&b, "%s: %s %s: %s\n", location(r, d), d.Severity, d.Code, d.Message)
			excerpt(&b, r.Target.Src, d)
			if d.Suggestion != "" {
				fmt.Fprintf(&b, "      = did you mean %s?\n", d.Suggestion)
			}
		}
	}
	c := Count(results)
	if n := c.Errors + c.Warnings + c.Info; n > 0 || c.Suppressed > 0 {
		fmt.Fprintf(&b, "%s, %s, %s in %s", plural(c.Errors, "error"), plural(c.Warnings, "warning"), plural(c.Info, "info", "info"), plural(c.Documents, "document"))
		if c.Suppressed > 0 {
			fmt.Fprintf(&b, " (%d suppressed by configuration)", c.Suppressed)
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

// sourceLine returns line n (1-based) of src without its line ending.
func sourceLine(src []byte, n int) (string, bool) {
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(src, '\n')
		if j < 0 {
			return "", false
		}
		src = src[j+1:]
	}
	if j := bytes.IndexByte(src, '\n'); j >= 0 {
		src = src[:j]
	}
	return strings.TrimRight(string(src), "\r"), true
}

// excerpt writes the source line of d with a caret under its token.
func excerpt(b *bytes.Buffer, src []byte, d diag.Diagnostic) {
	if !d.Pos.IsValid() {
		return
	}
	line, ok := sourceLine(src, d.Pos.Line)
	if !ok {
		return
	}
	start := min(max(d.Pos.Column-1, 0), len(line))
	end := start + 1
	if d.End.IsValid() && d.End.Line == d.Pos.Line && d.End.Column > d.Pos.Column {
		end = d.End.Column - 1
	}
	end = min(end, len(line))
	// Work in display cells: tabs become 4 spaces, a rune is one cell.
	before, token, after := display(line[:start]), display(line[start:end]), display(line[end:])
	col, width := utf8.RuneCountInString(before), max(utf8.RuneCountInString(token), 1)
	text := before + token + after
	runes := []rune(text)
	lo, hi := 0, len(runes)
	if hi > maxSourceWidth {
		lo = max(0, col-maxSourceWidth/3)
		hi = min(len(runes), lo+maxSourceWidth)
		width = min(width, hi-col)
	}
	shown := string(runes[lo:hi])
	if lo > 0 {
		shown = "..." + shown
		col += 3
	}
	if hi < len(runes) {
		shown += "..."
	}
	col -= lo
	gutter := fmt.Sprintf("%5d | ", d.Pos.Line)
	b.WriteString(gutter)
	b.WriteString(strings.TrimRight(shown, " "))
	b.WriteByte('\n')
	b.WriteString("      | ")
	b.WriteString(strings.Repeat(" ", col))
	b.WriteByte('^')
	b.WriteString(strings.Repeat("~", max(width-1, 0)))
	b.WriteByte('\n')
}

func display(s string) string { return strings.ReplaceAll(s, "\t", "    ") }

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
		File: r.Target.File, Address: r.Target.Address, Line: d.Pos.Line, Column: d.Pos.Column,
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
//	{"version": 1, "documents": [{file, address, type}],
//	 "diagnostics": [{file, address, line, column, endLine, endColumn,
//	   severity, code, message, statement, sid, suggestion}],
//	 "suppressed": [... with "suppressed": reason],
//	 "summary": {documents, errors, warnings, info, suppressed}}
//
// Lines and columns are 1-based; columns count bytes; statement is the
// 0-based statement index, absent for document-level findings.
func JSON(w io.Writer, results []lint.Result) error {
	rep := jsonReport{Version: JSONVersion, Documents: []jsonDocument{}, Diagnostics: []jsonDiagnostic{}, Summary: Count(results)}
	for _, r := range results {
		rep.Documents = append(rep.Documents, jsonDocument{File: r.Target.File, Address: r.Target.Address, Type: string(r.Type)})
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
