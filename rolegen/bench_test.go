package rolegen

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/agentspec"
)

var update = flag.Bool("update", false, "rewrite testdata/200agents.yaml")

// fleetSpec is a spec of n agents using every common feature: one in ten
// is a Bedrock agent, the rest AgentCore runtimes.
func fleetSpec(n int) []byte {
	var b strings.Builder
	b.WriteString("# A fleet of " + fmt.Sprint(n) + " agents for benchmarks: agentiam generate -f rolegen/testdata/200agents.yaml\n")
	b.WriteString("version: 1\naccount: \"123456789012\"\nregion: us-west-2\nagents:\n")
	for i := range n {
		name := fmt.Sprintf("agent_%03d", i)
		if i%10 == 9 {
			fmt.Fprintf(&b, `  %[1]s:
    type: bedrock-agent
    models: [anthropic.claude-3-haiku-20240307-v1:0]
    action_groups:
      - lambda: "arn:aws:lambda:us-west-2:123456789012:function:%[1]s-actions"
        schema: "s3://agent-schemas/%[1]s/openapi.json"
    knowledge_bases: [KB%08d]
`, name, i)
			continue
		}
		fmt.Fprintf(&b, `  %[1]s:
    models:
      - anthropic.claude-3-5-haiku-20241022-v1:0
      - us.anthropic.claude-sonnet-4-20250514-v1:0
    build: codebuild
    memory: [{id: %[1]s_mem-AbCdEf1234, access: read-write}]
    identity: {oauth2_providers: [github], api_key_providers: [serper]}
    gateway: {name: gw-%[2]d, lambda_targets: ["arn:aws:lambda:us-west-2:123456789012:function:%[1]s-tool"]}
    s3: [{bucket: kb-docs-%[2]d, prefix: faq/, access: read}]
    dynamodb: [{table: tickets-%[2]d, access: read-write}]
    secrets: ["%[1]s/*"]
    kms_keys: ["arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
    ssm_parameters: ["/%[1]s/*"]
`, name, i)
	}
	b.WriteString("callers:\n  deployer: {}\n")
	return []byte(b.String())
}

// TestFleetSpec keeps testdata/200agents.yaml, the file the whole-process
// timing in the README uses, equal to fleetSpec(200).
func TestFleetSpec(t *testing.T) {
	want := fleetSpec(200)
	if *update {
		if err := os.WriteFile("testdata/200agents.yaml", want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("testdata/200agents.yaml")
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("testdata/200agents.yaml is stale (run go test -update): %v", err)
	}
	p := generate(t, string(want))
	if len(p.Roles) != 200+180+180 {
		t.Errorf("%d roles", len(p.Roles))
	}
}

func BenchmarkGenerate(b *testing.B) {
	spec, err := agentspec.Parse("200agents.yaml", fleetSpec(200))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(spec); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseAndGenerate(b *testing.B) {
	src := fleetSpec(200)
	b.ReportAllocs()
	for b.Loop() {
		spec, err := agentspec.Parse("200agents.yaml", src)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Generate(spec); err != nil {
			b.Fatal(err)
		}
	}
}
