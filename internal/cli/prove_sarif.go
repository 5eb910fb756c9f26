package cli

import (
	"fmt"
	"io"

	"github.com/agentiam/agentiam/internal/sarif"
	"github.com/agentiam/agentiam/prove"
)

// proveHelpURI documents prove's two SARIF rules.
const proveHelpURI = "https://github.com/agentiam/agentiam#commands"

// writeProveSARIF writes prove's SARIF 2.1.0 log, for code-scanning
// services, in the shape of lint's and audit's (internal/sarif): a result
// per counterexample at the statement of the new policy that grants it
// (rule new-access, an error), and one per fragment that was not decided
// exactly (rule not-decided, a warning).
func writeProveSARIF(w io.Writer, runs []prove.Run) error {
	run := sarif.Run{
		Tool: sarif.Tool{Driver: sarif.Driver{
			Name: "agentiam", Version: sarif.Version(version()), InformationURI: "https://github.com/agentiam/agentiam",
			Rules: []sarif.Rule{
				{ID: "new-access", ShortDescription: sarif.Text{Text: "The policy allows requests its baseline does not"}, HelpURI: proveHelpURI,
					DefaultConfiguration: sarif.Config{Level: "error"}, Properties: map[string]string{"command": "prove"}},
				{ID: "not-decided", ShortDescription: sarif.Text{Text: "Part of the policy could not be decided exactly"}, HelpURI: proveHelpURI,
					DefaultConfiguration: sarif.Config{Level: "warning"}, Properties: map[string]string{"command": "prove"}},
			},
		}},
		// Statement columns are bytes; a statement opens after indentation
		// (ASCII) on its line, where bytes and code points agree.
		ColumnKind: "unicodeCodePoints",
		Results:    []sarif.Result{},
	}
	for _, r := range runs {
		for _, reason := range r.Result.Reasons {
			res := sarif.Result{RuleID: "new-access", Level: "error", Message: sarif.Text{Text: reason.Description}}
			if reason.Kind == prove.Inexact {
				res.RuleID, res.RuleIndex, res.Level = "not-decided", 1, "warning"
			} else {
				c := r.Result.Counterexamples[reason.Counterexample]
				res.Message.Text += fmt.Sprintf(" (for example %s calling %s on %s)", c.Principal, c.Action, c.Resource)
			}
			res.Locations = []sarif.Location{sarifLocation(r, reason.Statement)}
			run.Results = append(run.Results, res)
		}
	}
	return sarif.Encode(w, sarif.Log{Schema: sarif.Schema, Version: sarif.SARIFVersion, Runs: []sarif.Run{run}})
}

// sarifLocation is the statement's place, else the start of the new
// policy's (first) file.
func sarifLocation(r prove.Run, st *prove.StatementRef) sarif.Location {
	file, reg := r.New[0].Source, &sarif.Region{StartLine: 1, StartColumn: 1}
	if st != nil && st.Policy == prove.New {
		file = st.Source
		if st.Pos.Line > 0 {
			reg.StartLine, reg.StartColumn = st.Pos.Line, st.Pos.Column
		}
	}
	return sarif.Location{PhysicalLocation: sarif.Physical{ArtifactLocation: sarif.Artifact{URI: sarif.ArtifactURI(file)}, Region: reg}}
}
