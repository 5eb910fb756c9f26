package agentcorepolicy

import (
	"slices"
	"strings"
	"testing"
)

// TestAnalyze: each finding beyond validity fires on its case and stays
// quiet on a near miss; outside the decided fragment nothing is said.
func TestAnalyze(t *testing.T) {
	const (
		refund = `action == AgentCore::Action::"RefundTool___process_refund", resource == AgentCore::Gateway::"` + testGatewayARN + `"`
		status = `action == AgentCore::Action::"RefundTool___get_refund_status", resource == AgentCore::Gateway::"` + testGatewayARN + `"`
		admin  = `principal.hasTag("role") && principal.getTag("role") == "admin"`
	)
	permit := func(scope, cond string) string { return "permit(principal, " + scope + ") when { " + cond + " };\n" }
	forbid := func(scope, cond string) string { return "forbid(principal, " + scope + ") when { " + cond + " };\n" }
	tests := []struct {
		name, src string
		want      []string // "line:col code"
	}{
		{"contradicting limits", permit(refund, "context.input.amount < 5 && context.input.amount > 10"), []string{"1:1 ineffective-policy"}},
		{"no integer between", permit(refund, "context.input.amount < 11 && context.input.amount > 10"), []string{"1:1 ineffective-policy"}},
		{"near miss: 11 fits", permit(refund, "context.input.amount < 12 && context.input.amount > 10"), nil},
		{"two values of one string", permit(refund, `context.input.orderId == "a" && context.input.orderId == "b"`), []string{"1:1 ineffective-policy"}},
		{"near miss: either string", permit(refund, `context.input.orderId == "a" || context.input.orderId == "b"`), nil},
		{"optional read never present", permit(refund, `context.input has reason && !(context.input has reason)`), []string{"1:1 ineffective-policy"}},
		{"claim shadowed", permit(refund, admin) + forbid(refund, `principal.hasTag("role")`), []string{"1:1 shadowed-permit", "1:1 overly-restrictive"}},
		{"near miss: forbid of another claim value", permit(refund, admin) + forbid(refund, `principal.hasTag("role") && principal.getTag("role") == "intern"`), nil},
		{"near miss: forbid of large amounts", permit(refund, admin) + forbid(refund, "context.input.amount > 100"), nil},
		{"two forbids deny everything", permit(refund, "context.input.amount < 200") + forbid(refund, "context.input.amount < 100") + forbid(refund, "context.input.amount >= 100"),
			[]string{"1:1 overly-restrictive"}},
		{"near miss: 100 to 149 allowed", permit(refund, "context.input.amount < 200") + forbid(refund, "context.input.amount < 100") + forbid(refund, "context.input.amount >= 150"), nil},
		{"forbid of another tool", permit(refund, admin) + forbid(status, "true"), nil},
		{"outside the fragment: arithmetic", permit(refund, "context.input.amount + 1 < 5 && context.input.amount > 10"), nil},
		{"like pattern", permit(refund, `context.input.orderId like "ord-*" && context.input.orderId == "x"`), []string{"1:1 ineffective-policy"}},
		{"near miss: like pattern instance", permit(refund, `context.input.orderId like "ord-*" && context.input.orderId == "ord-7"`), nil},
	}
	v, err := NewValidator(testGateway(t, AuthOAuth))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := NewPolicySet()
			if err := ps.AddFile("p.cedar", []byte(tt.src)); err != nil {
				t.Fatal(err)
			}
			if d := v.Validate(ps); len(d) > 0 {
				t.Fatalf("not valid: %v", d)
			}
			var got []string
			for _, d := range v.Analyze(ps) {
				got = append(got, d.Pos.String()+" "+d.Code)
			}
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("findings %v, want %v\n%s", got, want, strings.TrimSpace(tt.src))
			}
		})
	}
}

// TestAnalyzeBudget: once the evaluations are spent, questions are
// undecided and nothing is reported.
func TestAnalyzeBudget(t *testing.T) {
	v, err := NewValidator(testGateway(t, AuthOAuth))
	if err != nil {
		t.Fatal(err)
	}
	ps := NewPolicySet()
	src := `permit(principal, action == AgentCore::Action::"RefundTool___process_refund", resource == AgentCore::Gateway::"` + testGatewayARN + `") when { context.input.amount < 5 && context.input.amount > 10 };`
	if err := ps.AddFile("p.cedar", []byte(src)); err != nil {
		t.Fatal(err)
	}
	a, ok := v.analyzable(ps.Policies[0])
	if !ok || !a.decidable {
		t.Fatal("not analysable")
	}
	for _, tc := range []struct {
		left      int
		effective bool
	}{{maxEvaluations, false}, {3, true}, {0, true}} {
		if got := (&analysis{v: v, left: tc.left}).effective(a); got != tc.effective {
			t.Errorf("budget %d: effective %v, want %v", tc.left, got, tc.effective)
		}
	}
}
