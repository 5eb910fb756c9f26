package agentcorepolicy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/agentspec"
)

// specRules are AWS's example policies written as spec rules.
func specRules() []agentspec.PolicyRule {
	return []agentspec.PolicyRule{
		{Name: "refund_under_500", Tools: []string{"RefundTool___process_refund"}, User: "refund-agent",
			Input: []agentspec.InputLimit{{Field: "amount", Op: agentspec.OpLT, Numbers: []int64{500}}}},
		{Name: "admins", Tools: []string{"RefundTool___process_refund", "RefundTool___get_refund_status"}, Claims: map[string]string{"role": "admin"}},
		{Name: "support_reasons", Tools: []string{"RefundTool___process_refund"}, Claims: map[string]string{"role": "support", "tier": "gold"},
			Input: []agentspec.InputLimit{
				{Field: "reason", Op: agentspec.OpIn, Strings: []string{"damaged", "late"}},
				{Field: "amount", Op: agentspec.OpGE, Numbers: []int64{1}}, {Field: "amount", Op: agentspec.OpLE, Numbers: []int64{100}},
			}},
	}
}

func TestFromRules(t *testing.T) {
	gen := FromRules(testGatewayARN, specRules())
	want := `@id("refund_under_500")
permit (
    principal == AgentCore::OAuthUser::"refund-agent",
    action == AgentCore::Action::"RefundTool___process_refund",
    resource == AgentCore::Gateway::"` + testGatewayARN + `"
)
when { context.input has amount && context.input.amount < 500 };`
	if gen[0].Statement != want {
		t.Errorf("statement:\n%s\nwant:\n%s", gen[0].Statement, want)
	}
	if s := gen[2].Statement; !strings.Contains(s, `principal.hasTag("role") && principal.getTag("role") == "support" && principal.hasTag("tier")`) ||
		!strings.Contains(s, `["damaged", "late"].contains(context.input.reason)`) {
		t.Errorf("claims and in:\n%s", s)
	}
	ps, err := GeneratedSet(gen)
	if err != nil {
		t.Fatal(err)
	}
	// Valid against the schema the rules describe, and against the
	// gateway's real tools (amount required there, optional here).
	src, err := os.ReadFile(filepath.Join("testdata", "refund_tools.json"))
	if err != nil {
		t.Fatal(err)
	}
	tools, err := ReadManifest("refund_tools.json", "RefundTool", src)
	if err != nil {
		t.Fatal(err)
	}
	for name, gw := range map[string]*Gateway{"rules": RulesGateway(testGatewayARN, specRules()), "manifest": {ARN: testGatewayARN, Auth: AuthOAuth, Tools: tools}} {
		v, err := NewValidator(gw)
		if err != nil {
			t.Fatal(err)
		}
		if d := v.Validate(ps); len(d) > 0 {
			t.Errorf("%s: generated policies have findings: %v", name, d)
		}
	}
}

func TestFromRulesIAM(t *testing.T) {
	rules := []agentspec.PolicyRule{{Name: "agents", Tools: []string{"RefundTool___process_refund"}, IAMPrincipal: "arn:aws:iam::123456789012:role/RefundAgent*"}}
	gen := FromRules(testGatewayARN, rules)
	if s := gen[0].Statement; !strings.Contains(s, "principal is AgentCore::IamEntity") || !strings.Contains(s, `principal.id like "arn:aws:iam::123456789012:role/RefundAgent*"`) {
		t.Errorf("IAM rule:\n%s", s)
	}
	checkRules(t, rules, gen, 0)
}

// TestRuleCases: every derived case holds for the generated policies;
// with a policy that drops the limit, the case past the limit fails.
func TestRuleCases(t *testing.T) {
	rules := specRules()
	gen := FromRules(testGatewayARN, rules)
	results := checkRules(t, rules, gen, 0)
	// refund: allowed, other user, amount 500; admins: 2 tools x (allowed,
	// other role); support: allowed, 2 claims, reason, amount twice.
	if len(results) != 3+4+6 {
		t.Errorf("%d cases", len(results))
	}
	for _, r := range results {
		if r.Rule == "refund_under_500" && !r.Allow && strings.Contains(r.Why, "amount") && !strings.Contains(string(r.Request.Input), `"amount":500`) {
			t.Errorf("the nearest denied amount is 500, got %s", r.Request.Input)
		}
	}
	loose := strings.Replace(gen[0].Statement, "context.input.amount < 500", "context.input.amount < 501", 1)
	gen[0].Statement = loose
	checkRules(t, rules, gen, 1)
	// A rule without its policy: its allowed call is denied.
	checkRules(t, rules, gen[1:], 1)
}

func checkRules(t *testing.T, rules []agentspec.PolicyRule, gen []Generated, wantFailures int) []RuleResult {
	t.Helper()
	v, err := NewValidator(RulesGateway(testGatewayARN, rules))
	if err != nil {
		t.Fatal(err)
	}
	results, err := CheckRules(v, gen, RuleCases(rules, "123456789012"))
	if err != nil {
		t.Fatal(err)
	}
	failures := 0
	for _, r := range results {
		if !r.OK {
			failures++
			if wantFailures == 0 {
				t.Errorf("%s: %s (%s %s): allow=%v", r.Rule, r.Why, r.Request.Tool, r.Request.Input, r.Decision.Allow)
			}
		}
	}
	if failures != wantFailures {
		t.Errorf("%d failures, want %d", failures, wantFailures)
	}
	return results
}
