package accessdenied

import (
	"errors"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
)

// TestExplain: the one entry point parses, classifies, fixes, confirms
// against the spec's role or the given policies, and proposes the spec
// change, noting what it could not check.
func TestExplain(t *testing.T) {
	spec := testSpec(t)
	denied := func(principal, action, resource, why string) string {
		return "User: " + principal + " is not authorized to perform: " + action + " on resource: " + resource + " because no " + why + " allows the " + action + " action"
	}
	const runtime = "arn:aws:sts::123456789012:assumed-role/AmazonBedrockAgentCoreSDKRuntime-us-west-2-bfae032411/s1"
	const haiku3 = "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
	allowAll, err := policy.Parse("all.json", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		message   string
		opts      Options
		kind      PrincipalKind
		confirmed bool   // the fix was checked and confirmed
		before    string // the decision before the fix; "" for no confirmation
		spec      string // the spec change's text; "" for none
		note      string // a substring of the notes; "" for no note of the explanation's own
	}{
		{name: "no spec", message: denied(runtime, "bedrock:InvokeModel", haiku3, "identity-based policy"),
			kind: KindAgentCoreRuntime},
		{name: "generated role", message: denied(runtime, "bedrock:InvokeModel", haiku3, "identity-based policy"),
			opts: Options{Spec: spec, SpecName: "spec.yaml"}, kind: KindAgentCoreRuntime, confirmed: true,
			before: "ImplicitlyDenied", spec: "add anthropic.claude-3-haiku-20240307-v1:0 to agents.support_bot.models"},
		{name: "given policies allow it already", message: denied(runtime, "bedrock:InvokeModel", haiku3, "identity-based policy"),
			opts: Options{Spec: spec, SpecName: "spec.yaml", Policies: &Policies{Source: "all.json", Identity: []*policy.Document{allowAll}}},
			kind: KindAgentCoreRuntime, before: "Allowed", note: "the policies of all.json already allow this request"},
		{name: "no key grants it", message: denied(runtime, "sqs:SendMessage", "arn:aws:sqs:us-west-2:123456789012:queue", "identity-based policy"),
			opts: Options{Spec: spec, SpecName: "spec.yaml"}, kind: KindAgentCoreRuntime, confirmed: true,
			before: "ImplicitlyDenied", note: "no key of spec.yaml grants sqs:SendMessage"},
		{name: "another role", message: denied("arn:aws:sts::123456789012:assumed-role/SomeOtherRole/s", "s3:GetObject", "arn:aws:s3:::b/k", "identity-based policy"),
			opts: Options{Spec: spec, SpecName: "spec.yaml"}, kind: KindRoleSession, note: "role SomeOtherRole is not one of the roles spec.yaml generates"},
		{name: "a person", message: denied("arn:aws:iam::123456789012:user/jane", "s3:GetObject", "arn:aws:s3:::b/k", "identity-based policy"),
			opts: Options{Spec: spec, SpecName: "spec.yaml"}, kind: KindIAMUser, note: "the denied principal is not a role"},
		{name: "anonymous, no inputs: confirmed against the resource policy alone", message: denied("anonymous", "s3:GetObject", "arn:aws:s3:::b/k", "resource-based policy"),
			kind: KindAnonymous, confirmed: true, before: "ImplicitlyDenied"},
		{name: "anonymous, with a spec", message: denied("anonymous", "s3:GetObject", "arn:aws:s3:::b/k", "resource-based policy"),
			opts: Options{Spec: spec, SpecName: "spec.yaml"}, kind: KindAnonymous, confirmed: true, before: "ImplicitlyDenied", note: "the denied principal is not a role"},
		{name: "VPC endpoint", message: denied(runtime, "s3:GetObject", "arn:aws:s3:::support-kb-docs/faq/a.md", "VPC endpoint policy"),
			opts: Options{Spec: spec, SpecName: "spec.yaml"}, kind: KindAgentCoreRuntime, before: "Allowed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, err := Explain(tc.message, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if x.Principal.Kind != tc.kind {
				t.Errorf("kind %s, want %s", x.Principal.Kind, tc.kind)
			}
			c := x.Confirmation
			switch {
			case tc.before == "" && c != nil:
				t.Errorf("confirmation against %s, want none", c.Source)
			case tc.before != "" && (c == nil || c.Before == nil):
				t.Fatalf("no confirmation; notes %q", x.Notes)
			case tc.before != "":
				if c.Before.Decision.String() != tc.before || c.Confirmed != tc.confirmed {
					t.Errorf("before %s confirmed=%v, want %s confirmed=%v", c.Before.Decision, c.Confirmed, tc.before, tc.confirmed)
				}
				if x.AlreadyAllowed() != (c.Before.Decision == eval.Allowed) {
					t.Errorf("AlreadyAllowed %v", x.AlreadyAllowed())
				}
			}
			var got string
			if x.SpecChange != nil {
				got = x.SpecChange.Text
			}
			if got != tc.spec {
				t.Errorf("spec change %q, want %q", got, tc.spec)
			}
			notes := strings.Join(append(x.Notes, notesOf(c)...), "\n")
			if tc.note == "" && len(x.Notes) > 0 || !strings.Contains(notes, tc.note) {
				t.Errorf("notes %q, want one with %q", notes, tc.note)
			}
		})
	}
}

func notesOf(c *Confirmation) []string {
	if c == nil {
		return nil
	}
	return c.Notes
}

// TestExplainErrors: text that is no AccessDenied message.
func TestExplainErrors(t *testing.T) {
	if _, err := Explain("Access Denied", Options{}); !errors.Is(err, ErrUnrecognized) {
		t.Errorf("error %v, want ErrUnrecognized", err)
	}
}
