package report

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/lint"
)

// ChecksURL is where each code is documented; SARIF rules link to
// ChecksURL + "#" + code.
const ChecksURL = "https://github.com/agentiam/agentiam/blob/main/docs/checks.md"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool     `json:"tool"`
	ColumnKind string        `json:"columnKind"`
	Results    []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string            `json:"id"`
	ShortDescription     sarifText         `json:"shortDescription"`
	HelpURI              string            `json:"helpUri"`
	DefaultConfiguration sarifConfig       `json:"defaultConfiguration"`
	Properties           map[string]string `json:"properties"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID       string             `json:"ruleId"`
	RuleIndex    int                `json:"ruleIndex"`
	Level        string             `json:"level"`
	Message      sarifText          `json:"message"`
	Locations    []sarifLocation    `json:"locations"`
	Suppressions []sarifSuppression `json:"suppressions,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical  `json:"physicalLocation"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

type sarifLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
}

func sarifLevel(s diag.Severity) string {
	switch s {
	case diag.Error:
		return "error"
	case diag.Warning:
		return "warning"
	}
	return "note"
}

// SARIF writes the results as a SARIF 2.1.0 log with one run. Every
// rule is listed, so that code-scanning UIs can show its documentation.
// Findings silenced by the configuration are included with an external
// suppression carrying the reason. Findings inside a Terraform plan are
// located at the plan file, with the resource address as a logical
// location and the start of the policy string as the region; their line
// and column within the embedded document are given in the message.
// Findings inside an agentiam plan have their own region in the plan
// file, and its path (roles[NAME].trustPolicy) as logical location.
// Every result has a region, so that code-scanning services accept it.
func SARIF(w io.Writer, results []lint.Result, toolVersion string) error {
	rules := lint.Rules()
	index := make(map[string]int, len(rules))
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: "agentiam", Version: sarifVersion(toolVersion), InformationURI: "https://github.com/agentiam/agentiam",
		}},
		ColumnKind: "unicodeCodePoints",
		Results:    []sarifResult{},
	}
	for i, r := range rules {
		index[r.Code] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID: r.Code, ShortDescription: sarifText{r.Summary}, HelpURI: ChecksURL + "#" + r.Code,
			DefaultConfiguration: sarifConfig{sarifLevel(r.Severity)},
			Properties:           map[string]string{"category": string(r.Category)},
		})
	}
	add := func(r lint.Result, d diag.Diagnostic, reason string, suppressed bool) {
		res := sarifResult{
			RuleID: d.Code, RuleIndex: index[d.Code], Level: sarifLevel(d.Severity),
			Message:   sarifText{sarifMessage(r, d)},
			Locations: []sarifLocation{sarifLocate(r, d)},
		}
		if suppressed {
			res.Suppressions = []sarifSuppression{{Kind: "external", Justification: reason}}
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
	log := sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
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

func sarifLocate(r lint.Result, d diag.Diagnostic) sarifLocation {
	loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: artifactURI(r.Target.File)}}}
	// Code-scanning services want a region on every result; a finding
	// without a known position is placed at the start of its file.
	reg := &sarifRegion{StartLine: 1, StartColumn: 1}
	loc.PhysicalLocation.Region = reg
	if r.Target.Address != "" {
		loc.LogicalLocations = []sarifLogical{{FullyQualifiedName: r.Target.Address, Kind: "resource"}}
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

// artifactURI turns a file path into a SARIF artifact URI: relative
// paths stay relative (code-scanning services resolve them against the
// repository), absolute ones become file: URIs, both percent-encoded.
func artifactURI(file string) string {
	if file == "-" {
		return "stdin" // a relative reference; "<stdin>" is not a valid one
	}
	p := filepath.ToSlash(file)
	if !filepath.IsAbs(file) {
		return (&url.URL{Path: p}).String()
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive: file:///C:/...
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// sarifVersion is the tool version as SARIF prefers it, starting with a
// digit: "v1.2.0" becomes "1.2.0"; development builds keep their name.
func sarifVersion(v string) string {
	if len(v) > 1 && v[0] == 'v' && '0' <= v[1] && v[1] <= '9' {
		return v[1:]
	}
	return v
}

// runeColumn converts a byte column to a 1-based code point column.
func runeColumn(src []byte, p diag.Pos) int {
	lineStart := p.Offset - (p.Column - 1)
	if lineStart < 0 || p.Offset > len(src) {
		return p.Column
	}
	return utf8.RuneCount(src[lineStart:p.Offset]) + 1
}
