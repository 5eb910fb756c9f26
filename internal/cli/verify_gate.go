package cli

import (
	"github.com/agentiam/agentiam/rolegen"
	"github.com/agentiam/agentiam/verify"
)

// The generation gate: `agentiam generate` runs the same verification as
// `agentiam verify` on the plan it is about to write (verifyPlan in
// generate.go, verify.Gate) and writes nothing when it fails.
func verifyGeneratedPlan(plan *rolegen.Plan) error {
	_, err := verify.Gate(plan)
	return err
}
