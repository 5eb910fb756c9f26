package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/inputs"
	"github.com/agentiam/agentiam/internal/sarif"
	"github.com/agentiam/agentiam/lint"
	"github.com/agentiam/agentiam/lint/driver"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// results lints testdata/in with testdata/agentiam.yaml, which
// suppresses one finding.
func results(t *testing.T) []lint.Result {
	t.Helper()
	src, err := os.ReadFile("testdata/agentiam.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := driver.ParseConfig("testdata/agentiam.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := driver.Files([]string{"testdata/in"}, nil, cfg, lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run go test ./lint/report -update and review the diff):\n%s", path, got)
	}
}

func TestGolden(t *testing.T) {
	res := results(t)
	for _, tt := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"golden.txt", func(b *bytes.Buffer) error { return Text(b, res) }},
		{"golden.json", func(b *bytes.Buffer) error { return JSON(b, res) }},
		{"golden.sarif", func(b *bytes.Buffer) error { return SARIF(b, res, "test") }},
	} {
		var b bytes.Buffer
		if err := tt.write(&b); err != nil {
			t.Fatal(err)
		}
		golden(t, tt.name, b.Bytes())
	}
}

// TestSARIFShape checks the parts of SARIF 2.1.0 that code-scanning
// services require.
func TestSARIFShape(t *testing.T) {
	var b bytes.Buffer
	if err := SARIF(&b, results(t), "test"); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region *struct {
							StartLine   int `json:"startLine"`
							StartColumn int `json:"startColumn"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				Suppressions []struct {
					Justification string `json:"justification"`
				} `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	suppressed := 0
	for _, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("ruleIndex %d is %s, not %s", r.RuleIndex, run.Tool.Driver.Rules[r.RuleIndex].ID, r.RuleID)
		}
		if r.Level != "error" && r.Level != "warning" && r.Level != "note" {
			t.Errorf("level %q", r.Level)
		}
		if r.Message.Text == "" || len(r.Locations) != 1 || !strings.HasPrefix(r.Locations[0].PhysicalLocation.ArtifactLocation.URI, "testdata/in/") {
			t.Errorf("result %+v", r)
			continue
		}
		if reg := r.Locations[0].PhysicalLocation.Region; reg == nil || reg.StartLine < 1 || reg.StartColumn < 1 {
			t.Errorf("result %s without a region: %+v", r.RuleID, r.Locations[0])
		}
		if len(r.Suppressions) > 0 {
			suppressed++
		}
	}
	if suppressed != 1 {
		t.Errorf("%d suppressed results, want 1", suppressed)
	}
}

func TestExcerptWindow(t *testing.T) {
	src := []byte(`{"Statement":[` + strings.Repeat(`{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"},`, 20) + `{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	res := lint.Result{Target: inputs.Document{File: "long.json", Src: src}, Diags: lint.Source("long.json", src, lint.Options{})}
	var b bytes.Buffer
	if err := Text(&b, []lint.Result{res}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		if !strings.Contains(l, "wildcard-action-all") {
			continue
		}
		source, caret := lines[i+1], lines[i+2]
		if len(source) > 120 {
			t.Errorf("source excerpt is %d characters", len(source))
		}
		col := strings.Index(caret, "^")
		if col < 0 || source[col:col+3] != `"*"` {
			t.Errorf("caret not under the token:\n%s\n%s", source, caret)
		}
		return
	}
	t.Fatalf("no wildcard-action-all in\n%s", b.String())
}

func TestArtifactURI(t *testing.T) {
	for _, tt := range []struct{ file, want string }{
		{"policy.json", "policy.json"},
		{"dir/my policy.json", "dir/my%20policy.json"},
		{"../up/p.json", "../up/p.json"},
		{"/abs/p.json", "file:///abs/p.json"},
		{"/abs/100% sure.json", "file:///abs/100%25%20sure.json"},
		{"-", "stdin"},
	} {
		if got := sarif.ArtifactURI(tt.file); got != tt.want {
			t.Errorf("artifactURI(%q) = %q, want %q", tt.file, got, tt.want)
		}
	}
	for v, want := range map[string]string{"v1.2.0": "1.2.0", "1.2.0": "1.2.0", "devel+abc": "devel+abc", "v": "v"} {
		if got := sarif.Version(v); got != want {
			t.Errorf("sarifVersion(%q) = %q, want %q", v, got, want)
		}
	}
}

// TestSARIFExtraRules: codes lint does not know are described by the
// rules the caller gives (one replaces lint's rule of the same code);
// a code no rule describes is an error and nothing is written.
func TestSARIFExtraRules(t *testing.T) {
	res := []lint.Result{{Target: inputs.Document{File: "p.cedar", Src: []byte("permit(principal, action, resource);\n")}, Diags: diag.List{
		{File: "p.cedar", Pos: diag.Pos{Line: 1, Column: 1}, Severity: diag.Warning, Code: "shadowed-permit", Message: "shadowed"},
		{File: "p.cedar", Pos: diag.Pos{Line: 1, Column: 1}, Severity: diag.Error, Code: "syntax-error", Message: "bad"},
	}}}
	extra := []Rule{
		{Rule: lint.Rule{Code: "shadowed-permit", Severity: diag.Warning, Summary: "A forbid denies all a permit allows."}, HelpURI: "https://example.com/cedar#shadowed-permit"},
		{Rule: lint.Rule{Code: "syntax-error", Severity: diag.Error, Summary: "Not Cedar."}, HelpURI: "https://example.com/cedar#syntax-error"},
	}
	var b bytes.Buffer
	if err := SARIF(&b, res, "test", extra...); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID      string `json:"id"`
						HelpURI string `json:"helpUri"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	syntax := 0
	for _, r := range run.Tool.Driver.Rules {
		if r.ID == "syntax-error" {
			syntax++
			if r.HelpURI != "https://example.com/cedar#syntax-error" {
				t.Errorf("syntax-error rule %+v: the extra one replaces lint's", r)
			}
		}
	}
	if syntax != 1 {
		t.Errorf("%d syntax-error rules", syntax)
	}
	for _, r := range run.Results {
		if got := run.Tool.Driver.Rules[r.RuleIndex].ID; got != r.RuleID {
			t.Errorf("result %s points at rule %s", r.RuleID, got)
		}
	}
	b.Reset()
	if err := SARIF(&b, res, "test", extra[1:]...); !errors.Is(err, ErrUnknownCode) || b.Len() > 0 {
		t.Errorf("unknown code: err %v, %d bytes written", err, b.Len())
	}
}
