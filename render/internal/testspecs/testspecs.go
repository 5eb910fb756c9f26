// Package testspecs loads the specs the renderers' golden tests share.
package testspecs

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/rolegen"
)

// Case is one spec and its plan.
type Case struct {
	Name string
	Plan *rolegen.Plan
}

// root is the module's root directory.
func root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// Cases returns the golden test cases: the bundled example, a spec using
// every key, a starter toolkit import, a minimal spec, other partitions,
// and a spec whose role overflows the inline policy quota.
func Cases() ([]Case, error) {
	dir := filepath.Join(root(), "render", "internal", "testspecs", "testdata")
	files := []struct{ name, path string }{
		{"example", filepath.Join(root(), "examples", "agentiam.yaml")},
		{"everything", filepath.Join(root(), "agentspec", "testdata", "everything.yaml")},
		{"minimal", filepath.Join(dir, "minimal.yaml")},
		{"partitions", filepath.Join(dir, "partitions.yaml")},
	}
	var out []Case
	for _, f := range files {
		src, err := os.ReadFile(f.path)
		if err != nil {
			return nil, err
		}
		spec, err := agentspec.Parse(f.name+".yaml", src)
		if err != nil {
			return nil, err
		}
		if out, err = add(out, f.name, spec); err != nil {
			return nil, err
		}
	}
	src, err := os.ReadFile(filepath.Join(root(), "examples", "toolkit", agentspec.ToolkitFile))
	if err != nil {
		return nil, err
	}
	_, spec, err := agentspec.ImportToolkit(agentspec.ToolkitFile, src)
	if err != nil {
		return nil, err
	}
	if out, err = add(out, "toolkit", spec); err != nil {
		return nil, err
	}
	spec, err = agentspec.Parse("overflow.yaml", Overflow(400))
	if err != nil {
		return nil, err
	}
	return add(out, "overflow", spec)
}

func add(cases []Case, name string, spec *agentspec.Spec) ([]Case, error) {
	plan, err := rolegen.Generate(spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return append(cases, Case{Name: name, Plan: plan}), nil
}

// Overflow is a spec whose agent reads n secrets, more than one inline
// policy holds.
func Overflow(n int) []byte {
	var b strings.Builder
	b.WriteString("version: 1\naccount: \"123456789012\"\nregion: us-west-2\nagents:\n  hoarder:\n    models: [anthropic.claude-3-haiku-20240307-v1:0]\n    secrets:\n")
	for i := range n {
		fmt.Fprintf(&b, "      - team/service-%04d/credentials\n", i)
	}
	return []byte(b.String())
}

// Golden renders twice, fails unless both renderings are byte-identical,
// and compares the output with the golden file at path, rewriting it
// first when update is set (go test -update). It returns the output.
func Golden(t testing.TB, path string, update bool, render func() ([]byte, error)) []byte {
	t.Helper()
	got, err := render()
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := render(); !bytes.Equal(got, again) {
		t.Error("two renderings differ")
	}
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s; run go test -update and review the diff", path)
	}
	return got
}

// Relocated loads the bundled example and the spec using every key as
// written, and again with every occurrence of their account and region
// replaced by another account and region of the same partition: output
// rendered with variables or pseudo parameters must differ only in the
// variables' defaults.
func Relocated() (written, moved []Case, err error) {
	const account, region, toAccount, toRegion = "123456789012", "us-west-2", "210987654321", "us-east-1"
	for _, f := range []struct{ name, path string }{
		{"example", filepath.Join(root(), "examples", "agentiam.yaml")},
		{"everything", filepath.Join(root(), "agentspec", "testdata", "everything.yaml")},
	} {
		src, err := os.ReadFile(f.path)
		if err != nil {
			return nil, nil, err
		}
		if !bytes.Contains(src, []byte(account)) || !bytes.Contains(src, []byte(region)) {
			return nil, nil, fmt.Errorf("%s: the spec no longer uses account %s and region %s", f.path, account, region)
		}
		movedSrc := strings.NewReplacer(account, toAccount, region, toRegion).Replace(string(src))
		for i, text := range []string{string(src), movedSrc} {
			spec, err := agentspec.Parse(f.name+".yaml", []byte(text))
			if err != nil {
				return nil, nil, err
			}
			plan, err := rolegen.Generate(spec)
			if err != nil {
				return nil, nil, err
			}
			if i == 0 {
				written = append(written, Case{f.name, plan})
			} else {
				moved = append(moved, Case{f.name, plan})
			}
		}
	}
	return written, moved, nil
}
