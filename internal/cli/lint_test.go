package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLintExitCodes checks the documented exit codes exactly, which
// testscript's "! exec" cannot tell apart.
func TestLintExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	clean := write("clean.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
	warning := write("warning.json", `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
	broken := write("broken.json", `{"Statement":[}`)
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"lint", "--no-config", clean}, ExitOK},
		{[]string{"lint", "--no-config", warning}, ExitFindings},
		{[]string{"lint", "--no-config", "--fail-on", "error", warning}, ExitOK},
		{[]string{"lint", "--no-config", "--fail-on", "info", clean}, ExitOK},
		{[]string{"lint", "--no-config", broken}, ExitUsage},
		{[]string{"lint", "--no-config", filepath.Join(dir, "missing.json")}, ExitUsage},
		{[]string{"lint", "--no-config"}, ExitUsage},
		{[]string{"lint", "--no-config", "--type", "bucket", clean}, ExitUsage},
		{[]string{"lint", "--no-config", "--fail-on", "loud", clean}, ExitUsage},
		{[]string{"lint", "--config", filepath.Join(dir, "none.yaml"), clean}, ExitUsage},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if got := Main(tt.args, strings.NewReader(""), &stdout, &stderr); got != tt.want {
			t.Errorf("agentiam %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(tt.args, " "), got, tt.want, stdout.String(), stderr.String())
		}
	}
}
