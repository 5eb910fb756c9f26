// Package diag defines positioned diagnostics shared by the parser, the
// linter and the spec loader. Diagnostics are values; Text renders them
// for people (internal/cli chooses where).
package diag

import (
	"fmt"
	"sort"
	"strings"
)

// Severity orders diagnostics; a higher value is more serious.
type Severity int

const (
	Info Severity = iota
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity accepts "info", "warning" and "error".
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(s) {
	case "info", "note":
		return Info, nil
	case "warning", "warn":
		return Warning, nil
	case "error":
		return Error, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want info, warning or error)", s)
}

// Pos is a position in a source file. Line and Column are 1-based;
// Column counts bytes. Offset is the 0-based byte offset.
type Pos struct {
	Line   int
	Column int
	Offset int
}

// IsValid reports whether the position was set.
func (p Pos) IsValid() bool { return p.Line > 0 }

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Column) }

// Diagnostic is one finding about a source file.
type Diagnostic struct {
	File     string
	Pos      Pos
	End      Pos // optional end of the offending token (exclusive)
	Severity Severity
	// Code is stable and kebab-case, e.g. "unknown-action".
	Code    string
	Message string
	// Suggestion is a replacement the user probably meant, if any.
	Suggestion string
	// Statement is the 0-based index of the statement the diagnostic is
	// about, nil when it is about the document, a file or no statement
	// (see StatementAt).
	Statement *int
	Sid       string
}

// StatementAt returns a Statement reference to the 0-based index i.
func StatementAt(i int) *int { return &i }

// StatementIndex returns the 0-based statement index and whether the
// diagnostic is about one statement.
func (d Diagnostic) StatementIndex() (int, bool) {
	if d.Statement == nil {
		return 0, false
	}
	return *d.Statement, true
}

// Error formats the diagnostic like a compiler: file:line:column: message.
func (d Diagnostic) Error() string {
	var b strings.Builder
	if d.File != "" {
		b.WriteString(d.File)
		b.WriteByte(':')
	}
	if d.Pos.IsValid() {
		fmt.Fprintf(&b, "%d:%d:", d.Pos.Line, d.Pos.Column)
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	b.WriteString(d.Message)
	if d.Suggestion != "" {
		fmt.Fprintf(&b, " (did you mean %s?)", d.Suggestion)
	}
	return b.String()
}

// List is an ordered set of diagnostics; as an error it reports all of them.
type List []Diagnostic

func (l List) Error() string {
	switch len(l) {
	case 0:
		return "no diagnostics"
	case 1:
		return l[0].Error()
	}
	parts := make([]string, len(l))
	for i, d := range l {
		parts[i] = d.Error()
	}
	return strings.Join(parts, "\n")
}

// HasErrors reports whether any diagnostic has severity Error.
func (l List) HasErrors() bool { return l.Max() >= Error && len(l) > 0 }

// Max returns the highest severity in the list (Info for an empty list).
func (l List) Max() Severity {
	m := Info
	for _, d := range l {
		if d.Severity > m {
			m = d.Severity
		}
	}
	return m
}

// Sort orders diagnostics by file, position, then code, so output is deterministic.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Pos.Offset != b.Pos.Offset {
			return a.Pos.Offset < b.Pos.Offset
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Column != b.Pos.Column {
			return a.Pos.Column < b.Pos.Column
		}
		return a.Code < b.Code
	})
}
