package accessdenied

import (
	"os"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/rolegen"
)

// TestCorpusFixesConfirm: every statement the corpus proposes, added to
// a role that has no policy, allows the denied request and nothing next
// to it.
func TestCorpusFixesConfirm(t *testing.T) {
	for _, c := range loadCorpus(t) {
		m, err := Parse(c.Message)
		if err != nil {
			t.Fatal(err)
		}
		fix := Propose(m, ClassifyPrincipal(m.Principal, nil))
		if fix.Statement == nil {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			pols := Policies{Source: "no policy"}
			if fix.PolicyType == policy.Boundary {
				// The message says the identity policies allow the request.
				pols.Identity = append(pols.Identity, fix.Document())
				pols.Boundary = policy.NewDocument()
			}
			conf, err := Confirm(m, fix, pols)
			if err != nil {
				t.Fatal(err)
			}
			if !conf.Confirmed {
				t.Errorf("not confirmed: before %s, after %s (%s); notes %q", conf.Before.Decision, conf.After.Decision, conf.After.Reason, conf.Notes)
			}
		})
	}
}

func message(principal, action, resource string) Message {
	return Message{Principal: principal, Action: action, Resource: resource, PolicyType: policy.Identity}
}

const session = "arn:aws:sts::123456789012:assumed-role/R/s"

// TestConfirmBroadening: a fix wider than the request is not confirmed.
func TestConfirmBroadening(t *testing.T) {
	m := message(session, "bedrock-agentcore:CreateEvent", "arn:aws:bedrock-agentcore:us-west-2:123456789012:memory/m-AbCdEf1234")
	fix := Propose(m, ClassifyPrincipal(m.Principal, nil))
	conf, err := Confirm(m, fix, Policies{Source: "none"})
	if err != nil || !conf.Confirmed || len(conf.Probes) != 2 {
		t.Fatalf("exact fix: %+v, %v", conf, err)
	}
	for _, wide := range []string{"arn:aws:bedrock-agentcore:us-west-2:123456789012:memory/*", "arn:aws:bedrock-agentcore:us-west-2:*:memory/m-AbCdEf1234"} {
		fix.Statement.Resource = policy.NewStringList(wide)
		conf, err = Confirm(m, fix, Policies{Source: "none"})
		if err != nil {
			t.Fatal(err)
		}
		if conf.Confirmed || !strings.Contains(strings.Join(conf.Notes, " "), "narrow it") {
			t.Errorf("fix on %s confirmed: %+v", wide, conf)
		}
	}
	// S3: the same bucket name in another account.
	m = message(session, "s3:GetObject", "arn:aws:s3:::b/k")
	fix = Propose(m, ClassifyPrincipal(m.Principal, nil))
	if conf, _ = Confirm(m, fix, Policies{}); !conf.Confirmed {
		t.Errorf("S3 fix with aws:ResourceAccount not confirmed: %q", conf.Notes)
	}
	fix.Statement.Condition = nil
	if conf, _ = Confirm(m, fix, Policies{}); conf.Confirmed {
		t.Error("S3 fix without aws:ResourceAccount confirmed")
	}
}

// TestConfirmAlreadyAllowed: when the given policies allow the request,
// the denial comes from elsewhere.
func TestConfirmAlreadyAllowed(t *testing.T) {
	m := message(session, "bedrock:InvokeModel", "arn:aws:bedrock:us-west-2::foundation-model/x")
	fix := Propose(m, ClassifyPrincipal(m.Principal, nil))
	conf, err := Confirm(m, fix, Policies{Source: "p.json", Identity: []*policy.Document{fix.Document()}})
	if err != nil {
		t.Fatal(err)
	}
	if conf.Confirmed || conf.Before.Decision != eval.Allowed || !strings.Contains(strings.Join(conf.Notes, " "), "already allow") {
		t.Errorf("%+v", conf)
	}
	if conf, _ := Confirm(m, Fix{}, Policies{}); conf.Confirmed || conf.After != nil || conf.Before.Decision == eval.Allowed {
		t.Errorf("a fix without statement: %+v", conf)
	}
}

// TestSpecChanges: the fix of a generated role as a change of the spec,
// confirmed by generating again.
func TestSpecChanges(t *testing.T) {
	spec := testSpec(t)
	plan, err := rolegen.Generate(spec)
	if err != nil {
		t.Fatal(err)
	}
	roleOf := func(purpose, owner string) string {
		for _, r := range plan.Roles {
			if r.Purpose == purpose && (r.Agent == owner || r.Gateway == owner) {
				return "arn:aws:sts::123456789012:assumed-role/" + r.Name + "/s"
			}
		}
		t.Fatalf("no %s role for %s", purpose, owner)
		return ""
	}
	runtime := roleOf(rolegen.PurposeRuntime, "support_bot")
	const acct = "arn:aws:bedrock-agentcore:us-west-2:123456789012:"
	tests := []struct {
		principal, action, resource string
		want                        string // the change's text; "" for none
		confirmed                   bool
	}{
		{runtime, "bedrock:InvokeModel", "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0", "add anthropic.claude-3-haiku-20240307-v1:0 to agents.support_bot.models", true},
		{runtime, "bedrock:InvokeModel", "arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0", "add us.anthropic.claude-sonnet-4-20250514-v1:0 to agents.support_bot.models", true},
		{runtime, "bedrock:InvokeModel", "arn:aws:bedrock:us-west-2::foundation-model/acme.brand-new-model-v1:0", "add arn:aws:bedrock:us-west-2::foundation-model/acme.brand-new-model-v1:0 to agents.support_bot.models", true},
		{runtime, "bedrock-agentcore:CreateEvent", acct + "memory/support_bot_mem-AbCdEf1234", "set access: read-write on memory support_bot_mem-AbCdEf1234 in agents.support_bot.memory", true},
		{runtime, "bedrock-agentcore:RetrieveMemoryRecords", acct + "memory/shared_mem-ZyXwVu9876", "add {id: shared_mem-ZyXwVu9876, access: read} to agents.support_bot.memory", true},
		{runtime, "s3:PutObject", "arn:aws:s3:::uploads/in/x.pdf", "add {bucket: uploads, prefix: in/, access: read-write} to agents.support_bot.s3", true},
		{runtime, "dynamodb:GetItem", "arn:aws:dynamodb:us-west-2:123456789012:table/tickets", "add {table: tickets, access: read} to agents.support_bot.dynamodb", true},
		{runtime, "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-west-2:123456789012:secret:zendesk/token-AbCdEf", "add zendesk/token to agents.support_bot.secrets", true},
		{runtime, "ssm:GetParameter", "arn:aws:ssm:us-west-2:123456789012:parameter/support/url", "add /support/url to agents.support_bot.ssm_parameters", true},
		{runtime, "bedrock-agentcore:GetResourceOauth2Token", acct + "token-vault/default/oauth2credentialprovider/github", "add github to agents.support_bot.identity.oauth2_providers", true},
		{runtime, "bedrock-agentcore:InvokeAgentRuntime", acct + "runtime/billing_bot-AbCdEf1234", "add billing_bot to agents.support_bot.invokes", true},
		{runtime, "bedrock-agentcore:StartCodeInterpreterSession", "arn:aws:bedrock-agentcore:us-west-2:aws:code-interpreter/aws.codeinterpreter.v1", "set agents.support_bot.code_interpreter: true", true},
		{runtime, "bedrock-agentcore:StartBrowserSession", acct + "browser-custom/my_browser-AbCdEf1234", "set agents.support_bot.browser: {id: my_browser-AbCdEf1234}", true},
		{roleOf(rolegen.PurposeGateway, "support-tools"), "lambda:InvokeFunction", "arn:aws:lambda:us-west-2:123456789012:function:refunds", "add arn:aws:lambda:us-west-2:123456789012:function:refunds to agents.support_bot.gateway.lambda_targets", true},
		{roleOf(rolegen.PurposeBedrockAgent, "faq_agent"), "bedrock:Retrieve", "arn:aws:bedrock:us-west-2:123456789012:knowledge-base/KBID654321", "add KBID654321 to agents.faq_agent.knowledge_bases", true},
		{runtime, "s3:ListBucket", "arn:aws:s3:::reports", "add {bucket: reports, access: read} to agents.support_bot.s3", true},
		{runtime, "kms:Decrypt", "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", "add arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab to agents.support_bot.kms_keys", true},
		{runtime, "ecr:BatchGetImage", "arn:aws:ecr:us-west-2:123456789012:repository/support-bot", "set agents.support_bot.ecr_repository: support-bot", true},
		{runtime, "bedrock-agentcore:InvokeGateway", acct + "gateway/support-tools-AbCdEf1234", "set agents.support_bot.gateway.name: support-tools", true},
		{runtime, "sqs:SendMessage", "arn:aws:sqs:us-west-2:123456789012:queue", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.action+" "+tc.resource, func(t *testing.T) {
			m := message(tc.principal, tc.action, tc.resource)
			role, _ := FindRole(plan, ClassifyPrincipal(m.Principal, PlanRoleKinds(plan)))
			if role == nil {
				t.Fatal("role not found")
			}
			c := ProposeSpecChange(spec, role, m)
			if tc.want == "" {
				if c != nil {
					t.Fatalf("change %q, want none", c.Text)
				}
				return
			}
			if c == nil {
				t.Fatal("no change")
			}
			if c.Text != tc.want || c.Confirmed != tc.confirmed {
				t.Errorf("change %q confirmed=%v (%s), want %q confirmed=%v", c.Text, c.Confirmed, c.Note, tc.want, tc.confirmed)
			}
		})
	}
}

// testSpec reads the spec the tests generate roles from.
func testSpec(t *testing.T) *agentspec.Spec {
	t.Helper()
	src, err := os.ReadFile("testdata/spec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := agentspec.Parse("spec.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// TestPlanRoleKinds: roles named by the spec are classified by purpose.
func TestPlanRoleKinds(t *testing.T) {
	plan := &rolegen.Plan{Roles: []*rolegen.Role{{Name: "MyAgentRole", Purpose: rolegen.PurposeRuntime}},
		ExistingRoles: []*rolegen.ExistingRole{{ARN: "arn:aws:iam::123456789012:role/path/Kept", Purpose: rolegen.PurposeBedrockAgent}}}
	kinds := PlanRoleKinds(plan)
	if p := ClassifyPrincipal("arn:aws:sts::123456789012:assumed-role/MyAgentRole/s", kinds); p.Kind != KindAgentCoreRuntime {
		t.Errorf("kind %s", p.Kind)
	}
	p := ClassifyPrincipal("arn:aws:sts::123456789012:assumed-role/Kept/s", kinds)
	if r, kept := FindRole(plan, p); r != nil || kept == nil || p.Kind != KindBedrockAgentRole {
		t.Errorf("kept role: %v %v %s", r, kept, p.Kind)
	}
}

// A decoded authorization message gives the request's condition keys:
// the role's own policies are evaluated with them. Here the role allows
// RunInstances only for t3.micro, and the decoded request was for one.
func TestConfirmDecodedContext(t *testing.T) {
	m, err := Parse(`{"allowed":false,"explicitDeny":false,"context":{"principal":{"arn":"arn:aws:sts::123456789012:assumed-role/Dev/s"},"action":"ec2:RunInstances","resource":"arn:aws:ec2:us-east-1:123456789012:instance/*","conditions":{"items":[{"key":"ec2:InstanceType","values":{"items":[{"value":"t3.micro"}]}}]}}}`)
	if err != nil {
		t.Fatal(err)
	}
	role, err := policy.Parse("role.json", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*","Condition":{"StringEquals":{"ec2:InstanceType":"t3.micro"}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	fix := Propose(m, ClassifyPrincipal(m.Principal, nil))
	conf, err := Confirm(m, fix, Policies{Source: "role.json", Identity: []*policy.Document{role}})
	if err != nil {
		t.Fatal(err)
	}
	if conf.Before == nil || conf.Before.Decision != eval.Allowed {
		t.Errorf("before = %+v, want Allowed with the decoded context", conf.Before)
	}
}
