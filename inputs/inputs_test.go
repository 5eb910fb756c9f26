package inputs_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/inputs"
	"github.com/agentiam/agentiam/lint"
	"github.com/agentiam/agentiam/policy"
)

// sizeOf names the size class the way the tables below do: "inline" or
// "managed" for an identity policy, "" for the other kinds.
func sizeOf(d inputs.Document) string {
	switch {
	case d.Kind != policy.Identity:
		return ""
	case d.Managed:
		return "managed"
	}
	return "inline"
}

func TestExtractPlan(t *testing.T) {
	src, err := os.ReadFile("../lint/report/testdata/in/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	targets, err := inputs.Read("plan.json", src)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tg := range targets {
		line := fmt.Sprintf("%s %s/%s", tg.Address, tg.Kind, sizeOf(tg))
		if tg.Pending != inputs.Known {
			line += " (pending)"
		}
		got = append(got, line)
	}
	want := []string{
		"aws_iam_role.agent.assume_role_policy trust/",
		"aws_iam_role.agent.inline_policy[0].policy identity/inline",
		"aws_iam_role_policy.invoke.policy identity/inline",
		"module.platform.aws_iam_policy.deployer.policy identity/managed",
		"module.platform.aws_s3_bucket_policy.kb.policy resource/",
		"aws_iam_role_policy.kb.policy identity/inline (pending)",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, tg := range targets {
		if tg.Pending != inputs.Known {
			continue // no document, so no origin
		}
		// Origin is the plan's encoded string of the document.
		var s string
		if !tg.Origin.IsValid() || json.NewDecoder(bytes.NewReader(src[tg.Origin.Offset:])).Decode(&s) != nil || s != string(tg.Src) {
			t.Errorf("%s: origin %v does not hold the document", tg.Address, tg.Origin)
		}
	}
	if _, err := inputs.Read("bad.json", []byte(`{"format_version": "1.2", "planned_values": [`)); !errors.Is(err, inputs.ErrPlan) {
		t.Errorf("truncated plan: %v", err)
	}
	// A policy is not taken for a plan.
	if ts, err := inputs.Read("p.json", []byte(`{"Statement": []}`)); err != nil || len(ts) != 1 || ts[0].Address != "" {
		t.Errorf("policy: %v %v", ts, err)
	}
}

// TestExtractAgentPlan: every document of an agentiam plan is linted
// with the type its place in the plan gives it, under an address that
// names it, and its findings are at their tokens in the plan file.
func TestExtractAgentPlan(t *testing.T) {
	src, err := os.ReadFile("../lint/report/testdata/in/agentiam-plan.json")
	if err != nil {
		t.Fatal(err)
	}
	targets, err := inputs.Read("plan.json", src)
	if err != nil {
		t.Fatal(err)
	}
	const role = "roles[AmazonBedrockAgentCoreSDKRuntime-us-west-2-bfae032411]"
	var got []string
	for _, tg := range targets {
		got = append(got, fmt.Sprintf("%s %s/%s", tg.Address, tg.Kind, sizeOf(tg)))
		if !tg.InFile || tg.Origin.Offset >= tg.End || src[tg.Origin.Offset] != '{' || src[tg.End-1] != '}' {
			t.Errorf("%s: span %d-%d is not the document", tg.Address, tg.Origin.Offset, tg.End)
		}
	}
	want := []string{
		role + ".trustPolicy trust/",
		role + ".inlinePolicies[Invoke] identity/inline",
		role + ".managedPolicies[Overflow] identity/managed",
		"resourcePolicies[arn:aws:lambda:us-west-2:123456789012:function:faq-actions] resource/",
		"callerPolicies[agentiam-deployer] identity/managed",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Each finding is at its token in the file, line and column included
	// (the trust policy starts mid-line, so its first line is shifted).
	wantAt := map[string]string{
		lint.CodeAgentTrustMissingSourceArn: `"bedrock-agentcore.amazonaws.com"`,
		lint.CodeUnknownAction:              `"bedrock-agentcore:InvokeAgent"`,
		lint.CodeDataAccessOnStar:           `"s3:GetObject"`,
		lint.CodeMissingConfusedDeputy:      `"bedrock.amazonaws.com"`,
		lint.CodePassRoleOnStar:             `"iam:PassRole"`,
		lint.CodePassRoleWithoutService:     `"iam:PassRole"`,
	}
	seen := map[string]bool{}
	for _, tg := range targets {
		for _, d := range lint.Run(tg, lint.Options{}).Diags {
			seen[d.Code] = true
			at, ok := wantAt[d.Code]
			if !ok {
				t.Errorf("%s: unexpected %v", tg.Address, d)
				continue
			}
			off := tg.Origin.Offset + bytes.Index(src[tg.Origin.Offset:], []byte(at))
			line := 1 + bytes.Count(src[:off], []byte("\n"))
			col := off - bytes.LastIndexByte(src[:off], '\n')
			if d.Pos != (diag.Pos{Line: line, Column: col, Offset: off}) || d.End.Offset != off+len(at) || d.End.Line != line {
				t.Errorf("%s: %s at %+v-%+v, want %d:%d (offset %d) to %d", tg.Address, d.Code, d.Pos, d.End, line, col, off, off+len(at))
			}
		}
	}
	if len(seen) != len(wantAt) {
		t.Errorf("reported %v, want every code of %v", seen, wantAt)
	}
}

func TestAgentPlanShapes(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`
	for _, tt := range []struct {
		name, src string
		want      string // addresses, or the error
	}{
		{"empty plan", `{"version": 1, "roles": [], "resourcePolicies": [], "callerPolicies": []}`, ""},
		{"names repeated or missing", `{"version": 1, "roles": [{"name": "r", "trustPolicy": null, "inlinePolicies": [{"name": "p", "document": ` + doc + `}, {"name": "p", "document": ` + doc + `}, {"document": ` + doc + `}]}], "callerPolicies": [{"name": "c", "document": ` + doc + `}, {"name": "d"}]}`,
			"roles[r].inlinePolicies[0] roles[r].inlinePolicies[1] roles[r].inlinePolicies[2] callerPolicies[c]"},
		{"keys in any order", `{"roles": [{"inlinePolicies": [{"document": ` + doc + `, "name": "p"}], "name": "r"}], "version": 1}`, "roles[r].inlinePolicies[p]"},
		{"a document that is not an object is linted", `{"version": 1, "callerPolicies": [{"name": "c", "document": "{}"}]}`, "callerPolicies[c]"},
		{"truncated", `{"version": 1, "roles": [{"name": "r", "trustPolicy": {`, "invalid agentiam plan JSON: p.json:1:56: unexpected end of input"},
		{"trailing comma", "{\"version\": 1,\n \"roles\": [],\n}", "invalid agentiam plan JSON: p.json:3:1: unexpected '}' after ','"},
		{"another value", `{"version": 1, "roles": []} {}`, "invalid agentiam plan JSON: p.json:1:29: another JSON value after the plan"},
		{"newer version", `{"version": 2, "roles": []}`, "invalid agentiam plan: p.json:1:13: version 2; this agentiam reads version 1 plans"},
		{"roles not a list", `{"version": 1, "roles": {"name": "r"}}`, "invalid agentiam plan: p.json:1:25: roles is an object, not an array"},
		{"element not an object", `{"version": 1, "callerPolicies": ["x"]}`, "invalid agentiam plan: p.json:1:35: an element of callerPolicies is a string, not an object"},
		// Decoded with the structs render/json writes, every field is typed.
		{"name not a string", `{"version": 1, "roles": [{"name": 5}]}`, "invalid agentiam plan: p.json:1:35: name is a number, not a string"},
		{"tags not an object", "{\"version\": 1,\n \"roles\": [{\"name\": \"r\", \"tags\": []}]}", "invalid agentiam plan: p.json:2:34: tags is an array, not an object"},
	} {
		targets, err := inputs.Read("p.json", []byte(tt.src))
		var got []string
		if err != nil {
			if !errors.Is(err, inputs.ErrAgentPlan) {
				t.Errorf("%s: %v does not wrap inputs.ErrAgentPlan", tt.name, err)
			}
			got = append(got, err.Error())
		}
		for _, tg := range targets {
			got = append(got, tg.Address)
		}
		if g := strings.Join(got, " "); !strings.HasPrefix(g, tt.want) || tt.want == "" && g != "" {
			t.Errorf("%s: got %q, want %q", tt.name, g, tt.want)
		}
	}
	// Documents that only look like plans are linted as policies.
	for _, src := range []string{
		`{"version": 1, "roles": [], "Statement": []}`,
		`{"version": "1", "roles": []}`,
		`{"version": 1, "roles2": []}`,
		`[{"version": 1, "roles": []}]`,
	} {
		if ts, err := inputs.Read("p.json", []byte(src)); err != nil || len(ts) != 1 || ts[0].Address != "" || ts[0].InFile {
			t.Errorf("%s: %+v %v", src, ts, err)
		}
	}
}

// FuzzExtract: any file, plan-like or not, gives its policy documents or
// an error wrapping inputs.ErrPlan or inputs.ErrAgentPlan, never a panic, and every
// document lints.
func FuzzExtract(f *testing.F) {
	if src, err := os.ReadFile("../lint/report/testdata/in/plan.json"); err == nil {
		f.Add(src)
	}
	f.Add([]byte(`{"format_version":"1.2","values":{"root_module":{"resources":[{"address":"aws_iam_policy.p","mode":"managed","type":"aws_iam_policy","values":{"policy":"{\\"Statement\\":[]}"}}]}}}`))
	f.Add([]byte(`{"format_version":"1.0"}`))
	if src, err := os.ReadFile("../lint/report/testdata/in/agentiam-plan.json"); err == nil {
		f.Add(src)
	}
	f.Add([]byte(`{"version":1,"roles":[{"name":"r","trustPolicy":{"Statement":[]},"inlinePolicies":[{"name":"p","document":[]}]}],"callerPolicies":[{"document":{}}]}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		targets, err := inputs.Read("plan.json", src)
		if err != nil {
			if !errors.Is(err, inputs.ErrPlan) && !errors.Is(err, inputs.ErrAgentPlan) && !errors.Is(err, inputs.ErrCLIResponse) {
				t.Fatalf("error %v wraps neither inputs.ErrPlan nor inputs.ErrAgentPlan", err)
			}
			return
		}
		for _, tg := range targets {
			lint.Run(tg, lint.Options{})
		}
	})
}

func TestPlanErrorPosition(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{"{\"format_version\":\"1.2\",\"planned_values\":{\"root_module\":\n  {\"resources\": [1,]}}}", "plan.json:2:20: "},
		{"{\"format_version\":\"1.2\",\"planned_values\":{\"root_module\":\n  {\"resources\": 5}}}", "plan.json:2:17: "},
		{"{\"format_version\":\"1.2\",\"planned_values\":", "plan.json:1:42: "},
	} {
		_, err := inputs.Read("plan.json", []byte(tt.src))
		if !errors.Is(err, inputs.ErrPlan) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: got %v, want %q", tt.src, err, tt.want)
		}
	}
}
