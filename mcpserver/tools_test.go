package mcpserver

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/lint/report"
	"github.com/agentiam/agentiam/render"
	"github.com/agentiam/agentiam/rolegen"
	"github.com/agentiam/agentiam/verify"
)

func TestLookupActions(t *testing.T) {
	cs := connect(t)
	tests := []struct {
		pattern  string
		limit    int
		want     string // an action that must be listed
		unknown  string // a did-you-mean that must be offered
		maxCount int
	}{
		{"s3:GetObject", 0, "s3:GetObject", "", 1},
		{"bedrock-agentcore:*Memory* s3:getobject", 0, "bedrock-agentcore:CreateMemory", "", 0},
		{"agentcore create memory", 0, "bedrock-agentcore:CreateMemory", "", 0},
		{"bedrock-agentcore:InvokeAgent", 0, "", "bedrock-agentcore:InvokeAgentRuntime", 0},
		{"s3:Get*", 3, "", "", 3},
	}
	for _, tt := range tests {
		var out LookupActionsOutput
		if text, isErr := call(t, cs, "lookup_actions", map[string]any{"pattern": tt.pattern, "limit": tt.limit}, &out); isErr {
			t.Fatalf("%q: tool error %s", tt.pattern, text)
		}
		if tt.maxCount > 0 && len(out.Actions) != tt.maxCount {
			t.Errorf("%q: %d actions, want %d", tt.pattern, len(out.Actions), tt.maxCount)
		}
		if tt.maxCount > 0 && out.Matched < tt.maxCount {
			t.Errorf("%q: matched %d", tt.pattern, out.Matched)
		}
		if tt.want != "" {
			found := false
			for _, a := range out.Actions {
				if a.Action == tt.want {
					found = true
					if a.AccessLevel == "" || a.ResourceTypes == nil || len(a.ConditionKeys) == 0 {
						t.Errorf("%q: %s without access level, resource types or condition keys: %+v", tt.pattern, a.Action, a)
					}
				}
			}
			if !found {
				t.Errorf("%q: %s not listed in %d actions", tt.pattern, tt.want, len(out.Actions))
			}
		}
		if tt.unknown != "" && (len(out.Unknown) != 1 || out.Unknown[0].Suggestion != tt.unknown) {
			t.Errorf("%q: unknown %+v, want did you mean %s", tt.pattern, out.Unknown, tt.unknown)
		}
	}
	var out LookupActionsOutput
	if text, isErr := call(t, cs, "lookup_actions", map[string]any{"pattern": "s3:"}, &out); !isErr || !strings.Contains(text, "service:Action") {
		t.Errorf("pattern s3: = %v %q, want a tool error", isErr, text)
	}
}

const allowGet = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}`

func TestSimulate(t *testing.T) {
	cs := connect(t)
	one := map[string]any{
		"principal": "arn:aws:iam::111122223333:role/app", "action": "s3:GetObject", "resource": "arn:aws:s3:::bucket/key",
		"identityPolicies": []json.RawMessage{json.RawMessage(allowGet)}, "explain": true,
	}
	var out simulateOutput
	if text, isErr := call(t, cs, "simulate", one, &out); isErr {
		t.Fatalf("tool error %s", text)
	}
	if len(out.Results) != 1 || out.Results[0].Decision != "Allowed" || out.Results[0].ID != "1" || !strings.Contains(string(out.Results[0].Explain), `"applied":true`) || out.Results[0].Reason == "" {
		t.Errorf("one request: %+v", out.Results)
	}
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`
	list := map[string]any{"requests": []map[string]any{
		{"id": "a", "principal": "arn:aws:iam::111122223333:role/app", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "identityPolicies": []json.RawMessage{json.RawMessage(allowGet)}},
		{"id": "b", "principal": "arn:aws:iam::111122223333:role/app", "action": "s3:PutObject", "resource": "arn:aws:s3:::b/k", "identityPolicies": []json.RawMessage{json.RawMessage(allowGet)}},
		{"id": "c", "principal": "arn:aws:iam::111122223333:role/app", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "identityPolicies": []json.RawMessage{json.RawMessage(allowGet)}, "scps": [][]json.RawMessage{{json.RawMessage(deny)}}},
		{"id": "d", "principal": "arn:aws:iam::111122223333:role/app", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "identityPolicies": []json.RawMessage{json.RawMessage(`{"Statement":[{"Effect":"Permit","Action":"s3:GetObject","Resource":"*"}]}`)}},
	}}
	out = simulateOutput{}
	if text, isErr := call(t, cs, "simulate", list, &out); isErr {
		t.Fatalf("tool error %s", text)
	}
	want := map[string]string{"a": "Allowed", "b": "ImplicitlyDenied", "c": "ExplicitlyDenied", "d": "Error"}
	if len(out.Results) != len(want) {
		t.Fatalf("%d results, want %d", len(out.Results), len(want))
	}
	for _, r := range out.Results {
		if r.Decision != want[r.ID] {
			t.Errorf("%s: %s (%s%s), want %s", r.ID, r.Decision, r.Reason, r.Error, want[r.ID])
		}
		if len(r.Explain) > 0 {
			t.Errorf("%s: a trace without explain", r.ID)
		}
	}
	if e := out.Results[3].Error; !strings.Contains(e, "Permit") || !strings.HasPrefix(e, "identityPolicies[0]:1:25: ") {
		t.Errorf("d: error %q does not name the bad Effect", e)
	}
	for _, tt := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{}, "no request"},
		{map[string]any{"principal": "p", "action": "s3:GetObject", "resource": "*", "requests": list["requests"]}, "not both"},
		{map[string]any{"principal": "arn:aws:iam::111122223333:role/app", "action": "s3:GetObject"}, `missing field "resource"`},
		{map[string]any{"principal": "arn:aws:iam::111122223333:role/app", "action": "s3:GetObject", "resource": "*",
			"scps": [][]json.RawMessage{{json.RawMessage(allowGet), json.RawMessage("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Allow\", \"Action\": 3}\n}")}}}, "scps[0][1]:1:64: Action must be"},
	} {
		if text, isErr := call(t, cs, "simulate", tt.args, &out); !isErr || !strings.Contains(text, tt.want) {
			t.Errorf("simulate %v: %v %q, want a tool error saying %q", tt.args, isErr, text, tt.want)
		}
	}
}

// simulateOutput is SimulateOutput as a client reads it: the trace
// stays JSON (eval.Decision only marshals).
type simulateOutput struct {
	Results []struct {
		ID, Decision, Reason, Error string
		Explain                     json.RawMessage
	}
}

const exampleSpec = "../examples/agentiam.yaml"

func TestGenerate(t *testing.T) {
	cs := connect(t)
	dir := filepath.Join(t.TempDir(), "iam")
	spec, err := os.ReadFile(exampleSpec)
	if err != nil {
		t.Fatal(err)
	}
	var fromPath, fromText GenerateOutput
	if text, isErr := call(t, cs, "generate", map[string]any{"path": exampleSpec}, &fromPath); isErr {
		t.Fatalf("tool error %s", text)
	}
	if text, isErr := call(t, cs, "generate", map[string]any{"spec": string(spec), "format": "tf", "output_dir": dir}, &fromText); isErr {
		t.Fatalf("tool error %s", text)
	}
	if fromPath.Format != "json" || !json.Valid([]byte(fromPath.Plan)) || fromPath.Written != "" {
		t.Errorf("json: format %q, valid %v, written %q", fromPath.Format, json.Valid([]byte(fromPath.Plan)), fromPath.Written)
	}
	v := fromPath.Verification
	if !v.Passed || len(v.Subjects) == 0 || v.Summary.RequiredDenied+v.Summary.ForbiddenAllowed != 0 {
		t.Errorf("verification %+v", v)
	}
	for _, s := range v.Subjects {
		if s.Status != "verified" || s.Name == "" {
			t.Errorf("subject %+v", s)
		}
	}
	written, err := os.ReadFile(filepath.Join(dir, render.Terraform.FileName()))
	if err != nil || string(written) != fromText.Plan || !strings.Contains(fromText.Plan, `resource "aws_iam_role"`) {
		t.Errorf("terraform: written %s (%v), %d bytes returned", fromText.Written, err, len(fromText.Plan))
	}
}

func TestGenerateErrors(t *testing.T) {
	cs := connect(t)
	var out GenerateOutput
	for _, tt := range []struct {
		args map[string]any
		want []string
	}{
		{map[string]any{"spec": "version: 1\naccount: \"123456789012\"\nregion: us-west-2\nagents:\n  bot:\n    type: agentcore\n    modles: [x]\n"},
			[]string{"<spec>:7:5: error", "did you mean models?", "<spec> is not a valid spec"}},
		{map[string]any{}, []string{"the spec is missing"}},
		{map[string]any{"path": exampleSpec, "format": "hcl"}, []string{`unsupported format "hcl"`}},
		{map[string]any{"path": exampleSpec, "variables": true}, []string{"variables apply to terraform and cloudformation"}},
		{map[string]any{"path": "/nonexistent/agentiam.yaml"}, []string{"/nonexistent/agentiam.yaml"}},
	} {
		text, isErr := call(t, cs, "generate", tt.args, &out)
		if !isErr {
			t.Errorf("generate %v: no tool error", tt.args)
		}
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("generate %v: %q does not say %q", tt.args, text, w)
			}
		}
	}
}

// verifyOutput is VerifyOutput as a client reads it.
type verifyOutput struct {
	Passed   bool
	Summary  verify.Summary
	Subjects []struct {
		Name, Status string
		Results      []json.RawMessage
	}
}

func TestVerify(t *testing.T) {
	cs := connect(t)
	var short, verbose verifyOutput
	if text, isErr := call(t, cs, "verify", map[string]any{"path": exampleSpec}, &short); isErr {
		t.Fatalf("tool error %s", text)
	}
	if text, isErr := call(t, cs, "verify", map[string]any{"path": exampleSpec, "verbose": true}, &verbose); isErr {
		t.Fatalf("tool error %s", text)
	}
	for _, out := range []verifyOutput{short, verbose} {
		if !out.Passed || len(out.Subjects) == 0 || out.Summary.RequiredAllowed == 0 || out.Summary.ForbiddenDenied == 0 {
			t.Errorf("verify: passed %v, summary %+v", out.Passed, out.Summary)
		}
	}
	n := 0
	for i := range short.Subjects {
		if short.Subjects[i].Status != "verified" || len(short.Subjects[i].Results) != 0 {
			t.Errorf("%s: %s with %d results, want verified and no failure listed", short.Subjects[i].Name, short.Subjects[i].Status, len(short.Subjects[i].Results))
		}
		n += len(verbose.Subjects[i].Results)
	}
	if n != verbose.Summary.Requests {
		t.Errorf("verbose: %d results, want every request (%d)", n, verbose.Summary.Requests)
	}
	var out verifyOutput
	if text, isErr := call(t, cs, "verify", map[string]any{"path": exampleSpec, "authorization_details": "/nonexistent/auth.json"}, &out); !isErr || !strings.Contains(text, "/nonexistent/auth.json") {
		t.Errorf("missing authorization details: %v %q", isErr, text)
	}
}

const refundGateway = "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/refunds-gw-abc123"

func TestCedarValidate(t *testing.T) {
	cs := connect(t)
	tools, err := os.ReadFile("../agentcorepolicy/testdata/refund_tools.json")
	if err != nil {
		t.Fatal(err)
	}
	bad, err := os.ReadFile("../agentcorepolicy/testdata/invalid/context_not_input.cedar")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args map[string]any
		file string
	}{
		{map[string]any{"gateway": refundGateway, "targets": []map[string]any{{"name": "RefundTool", "tools": string(tools)}}, "policy": string(bad)}, cedarName},
		{map[string]any{"gateway": refundGateway, "targets": []map[string]any{{"name": "RefundTool", "path": "../agentcorepolicy/testdata/refund_tools.json"}},
			"paths": []string{"../agentcorepolicy/testdata/invalid/context_not_input.cedar", "../agentcorepolicy/testdata/valid/refund_under_500.cedar"}}, "../agentcorepolicy/testdata/invalid/context_not_input.cedar"},
	} {
		var rep report.Report
		if text, isErr := call(t, cs, "cedar_validate", tt.args, &rep); isErr {
			t.Fatalf("tool error %s", text)
		}
		if len(rep.Diagnostics) != 1 {
			t.Fatalf("%d findings, want 1: %+v", len(rep.Diagnostics), rep.Diagnostics)
		}
		d := rep.Diagnostics[0]
		if d.Code != "context-not-input" || d.File != tt.file || d.Line != 7 || d.Column != 11 {
			t.Errorf("finding %+v, want context-not-input at %s:7:11", d, tt.file)
		}
	}
	for _, tt := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"gateway": "", "targets": []map[string]any{}, "policy": "x"}, "gateway (its ARN) is required"},
		{map[string]any{"gateway": refundGateway, "targets": []map[string]any{}, "policy": "x"}, "targets are required"},
		{map[string]any{"gateway": refundGateway, "targets": []map[string]any{{"name": "RefundTool", "tools": string(tools)}}}, "the policies are missing"},
		{map[string]any{"gateway": refundGateway, "auth": "saml", "targets": []map[string]any{{"name": "RefundTool", "tools": string(tools)}}, "policy": "x"}, "saml"},
		{map[string]any{"gateway": refundGateway, "targets": []map[string]any{{"name": "RefundTool", "tools": "{\"tools\": 1}"}}, "policy": "x"}, "<RefundTool tools>:1:"},
	} {
		var rep report.Report
		if text, isErr := call(t, cs, "cedar_validate", tt.args, &rep); !isErr || !strings.Contains(text, tt.want) {
			t.Errorf("cedar_validate %v: %v %q, want a tool error saying %q", tt.args, isErr, text, tt.want)
		}
	}
}

func TestExplainDenied(t *testing.T) {
	cs := connect(t)
	msg := "User: arn:aws:sts::123456789012:assumed-role/AmazonBedrockAgentCoreSDKRuntime-us-west-2-bfae032411/s1 is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0 because no identity-based policy allows the bedrock:InvokeModel action"
	var plain, withSpec explainView
	if text, isErr := call(t, cs, "explain_denied", map[string]any{"message": msg}, &plain); isErr {
		t.Fatalf("tool error %s", text)
	}
	if plain.Action != "bedrock:InvokeModel" || plain.Person || plain.Confirmation != nil || !strings.Contains(string(plain.Fix.Document), "bedrock:InvokeModel") {
		t.Errorf("without a spec: %+v", plain)
	}
	if text, isErr := call(t, cs, "explain_denied", map[string]any{"message": msg, "path": exampleSpec}, &withSpec); isErr {
		t.Fatalf("tool error %s", text)
	}
	if withSpec.Confirmation == nil || !withSpec.Confirmation.Confirmed {
		t.Errorf("with the spec: confirmation %+v", withSpec.Confirmation)
	}
	if withSpec.SpecChange == nil || !strings.Contains(withSpec.SpecChange.Text, "agents.support_bot.models") {
		t.Errorf("with the spec: spec change %+v", withSpec.SpecChange)
	}
	for _, tt := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"message": "it failed"}, "AccessDenied"},
		{map[string]any{"message": " "}, "message is empty"},
		{map[string]any{"message": msg, "policies": []string{"{\"Version\": \"2012-10-17\",\n \"Statement\": 3}"}}, "<policies[0]>:2:"},
	} {
		var v explainView
		if text, isErr := call(t, cs, "explain_denied", tt.args, &v); !isErr || !strings.Contains(text, tt.want) {
			t.Errorf("explain_denied %v: %v %q, want a tool error saying %q", tt.args, isErr, text, tt.want)
		}
	}
}

// explainView is accessdenied.View as a client reads it.
type explainView struct {
	Action, PrincipalKind string
	Person                bool
	Fix                   struct{ Document json.RawMessage }
	Confirmation          *struct{ Confirmed bool }
	SpecChange            *struct{ Text string }
}

func TestProve(t *testing.T) {
	cs := connect(t)
	narrow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`
	wide := `{"Version":"2012-10-17","Statement":[{"Sid":"Wide","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}]}`
	for _, tt := range []struct {
		args    map[string]any
		result  string
		counter bool
	}{
		{map[string]any{"old": []string{wide}, "new": []string{narrow}}, "PASS", false},
		{map[string]any{"old": []string{narrow}, "new": []string{wide}, "max_counterexamples": 1}, "FAIL", true},
		{map[string]any{"old": []string{narrow}, "new": []string{wide}, "equivalent": true}, "FAIL", true},
		{map[string]any{"new": []string{narrow}, "not_granted": []string{"s3:PutObject"}}, "PASS", false},
		{map[string]any{"new": []string{wide}, "not_granted": []string{"s3:GetObjectAcl"}}, "FAIL", true},
		// Within a boundary that allows GetObject only, the wide policy
		// grants what the narrow one does; a wider boundary lets it grant more.
		{map[string]any{"old": []string{narrow}, "new": []string{wide}, "new_boundary": narrow}, "PASS", false},
		{map[string]any{"old": []string{wide}, "new": []string{wide}, "old_boundary": narrow, "new_boundary": wide}, "FAIL", true},
	} {
		var out proveOutput
		if text, isErr := call(t, cs, "prove", tt.args, &out); isErr {
			t.Fatalf("prove %v: tool error %s", tt.args, text)
		}
		if out.Result != tt.result || (len(out.Counterexamples) > 0) != tt.counter || out.Type != "identity" {
			t.Errorf("prove %v: %s (%s) with %d counterexamples", tt.args, out.Result, out.Type, len(out.Counterexamples))
		}
		if tt.args["max_counterexamples"] == 1 && len(out.Counterexamples) != 1 {
			t.Errorf("max_counterexamples 1: %d", len(out.Counterexamples))
		}
	}
	for _, tt := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"old": []string{narrow}}, "the new policies are missing"},
		{map[string]any{"new": []string{narrow}, "old": []string{"{\n  \"Statement\": 1\n}"}}, "<old[0]>:2:"},
		{map[string]any{"new": []string{narrow}, "not_granted": []string{"s3:PutObject"}, "old": []string{narrow}}, "not_granted takes the new policies alone"},
		{map[string]any{"new": []string{narrow}, "old": []string{narrow}, "new_boundary": narrow, "new_boundary_path": "b.json"}, "as text or as paths, not both"},
		{map[string]any{"new": []string{narrow}, "old": []string{narrow}, "type": "scp", "old_boundary": narrow}, "a permissions boundary bounds identity policies"},
		{map[string]any{"new": []string{narrow}, "old": []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`}}, "give type"},
	} {
		var out proveOutput
		if text, isErr := call(t, cs, "prove", tt.args, &out); !isErr || !strings.Contains(text, tt.want) {
			t.Errorf("prove %v: %v %q, want a tool error saying %q", tt.args, isErr, text, tt.want)
		}
	}
}

// proveOutput is prove.Output as a client reads it.
type proveOutput struct {
	Result, Type    string
	Counterexamples []json.RawMessage
}

// TestGenerateRejected: a plan the verification rejects is a tool error,
// and nothing is returned or written.
func TestGenerateRejected(t *testing.T) {
	old := gate
	t.Cleanup(func() { gate = old })
	gate = func(*rolegen.Plan) (*verify.Report, error) {
		return nil, &verify.GateError{Failures: []string{"role X: required request denied: s3:GetObject on arn:aws:s3:::b/k (read)"}, Total: 1}
	}
	cs := connect(t)
	dir := filepath.Join(t.TempDir(), "iam")
	var out GenerateOutput
	text, isErr := call(t, cs, "generate", map[string]any{"path": exampleSpec, "output_dir": dir}, &out)
	if !isErr || !strings.Contains(text, "failed verification, nothing returned: 1 failures") || !strings.Contains(text, "s3:GetObject on arn:aws:s3:::b/k") {
		t.Errorf("rejected plan: %v %q", isErr, text)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("output_dir was created for a rejected plan: %v", err)
	}
}
