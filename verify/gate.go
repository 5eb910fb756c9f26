package verify

import (
	"errors"
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/rolegen"
)

// ErrNotVerified is wrapped by the error Gate returns for a plan that
// fails verification.
var ErrNotVerified = errors.New("the plan failed verification")

// maxGateFailures bounds the failures a GateError lists.
const maxGateFailures = 10

// GateError lists the failures of a generated plan: the first ten, each
// as "subject: required request denied: action on resource (why)".
type GateError struct {
	Failures []string
	Total    int
}

func (e *GateError) Error() string {
	lines := e.Failures
	if e.Total > len(lines) {
		lines = append(lines[:len(lines):len(lines)], fmt.Sprintf("and %d more", e.Total-len(lines)))
	}
	return fmt.Sprintf("%d failures (`agentiam verify` shows the traces and fixes):\n  %s", e.Total, strings.Join(lines, "\n  "))
}

func (e *GateError) Unwrap() error { return ErrNotVerified }

// Gate verifies a generated plan against its own spec, as `agentiam
// generate` does before it writes the plan and the MCP generate tool
// before it returns one: the report, and a *GateError when the plan does
// not pass.
func Gate(plan *rolegen.Plan) (*Report, error) {
	rep, err := Verify(plan.Spec, plan, Options{GeneratedOnly: true})
	if err != nil {
		return nil, err
	}
	if rep.Passed() {
		return rep, nil
	}
	ge := &GateError{}
	add := func(line string) {
		ge.Total++
		if len(ge.Failures) < maxGateFailures {
			ge.Failures = append(ge.Failures, line)
		}
	}
	for _, sr := range rep.Subjects {
		if sr.Status == Missing {
			add(fmt.Sprintf("%s: %s", sr.Label(), sr.Note))
		}
		for i := range sr.Results {
			r := &sr.Results[i]
			if r.OK {
				continue
			}
			add(fmt.Sprintf("%s: %s (%s)", sr.Label(), r.Failure(), r.Why))
		}
	}
	return rep, ge
}
