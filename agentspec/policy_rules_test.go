package agentspec

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestPolicyRules: policy_engine rules, mode and gateway_id; each error
// at its position with did-you-mean where there is a near name; the round
// trip through Marshal.
func TestPolicyRules(t *testing.T) {
	const engine = `policy_engine: {id: pe_one-abcdef1234, gateway_id: gw-a1b2c3d4e5, `
	tests := []struct {
		name, engine string
		check        func(e *EnginePolicies) bool
		at, code     string
		suggestion   string
	}{
		{name: "id only keeps no policies", engine: `policy_engine: {id: pe_one-abcdef1234}`, check: func(e *EnginePolicies) bool { return e == nil }},
		{name: "refund under 500 for one user", engine: engine + `rules: [{name: refunds, tools: [RefundTool___process_refund], user: refund-agent, input: {amount: {lt: 500}}}]}`,
			check: func(e *EnginePolicies) bool {
				r := e.Rules[0]
				return e.Mode == ModeEnforce && r.Name == "refunds" && r.User == "refund-agent" && len(r.Input) == 1 &&
					r.Input[0].Field == "amount" && r.Input[0].Op == OpLT && slices.Equal(r.Input[0].Numbers, []int64{500})
			}},
		{name: "role claim, log only, default name", engine: engine + `mode: LOG_ONLY, rules: [{tools: [A___x, A___y], claims: {role: admin}}]}`,
			check: func(e *EnginePolicies) bool {
				return e.Mode == ModeLogOnly && e.Rules[0].Name == "rule_1" && e.Rules[0].Claims["role"] == "admin" && slices.Equal(e.Rules[0].Tools, []string{"A___x", "A___y"})
			}},
		{name: "iam pattern and string limits", engine: engine + `rules: [{tools: [A___x], iam_principal: "arn:aws:iam::123456789012:role/Agent*", input: {currency: {in: [USD, "500"]}, kind: {eq: refund}}}]}`,
			check: func(e *EnginePolicies) bool {
				r := e.Rules[0]
				return r.IAMPrincipal != "" && slices.Equal(r.Input[0].Strings, []string{"USD", "500"}) && r.Input[1].Op == OpEq
			}},
		{name: "two underscores", engine: engine + `rules: [{tools: [RefundTool__process_refund]}]}`, at: "RefundTool__", code: CodeInvalidValue, suggestion: "RefundTool___process_refund"},
		{name: "tool wildcard", engine: engine + `rules: [{tools: ["A___*"]}]}`, at: `"A___*"`, code: CodeInvalidValue},
		{name: "rule key typo", engine: engine + `rules: [{tools: [A___x], claim: {role: admin}}]}`, at: "claim:", code: CodeUnknownKey, suggestion: "claims"},
		{name: "limit typo", engine: engine + `rules: [{tools: [A___x], input: {amount: {lte: 5}}}]}`, at: "lte", code: CodeUnknownKey, suggestion: "lt"},
		{name: "mode typo", engine: engine + `mode: ENFORCED, rules: [{tools: [A___x]}]}`, at: "ENFORCED", code: CodeInvalidValue, suggestion: "ENFORCE"},
		{name: "contradicting limits", engine: engine + `rules: [{tools: [A___x], input: {amount: {lt: 5, gt: 10}}}]}`, at: "{lt", code: CodeInvalidValue},
		{name: "near miss: a range that holds one value", engine: engine + `rules: [{tools: [A___x], input: {amount: {lt: 6, gt: 4}}}]}`,
			check: func(e *EnginePolicies) bool { return len(e.Rules[0].Input) == 2 }},
		{name: "string with lt", engine: engine + `rules: [{tools: [A___x], input: {amount: {lt: five}}}]}`, at: "five", code: CodeWrongType},
		{name: "oauth and iam in one rule", engine: engine + `rules: [{tools: [A___x], user: u, iam_principal: "arn:aws:iam::123456789012:role/R"}]}`, at: "{tools", code: CodeInvalidValue},
		{name: "oauth and iam across rules", engine: engine + `rules: [{tools: [A___x], user: u}, {tools: [A___y], iam_principal: "arn:aws:iam::123456789012:role/R"}]}`, at: "{tools: [A___y]", code: CodeInvalidValue},
		{name: "iam principal not an ARN", engine: engine + `rules: [{tools: [A___x], iam_principal: RefundAgent}]}`, at: "RefundAgent", code: CodeInvalidValue},
		{name: "rules without gateway id", engine: `policy_engine: {id: pe_one-abcdef1234, rules: [{tools: [A___x]}]}`, at: "rules", code: CodeMissingKey},
		{name: "gateway id uppercase suffix", engine: `policy_engine: {id: pe_one-abcdef1234, gateway_id: gw-A1B2C3D4E5}`, at: "gw-A1", code: CodeInvalidValue, suggestion: "gw-a1b2c3d4e5"},
		{name: "gateway id short suffix", engine: `policy_engine: {id: pe_one-abcdef1234, gateway_id: gw-a1b2c3d4e}`, at: "gw-a1", code: CodeInvalidValue},
		{name: "gateway id is the name", engine: `policy_engine: {id: pe_one-abcdef1234, gateway_id: gw}`, at: "gw}", code: CodeInvalidValue},
		{name: "gateway id of another gateway", engine: `policy_engine: {id: pe_one-abcdef1234, gateway_id: other-a1b2c3d4e5}`, at: "other-", code: CodeInvalidValue},
		{name: "rule name", engine: engine + `rules: [{name: "no spaces", tools: [A___x]}]}`, at: `"no spaces"`, code: CodeInvalidName},
		{name: "duplicate rule name", engine: engine + `rules: [{name: r, tools: [A___x]}, {name: r, tools: [A___y]}]}`, at: "{name: r, tools: [A___y]", code: CodeDuplicate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := "  a: {gateway: {name: gw, " + tt.engine + "}}\n"
			s, err := Parse("t.yaml", []byte(header+line))
			if tt.code != "" {
				se, ok := err.(*Error)
				if !ok || len(se.Diagnostics) != 1 {
					t.Fatalf("err = %v, want one %s error", err, tt.code)
				}
				d := se.Diagnostics[0]
				want := fmt.Sprintf("5:%d %s", strings.Index(line, tt.at)+1, tt.code)
				if got := d.Pos.String() + " " + d.Code; got != want || d.Suggestion != tt.suggestion {
					t.Errorf("error %q (%s, suggestion %q), want %q (suggestion %q)", got, d.Message, d.Suggestion, want, tt.suggestion)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if e := s.Agents[0].Gateway.EnginePolicies; !tt.check(e) {
				t.Errorf("engine policies %+v", e)
			}
			again, err := Parse("m.yaml", Marshal(s, ""))
			if err != nil || !again.Agents[0].Gateway.EnginePolicies.equal(s.Agents[0].Gateway.EnginePolicies) {
				t.Errorf("round trip: %v\n%s", err, Marshal(s, ""))
			}
		})
	}
}

// TestPolicyRulesTwoAgents: agents sharing a gateway give its rules once,
// or alike.
func TestPolicyRulesTwoAgents(t *testing.T) {
	const gw = `{name: shared, policy_engine: {id: pe-abcdef1234, gateway_id: shared-a1b2c3d4e5, rules: [{tools: [A___x], user: %s}]}}`
	for _, tt := range []struct {
		b    string
		fail bool
	}{
		{b: fmt.Sprintf(gw, "u"), fail: false},
		{b: `{name: shared, policy_engine: {id: pe-abcdef1234}}`, fail: false},
		{b: fmt.Sprintf(gw, "v"), fail: true},
	} {
		src := header + "  a: {gateway: " + fmt.Sprintf(gw, "u") + "}\n  b: {gateway: " + tt.b + "}\n"
		s, err := Parse("t.yaml", []byte(src))
		if (err != nil) != tt.fail {
			t.Errorf("%s: err = %v, want failure %v", tt.b, err, tt.fail)
			continue
		}
		if err == nil && s.Gateways()[0].EnginePolicies.Rules[0].User != "u" {
			t.Errorf("%s: merged rules %+v", tt.b, s.Gateways()[0].EnginePolicies)
		}
	}
}
