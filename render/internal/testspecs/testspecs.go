// Package testspecs loads the specs the renderers' golden tests share.
package testspecs

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

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
