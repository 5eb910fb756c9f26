package agentcorepolicy

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/diag"
)

const testGatewayARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/refunds-gw-abc123"

// testGateway is the refund gateway of AWS's examples, plus a second target
// with every JSON Schema type.
func testGateway(t testing.TB, auth Auth) *Gateway {
	t.Helper()
	g := &Gateway{ARN: testGatewayARN, Auth: auth}
	for _, m := range []struct{ target, file string }{{"RefundTool", "refund_tools.json"}, {"InsuranceAPI", "insurance_tools.json"}} {
		src, err := os.ReadFile(filepath.Join("testdata", m.file))
		if err != nil {
			t.Fatal(err)
		}
		tools, err := ReadManifest(m.file, m.target, src)
		if err != nil {
			t.Fatal(err)
		}
		g.Tools = append(g.Tools, tools...)
	}
	return g
}

func validateFile(t *testing.T, g *Gateway, file string) diag.List {
	t.Helper()
	v, err := NewValidator(g)
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	ps := NewPolicySet()
	if err := ps.AddFile(file, src); err != nil {
		t.Fatal(err)
	}
	return v.Validate(ps)
}

// TestValidExamples: AWS's documented example policies validate clean.
func TestValidExamples(t *testing.T) {
	for _, tc := range []struct {
		file string
		auth Auth
	}{
		{"refund_under_500.cedar", AuthOAuth},
		{"role_based.cedar", AuthOAuth},
		{"iam_patterns.cedar", AuthIAM},
	} {
		t.Run(tc.file, func(t *testing.T) {
			if ds := validateFile(t, testGateway(t, tc.auth), filepath.Join("testdata", "valid", tc.file)); len(ds) > 0 {
				t.Errorf("want no findings, got\n%v", ds)
			}
		})
	}
}

// TestInvalid: each file under testdata/invalid breaks one rule and says
// on its first line which finding it expects, where, and the suggestion:
// "// expect: CODE LINE:COLUMN [SUGGESTION]".
func TestInvalid(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "invalid", "*.cedar"))
	if len(files) < 10 {
		t.Fatalf("found %d invalid policies", len(files))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, _ := os.ReadFile(file)
			first, _, _ := strings.Cut(string(src), "\n")
			want := strings.Fields(strings.TrimPrefix(first, "// expect: "))
			ds := validateFile(t, testGateway(t, AuthOAuth), file)
			if len(ds) == 0 {
				t.Fatalf("want %v, got no findings", want)
			}
			if len(ds) != 1 {
				t.Errorf("want one finding, got %d:\n%v", len(ds), ds)
			}
			d := ds[0]
			got := []string{d.Code, fmt.Sprintf("%d:%d", d.Pos.Line, d.Pos.Column)}
			if d.Suggestion != "" {
				got = append(got, d.Suggestion)
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("want %v, got %v (all: %v)", want, got, ds)
			}
		})
	}
}

func TestIAMGatewayRules(t *testing.T) {
	g := testGateway(t, AuthIAM)
	v, err := NewValidator(g)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, policy, code string }{
		{"tags", `permit(principal is AgentCore::IamEntity, action == AgentCore::Action::"RefundTool___process_refund", resource == AgentCore::Gateway::"` + testGatewayARN + `") when { principal.hasTag("role") };`, CodePrincipalTagsIAM},
		{"oauth principal", `permit(principal is AgentCore::OAuthUser, action, resource is AgentCore::Gateway);`, CodeWrongPrincipalType},
		{"attribute", `permit(principal, action, resource is AgentCore::Gateway) when { principal.arn like "*" };`, CodePrincipalAttribute},
		{"other gateway", `permit(principal, action == AgentCore::Action::"RefundTool___process_refund", resource == AgentCore::Gateway::"arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/other");`, CodeOtherGateway},
		{"permissive", `permit(principal, action, resource is AgentCore::Gateway);`, CodeOverlyPermissive},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps := NewPolicySet()
			if err := ps.AddFile("p.cedar", []byte(tc.policy)); err != nil {
				t.Fatal(err)
			}
			ds := v.Validate(ps)
			if !slices.ContainsFunc(ds, func(d diag.Diagnostic) bool { return d.Code == tc.code }) {
				t.Errorf("want %s, got %v", tc.code, ds)
			}
		})
	}
}

func TestSyntaxError(t *testing.T) {
	err := NewPolicySet().AddFile("bad.cedar", []byte("permit(principal, action, resource)\nwhen { context.input.a < };"))
	var d diag.Diagnostic
	if !errorsAs(err, &d) || d.Code != CodeSyntaxError || d.Pos.Line != 2 {
		t.Fatalf("want a syntax-error on line 2, got %v", err)
	}
}
