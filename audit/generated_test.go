package audit_test

import (
	"os"
	"slices"
	"testing"

	"github.com/agentiam/agentiam/audit"
	"github.com/agentiam/agentiam/policy"
)

// TestReplacement: with the role agentiam would generate for broad-agent,
// its over-privileged-agent findings show that role and, where the
// generated role denies the finding's request, the statements to remove;
// where it allows it too, none (the agent's spec asks for it). Findings
// on other roles, and of other categories, get none.
func TestReplacement(t *testing.T) {
	const role = "arn:aws:iam::123456789012:role/broad-agent"
	for _, tc := range []struct {
		name, generated string
		needed          map[audit.Code]bool // codes whose request the generated role allows
	}{
		{"least privilege", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"}]}`, nil},
		{"as broad as the role", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock-agentcore:*","Resource":"*"}]}`,
			map[audit.Code]bool{audit.CodeAgentServiceWildcard: true, audit.CodeAgentOtherMemory: true, audit.CodeAgentTokenForUser: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := policy.Parse("generated.json", []byte(tc.generated))
			if err != nil {
				t.Fatal(err)
			}
			g := &audit.GeneratedRole{Name: "broad-agent", Agent: "broad", Source: "toolkit.yaml", Policies: []audit.GeneratedPolicy{{Name: "runtime", Document: doc}}}
			src, err := os.ReadFile("testdata/account.json")
			if err != nil {
				t.Fatal(err)
			}
			acct, err := audit.ReadDetails("account.json", src)
			if err != nil {
				t.Fatal(err)
			}
			r, err := audit.New(audit.Options{Generated: map[string]*audit.GeneratedRole{"broad-agent": g}}).Audit(acct)
			if err != nil {
				t.Fatal(err)
			}
			seen := 0
			for _, f := range r.Findings {
				want := f.Principal == role && f.Category == audit.OverPrivilegedAgent
				if got := f.Replacement != nil; got != want {
					t.Errorf("%s %s: replacement %v, want %v", f.Code, f.Principal, got, want)
				}
				if !want || f.Replacement == nil {
					continue
				}
				seen++
				rp := f.Replacement
				if rp.Role != g || rp.NeededByAgent != tc.needed[f.Code] {
					t.Errorf("%s: needed by agent %v, want %v", f.Code, rp.NeededByAgent, tc.needed[f.Code])
				}
				if !rp.NeededByAgent && (len(rp.Remove) == 0 || !slices.Equal(rp.Remove, f.Statements)) {
					t.Errorf("%s: remove %v, want the granting statements %v", f.Code, rp.Remove, f.Statements)
				}
				if rp.NeededByAgent && len(rp.Remove) > 0 {
					t.Errorf("%s: the generated role allows the request, yet remove %v", f.Code, rp.Remove)
				}
			}
			if seen == 0 {
				t.Fatal("broad-agent has no over-privileged-agent finding")
			}
		})
	}
}
