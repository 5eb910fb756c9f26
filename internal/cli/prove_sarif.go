package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/agentiam/agentiam/prove"
)

// prove's SARIF 2.1.0 output, for code-scanning services: a result per
// counterexample at the statement of the new policy that grants it
// (rule new-access, an error), and one per fragment that was not decided
// exactly (rule not-decided, a warning).

type proveSARIF struct {
	Schema  string          `json:"$schema"`
	Version string          `json:"version"`
	Runs    []proveSARIFRun `json:"runs"`
}

type proveSARIFRun struct {
	Tool    proveSARIFTool     `json:"tool"`
	Results []proveSARIFResult `json:"results"`
}

type proveSARIFTool struct {
	Driver struct {
		Name           string           `json:"name"`
		Version        string           `json:"version"`
		InformationURI string           `json:"informationUri"`
		Rules          []proveSARIFRule `json:"rules"`
	} `json:"driver"`
}

type proveSARIFRule struct {
	ID               string         `json:"id"`
	ShortDescription proveSARIFText `json:"shortDescription"`
}

type proveSARIFText struct {
	Text string `json:"text"`
}

type proveSARIFResult struct {
	RuleID    string               `json:"ruleId"`
	RuleIndex int                  `json:"ruleIndex"`
	Level     string               `json:"level"`
	Message   proveSARIFText       `json:"message"`
	Locations []proveSARIFLocation `json:"locations"`
}

type proveSARIFLocation struct {
	PhysicalLocation struct {
		ArtifactLocation struct {
			URI string `json:"uri"`
		} `json:"artifactLocation"`
		Region struct {
			StartLine   int `json:"startLine"`
			StartColumn int `json:"startColumn"`
		} `json:"region"`
	} `json:"physicalLocation"`
}

func writeProveSARIF(w io.Writer, runs []prove.Run) error {
	var run proveSARIFRun
	d := &run.Tool.Driver
	d.Name, d.InformationURI = "agentiam", "https://github.com/agentiam/agentiam"
	d.Version = strings.TrimPrefix(version(), "v")
	d.Rules = []proveSARIFRule{
		{ID: "new-access", ShortDescription: proveSARIFText{"The policy allows requests its baseline does not"}},
		{ID: "not-decided", ShortDescription: proveSARIFText{"Part of the policy could not be decided exactly"}},
	}
	run.Results = []proveSARIFResult{}
	for _, r := range runs {
		for _, reason := range r.Result.Reasons {
			res := proveSARIFResult{RuleID: "new-access", Level: "error", Message: proveSARIFText{reason.Description}}
			if reason.Kind == prove.Inexact {
				res.RuleID, res.RuleIndex, res.Level = "not-decided", 1, "warning"
			} else {
				c := r.Result.Counterexamples[reason.Counterexample]
				res.Message.Text += fmt.Sprintf(" (for example %s calling %s on %s)", c.Principal, c.Action, c.Resource)
			}
			res.Locations = []proveSARIFLocation{sarifLocation(r, reason.Statement)}
			run.Results = append(run.Results, res)
		}
	}
	return writeJSON(w, proveSARIF{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []proveSARIFRun{run}})
}

// sarifLocation is the statement's place, else the start of the new
// policy's (first) file.
func sarifLocation(r prove.Run, st *prove.StatementRef) proveSARIFLocation {
	var loc proveSARIFLocation
	p := &loc.PhysicalLocation
	p.ArtifactLocation.URI = r.New[0].Source
	p.Region.StartLine, p.Region.StartColumn = 1, 1
	if st != nil && st.Policy == prove.New {
		p.ArtifactLocation.URI = st.Source
		if st.Pos.Line > 0 {
			p.Region.StartLine, p.Region.StartColumn = st.Pos.Line, st.Pos.Column
		}
	}
	return loc
}
