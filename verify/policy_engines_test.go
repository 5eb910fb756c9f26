package verify

import (
	"strings"
	"testing"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/rolegen"
)

// TestPolicyEngines: the rules' cases pass on the generated policies; a
// policy that loosens a limit, or that is missing, fails them.
func TestPolicyEngines(t *testing.T) {
	src := `version: 1
account: "123456789012"
region: us-west-2
agents:
  a:
    gateway:
      name: gw
      policy_engine:
        id: pe-abcdef1234
        gateway_id: gw-a1b2c3d4e5
        rules:
          - {name: refunds, tools: [RefundTool___process_refund], user: refund-agent, input: {amount: {lt: 500}}}
          - {name: admins, tools: [RefundTool___process_refund], claims: {role: admin}}
`
	spec, err := agentspec.Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name     string
		tamper   func(pe *rolegen.PolicyEngine)
		status   Status
		failures int
	}{
		{"generated", func(*rolegen.PolicyEngine) {}, Verified, 0},
		{"limit loosened", func(pe *rolegen.PolicyEngine) {
			pe.Policies[0].Statement = strings.Replace(pe.Policies[0].Statement, "< 500", "<= 500", 1)
		}, Failed, 1},
		{"policy missing", func(pe *rolegen.PolicyEngine) { pe.Policies = pe.Policies[1:] }, Failed, 1},
		{"no engine in the plan", func(pe *rolegen.PolicyEngine) { pe.Gateway = "other" }, Missing, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := rolegen.Generate(spec)
			if err != nil {
				t.Fatal(err)
			}
			tt.tamper(plan.PolicyEngines[0])
			reports, err := policyEngines(spec, plan)
			if err != nil {
				t.Fatal(err)
			}
			sr := reports[0]
			if sr.Status != tt.status || sr.Failures() != tt.failures {
				t.Errorf("status %s with %d failures, want %s with %d", sr.Status, sr.Failures(), tt.status, tt.failures)
			}
			if tt.status == Verified && len(sr.Results) != 3+2 {
				t.Errorf("%d results", len(sr.Results))
			}
		})
	}
}
