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

// TestImportToolkitUnknownKeys: a key the toolkit's schema does not have
// is a warning at its position, with the key it most likely means; the
// import still succeeds.
func TestImportToolkitUnknownKeys(t *testing.T) {
	const head = "agents:\n  a:\n    aws:\n      account: '123456789012'\n      region: us-west-2\n"
	tests := []struct{ name, src, want, suggestion string }{
		{"aws key", head + "      execution_role_auto_creat: true\n", "t.yaml:6:7: unknown key \"execution_role_auto_creat\" in aws of agent a", "execution_role_auto_create"},
		{"agent key", head + "    memroy: {mode: NO_MEMORY}\n", "t.yaml:6:5: unknown key \"memroy\" in agent a", "memory"},
		{"top key", "default_agnet: a\n" + head, "t.yaml:1:1: unknown key \"default_agnet\" in .bedrock_agentcore.yaml", "default_agent"},
		{"far from any key", head + "    favourite_colour: blue\n", "t.yaml:6:5: unknown key \"favourite_colour\" in agent a", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, spec, err := ImportToolkit("t.yaml", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range spec.Warnings {
				if d.Code != CodeUnknownKey {
					continue
				}
				if !strings.HasPrefix(d.Error(), tt.want) || d.Suggestion != tt.suggestion || d.Severity.String() != "warning" {
					t.Errorf("got %s %q (suggestion %q), want prefix %q, suggestion %q", d.Severity, d.Error(), d.Suggestion, tt.want, tt.suggestion)
				}
				return
			}
			t.Errorf("no unknown-key warning in %v", spec.Warnings)
		})
	}
}

// TestImportToolkitAlreadySpec: an agentiam spec given as the toolkit's
// file is refused with the command to use instead.
func TestImportToolkitAlreadySpec(t *testing.T) {
	spec := "version: 1\naccount: '123456789012'\nregion: us-west-2\nagents:\n  a:\n    models: [amazon.nova-pro-v1:0]\n"
	for _, tt := range []struct{ name, file, src string }{
		{"spec keys", "spec.yaml", spec},
		{"models only", "x.yaml", "version: 1\nagents:\n  a: {models: [m]}\n"},
		{"by name", "dir/agentiam.yaml", "agents:\n  a:\n    aws: {account: '123456789012', region: us-west-2}\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ImportToolkit(tt.file, []byte(tt.src))
			if !errors.Is(err, ErrAlreadySpec) {
				t.Fatalf("err = %v, want ErrAlreadySpec", err)
			}
			if want := "this is already an agentiam spec: use agentiam generate -f " + tt.file; !strings.Contains(err.Error(), want) {
				t.Errorf("err = %q, want it to contain %q", err, want)
			}
		})
	}
	// A toolkit file is not taken for a spec.
	if _, _, err := ImportToolkit("t.yaml", []byte("agents:\n  a:\n    aws: {account: '123456789012', region: us-west-2}\n")); err != nil {
		t.Errorf("toolkit file: %v", err)
	}
}
