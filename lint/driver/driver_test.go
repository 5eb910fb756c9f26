package driver

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/lint"
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
		cfg.Severity[lint.CodeWildcardActionFullService] != diag.Error || len(cfg.Types) != 2 || cfg.Types[1].Size != lint.Managed ||
		len(cfg.Suppress) != 1 || cfg.Suppress[0].Reason == "" {
		t.Fatalf("%+v", cfg)
	}
	if o := cfg.optionsFor("/p/trust/a.json", lint.Options{}); o.Type != policy.Trust {
		t.Errorf("trust/a.json: type %q", o.Type)
	}
	if o := cfg.optionsFor("/p/managed/x/y/z.json", lint.Options{}); o.Type != policy.Identity || o.Size != lint.Managed {
		t.Errorf("managed/x/y/z.json: %q %q", o.Type, o.Size)
	}
	if o := cfg.optionsFor("/p/other/a.json", lint.Options{}); o.Type != policy.KindUnknown {
		t.Errorf("other/a.json: type %q", o.Type)
	}
	if !cfg.excluded("/p/fixtures/a/b.json") || cfg.excluded("/p/src/fixtures.json") {
		t.Error("exclude")
	}
	d := diag.Diagnostic{Code: lint.CodeDataAccessOnStar, Sid: "Read"}
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
	for _, skipped := range []string{".hidden/a.json", ".hidden/b.tf", ".agentiam.yaml", "notes.txt", "infra/stack.yaml", "stack.yaml", "Makefile"} {
		p := filepath.Join(dir, skipped)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("{"), 0o644)
	}
	for range 3 {
		res, skipped, err := Files([]string{dir}, nil, nil, lint.Options{})
		if err != nil {
			t.Fatal(err)
		}
		// Hidden files and directories are not counted: skipping them is
		// expected. YAML that is not a CloudFormation template is skipped.
		if skipped.Total() != 4 || skipped.String() != "2 .yaml, 1 without extension, 1 .txt" {
			t.Errorf("skipped %d: %s", skipped.Total(), skipped)
		}
		if len(res) != len(want) {
			t.Fatalf("%d results, want %d", len(res), len(want))
		}
		for i, r := range res {
			if r.Target.File != want[i] || len(r.Diags) != 1 || r.Diags[0].Code != lint.CodeDataAccessOnStar || r.Diags[0].Sid != fmt.Sprintf("S%d", i) {
				t.Fatalf("result %d: %s %v", i, r.Target.File, r.Diags)
			}
		}
	}
	if _, _, err := Files([]string{filepath.Join(dir, "missing.json")}, nil, nil, lint.Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	empty := filepath.Join(dir, "empty")
	os.MkdirAll(filepath.Join(empty, ".git"), 0o755)
	os.WriteFile(filepath.Join(empty, ".git", "x.json"), []byte("{}"), 0o644)
	if _, _, err := Files([]string{empty}, nil, nil, lint.Options{}); !errors.Is(err, ErrNoFiles) {
		t.Errorf("directory without *.json: %v", err)
	}
	res, skipped, err := Files([]string{"-"}, strings.NewReader(`{"Statement":[]}`), nil, lint.Options{})
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
		cfg.optionsFor("a.json", lint.Options{})
		cfg.suppression("a.json", "aws_iam_role.x", diag.Diagnostic{Code: lint.CodePublicPrincipal})
		cfg.excluded("a.json")
	})
}
