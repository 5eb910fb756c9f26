package report

import (
	"io"

	"github.com/agentiam/agentiam/audit"
	"github.com/agentiam/agentiam/internal/sarif"
)

func level(s audit.Severity) string {
	switch {
	case s >= audit.High:
		return "error"
	case s >= audit.Medium:
		return "warning"
	}
	return "note"
}

// SARIF writes the findings as a SARIF 2.1.0 log with one run, in the
// shape of lint's: every rule listed, each result located at the file
// the account was read from (at the first statement that grants it,
// where the file gives positions) with the principal's ARN as logical
// location, and the severity and category as properties.
func SARIF(w io.Writer, r *audit.Report, toolVersion string) error {
	rules := audit.Rules()
	index := map[audit.Code]int{}
	run := sarif.Run{
		Tool: sarif.Tool{Driver: sarif.Driver{
			Name: "agentiam", Version: sarif.Version(toolVersion), InformationURI: "https://github.com/agentiam/agentiam",
		}},
		ColumnKind: "unicodeCodePoints",
		Results:    []sarif.Result{},
	}
	for i, rule := range rules {
		index[rule.Code] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarif.Rule{
			ID: string(rule.Code), ShortDescription: sarif.Text{Text: rule.Summary}, HelpURI: DocsURL + "#" + string(rule.Code),
			DefaultConfiguration: sarif.Config{Level: level(rule.Severity)},
			Properties:           map[string]string{"category": string(rule.Category), "severity": rule.Severity.String()},
		})
	}
	for _, f := range r.Findings {
		file := f.File
		if file == "" {
			file = "account-" + f.Account
		}
		reg := &sarif.Region{StartLine: 1, StartColumn: 1}
		for _, s := range f.Statements {
			if s.Line > 0 {
				reg.StartLine = s.Line
				break
			}
		}
		run.Results = append(run.Results, sarif.Result{
			RuleID: string(f.Code), RuleIndex: index[f.Code], Level: level(f.Severity),
			Message: sarif.Text{Text: f.Message},
			Locations: []sarif.Location{{
				PhysicalLocation: sarif.Physical{ArtifactLocation: sarif.Artifact{URI: sarif.ArtifactURI(file)}, Region: reg},
				LogicalLocations: []sarif.Logical{{FullyQualifiedName: f.Principal, Kind: "resource"}},
			}},
		})
	}
	return sarif.Encode(w, sarif.Log{Schema: sarif.Schema, Version: sarif.SARIFVersion, Runs: []sarif.Run{run}})
}
