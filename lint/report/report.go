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

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/inputs"
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
	var sev diag.Counts
	for _, r := range results {
		if r.Target.Pending != inputs.Known {
			c.Pending++
		}
		c.Suppressed += len(r.Suppressed)
		sev.Add(r.Diags)
	}
	c.Errors, c.Warnings, c.Info = sev.Errors, sev.Warnings, sev.Info
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

// targetName is how text output names a document: the file, with the address
// of a document embedded in a plan.
func targetName(r lint.Result) string {
	name := displayName(r.Target.File)
	if r.Target.Address != "" {
		name += "(" + r.Target.Address + ")"
	}
	return name
}

// Text writes each diagnostic as diag.Text does, a document embedded in
// a plan named by its address (plan.json(aws_iam_role.x.policy):3:5),
// followed by a summary line when there is any finding.
func Text(w io.Writer, results []lint.Result) error {
	var b bytes.Buffer
	for _, r := range results {
		writeNotes(&b, r)
		_ = diag.Text(&b, targetName(r), r.Target.Src, r.Diags) // a bytes.Buffer does not fail
	}
	c := Count(results)
	if n := c.Errors + c.Warnings + c.Info; n > 0 || c.Suppressed > 0 || c.Pending > 0 {
		sev := diag.Counts{Errors: c.Errors, Warnings: c.Warnings, Info: c.Info}
		fmt.Fprintf(&b, "%s in %s", sev, diag.Plural(c.Documents, "document"))
		var notes []string
		if c.Suppressed > 0 {
			notes = append(notes, fmt.Sprintf("%d suppressed by configuration", c.Suppressed))
		}
		if n := pending(results, inputs.AfterApply); n > 0 {
			notes = append(notes, fmt.Sprintf("%d known only after apply, not linted", n))
		}
		if n := pending(results, inputs.AtDeploy); n > 0 {
			notes = append(notes, fmt.Sprintf("%d known only at deploy, not linted", n))
		}
		if len(notes) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(notes, "; "))
		}
		b.WriteByte('\n')
	}
	_, err := w.Write(b.Bytes())
	return err
}

// writeNotes says what of a document was not linted, and why.
func writeNotes(b *bytes.Buffer, r lint.Result) {
	switch r.Target.Pending {
	case inputs.AfterApply:
		fmt.Fprintf(b, "%s: note: Terraform knows this policy only after apply, so it was not linted; lint the state after apply (terraform show -json > state.json)\n", targetName(r))
	case inputs.AtDeploy:
		fmt.Fprintf(b, "%s: note: CloudFormation makes this policy with an intrinsic function when it deploys the stack, so it was not linted\n", targetName(r))
	}
	for _, n := range r.Target.NotLinted {
		when := "at deploy"
		if n.When == inputs.AfterApply {
			when = "after apply"
		}
		what := fmt.Sprintf("statement %d", n.Statement)
		if n.Statement < 0 {
			what = "the document"
		}
		fmt.Fprintf(b, "%s: note: %s uses %s, known only %s, so it was not linted\n", diag.Location(targetName(r), n.Pos), what, n.Function, when)
	}
}

// pending counts the documents not linted for one reason.
func pending(results []lint.Result, why inputs.Pending) int {
	n := 0
	for _, r := range results {
		if r.Target.Pending == why {
			n++
		}
	}
	return n
}

// Finding is one diagnostic in the stable JSON schema of
// `lint --format json`.
type Finding struct {
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

// Document is one linted document in the JSON schema.
type Document struct {
	File    string `json:"file"`
	Address string `json:"address,omitempty"`
	Type    string `json:"type,omitempty"`
	// Pending: known only after apply, not linted.
	Pending bool `json:"pending,omitempty"`
}

// Report is the JSON output of `lint --format json`, as one value.
type Report struct {
	Version     int        `json:"version"`
	Documents   []Document `json:"documents"`
	Diagnostics []Finding  `json:"diagnostics"`
	Suppressed  []Finding  `json:"suppressed,omitempty"`
	Summary     Counts     `json:"summary"`
}

// JSONVersion is the schema version of the JSON output; it changes only
// when a field changes meaning or disappears.
const JSONVersion = 1

func toJSON(r lint.Result, d diag.Diagnostic) Finding {
	j := Finding{
		File: displayName(r.Target.File), Address: r.Target.Address, Line: d.Pos.Line, Column: d.Pos.Column,
		Severity: d.Severity.String(), Code: d.Code, Message: d.Message, Sid: d.Sid, Suggestion: d.Suggestion,
	}
	if d.End.IsValid() {
		j.EndLine, j.EndColumn = d.End.Line, d.End.Column
	}
	if i, ok := d.StatementIndex(); ok {
		j.Statement = &i
	}
	return j
}

// Build collects the results in the JSON schema JSON writes.
func Build(results []lint.Result) Report {
	rep := Report{Version: JSONVersion, Documents: []Document{}, Diagnostics: []Finding{}, Summary: Count(results)}
	for _, r := range results {
		doc := Document{File: displayName(r.Target.File), Address: r.Target.Address, Type: r.Type.String(), Pending: r.Target.Pending != inputs.Known}
		if r.Target.Pending != inputs.Known {
			doc.Type = r.Target.Kind.String()
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
	return rep
}

// JSON writes the results as one JSON object (see Build):
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
	rep := Build(results)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}
