package cloudformation

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/agentiam/agentiam/render/internal/testspecs"
)

// TestCfnLint runs cfn-lint on every golden case, with and without pseudo
// parameters, where cfn-lint is installed; it is skipped otherwise.
func TestCfnLint(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: cfn-lint skipped")
	}
	lint, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Skip("cfn-lint is not installed (pip install cfn-lint): skipped")
	}
	cases, err := testspecs.Cases()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var files []string
	for _, c := range cases {
		for _, opts := range []Options{{}, {PseudoParameters: true}} {
			src, err := Render(c.Plan, opts)
			if err != nil {
				t.Fatal(err)
			}
			name := c.Name
			if opts.PseudoParameters {
				name += ".pseudo"
			}
			path := filepath.Join(dir, name+".yaml")
			if err := os.WriteFile(path, src, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, path)
		}
	}
	cmd := exec.Command(lint, append([]string{"--format", "parseable", "--"}, files...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cfn-lint: %v\n%s", err, out)
	}
}
