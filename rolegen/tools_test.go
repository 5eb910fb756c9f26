package rolegen

import (
	"strings"
	"testing"

	"github.com/agentiam/agentiam/policy"
)

// TestToolRoles: a custom code interpreter with execution_role and a
// custom browser that records sessions get an execution role each,
// trusted by AgentCore for that tool only; the browser's writes exactly
// under its recording prefix; the built-in tools and a plain custom tool
// get none.
func TestToolRoles(t *testing.T) {
	p := generate(t, header+`  a:
    code_interpreter: {id: ci_one-AbCdEf1234, execution_role: true}
    browser: {id: br_one-AbCdEf1234, recording: {bucket: rec-bucket, prefix: "runs/"}}
  b:
    code_interpreter: {id: ci_two-AbCdEf1234}
    browser: true
callers:
  ci: {agents: [a]}
`)
	roles := map[string]*Role{}
	for _, r := range p.Roles {
		if r.Purpose == PurposeCodeInterpreter || r.Purpose == PurposeBrowser {
			roles[r.Resource] = r
		}
	}
	if len(roles) != 2 || roles["ci_one-AbCdEf1234"] == nil || roles["br_one-AbCdEf1234"] == nil {
		t.Fatalf("tool roles %v, want ci_one and br_one", roles)
	}
	for id, r := range roles {
		trust := string(policy.Format(r.TrustPolicy))
		if !strings.Contains(trust, "/"+id+`"`) || strings.Contains(trust, ":*\"") || !strings.Contains(trust, `"aws:SourceAccount": "123456789012"`) {
			t.Errorf("trust of %s:\n%s", id, trust)
		}
	}
	browser := string(policy.Format(roles["br_one-AbCdEf1234"].InlinePolicies[0].Document))
	if !strings.Contains(browser, `"arn:aws:s3:::rec-bucket/runs/*"`) || !strings.Contains(browser, `"aws:ResourceAccount": "123456789012"`) {
		t.Errorf("browser role lacks its recording grant:\n%s", browser)
	}
	if ci := string(policy.Format(roles["ci_one-AbCdEf1234"].InlinePolicies[0].Document)); strings.Contains(ci, "s3:") {
		t.Errorf("code interpreter role writes S3:\n%s", ci)
	}
	caller := string(policy.Format(p.CallerPolicies[0].Document))
	for _, frag := range []string{`"bedrock-agentcore:CreateCodeInterpreter"`, `"bedrock-agentcore:CreateBrowser"`, roles["ci_one-AbCdEf1234"].ARN, roles["br_one-AbCdEf1234"].ARN} {
		if !strings.Contains(caller, frag) {
			t.Errorf("caller policy lacks %s:\n%s", frag, caller)
		}
	}
	if strings.Contains(caller, "ci_two") {
		t.Errorf("caller policy covers a tool of an agent it does not deploy:\n%s", caller)
	}
}

// TestNamedToolRoles: a custom tool named but not yet created gets an
// execution role whose trust names every id of that name
// ({name}-??????????) in both ARN forms, and the agent's and the
// deployer's grants name the same pattern.
func TestNamedToolRoles(t *testing.T) {
	p := generate(t, header+`  a:
    code_interpreter: {name: ci_one, execution_role: true}
    browser: {name: br_one, recording: {bucket: rec-bucket}}
callers:
  ci: {agents: [a]}
`)
	const arn = "arn:aws:bedrock-agentcore:us-west-2:123456789012:"
	want := map[string][]string{
		"ci_one": {arn + "code-interpreter-custom/ci_one-??????????", arn + "code-interpreter/ci_one-??????????"},
		"br_one": {arn + "browser-custom/br_one-??????????", arn + "browser/br_one-??????????"},
	}
	var agent *Role
	found := 0
	for _, r := range p.Roles {
		if r.Agent == "a" {
			agent = r
		}
		arns, ok := want[r.Resource]
		if !ok || (r.Purpose != PurposeCodeInterpreter && r.Purpose != PurposeBrowser) {
			continue
		}
		found++
		trust := string(policy.Format(r.TrustPolicy))
		for _, a := range arns {
			if !strings.Contains(trust, `"`+a+`"`) {
				t.Errorf("trust of %s lacks %s:\n%s", r.Resource, a, trust)
			}
		}
	}
	if found != 2 || agent == nil {
		t.Fatalf("found %d tool roles, agent role %v", found, agent)
	}
	grants := string(policy.Format(agent.InlinePolicies[0].Document)) + string(policy.Format(p.CallerPolicies[0].Document))
	for _, a := range []string{want["ci_one"][0], want["br_one"][0]} {
		if strings.Count(grants, `"`+a+`"`) != 2 {
			t.Errorf("the agent and the deployer should each name %s once:\n%s", a, grants)
		}
	}
}
