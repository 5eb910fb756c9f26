// Package sarif is the subset of SARIF 2.1.0 that agentiam writes: one
// run, its tool and rules, results with physical and logical locations
// and suppressions. The lint and audit reports fill it.
package sarif

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"
)

// Schema and SARIFVersion are the log's $schema and version.
const (
	Schema       = "https://json.schemastore.org/sarif-2.1.0.json"
	SARIFVersion = "2.1.0"
)

// Log is a SARIF log.
type Log struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []Run  `json:"runs"`
}

// Run is one run of a tool.
type Run struct {
	Tool       Tool     `json:"tool"`
	ColumnKind string   `json:"columnKind"`
	Results    []Result `json:"results"`
}

// Tool is the tool of a run.
type Tool struct {
	Driver Driver `json:"driver"`
}

// Driver is the tool's driver: its name, version and rules.
type Driver struct {
	Name           string `json:"name"`
	Version        string `json:"version,omitempty"`
	InformationURI string `json:"informationUri"`
	Rules          []Rule `json:"rules"`
}

// Text is a message.
type Text struct {
	Text string `json:"text"`
}

// Rule is a rule (a finding code) with its documentation.
type Rule struct {
	ID                   string            `json:"id"`
	ShortDescription     Text              `json:"shortDescription"`
	HelpURI              string            `json:"helpUri"`
	DefaultConfiguration Config            `json:"defaultConfiguration"`
	Properties           map[string]string `json:"properties"`
}

// Config is a rule's default level.
type Config struct {
	Level string `json:"level"`
}

// Result is one finding.
type Result struct {
	RuleID       string        `json:"ruleId"`
	RuleIndex    int           `json:"ruleIndex"`
	Level        string        `json:"level"`
	Message      Text          `json:"message"`
	Locations    []Location    `json:"locations"`
	Suppressions []Suppression `json:"suppressions,omitempty"`
}

// Location is where a result is.
type Location struct {
	PhysicalLocation Physical  `json:"physicalLocation"`
	LogicalLocations []Logical `json:"logicalLocations,omitempty"`
}

// Physical is a file and region.
type Physical struct {
	ArtifactLocation Artifact `json:"artifactLocation"`
	Region           *Region  `json:"region,omitempty"`
}

// Artifact is a file.
type Artifact struct {
	URI string `json:"uri"`
}

// Region is lines and columns in a file.
type Region struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

// Logical is a named place, such as a resource address or principal ARN.
type Logical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// Suppression is a silenced result and why.
type Suppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
}

// Encode writes the log as indented JSON, HTML characters unescaped.
func Encode(w io.Writer, log Log) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

// ArtifactURI turns a file path into a SARIF artifact URI: relative
// paths stay relative (code-scanning services resolve them against the
// repository), absolute ones become file: URIs, both percent-encoded.
func ArtifactURI(file string) string {
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

// Version is the tool version as SARIF prefers it, starting with a
// digit: "v1.2.0" becomes "1.2.0"; development builds keep their name.
func Version(v string) string {
	if len(v) > 1 && v[0] == 'v' && '0' <= v[1] && v[1] <= '9' {
		return v[1:]
	}
	return v
}
