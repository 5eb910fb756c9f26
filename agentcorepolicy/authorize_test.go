package agentcorepolicy

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func loadSet(t testing.TB, files ...string) *PolicySet {
	t.Helper()
	ps := NewPolicySet()
	for _, f := range files {
		src, err := os.ReadFile(filepath.Join("testdata", "valid", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := ps.AddFile(f, src); err != nil {
			t.Fatal(err)
		}
	}
	return ps
}

func TestAuthorize(t *testing.T) {
	refund := "RefundTool___process_refund"
	for _, tc := range []struct {
		name      string
		auth      Auth
		files     []string
		req       Request
		allow     bool
		determine string
	}{
		{"refund under 500", AuthOAuth, []string{"refund_under_500.cedar"}, Request{PrincipalID: "u1", Tags: map[string]string{"username": "refund-agent"}, Tool: refund, Input: []byte(`{"orderId":"1","amount":450}`)}, true, "refund_under_500.cedar:2:1"},
		{"refund of 500", AuthOAuth, []string{"refund_under_500.cedar"}, Request{PrincipalID: "u1", Tags: map[string]string{"username": "refund-agent"}, Tool: refund, Input: []byte(`{"orderId":"1","amount":500}`)}, false, ""},
		{"other user", AuthOAuth, []string{"refund_under_500.cedar"}, Request{PrincipalID: "u2", Tags: map[string]string{"username": "intern"}, Tool: refund, Input: []byte(`{"orderId":"1","amount":5}`)}, false, ""},
		{"no tags", AuthOAuth, []string{"refund_under_500.cedar"}, Request{PrincipalID: "u2", Tool: refund, Input: []byte(`{"orderId":"1","amount":5}`)}, false, ""},
		{"admin", AuthOAuth, []string{"role_based.cedar"}, Request{PrincipalID: "a", Tags: map[string]string{"role": "admin"}, Tool: refund, Input: []byte(`{"orderId":"1","amount":9000}`)}, true, "role_based.cedar:2:1"},
		{"forbid wins", AuthOAuth, []string{"role_based.cedar"}, Request{PrincipalID: "a", Tags: map[string]string{"role": "admin"}, Tool: refund, Input: []byte(`{"orderId":"1","amount":1,"reason":"test"}`)}, false, "role_based.cedar:20:1"},
		{"reader", AuthOAuth, []string{"role_based.cedar"}, Request{PrincipalID: "r", Tags: map[string]string{"scope": "refund:read other"}, Tool: "RefundTool___get_refund_status", Input: []byte(`{"refundId":"r1"}`)}, true, "role_based.cedar:11:1"},
		{"iam role", AuthIAM, []string{"iam_patterns.cedar"}, Request{PrincipalID: "arn:aws:iam::123456789012:role/RefundAgentProd", Tool: refund, Input: []byte(`{"orderId":"1","amount":1}`)}, true, "iam_patterns.cedar:2:1"},
		{"iam other role", AuthIAM, []string{"iam_patterns.cedar"}, Request{PrincipalID: "arn:aws:iam::123456789012:role/Other", Tool: refund, Input: []byte(`{"orderId":"1","amount":1}`)}, false, ""},
		{"iam other target", AuthIAM, []string{"iam_patterns.cedar"}, Request{PrincipalID: "arn:aws:iam::123456789012:role/RefundAgentProd", Tool: "InsuranceAPI___list_claims"}, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := NewValidator(testGateway(t, tc.auth))
			if err != nil {
				t.Fatal(err)
			}
			d, err := v.Authorize(loadSet(t, tc.files...), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if d.Allow != tc.allow || len(d.Errors) > 0 {
				t.Fatalf("allow = %v (errors %v), want %v", d.Allow, d.Errors, tc.allow)
			}
			got := ""
			if len(d.Determining) > 0 {
				got = d.Determining[0].ID
			}
			if got != tc.determine {
				t.Errorf("determining = %q, want %q", got, tc.determine)
			}
		})
	}
}

func TestAuthorizeBadRequest(t *testing.T) {
	v, err := NewValidator(testGateway(t, AuthOAuth))
	if err != nil {
		t.Fatal(err)
	}
	ps := loadSet(t, "refund_under_500.cedar")
	for _, tc := range []struct{ name, tool, input string }{
		{"unknown tool", "RefundTool__process_refund", `{}`},
		{"missing required", "RefundTool___process_refund", `{"amount":1}`},
		{"wrong type", "RefundTool___process_refund", `{"orderId":"1","amount":"1"}`},
		{"not an object", "RefundTool___process_refund", `[1]`},
		{"not JSON", "RefundTool___process_refund", `{`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := v.Authorize(ps, Request{PrincipalID: "u", Tool: tc.tool, Input: []byte(tc.input)})
			if !errors.Is(err, ErrRequest) {
				t.Errorf("want ErrRequest, got %v", err)
			}
		})
	}
}

func TestDecimalInput(t *testing.T) {
	g := testGateway(t, AuthOAuth)
	v, _ := NewValidator(g)
	ps := NewPolicySet()
	policy := `permit(principal, action == AgentCore::Action::"InsuranceAPI___get_policy", resource == AgentCore::Gateway::"` + testGatewayARN + `") when { context.input.premium.lessThan(decimal("100.5")) };`
	if err := ps.AddFile("d.cedar", []byte(policy)); err != nil {
		t.Fatal(err)
	}
	if ds := v.Validate(ps); len(ds) > 0 {
		t.Fatalf("policy: %v", ds)
	}
	in := `{"policyId":"p","count":1,"active":true,"holder":{"name":"n"},"coverages":["auto"],"premium":%s}`
	for _, tc := range []struct {
		premium string
		allow   bool
	}{{"100.49999", true}, {"100.5", false}, {"1e2", true}, {"-3", true}} {
		d, err := v.Authorize(ps, Request{PrincipalID: "u", Tool: "InsuranceAPI___get_policy", Input: []byte(sprintf(in, tc.premium))})
		if err != nil || d.Allow != tc.allow {
			t.Errorf("premium %s: allow = %v, err %v; want %v", tc.premium, d.Allow, err, tc.allow)
		}
	}
}
