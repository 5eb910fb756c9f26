package report

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"unicode/utf8"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/internal/sarif"
	"github.com/agentiam/agentiam/lint"
)

// ChecksURL is where each code is documented; SARIF rules link to
// ChecksURL + "#" + code.
const ChecksURL = "https://github.com/agentiam/agentiam/blob/main/docs/checks.md"

func sarifLevel(s diag.Severity) string {
	switch s {
	case diag.Error:
		return "error"
	case diag.Warning:
		return "warning"
	}
	return "note"
}

// Rule is a code lint does not define, reported by another command
// through lint's renderers (cedar validate's codes), with the page that
// documents it.
type Rule struct {
	lint.Rule
	HelpURI string
}

// ErrUnknownCode: a finding whose code no rule describes.
var ErrUnknownCode = errors.New("no SARIF rule for the code")

// SARIF writes the results as a SARIF 2.1.0 log with one run. Every
// rule is listed, so that code-scanning UIs can show its documentation:
// lint's own, then extra, the rules of codes lint does not know (an
// extra rule replaces lint's of the same code). A finding whose code has
// no rule is an error wrapping ErrUnknownCode, and nothing is written.
// Findings silenced by the configuration are included with an external
// suppression carrying the reason. Findings inside a Terraform plan are
// located at the plan file, with the resource address as a logical
// location and the start of the policy string as the region; their line
// and column within the embedded document are given in the message.
// Findings inside an agentiam plan have their own region in the plan
// file, and its path (roles[NAME].trustPolicy) as logical location.
// Every result has a region, so that code-scanning services accept it.
func SARIF(w io.Writer, results []lint.Result, toolVersion string, extra ...Rule) error {
	rules := sarifRules(extra)
	index := make(map[string]int, len(rules))
	run := sarif.Run{
		Tool: sarif.Tool{Driver: sarif.Driver{
			Name: "agentiam", Version: sarif.Version(toolVersion), InformationURI: "https://github.com/agentiam/agentiam",
		}},
		ColumnKind: "unicodeCodePoints",
		Results:    []sarif.Result{},
	}
	for i, r := range rules {
		index[r.Code] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarif.Rule{
			ID: r.Code, ShortDescription: sarif.Text{Text: r.Summary}, HelpURI: r.HelpURI,
			DefaultConfiguration: sarif.Config{Level: sarifLevel(r.Severity)},
			Properties:           map[string]string{"category": string(r.Category)},
		})
	}
	if err := checkCodes(results, index); err != nil {
		return err
	}
	add := func(r lint.Result, d diag.Diagnostic, reason string, suppressed bool) {
		res := sarif.Result{
			RuleID: d.Code, RuleIndex: index[d.Code], Level: sarifLevel(d.Severity),
			Message:   sarif.Text{Text: sarifMessage(r, d)},
			Locations: []sarif.Location{sarifLocate(r, d)},
		}
		if suppressed {
			res.Suppressions = []sarif.Suppression{{Kind: "external", Justification: reason}}
		}
		run.Results = append(run.Results, res)
	}
	for _, r := range results {
		for _, d := range r.Diags {
			add(r, d, "", false)
		}
		for _, s := range r.Suppressed {
			add(r, s.Diagnostic, s.Reason, true)
		}
	}
	return sarif.Encode(w, sarif.Log{Schema: sarif.Schema, Version: sarif.SARIFVersion, Runs: []sarif.Run{run}})
}

func sarifMessage(r lint.Result, d diag.Diagnostic) string {
	msg := d.Message
	if d.Suggestion != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", d.Suggestion)
	}
	switch {
	case r.Target.Address == "":
	case r.Target.InFile:
		msg += fmt.Sprintf(" [%s]", r.Target.Address)
	case d.Pos.IsValid():
		msg += fmt.Sprintf(" [%s, line %d, column %d of the policy document]", r.Target.Address, d.Pos.Line, d.Pos.Column)
	}
	return msg
}

func sarifLocate(r lint.Result, d diag.Diagnostic) sarif.Location {
	loc := sarif.Location{PhysicalLocation: sarif.Physical{ArtifactLocation: sarif.Artifact{URI: sarif.ArtifactURI(r.Target.File)}}}
	// Code-scanning services want a region on every result; a finding
	// without a known position is placed at the start of its file.
	reg := &sarif.Region{StartLine: 1, StartColumn: 1}
	loc.PhysicalLocation.Region = reg
	if r.Target.Address != "" {
		loc.LogicalLocations = []sarif.Logical{{FullyQualifiedName: r.Target.Address, Kind: "resource"}}
	}
	if r.Target.Address != "" && !r.Target.InFile {
		if o := r.Target.Origin; o.IsValid() {
			// The plan file's own bytes are not kept: the column stays in bytes,
			// which is code points for the ASCII that Terraform writes.
			reg.StartLine, reg.StartColumn = o.Line, o.Column
		}
		return loc
	}
	if d.Pos.IsValid() {
		reg.StartLine, reg.StartColumn = d.Pos.Line, runeColumn(r.Target.Src, d.Pos)
		if d.End.IsValid() {
			reg.EndLine, reg.EndColumn = d.End.Line, runeColumn(r.Target.Src, d.End)
		}
	}
	return loc
}

// runeColumn converts a byte column to a 1-based code point column.
func runeColumn(src []byte, p diag.Pos) int {
	lineStart := p.Offset - (p.Column - 1)
	if lineStart < 0 || p.Offset > len(src) {
		return p.Column
	}
	return utf8.RuneCount(src[lineStart:p.Offset]) + 1
}

// sarifRules are lint's rules, with ChecksURL pages, and the extra ones,
// which replace lint's of the same code.
func sarifRules(extra []Rule) []Rule {
	var out []Rule
	for _, r := range lint.Rules() {
		if !slices.ContainsFunc(extra, func(e Rule) bool { return e.Code == r.Code }) {
			out = append(out, Rule{Rule: r, HelpURI: ChecksURL + "#" + r.Code})
		}
	}
	return append(out, extra...)
}

// checkCodes reports the first finding (or suppressed one) whose code no
// rule describes.
func checkCodes(results []lint.Result, index map[string]int) error {
	for _, r := range results {
		codes := make([]string, 0, len(r.Diags)+len(r.Suppressed))
		for _, d := range r.Diags {
			codes = append(codes, d.Code)
		}
		for _, s := range r.Suppressed {
			codes = append(codes, s.Code)
		}
		for _, c := range codes {
			if _, ok := index[c]; !ok {
				return fmt.Errorf("%w %s (%s)", ErrUnknownCode, c, r.Target.File)
			}
		}
	}
	return nil
}
