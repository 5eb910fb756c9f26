package cli

import (
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/rolegen"
	"github.com/agentiam/agentiam/verify"
	"github.com/agentiam/agentiam/verify/expect"
)

// The generation gate: `agentiam generate` runs the same verification as
// `agentiam verify` on the plan it is about to write (verifyPlan in
// generate.go) and writes nothing when it fails.

// maxGateFailures bounds the failures the gate's error lists.
const maxGateFailures = 10

func verifyGeneratedPlan(plan *rolegen.Plan) error {
	rep, err := verify.Verify(plan.Spec, plan, verify.Options{GeneratedOnly: true})
	if err != nil {
		return err
	}
	if rep.Passed() {
		return nil
	}
	var lines []string
	for _, sr := range rep.Subjects {
		if sr.Status == verify.Missing {
			lines = append(lines, fmt.Sprintf("%s: %s", sr.Label(), sr.Note))
		}
		for i := range sr.Results {
			r := &sr.Results[i]
			if r.OK {
				continue
			}
			what := "denied"
			if r.Expect == expect.Forbidden {
				what = "allowed"
			}
			lines = append(lines, fmt.Sprintf("%s: %s request %s: %s on %s (%s)", sr.Label(), r.Expect, what, r.Action, r.Resource, r.Why))
		}
	}
	n := len(lines)
	if n > maxGateFailures {
		lines = append(lines[:maxGateFailures], fmt.Sprintf("and %d more", n-maxGateFailures))
	}
	return fmt.Errorf("%d failures (`agentiam verify` shows the traces and fixes):\n  %s", n, strings.Join(lines, "\n  "))
}
