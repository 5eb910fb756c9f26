package lint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/policy"
)

func TestParseConfig(t *testing.T) {
	src := []byte(`other-tool: {anything: 1}
lint:
  fail-on: error
  ignore: [redundant-statement]
  severity:
    wildcard-action-full-service: error
  types:
    - {paths: ["trust/*.json"], type: trust}
    - {paths: ["managed/**"], type: managed}
  exclude: ["fixtures/**"]
  suppress:
    - code: data-access-on-star
      paths: ["legacy/*.json"]
      sid: Read
      reason: accepted until the migration
`)
	cfg, err := ParseConfig("/p/.agentiam.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Dir != "/p" || cfg.FailOn == nil || *cfg.FailOn != diag.Error || len(cfg.Ignore) != 1 ||
		cfg.Severity[CodeWildcardActionFullService] != diag.Error || len(cfg.Types) != 2 || cfg.Types[1].Size != Managed ||
		len(cfg.Suppress) != 1 || cfg.Suppress[0].Reason == "" {
		t.Fatalf("%+v", cfg)
	}
	if o := cfg.optionsFor("/p/trust/a.json", Options{}); o.Type != policy.Trust {
		t.Errorf("trust/a.json: type %q", o.Type)
	}
	if o := cfg.optionsFor("/p/managed/x/y/z.json", Options{}); o.Type != policy.Identity || o.Size != Managed {
		t.Errorf("managed/x/y/z.json: %q %q", o.Type, o.Size)
	}
	if o := cfg.optionsFor("/p/other/a.json", Options{}); o.Type != policy.KindUnknown {
		t.Errorf("other/a.json: type %q", o.Type)
	}
	if !cfg.excluded("/p/fixtures/a/b.json") || cfg.excluded("/p/src/fixtures.json") {
		t.Error("exclude")
	}
	d := diag.Diagnostic{Code: CodeDataAccessOnStar, Sid: "Read"}
	if _, ok := cfg.suppression("/p/legacy/a.json", "", d); !ok {
		t.Error("legacy/a.json not suppressed")
	}
	d.Sid = "Other"
	if _, ok := cfg.suppression("/p/legacy/a.json", "", d); ok {
		t.Error("other Sid suppressed")
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"lint:\n  fail-on: loud\n", "x.yaml:2:12: fail-on: unknown severity"},
		{"lint:\n  ignore: [redundant-statemnt]\n", `x.yaml:2:12: ignore: unknown code "redundant-statemnt" (did you mean redundant-statement?)`},
		{"lint:\n  ignores: []\n", "x.yaml:2:3:"},
		{"lint:\n  suppress:\n    - code: public-principal\n", "x.yaml:3:13: suppress public-principal: a reason is required"},
		{"lint:\n  types:\n    - {paths: [a], type: bucket}\n", `x.yaml:3:26: unknown policy type "bucket"`},
		{"lint:\n  severity: {public-principal: loud}\n", "x.yaml:2:32: severity of public-principal"},
		{"lint: [\n", "x.yaml:"},
		{"lint:\n  suppress:\n    - {code: public-principal, address: \"module.[a\", reason: r}\n", `x.yaml:3:41: bad address pattern "module.[a"`},
		{"lint:\n  types:\n   !0 #x\n", "x.yaml: cannot read the lint section"}, // go-yaml panics on this
		// go-yaml's parse time is quadratic in the depth: 36 s for these
		// 100,000 levels without the guard.
		{"lint:\n  ignore: " + strings.Repeat("[", 100000) + "\n", "x.yaml:2:75: YAML nested more than 64 levels deep"},
		{"lint:\n  ignore:\n    " + strings.Repeat("- ", 50000) + "x\n", "x.yaml:3:133: YAML nested more than 64 levels deep"},
		{"lint: " + strings.Repeat("{a: ", 65) + "b" + strings.Repeat("}", 65) + "\n", "x.yaml:1:263: YAML nested more than 64 levels deep"},
	}
	for _, tt := range tests {
		_, err := ParseConfig("x.yaml", []byte(tt.src))
		if err == nil || !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%.80q: got %.200v, want %q", tt.src, err, tt.want)
		}
	}
	if cfg, err := ParseConfig("x.yaml", []byte("generate: {}\n")); err != nil || len(cfg.Suppress) != 0 {
		t.Errorf("no lint section: %v %+v", err, cfg)
	}
}

func TestExtractPlan(t *testing.T) {
	src, err := os.ReadFile("report/testdata/in/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	targets, err := Extract("plan.json", src)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tg := range targets {
		line := fmt.Sprintf("%s %s/%s", tg.Address, tg.Type, tg.Size)
		if tg.Pending {
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
		if tg.Pending {
			continue // no document, so no origin
		}
		// Origin is the plan's encoded string of the document.
		var s string
		if !tg.Origin.IsValid() || json.NewDecoder(bytes.NewReader(src[tg.Origin.Offset:])).Decode(&s) != nil || s != string(tg.Src) {
			t.Errorf("%s: origin %v does not hold the document", tg.Address, tg.Origin)
		}
	}
	if _, err := Extract("bad.json", []byte(`{"format_version": "1.2", "planned_values": [`)); !errors.Is(err, ErrPlan) {
		t.Errorf("truncated plan: %v", err)
	}
	// A policy is not taken for a plan.
	if ts, err := Extract("p.json", []byte(`{"Statement": []}`)); err != nil || len(ts) != 1 || ts[0].Address != "" {
		t.Errorf("policy: %v %v", ts, err)
	}
}

// TestExtractAgentPlan: every document of an agentiam plan is linted
// with the type its place in the plan gives it, under an address that
// names it, and its findings are at their tokens in the plan file.
func TestExtractAgentPlan(t *testing.T) {
	src, err := os.ReadFile("report/testdata/in/agentiam-plan.json")
	if err != nil {
		t.Fatal(err)
	}
	targets, err := Extract("plan.json", src)
	if err != nil {
		t.Fatal(err)
	}
	const role = "roles[AmazonBedrockAgentCoreSDKRuntime-us-west-2-bfae032411]"
	var got []string
	for _, tg := range targets {
		got = append(got, fmt.Sprintf("%s %s/%s", tg.Address, tg.Type, tg.Size))
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
		CodeAgentTrustMissingSourceArn: `"bedrock-agentcore.amazonaws.com"`,
		CodeUnknownAction:              `"bedrock-agentcore:InvokeAgent"`,
		CodeDataAccessOnStar:           `"s3:GetObject"`,
		CodeMissingConfusedDeputy:      `"bedrock.amazonaws.com"`,
		CodePassRoleOnStar:             `"iam:PassRole"`,
		CodePassRoleWithoutService:     `"iam:PassRole"`,
	}
	seen := map[string]bool{}
	for _, tg := range targets {
		for _, d := range Run(tg, nil, Options{}).Diags {
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
	} {
		targets, err := Extract("p.json", []byte(tt.src))
		var got []string
		if err != nil {
			if !errors.Is(err, ErrAgentPlan) {
				t.Errorf("%s: %v does not wrap ErrAgentPlan", tt.name, err)
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
		if ts, err := Extract("p.json", []byte(src)); err != nil || len(ts) != 1 || ts[0].Address != "" || ts[0].InFile {
			t.Errorf("%s: %+v %v", src, ts, err)
		}
	}
}

// TestFilesOrder lints a directory in parallel and checks the order is
// that of the file names, whatever the scheduling.
func TestFilesOrder(t *testing.T) {
	dir := t.TempDir()
	var want []string
	for i := range 40 {
		name := filepath.Join(dir, fmt.Sprintf("p%02d.json", i))
		want = append(want, name)
		if err := os.WriteFile(name, fmt.Appendf(nil, `{"Version":"2012-10-17","Statement":{"Sid":"S%d","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`, i), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, skipped := range []string{".hidden/a.json", ".hidden/b.tf", ".agentiam.yaml", "notes.txt", "main.tf", "infra/iam.TF", "stack.yaml", "Makefile"} {
		p := filepath.Join(dir, skipped)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("{"), 0o644)
	}
	for range 3 {
		res, skipped, err := Files([]string{dir}, nil, nil, Options{})
		if err != nil {
			t.Fatal(err)
		}
		// Hidden files and directories are not counted: skipping them is expected.
		if skipped.Total() != 5 || skipped.String() != "2 .tf, 1 without extension, 1 .txt, 1 .yaml" {
			t.Errorf("skipped %d: %s", skipped.Total(), skipped)
		}
		if len(res) != len(want) {
			t.Fatalf("%d results, want %d", len(res), len(want))
		}
		for i, r := range res {
			if r.Target.File != want[i] || len(r.Diags) != 1 || r.Diags[0].Code != CodeDataAccessOnStar || r.Diags[0].Sid != fmt.Sprintf("S%d", i) {
				t.Fatalf("result %d: %s %v", i, r.Target.File, r.Diags)
			}
		}
	}
	if _, _, err := Files([]string{filepath.Join(dir, "missing.json")}, nil, nil, Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	empty := filepath.Join(dir, "empty")
	os.MkdirAll(filepath.Join(empty, ".git"), 0o755)
	os.WriteFile(filepath.Join(empty, ".git", "x.json"), []byte("{}"), 0o644)
	if _, _, err := Files([]string{empty}, nil, nil, Options{}); !errors.Is(err, ErrNoFiles) {
		t.Errorf("directory without *.json: %v", err)
	}
	res, skipped, err := Files([]string{"-"}, strings.NewReader(`{"Statement":[]}`), nil, Options{})
	if err != nil || len(res) != 1 || res[0].Target.File != "-" || len(res[0].Diags) == 0 || skipped.Total() != 0 {
		t.Errorf("stdin: %v %v %v", res, skipped, err)
	}
}

// FuzzParseConfig: any configuration text gives a Config or an error
// wrapping ErrConfig, never a panic.
func FuzzParseConfig(f *testing.F) {
	for _, c := range []string{
		"lint:\n  fail-on: error\n  ignore: [redundant-statement]\n",
		"lint:\n  types:\n    - {paths: [\"trust/**\"], type: trust}\n  exclude: [\"x/*\"]\n",
		"lint:\n  suppress:\n    - {code: public-principal, paths: [a.json], sid: S, address: \"aws_*\", reason: ok}\n",
		"lint:\n  severity: {public-principal: warning}\n",
		"generate: {}\n",
	} {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg, err := ParseConfig("x.yaml", src)
		if err != nil {
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("error %v does not wrap ErrConfig", err)
			}
			return
		}
		cfg.optionsFor("a.json", Options{})
		cfg.suppression("a.json", "aws_iam_role.x", diag.Diagnostic{Code: CodePublicPrincipal})
		cfg.excluded("a.json")
	})
}

// FuzzExtract: any file, plan-like or not, gives its policy documents or
// an error wrapping ErrPlan or ErrAgentPlan, never a panic, and every
// document lints.
func FuzzExtract(f *testing.F) {
	if src, err := os.ReadFile("report/testdata/in/plan.json"); err == nil {
		f.Add(src)
	}
	f.Add([]byte(`{"format_version":"1.2","values":{"root_module":{"resources":[{"address":"aws_iam_policy.p","mode":"managed","type":"aws_iam_policy","values":{"policy":"{\\"Statement\\":[]}"}}]}}}`))
	f.Add([]byte(`{"format_version":"1.0"}`))
	if src, err := os.ReadFile("report/testdata/in/agentiam-plan.json"); err == nil {
		f.Add(src)
	}
	f.Add([]byte(`{"version":1,"roles":[{"name":"r","trustPolicy":{"Statement":[]},"inlinePolicies":[{"name":"p","document":[]}]}],"callerPolicies":[{"document":{}}]}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		targets, err := Extract("plan.json", src)
		if err != nil {
			if !errors.Is(err, ErrPlan) && !errors.Is(err, ErrAgentPlan) {
				t.Fatalf("error %v wraps neither ErrPlan nor ErrAgentPlan", err)
			}
			return
		}
		for _, tg := range targets {
			Run(tg, nil, Options{})
		}
	})
}

func TestPlanErrorPosition(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{"{\"format_version\":\"1.2\",\"planned_values\":{\"root_module\":\n  {\"resources\": [1,]}}}", "plan.json:2:20: "},
		{"{\"format_version\":\"1.2\",\"planned_values\":{\"root_module\":\n  {\"resources\": 5}}}", "plan.json:2:17: "},
		{"{\"format_version\":\"1.2\",\"planned_values\":", "plan.json:1:42: "},
	} {
		_, err := Extract("plan.json", []byte(tt.src))
		if !errors.Is(err, ErrPlan) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: got %v, want %q", tt.src, err, tt.want)
		}
	}
}
