package agentspec

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestImportToolkitGolden imports every testdata/toolkit/*.yaml and
// compares the agentiam.yaml text and the diagnostics with golden files.
func TestImportToolkitGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/toolkit/*.yaml")
	if len(files) == 0 {
		t.Fatal("no toolkit test files")
	}
	for _, file := range files {
		if strings.HasSuffix(file, ".golden.yaml") {
			continue
		}
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			text, spec, err := ImportToolkit(filepath.Base(file), src)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			got.Write(text)
			for _, d := range spec.Warnings {
				got.WriteString("# " + d.Severity.String() + " " + d.Code + ": " + d.Error() + "\n")
			}
			golden := strings.TrimSuffix(file, ".yaml") + ".golden.yaml"
			if *update {
				if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("import of %s differs from %s:\n%s", file, golden, got.Bytes())
			}
		})
	}
}

func TestImportToolkitErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"no agents", "default_agent: x\n", "t.yaml:1:1: .bedrock_agentcore.yaml has no agents"},
		{"no account", "agents:\n  a:\n    aws: {region: us-west-2}\n", "t.yaml:2:3: agent a has no aws.account"},
		{"bad name", "agents:\n  my-agent:\n    aws: {account: '123456789012', region: us-west-2}\n", "t.yaml:2:3: agent name \"my-agent\" must match"},
		{"two accounts", "agents:\n  a:\n    aws: {account: '123456789012', region: us-west-2}\n  b:\n    aws: {account: '210987654321', region: us-west-2}\n", "t.yaml:5:20: agent b is in account 210987654321"},
		{"bad memory id", "agents:\n  a:\n    aws: {account: '123456789012', region: us-west-2}\n    memory: {mode: STM_ONLY, memory_id: x}\n", "t.yaml:4:41: memory.memory_id \"x\""},
		{"syntax", "agents: [\n", "t.yaml:1:9:"},
		{"role in a malformed ARN", "agents:\n  a:\n    aws: {account: '123456789012', region: us-west-2, execution_role: 'arn:aws:iam::12345:role/R'}\n", "t.yaml:3:71: execution role: \"arn:aws:iam::12345:role/R\" has account \"12345\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ImportToolkit("t.yaml", []byte(tt.src))
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if !strings.HasPrefix(se.Diagnostics[0].Error(), tt.want) {
				t.Errorf("error = %q, want prefix %q", se.Diagnostics[0].Error(), tt.want)
			}
		})
	}
}

func FuzzImportToolkit(f *testing.F) {
	files, _ := filepath.Glob("testdata/toolkit/*.yaml")
	for _, file := range files {
		if src, err := os.ReadFile(file); err == nil {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		text, spec, err := ImportToolkit("f.yaml", src)
		if err != nil {
			var se *Error
			if errors.As(err, &se) && len(se.Diagnostics) == 0 {
				t.Fatalf("error %v has no diagnostics", err)
			}
			return
		}
		// The imported spec is the one its text describes.
		if _, err := Parse(DefaultFile, text); err != nil || spec == nil {
			t.Fatalf("imported text does not parse: %v\n%s", err, text)
		}
	})
}
