package terraform

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/agentiam/agentiam/render/internal/testspecs"
)

// pluginDir is a local mirror of the AWS provider for `terraform init
// -plugin-dir`; TF_PLUGIN_DIR overrides it.
func pluginDir() string {
	if d := os.Getenv("TF_PLUGIN_DIR"); d != "" {
		return d
	}
	return "/opt/tf-plugins"
}

// TestTerraformValidate runs `terraform validate` on every golden case,
// with and without variables, where terraform and a local mirror of the
// AWS provider are installed (no network); it is skipped otherwise.
func TestTerraformValidate(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: terraform validate skipped")
	}
	tf, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("terraform is not installed: terraform validate skipped")
	}
	plugins := pluginDir()
	if _, err := os.Stat(filepath.Join(plugins, "registry.terraform.io", "hashicorp", "aws")); err != nil {
		t.Skipf("no local mirror of the AWS provider in %s (set TF_PLUGIN_DIR): terraform validate skipped", plugins)
	}
	cases, err := testspecs.Cases()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, c := range cases {
		for _, opts := range []Options{{}, {Variables: true}} {
			src, err := Render(c.Plan, opts)
			if err != nil {
				t.Fatal(err)
			}
			// One module per case keeps the resource names of the cases apart.
			mod := filepath.Join(dir, c.Name)
			if opts.Variables {
				mod += "_vars"
			}
			if err := os.MkdirAll(mod, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(mod, "main.tf"), src, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	// One root module calls every case as a child module: one init and
	// one validate check them all.
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var root []byte
	for _, e := range entries {
		root = fmt.Appendf(root, "module %q {\n  source = \"./%s\"\n}\n\n", e.Name(), e.Name())
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), root, 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, dir, tf, "init", "-backend=false", "-input=false", "-no-color", "-plugin-dir="+plugins)
	run(t, dir, tf, "validate", "-no-color")
}

func run(t *testing.T, dir, tf string, args ...string) {
	t.Helper()
	cmd := exec.Command(tf, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("terraform %s: %v\n%s", args[0], err, out)
	}
}
