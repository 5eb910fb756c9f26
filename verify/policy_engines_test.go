package verify

import (
	"slices"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/policy"
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

// TestCedarPoliciesDeployer: the deployer of a gateway with
// policy_engine rules writes their Cedar policies (AgentCore guide,
// AgentCore Gateway and Policy in AgentCore IAM permissions, Resource
// Management Role:
// https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/policy-permissions.html):
// CreatePolicy on the engine; InvokeGateway on the gateway, "required to
// create or update Cedar policies"; ManageResourceScopedPolicy for
// policies that "target specific gateway ARNs". Each dropped or widened
// fails verification.
func TestCedarPoliciesDeployer(t *testing.T) {
	s := parseSpec(t, callerHeader+`  a:
    gateway:
      name: gw
      lambda_targets: ["arn:aws:lambda:us-west-2:123456789012:function:refunds"]
      policy_engine:
        id: pe-abcdef1234
        gateway_id: gw-a1b2c3d4e5
        rules: [{name: refunds, tools: [RefundTool___process_refund], user: refund-agent}]
callers:
  ci: {agents: [a]}
`)
	if got := failedRequests(t, s, generate(t, s)); len(got) > 0 {
		t.Fatalf("generated plan fails:\n%s", strings.Join(got, "\n"))
	}
	const gateway = "arn:aws:bedrock-agentcore:us-west-2:123456789012:gateway/gw-a1b2c3d4e5"
	for _, tt := range []struct {
		name, sid string
		tamper    func(st *policy.Statement)
		want      string
	}{
		{"create dropped", "CreateGatewayCedarPolicies", nil, "required bedrock-agentcore:CreatePolicy on arn:aws:bedrock-agentcore:us-west-2:123456789012:policy-engine/pe-abcdef1234"},
		{"update dropped", "ManageGatewayCedarPolicies", nil, "required bedrock-agentcore:UpdatePolicy on arn:aws:bedrock-agentcore:us-west-2:123456789012:policy-engine/pe-abcdef1234/policy/"},
		{"validation dropped", "ValidateGatewayCedarPolicies", nil, "required bedrock-agentcore:InvokeGateway on " + gateway},
		{"scoped policies dropped", "ValidateGatewayCedarPolicies", func(st *policy.Statement) {
			st.Action = policy.NewStringList("bedrock-agentcore:InvokeGateway")
		}, "required bedrock-agentcore:ManageResourceScopedPolicy on " + gateway},
		{"admin policies", "ValidateGatewayCedarPolicies", func(st *policy.Statement) {
			st.Action = policy.NewStringList("bedrock-agentcore:InvokeGateway", "bedrock-agentcore:Manage*")
		}, "forbidden bedrock-agentcore:ManageAdminPolicy on " + gateway},
		{"delete without delete: true", "ManageGatewayCedarPolicies", func(st *policy.Statement) {
			st.Action = policy.NewStringList(append(st.Action.Strings(), "bedrock-agentcore:DeletePolicy")...)
		}, "forbidden bedrock-agentcore:DeletePolicy on arn:aws:bedrock-agentcore:us-west-2:123456789012:policy-engine/pe-abcdef1234/policy/"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := generate(t, s)
			d, i := callerStatement(t, p, "ci", tt.sid)
			if tt.tamper == nil {
				d.Statements = slices.Delete(d.Statements, i, i+1)
			} else {
				tt.tamper(d.Statements[i])
			}
			got := failedRequests(t, s, p)
			if !slices.ContainsFunc(got, func(f string) bool { return strings.Contains(f, tt.want) }) {
				t.Errorf("failures:\n%s\nwant one with %q", strings.Join(got, "\n"), tt.want)
			}
		})
	}
}
