package prove

import (
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/policy"
)

// Run is one direction of a comparison: does New allow any request Old
// does not. `agentiam prove --equivalent` runs both directions.
type Run struct {
	Old, New []*policy.Document
	// OldBoundary and NewBoundary are the permissions boundaries of the
	// identity policies (ProvePermissions); nil when none.
	OldBoundary, NewBoundary *policy.Document
	Result                   *Result
}

// Compare proves that new grants nothing old does not and, with both,
// the converse too (`agentiam prove --equivalent`): one run per
// direction. Sides with a boundary are compared by ProvePermissions.
func Compare(old, new Permissions, both bool, opts Options) ([]Run, error) {
	runs := []Run{{Old: old.Identity, New: new.Identity, OldBoundary: old.Boundary, NewBoundary: new.Boundary}}
	if both {
		runs = append(runs, Run{Old: new.Identity, New: old.Identity, OldBoundary: new.Boundary, NewBoundary: old.Boundary})
	}
	for i := range runs {
		r := &runs[i]
		var err error
		o, n := Permissions{Identity: r.Old, Boundary: r.OldBoundary}, Permissions{Identity: r.New, Boundary: r.NewBoundary}
		if o.Boundary != nil || n.Boundary != nil {
			r.Result, err = ProvePermissions(o, n, opts)
		} else {
			r.Result, err = ProveAll(o.Identity, n.Identity, opts)
		}
		if err != nil {
			return nil, err
		}
	}
	return runs, nil
}

// OldSources names the files of the old side, and its boundary.
func (r *Run) OldSources() string { return withinBoundary(r.Old, r.OldBoundary) }

// NewSources names the files of the new side, and its boundary.
func (r *Run) NewSources() string { return withinBoundary(r.New, r.NewBoundary) }

func withinBoundary(docs []*policy.Document, boundary *policy.Document) string {
	if boundary == nil {
		return Sources(docs)
	}
	return Sources(docs) + " within " + boundary.Source
}

// Combined is the verdict of several runs: Fail when any fails, else
// Unknown when any is undecided, else Pass.
func Combined(runs []Run) Verdict {
	v := Pass
	for _, r := range runs {
		switch {
		case r.Result.Verdict == Fail:
			return Fail
		case r.Result.Verdict == Unknown:
			v = Unknown
		}
	}
	return v
}

// Sources names the files (or texts) of one side.
func Sources(docs []*policy.Document) string {
	names := make([]string, len(docs))
	for i, d := range docs {
		names[i] = d.Source
	}
	return strings.Join(names, ", ")
}

// OutputReason is a reason in Output.
type OutputReason struct {
	Policy         string `json:"policy,omitempty"`
	StatementIndex int    `json:"statementIndex" jsonschema:"0-based, -1 for a reason about no single statement"`
	Sid            string `json:"sid"`
	Counterexample *int   `json:"counterexample,omitempty" jsonschema:"the index of the counterexample this statement grants"`
	Description    string `json:"description"`
}

// Output is the JSON of `agentiam prove --format json` and of the MCP
// prove tool.
type Output struct {
	// File is set by --baseline: the policy file compared.
	File            string         `json:"file,omitempty"`
	Result          string         `json:"result" jsonschema:"PASS (nothing new granted), FAIL (counterexamples) or UNKNOWN (not every fragment decided exactly)"`
	Type            policy.Kind    `json:"type"`
	Counterexamples []Request      `json:"counterexamples" jsonschema:"requests NEW allows and OLD does not, each confirmed by the evaluator"`
	Reasons         []OutputReason `json:"reasons"`
}

// NewOutput collects the runs' verdict, counterexamples and reasons.
func NewOutput(runs []Run) *Output {
	out := &Output{Result: Combined(runs).String(), Type: runs[0].Result.Kind, Counterexamples: []Request{}, Reasons: []OutputReason{}}
	for _, run := range runs {
		base := len(out.Counterexamples)
		out.Counterexamples = append(out.Counterexamples, run.Result.Counterexamples...)
		for _, r := range run.Result.Reasons {
			jr := OutputReason{StatementIndex: -1, Description: r.Description}
			if len(runs) > 1 {
				jr.Description = fmt.Sprintf("%s over %s: %s", Sources(run.New), Sources(run.Old), r.Description)
			}
			if r.Statement != nil {
				jr.Policy, jr.StatementIndex, jr.Sid = r.Statement.Policy.String(), r.Statement.StatementIndex, r.Statement.Sid
			}
			if r.Kind == Grants {
				i := base + r.Counterexample
				jr.Counterexample = &i
			}
			out.Reasons = append(out.Reasons, jr)
		}
	}
	return out
}
