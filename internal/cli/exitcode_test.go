package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExitCodes pins the documented exit codes of every command: 0 for
// success, 1 for a finding, a denial or a failed check, 2 for bad usage
// or input. Scripts only see "non-zero"; this tells 1 from 2.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	allow := write("allow.json", `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
	broken := write("broken.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",}]}`)
	risky := write("risky.json", `{"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Action":"*","Resource":"*"}]}`)
	badSpec := write("bad.yaml", "version: 1\naccount: \"123\"\n")
	unparsable := write("unparsable.yaml", "version: 1\nagents: [\n")
	badToolkit := write("toolkit.yaml", "agents:\n  a: {aws: [\n")
	badConfig := write("config.yaml", "lint: [\n")
	wider := write("wider.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}]}`)
	perUser := write("per-user.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}]}`)
	perUserNarrow := write("per-user-narrow.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/x*"}]}`)
	spec := filepath.Join("..", "..", "examples", "agentiam.yaml")
	denied := "User: arn:aws:iam::123456789012:user/u is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k because no identity-based policy allows the s3:GetObject action"
	sim := func(extra ...string) []string {
		return append([]string{"simulate", "--policy", allow, "--principal", "arn:aws:iam::123456789012:role/r", "--action", "s3:GetObject"}, extra...)
	}
	for _, c := range []struct {
		name string
		args []string
		want int
	}{
		{"version", []string{"version"}, ExitOK},
		{"unknown command", []string{"nope"}, ExitUsage},
		{"unknown flag", []string{"version", "--nope"}, ExitUsage},
		{"actions found", []string{"actions", "s3:GetObject"}, ExitOK},
		{"actions unknown", []string{"actions", "bedrock-agentcore:InvokeAgent"}, ExitFindings},
		{"actions malformed", []string{"actions", "GetObject"}, ExitUsage},
		{"audit clean", []string{"audit", "../../audit/testdata/clean.json"}, ExitOK},
		{"audit finding", []string{"audit", "../../audit/testdata/account.json"}, ExitFindings},
		{"audit below fail-on", []string{"audit", "--fail-on", "critical", "../../audit/testdata/clean.json"}, ExitOK},
		{"audit not authorization details", []string{"audit", allow}, ExitUsage},
		{"audit bad fail-on", []string{"audit", "--fail-on", "error", "../../audit/testdata/account.json"}, ExitUsage},
		{"lint clean", []string{"lint", "--no-config", allow}, ExitOK},
		{"lint finding", []string{"lint", "--no-config", risky}, ExitFindings},
		{"lint syntax error", []string{"lint", "--no-config", broken}, ExitUsage},
		{"lint syntax error json", []string{"lint", "--no-config", "--format", "json", broken}, ExitUsage},
		{"lint unparsable config", []string{"lint", "--config", badConfig, allow}, ExitUsage},
		{"lint missing file", []string{"lint", "--no-config", filepath.Join(dir, "absent.json")}, ExitUsage},
		{"simulate allowed", sim("--resource", "arn:aws:s3:::b/k"), ExitOK},
		{"simulate denied", sim("--resource", "arn:aws:s3:::other/k"), ExitFindings},
		{"simulate bad policy", []string{"simulate", "--policy", broken, "--principal", "arn:aws:iam::123456789012:role/r", "--action", "s3:GetObject", "--resource", "*"}, ExitUsage},
		{"generate", []string{"generate", "-f", spec}, ExitOK},
		{"generate bad spec", []string{"generate", "-f", badSpec}, ExitUsage},
		{"generate unparsable spec", []string{"generate", "-f", unparsable}, ExitUsage},
		{"generate unparsable toolkit", []string{"generate", "--from-toolkit", badToolkit}, ExitUsage},
		{"generate tf alias", []string{"generate", "-f", spec, "--format", "tf"}, ExitOK},
		{"generate cfn alias", []string{"generate", "-f", spec, "--format", "cfn"}, ExitOK},
		{"import unparsable", []string{"import", badToolkit, "-o", "-"}, ExitUsage},
		{"import an agentiam spec", []string{"import", spec, "-o", "-"}, ExitUsage},
		{"verify unparsable spec", []string{"verify", "-f", unparsable}, ExitUsage},
		{"verify unparsable policy", []string{"verify", "-f", spec, "--policy", "agentiam-deployer=" + broken}, ExitUsage},
		{"verify unparsable authorization details", []string{"verify", "-f", spec, "--authorization-details", broken}, ExitUsage},
		{"explain-denied unparsable policy", []string{"explain-denied", "--policy", broken, denied}, ExitUsage},
		{"explain-denied unparsable spec", []string{"explain-denied", "--spec", unparsable, denied}, ExitUsage},
		{"completion bash", []string{"completion", "bash"}, ExitOK},
		{"completion unsupported shell", []string{"completion", "tcsh"}, ExitUsage},
		{"verify", []string{"verify", "-f", spec, "--summary"}, ExitOK},
		{"explain-denied", []string{"explain-denied", denied}, ExitOK},
		{"explain-denied unparseable", []string{"explain-denied", "Access Denied"}, ExitUsage},
		{"prove pass", []string{"prove", wider, allow}, ExitOK},
		{"prove fail", []string{"prove", allow, wider}, ExitFindings},
		{"prove unknown", []string{"prove", perUser, perUserNarrow}, ExitUnknown},
		{"prove unparsable policy", []string{"prove", allow, broken}, ExitUsage},
		{"prove bad type", []string{"prove", "--type", "vpc-endpoint", allow, wider}, ExitUsage},
		{"prove one file", []string{"prove", allow}, ExitUsage},
		{"prove not granted", []string{"prove", "--not-granted", "s3:PutObject", allow}, ExitOK},
		{"prove granted", []string{"prove", "--not-granted", "s3:GetObject", allow}, ExitFindings},
		{"prove equivalent", []string{"prove", "--equivalent", allow, wider}, ExitFindings},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			got := Main(c.args, strings.NewReader(""), &stdout, &stderr)
			if got != c.want {
				t.Errorf("agentiam %s: exit %d, want %d\nstderr: %s", strings.Join(c.args, " "), got, c.want, stderr.String())
			}
		})
	}
}
