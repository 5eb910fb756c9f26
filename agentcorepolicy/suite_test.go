package agentcorepolicy

import (
	"errors"
	"strings"
	"testing"
)

func TestReadSuite(t *testing.T) {
	ok := "gateway: " + testGatewayARN + "\ntargets: {RefundTool: t.json}\npolicies: [p.cedar]\ncases:\n  - {name: a, principal: u, tool: RefundTool___process_refund, input: {orderId: '1', amount: 5}, expect: Allow}\n"
	s, err := ReadSuite("s.yaml", []byte(ok))
	if err != nil || len(s.Cases) != 1 || s.Cases[0].Input["amount"] == nil {
		t.Fatalf("got %+v, %v", s, err)
	}
	for _, tc := range []struct{ name, src, want string }{
		{"unknown key", ok + "extra: 1\n", "unknown field"},
		{"no gateway", "cases: []\n", "no gateway ARN"},
		{"bad expect", "gateway: g\ncases:\n  - {name: a, principal: u, tool: t, expect: allow}\n", "expect is Allow or Deny"},
		{"no tool", "gateway: g\ncases:\n  - {name: a, principal: u, expect: Deny}\n", "principal and tool are required"},
		{"deep", "gateway: g\ncases: " + strings.Repeat("[", 40), "nested more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadSuite("s.yaml", []byte(tc.src))
			if !errors.Is(err, ErrSuite) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want ErrSuite with %q", err, tc.want)
			}
		})
	}
}

func TestRunSuite(t *testing.T) {
	v, err := NewValidator(testGateway(t, AuthOAuth))
	if err != nil {
		t.Fatal(err)
	}
	s := &Suite{Cases: []Case{
		{Name: "allow", Principal: "u", Tags: map[string]string{"username": "refund-agent"}, Tool: "RefundTool___process_refund", Input: map[string]any{"orderId": "1", "amount": 5}, Expect: "Allow"},
		{Name: "wrong", Principal: "u", Tool: "RefundTool___process_refund", Input: map[string]any{"orderId": "1", "amount": 5}, Expect: "Allow"},
	}}
	out, err := v.Run(loadSet(t, "refund_under_500.cedar"), s)
	if err != nil {
		t.Fatal(err)
	}
	if !out[0].Pass || out[1].Pass {
		t.Errorf("passes = %v, %v; want true, false", out[0].Pass, out[1].Pass)
	}
}

func FuzzReadSuite(f *testing.F) {
	f.Add([]byte("gateway: g\ncases:\n  - {name: a, principal: u, tool: t, input: {a: [1, {b: 2}]}, expect: Deny}\n"))
	f.Add([]byte("gateway: g\ntargets: {A: a.json}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		if _, err := ReadSuite("f.yaml", src); err != nil && !errors.Is(err, ErrSuite) {
			t.Fatalf("error not wrapping ErrSuite: %v", err)
		}
	})
}

// FuzzPolicyFile: parsing and validating any file never panics, and a file
// that does not parse is a positioned syntax error.
func FuzzPolicyFile(f *testing.F) {
	f.Add([]byte(`permit(principal, action == AgentCore::Action::"RefundTool___process_refund", resource == AgentCore::Gateway::"` + testGatewayARN + `") when { context.input has reason && context.input.reason like "*x*" };`))
	f.Add([]byte(`permit(principal, action == AgentCore::Action::"RefundTool___process_refund", resource == AgentCore::Gateway::"` + testGatewayARN + `") when { context.input.amount < 5 && context.input.amount > 10 };
forbid(principal, action, resource is AgentCore::Gateway) when { principal.hasTag("role") && ["a", "b"].contains(principal.getTag("role")) };`))
	f.Add([]byte(`forbid(principal is MyApp::User in MyApp::Group::"g", action in [AgentCore::Action::"Mcp"], resource) unless { principal.getTag("a") == context.other };`))
	v, err := NewValidator(testGateway(f, AuthOAuth))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		ps := NewPolicySet()
		if err := ps.AddFile("f.cedar", src); err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("error not wrapping ErrSyntax: %v", err)
			}
			return
		}
		for _, d := range append(v.Validate(ps), v.Analyze(ps)...) {
			if !d.Pos.IsValid() || d.Pos.Offset > len(src) {
				t.Fatalf("finding without a valid position: %+v", d)
			}
		}
	})
}
