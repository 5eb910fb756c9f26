package rolegen

import (
	"slices"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/policy"
)

// callerStatements returns the statements of a caller's policies that
// carry an action.
func callerStatements(p *Plan, caller, action string) []*policy.Statement {
	var out []*policy.Statement
	for _, cp := range p.CallerPolicies {
		if cp.Caller != caller {
			continue
		}
		for _, st := range cp.Document.Statements {
			if slices.Contains(st.Action.Strings(), action) {
				out = append(out, st)
			}
		}
	}
	return out
}

// conditionValues returns the values of a condition key under an operator.
func conditionValues(st *policy.Statement, op, key string) []string {
	if st.Condition == nil {
		return nil
	}
	for _, o := range st.Condition.Operators {
		if o.Name.Value != op {
			continue
		}
		for _, k := range o.Keys {
			if k.Name.Value == key {
				var out []string
				for _, v := range k.Values {
					out = append(out, v.Value)
				}
				return out
			}
		}
	}
	return nil
}

// TestServiceLinkedRoles: every deployer of AgentCore runtimes may create
// exactly the runtime-identity service-linked role (the first
// CreateAgentRuntime of an account creates it), the network role only
// with vpc, and a deployer of Bedrock agents only neither.
func TestServiceLinkedRoles(t *testing.T) {
	const identity = "arn:aws:iam::123456789012:role/aws-service-role/runtime-identity.bedrock-agentcore.amazonaws.com/AWSServiceRoleForBedrockAgentCoreRuntimeIdentity"
	const network = "arn:aws:iam::123456789012:role/aws-service-role/network.bedrock-agentcore.amazonaws.com/AWSServiceRoleForBedrockAgentCoreNetwork"
	p := generate(t, header+`  plain: {}
  in_vpc: {vpc: true}
  code: {deployment: direct_code_deploy}
  faq: {type: bedrock-agent, models: ["anthropic.claude-3-haiku-20240307-v1:0"], agent_id: ABCDEFGHIJ}
callers:
  all: {}
  plain_only: {agents: [plain]}
  code_only: {agents: [code]}
  faq_only: {agents: [faq]}
`)
	tests := []struct {
		caller string
		want   map[string]string // role ARN -> service name
	}{
		{"all", map[string]string{identity: "runtime-identity.bedrock-agentcore.amazonaws.com", network: "network.bedrock-agentcore.amazonaws.com"}},
		{"plain_only", map[string]string{identity: "runtime-identity.bedrock-agentcore.amazonaws.com"}},
		{"code_only", map[string]string{identity: "runtime-identity.bedrock-agentcore.amazonaws.com"}},
		{"faq_only", map[string]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.caller, func(t *testing.T) {
			got := map[string]string{}
			for _, st := range callerStatements(p, tc.caller, "iam:CreateServiceLinkedRole") {
				res := st.Resource.Strings()
				services := conditionValues(st, "StringEquals", "iam:AWSServiceName")
				if len(res) != 1 || len(services) != 1 || len(st.Action.Strings()) != 1 {
					t.Fatalf("statement %s: resources %v, services %v, actions %v: want one of each", st.Sid.Value, res, services, st.Action.Strings())
				}
				if !strings.HasSuffix(res[0], "/"+services[0]+"/"+res[0][strings.LastIndexByte(res[0], '/')+1:]) {
					t.Errorf("role %s is not under its service %s", res[0], services[0])
				}
				got[res[0]] = services[0]
			}
			if len(got) != len(tc.want) {
				t.Errorf("service-linked roles %v, want %v", got, tc.want)
			}
			for arn, svc := range tc.want {
				if got[arn] != svc {
					t.Errorf("%s: service %q, want %q", arn, got[arn], svc)
				}
			}
		})
	}
}
