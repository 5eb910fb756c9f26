package rolegen

import (
	"strings"
	"testing"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/policy"
)

// TestIDsOfSiblings: a runtime or gateway id is its name, '-' and ten
// characters; the patterns that match an id suffix must not match the
// ids of a sibling whose name extends this one's (gateway support-tools
// and support-tools-admin), in identity policies and in trust policies.
func TestIDsOfSiblings(t *testing.T) {
	p := generate(t, header+`  bot:
    invokes: [helper]
    gateway: {name: support-tools, lambda_targets: ["arn:aws:lambda:us-west-2:123456789012:function:tool"]}
  helper: {}
`)
	const prefix = "arn:aws:bedrock-agentcore:us-west-2:123456789012:"
	tests := []struct {
		name, role, sid string
		own, sibling    string
	}{
		{"gateway invoke", "bot", "InvokeGateway", prefix + "gateway/support-tools-a1b2c3d4e5", prefix + "gateway/support-tools-admin-a1b2c3d4e5"},
		{"runtime invoke", "bot", "InvokeOtherAgents", prefix + "runtime/helper-AbCdEf1234", prefix + "runtime/helper-AbCdEf1234x"},
		{"runtime endpoint invoke", "bot", "InvokeOtherAgents", prefix + "runtime/helper-AbCdEf1234/runtime-endpoint/DEFAULT", prefix + "runtime/helper_x-AbCdEf1234/runtime-endpoint/DEFAULT"},
		{"runtime logs", "bot", "WriteRuntimeLogs", "arn:aws:logs:us-west-2:123456789012:log-group:/aws/bedrock-agentcore/runtimes/bot-AbCdEf1234-DEFAULT:log-stream:x",
			"arn:aws:logs:us-west-2:123456789012:log-group:/aws/bedrock-agentcore/runtimes/bot-x-AbCdEf1234-DEFAULT:log-stream:x"},
		{"gateway trust", "support-tools", "", prefix + "gateway/support-tools-a1b2c3d4e5", prefix + "gateway/support-tools-admin-a1b2c3d4e5"},
		{"runtime trust", "bot", "", prefix + "runtime/bot-AbCdEf1234", prefix + "runtime/bot-AbCdEf1234-x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			patterns := siblingPatterns(t, p, tt.role, tt.sid)
			if !anyMatch(patterns, tt.own) {
				t.Errorf("%v do not match its own %s", patterns, tt.own)
			}
			if anyMatch(patterns, tt.sibling) {
				t.Errorf("%v match the sibling %s", patterns, tt.sibling)
			}
		})
	}
}

// siblingPatterns are the resources of a role's statement, or with no
// sid the aws:SourceArn patterns of its trust policy.
func siblingPatterns(t *testing.T, p *Plan, owner, sid string) []string {
	t.Helper()
	for _, r := range p.Roles {
		if r.Agent != owner && r.Gateway != owner || r.Purpose != PurposeRuntime && r.Purpose != PurposeGateway {
			continue
		}
		if sid == "" {
			text := string(policy.Format(r.TrustPolicy))
			_, rest, _ := strings.Cut(text, `"aws:SourceArn": "`)
			source, _, _ := strings.Cut(rest, `"`)
			return []string{source}
		}
		for _, st := range r.InlinePolicies[0].Document.Statements {
			if st.Sid.Value == sid {
				return st.Resource.Strings()
			}
		}
	}
	t.Fatalf("no statement %q in the role of %s", sid, owner)
	return nil
}

func anyMatch(patterns []string, value string) bool {
	for _, p := range patterns {
		if arn.Match(p, value) {
			return true
		}
	}
	return false
}
