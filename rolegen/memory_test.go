package rolegen

import (
	"slices"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/policy"
)

// TestMemoryRole: a memory whose strategies invoke models gets one
// execution role, trusted by AgentCore in its account and region, that may
// invoke exactly those models; its deployers may create and update the
// memory and pass the role to AgentCore only.
func TestMemoryRole(t *testing.T) {
	p := generate(t, header+`  a:
    memory: [{id: shared_mem-AbCdEf1234, access: read, strategy_models: ["amazon.nova-pro-v1:0"]}]
  b:
    memory: [{id: shared_mem-AbCdEf1234, access: read-write, strategy_models: ["amazon.nova-lite-v1:0", "amazon.nova-pro-v1:0"]}, {id: plain_mem-AbCdEf1234, access: read}]
callers:
  ci: {}
`)
	var roles []*Role
	for _, r := range p.Roles {
		if r.Purpose == PurposeMemory {
			roles = append(roles, r)
		}
	}
	if len(roles) != 1 || roles[0].Resource != "shared_mem-AbCdEf1234" {
		t.Fatalf("memory roles %v, want one for shared_mem-AbCdEf1234", roles)
	}
	r := roles[0]
	trust := string(policy.Format(r.TrustPolicy))
	// The guide's trust: the role exists before the memory's id does
	// (https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/memory-custom-strategy.html).
	for _, frag := range []string{`"aws:SourceArn": "arn:aws:bedrock-agentcore:us-west-2:123456789012:*"`, `"aws:SourceAccount": "123456789012"`, `"Service": "bedrock-agentcore.amazonaws.com"`} {
		if !strings.Contains(trust, frag) {
			t.Errorf("trust lacks %s:\n%s", frag, trust)
		}
	}
	st := r.InlinePolicies[0].Document.Statements
	if len(st) != 1 || st[0].Sid.Value != "InvokeModels" || !slices.Equal(st[0].Resource.Strings(), []string{
		"arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-pro-v1:0", "arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-lite-v1:0"}) {
		t.Errorf("memory role statements:\n%s", policy.Format(r.InlinePolicies[0].Document))
	}
	caller := string(policy.Format(p.CallerPolicies[0].Document))
	for _, frag := range []string{`"Sid": "ManageMemories"`, `"arn:aws:bedrock-agentcore:us-west-2:123456789012:memory/shared_mem-AbCdEf1234"`, `"Resource": "` + r.ARN + `"`} {
		if !strings.Contains(caller, frag) {
			t.Errorf("caller policy lacks %s:\n%s", frag, caller)
		}
	}
	if strings.Contains(caller, "plain_mem") || strings.Contains(caller, "DeleteMemory") {
		t.Errorf("caller policy manages a memory without strategy models or deletes one:\n%s", caller)
	}
}
