package verify

import (
	"strings"
	"testing"

	"github.com/agentiam/agentiam/rolegen"
)

// TestNamedTools: a custom code interpreter and browser named but not
// yet created get execution roles that verify, with requests on a
// concrete id of the name; a trust widened to every tool of the account
// lets another tool's id assume the role, which must fail.
func TestNamedTools(t *testing.T) {
	spec := parseSpec(t, `version: 1
account: "123456789012"
region: us-west-2
agents:
  bot:
    code_interpreter: {name: ci_one, execution_role: true}
    browser: {name: br_one, recording: {bucket: rec-bucket, prefix: "runs/"}}
callers:
  ci: {agents: [bot]}
`)
	plan := generate(t, spec)
	if got := failedRequests(t, spec, plan); len(got) > 0 {
		t.Fatalf("the generated plan fails:\n  %s", strings.Join(got, "\n  "))
	}
	anyTool(plan)
	got := strings.Join(failedRequests(t, spec, plan), "\n")
	for _, want := range []string{
		"forbidden sts:AssumeRole on arn:aws:iam::123456789012:role/AgentCoreCodeInterpreterRole-ci_one (the service acting for another resource of the account)",
		"forbidden sts:AssumeRole on arn:aws:iam::123456789012:role/AgentCoreBrowserRole-br_one (the service acting for another resource of the account)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("another tool's id is not refused (%s) among:\n%s", want, got)
		}
	}
}

// anyTool widens the trust of a plan's tool roles to every tool of the
// account.
func anyTool(p *rolegen.Plan) {
	for _, r := range p.Roles {
		if r.Purpose != rolegen.PurposeCodeInterpreter && r.Purpose != rolegen.PurposeBrowser {
			continue
		}
		for _, st := range r.TrustPolicy.Statements {
			if st.Condition == nil {
				continue
			}
			for _, op := range st.Condition.Operators {
				for _, k := range op.Keys {
					for i, v := range k.Values {
						if j := strings.LastIndexByte(v.Value, '/'); j > 0 && strings.Contains(v.Value, ":bedrock-agentcore:") {
							k.Values[i].Value = v.Value[:j+1] + "*"
						}
					}
				}
			}
		}
	}
}
