package rolegen

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/catalog"
	"github.com/agentiam/agentiam/lint"
	"github.com/agentiam/agentiam/policy"
)

const header = "version: 1\naccount: \"123456789012\"\nregion: us-west-2\nagents:\n"

func generate(t testing.TB, src string) *Plan {
	t.Helper()
	spec, err := agentspec.Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Generate(spec)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func fileSpec(t testing.TB, path string) *Plan {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return generate(t, string(src))
}

// plans are the specs whose every document the tests below check.
func plans(t testing.TB) map[string]*Plan {
	src, err := os.ReadFile("../examples/toolkit/.bedrock_agentcore.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, toolkit, err := agentspec.ImportToolkit("toolkit", src)
	if err != nil {
		t.Fatal(err)
	}
	imported, err := Generate(toolkit)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*Plan{
		"example":    fileSpec(t, "../examples/agentiam.yaml"),
		"everything": fileSpec(t, "../agentspec/testdata/everything.yaml"),
		"partitions": fileSpec(t, "../render/internal/testspecs/testdata/partitions.yaml"),
		"toolkit":    imported,
		"overflow":   generate(t, overflowSpec(300)),
		"fleet":      generate(t, string(fleetSpec(200))),
		"long names": generate(t, longNamesSpec()),
	}
}

// longNamesSpec has the longest names the spec allows: a Bedrock agent
// name of 199 characters, a runtime name of 48 in a 14-character region.
func longNamesSpec() string {
	return header + "  " + strings.Repeat("a_", 99) + `a:
    type: bedrock-agent
    models: [anthropic.claude-3-haiku-20240307-v1:0]
    action_groups: [{lambda: "arn:aws:lambda:us-west-2:123456789012:function:f"}]
  ` + strings.Repeat("B", 48) + `:
    region: ap-southeast-2
    build: codebuild
`
}

// generated is one generated policy with what it is.
type generated struct {
	name string
	kind policy.Kind
	size lint.SizeClass
	doc  *policy.Document
}

func documents(p *Plan) []generated {
	var out []generated
	for _, r := range p.Roles {
		out = append(out, generated{r.Name + " trust", policy.Trust, "", r.TrustPolicy})
		for _, ip := range r.InlinePolicies {
			out = append(out, generated{r.Name + " " + ip.Name, policy.Identity, lint.Inline, ip.Document})
		}
		for _, mp := range r.ManagedPolicies {
			out = append(out, generated{mp.Name, policy.Identity, lint.Managed, mp.Document})
		}
	}
	for _, rp := range p.ResourcePolicies {
		out = append(out, generated{rp.ResourceARN + " " + rp.StatementID, policy.Resource, "", rp.Document})
	}
	for _, cp := range p.CallerPolicies {
		out = append(out, generated{cp.Name, policy.Identity, lint.Managed, cp.Document})
	}
	return out
}

func overflowSpec(n int) string {
	var b strings.Builder
	b.WriteString(header + "  hoarder:\n    secrets:\n")
	for i := range n {
		fmt.Fprintf(&b, "      - team/service-%04d/credentials\n", i)
	}
	return b.String()
}

// TestActionTable checks that every action of the table exists in the
// catalog with exactly that spelling.
func TestActionTable(t *testing.T) {
	for f, names := range actionSets {
		if len(names) == 0 {
			t.Errorf("feature %s has no actions", f)
		}
		for _, n := range names {
			a, err := catalog.LookupAction(n)
			if err != nil {
				t.Errorf("feature %s: %v", f, err)
				continue
			}
			if a.FullName() != n {
				t.Errorf("feature %s: %s is spelled %s in the catalog", f, n, a.FullName())
			}
		}
	}
}

// TestActionsApplyToResources checks every generated statement against
// the catalog: an action that takes no resource type gets "*", and every
// resource of a statement is an ARN of a type each of its actions takes.
func TestActionsApplyToResources(t *testing.T) {
	for name, p := range plans(t) {
		for _, d := range documents(p) {
			if d.kind == policy.Trust {
				continue
			}
			for _, st := range d.doc.Statements {
				for _, action := range st.Action.Strings() {
					a, err := catalog.LookupAction(action)
					if err != nil {
						t.Fatalf("%s %s: %v", name, d.name, err)
					}
					for _, res := range st.Resource.Strings() {
						if msg := appliesTo(a, res); msg != "" {
							t.Errorf("%s %s %s: %s", name, d.name, st.Sid.Value, msg)
						}
					}
				}
			}
		}
	}
}

func appliesTo(a *catalog.Action, resource string) string {
	required := slices.ContainsFunc(a.Resources, func(r catalog.ActionResource) bool { return r.Required })
	switch {
	case len(a.Resources) == 0 && resource != "*":
		return fmt.Sprintf("%s takes no resource type but is granted on %s", a.FullName(), resource)
	case resource == "*" && required:
		return fmt.Sprintf("%s is granted on * although it requires a resource type", a.FullName())
	case resource == "*":
		return ""
	}
	types := catalog.ClassifyARN(resource)
	for _, r := range a.Resources {
		if slices.Contains(types, r.Type) {
			return ""
		}
	}
	return fmt.Sprintf("%s does not apply to %s", a.FullName(), resource)
}

// TestLintClean lints every generated document: none may have an error or
// a warning.
func TestLintClean(t *testing.T) {
	for name, p := range plans(t) {
		for _, d := range documents(p) {
			for _, diag := range lint.Document(d.doc, lint.Options{Type: d.kind, Size: d.size}) {
				if diag.Severity >= 1 {
					t.Errorf("%s %s: %s %s: %s", name, d.name, diag.Severity, diag.Code, diag.Message)
				}
			}
		}
	}
}

// TestQuotas checks names and sizes against IAM's quotas.
func TestQuotas(t *testing.T) {
	for name, p := range plans(t) {
		for _, r := range p.Roles {
			if len(r.Name) > maxNameLength {
				t.Errorf("%s: role name %s is %d characters", name, r.Name, len(r.Name))
			}
			if n := policy.Size(r.TrustPolicy); n > maxTrustPolicySize {
				t.Errorf("%s: trust policy of %s is %d characters", name, r.Name, n)
			}
			inline := 0
			for _, ip := range r.InlinePolicies {
				inline += policy.Size(ip.Document)
			}
			if inline > maxInlinePolicySize {
				t.Errorf("%s: inline policies of %s are %d characters", name, r.Name, inline)
			}
			for _, mp := range r.ManagedPolicies {
				if n := policy.Size(mp.Document); n > maxManagedPolicySize {
					t.Errorf("%s: managed policy %s is %d characters", name, mp.Name, n)
				}
			}
			for _, np := range slices.Concat(r.InlinePolicies, r.ManagedPolicies) {
				if len(np.Name) > maxPolicyNameLength {
					t.Errorf("%s: policy name %s is %d characters", name, np.Name, len(np.Name))
				}
			}
		}
		for _, rp := range p.ResourcePolicies {
			if len(rp.StatementID) > maxStatementIDLength {
				t.Errorf("%s: Lambda statement id %s is %d characters", name, rp.StatementID, len(rp.StatementID))
			}
		}
		for _, cp := range p.CallerPolicies {
			if n := policy.Size(cp.Document); n > maxManagedPolicySize {
				t.Errorf("%s: caller policy %s is %d characters", name, cp.Name, n)
			}
		}
	}
}

// TestOverflowKeepsEveryResource checks that splitting a role's
// statements over managed policies loses and duplicates nothing.
func TestOverflowKeepsEveryResource(t *testing.T) {
	p := generate(t, overflowSpec(300))
	r := p.Roles[0]
	if len(r.ManagedPolicies) == 0 || len(r.ManagedPolicyARNs) != len(r.ManagedPolicies) {
		t.Fatalf("managed policies %d, ARNs %d", len(r.ManagedPolicies), len(r.ManagedPolicyARNs))
	}
	var secrets []string
	for _, d := range append(append([]*NamedPolicy{}, r.InlinePolicies...), r.ManagedPolicies...) {
		for _, st := range d.Document.Statements {
			if st.Sid.Value == "ReadSecrets" {
				secrets = append(secrets, st.Resource.Strings()...)
			}
		}
	}
	if len(secrets) != 300 {
		t.Fatalf("got %d secret ARNs, want 300", len(secrets))
	}
	for i, s := range secrets {
		if want := fmt.Sprintf("arn:aws:secretsmanager:us-west-2:123456789012:secret:team/service-%04d/credentials-??????", i); s != want {
			t.Fatalf("secret %d = %s, want %s", i, s, want)
		}
	}
	if want := "arn:aws:iam::123456789012:policy/" + r.Name + "-2"; r.ManagedPolicyARNs[0] != want {
		t.Errorf("managed policy ARN %s, want %s", r.ManagedPolicyARNs[0], want)
	}
}

func TestTooLargeForQuota(t *testing.T) {
	spec, err := agentspec.Parse("t.yaml", []byte(overflowSpec(1000)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(spec); !errors.Is(err, ErrQuota) {
		t.Errorf("err = %v, want ErrQuota", err)
	}
}

// TestFeatureStatements checks that each feature adds exactly its own
// statements: nothing is granted for a feature the agent does not use.
func TestFeatureStatements(t *testing.T) {
	base := []string{"PullAgentImage", "GetECRAuthorizationToken", "CreateRuntimeLogGroups", "DescribeLogGroups", "WriteRuntimeLogs", "WriteTraces", "PublishAgentCoreMetrics", "GetWorkloadAccessTokens"}
	tests := []struct {
		name, agent string
		want        []string // Sids of the runtime role's inline policy
	}{
		{"nothing", "{}", base},
		{"direct code, no observability", "{deployment: direct_code_deploy, observability: false}", []string{"CreateRuntimeLogGroups", "DescribeLogGroups", "WriteRuntimeLogs", "GetWorkloadAccessTokens"}},
		{"foundation model", "{models: [\"anthropic.claude-3-haiku-20240307-v1:0\"]}", append(slices.Clone(base), "InvokeModels", "SubscribeToMarketplaceModels")},
		// GetInferenceProfiles: https://docs.aws.amazon.com/bedrock/latest/userguide/inference-prereq.html
		{"inference profile", "{models: [\"us.anthropic.claude-3-haiku-20240307-v1:0\"]}", append(slices.Clone(base), "InvokeModels", "InvokeModelsThroughInferenceProfiles", "GetInferenceProfiles", "SubscribeToMarketplaceModels")},
		{"application inference profile", "{models: [\"arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/abcdef123456\", \"anthropic.claude-3-haiku-20240307-v1:0\"]}", append(slices.Clone(base), "InvokeModels", "GetInferenceProfiles", "SubscribeToMarketplaceModels")},
		{"user id tokens", "{user_id_tokens: true}", append(slices.Clone(base), "GetWorkloadAccessTokensForUserIds")},
		{"invokes for the user", "{invokes: [b, {agent: c, for_user: true}]}\n  b: {}\n  c: {}", append(slices.Clone(base), "InvokeOtherAgents", "InvokeOtherAgentsForUser")},
		{"guardrails", "{guardrails: [gr1abc2def3g, \"us.guardrail.v1:0\"]}", append(slices.Clone(base), "ApplyGuardrails")},
		{"amazon model", "{models: [\"amazon.nova-pro-v1:0\"]}", append(slices.Clone(base), "InvokeModels")},
		{"marketplace off", "{models: [\"anthropic.claude-3-haiku-20240307-v1:0\"], marketplace: false}", append(slices.Clone(base), "InvokeModels")},
		{"memory", "{memory: [{id: m_one-AbCdEf1234, access: read}, {id: m_two-AbCdEf1234, access: read-write}]}", append(slices.Clone(base), "ReadMemory", "ReadWriteMemory")},
		{"identity", "{identity: {oauth2_providers: [gh]}}", append(slices.Clone(base), "GetOAuth2Tokens", "ReadCredentialProviderSecrets")},
		{"gateway", "{gateway: {name: gw}}", append(slices.Clone(base), "InvokeGateway")},
		{"tools", "{code_interpreter: true, browser: {id: b_one-AbCdEf1234}}", append(slices.Clone(base), "UseCodeInterpreter", "UseBrowser", "ConnectBrowserAutomationStream")},
		{"s3 read", "{s3: [{bucket: docs-bucket, access: read}]}", append(slices.Clone(base), "ReadS3Objects", "ListS3BucketDocsBucket")},
		{"s3 read-write", "{s3: [{bucket: docs-bucket, prefix: a/, access: read-write}]}", append(slices.Clone(base), "ReadS3Objects", "WriteS3Objects", "ListS3BucketDocsBucket")},
		{"dynamodb", "{dynamodb: [{table: t1_table, access: read}]}", append(slices.Clone(base), "ReadDynamoDBTables", "QueryDynamoDBIndexes")},
		{"secrets kms ssm", "{secrets: [s], kms_keys: [\"arn:aws:kms:us-west-2:123456789012:key/k\"], ssm_parameters: [/a/*]}", append(slices.Clone(base), "ReadSecrets", "DecryptWithKMSKeys", "ReadSSMParameters", "ReadSSMParametersByPath")},
		{"kms with s3 writes", "{s3: [{bucket: docs-bucket, access: read-write}], kms_keys: [\"arn:aws:kms:us-west-2:123456789012:key/k\"]}", append(slices.Clone(base), "ReadS3Objects", "WriteS3Objects", "ListS3BucketDocsBucket", "DecryptWithKMSKeys", "EncryptS3ObjectsWithKMSKeys")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := generate(t, header+"  a: "+tt.agent+"\n")
			var got []string
			for _, st := range p.Roles[0].InlinePolicies[0].Document.Statements {
				got = append(got, st.Sid.Value)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Sids = %v\nwant   %v", got, tt.want)
			}
		})
	}
}

// TestExactResources pins the ARNs of the grants that matter most.
func TestExactResources(t *testing.T) {
	p := generate(t, header+`  a:
    models: [us.anthropic.claude-3-haiku-20240307-v1:0, global.anthropic.claude-sonnet-4-5-20250929-v1:0]
    secrets: [exact, "wild/*"]
    ssm_parameters: [/app/*]
    s3: [{bucket: docs-bucket, prefix: faq/, access: read}]
    dynamodb: [{table: orders, access: read}]
`)
	got := map[string][]string{}
	conds := map[string]string{}
	for _, st := range p.Roles[0].InlinePolicies[0].Document.Statements {
		got[st.Sid.Value] = st.Resource.Strings()
		if st.Condition != nil {
			conds[st.Sid.Value] = string(policy.Format(policy.NewDocument(st)))
		}
	}
	want := map[string][]string{
		"InvokeModels": {
			"arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0",
			"arn:aws:bedrock:us-west-2:123456789012:inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0",
		},
		"InvokeModelsThroughInferenceProfiles": {
			"arn:aws:bedrock:*::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
			"arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
		},
		"ReadSecrets": {
			"arn:aws:secretsmanager:us-west-2:123456789012:secret:exact-??????",
			"arn:aws:secretsmanager:us-west-2:123456789012:secret:wild/*",
		},
		"ReadSSMParameters":       {"arn:aws:ssm:us-west-2:123456789012:parameter/app/*"},
		"ReadSSMParametersByPath": {"arn:aws:ssm:us-west-2:123456789012:parameter/app"},
		"ReadS3Objects":           {"arn:aws:s3:::docs-bucket/faq/*"},
		"ListS3BucketDocsBucket":  {"arn:aws:s3:::docs-bucket"},
		"ReadDynamoDBTables":      {"arn:aws:dynamodb:us-west-2:123456789012:table/orders"},
		"QueryDynamoDBIndexes":    {"arn:aws:dynamodb:us-west-2:123456789012:table/orders/index/*"},
		"WriteRuntimeLogs":        {"arn:aws:logs:us-west-2:123456789012:log-group:/aws/bedrock-agentcore/runtimes/a-??????????-*:log-stream:*"},
	}
	for sid, res := range want {
		if !slices.Equal(got[sid], res) {
			t.Errorf("%s resources = %v\nwant %v", sid, got[sid], res)
		}
	}
	for sid, frag := range map[string]string{
		"InvokeModelsThroughInferenceProfiles": `"bedrock:InferenceProfileArn": [
            "arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0",`,
		"ListS3BucketDocsBucket": `"s3:prefix": "faq/*"`,
		"ReadS3Objects":          `"aws:ResourceAccount": "123456789012"`,
	} {
		if !strings.Contains(conds[sid], frag) {
			t.Errorf("%s condition lacks %s:\n%s", sid, frag, conds[sid])
		}
	}
	trust := string(policy.Format(p.Roles[0].TrustPolicy))
	for _, frag := range []string{`"aws:SourceArn": "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/a-??????????"`, `"aws:SourceAccount": "123456789012"`, `"Service": "bedrock-agentcore.amazonaws.com"`} {
		if !strings.Contains(trust, frag) {
			t.Errorf("trust policy lacks %s:\n%s", frag, trust)
		}
	}
}

func TestCallerPassRole(t *testing.T) {
	p := generate(t, header+`  a: {build: codebuild, gateway: {name: gw, lambda_targets: ["arn:aws:lambda:us-west-2:123456789012:function:f"]}}
  b: {execution_role: KeptRole, deployment: direct_code_deploy}
  c: {type: bedrock-agent, models: ["anthropic.claude-3-haiku-20240307-v1:0"], agent_id: ABCDEFGHIJ}
callers:
  ci: {}
  only_b: {agents: [b]}
`)
	pass := map[string][]string{}
	for _, cp := range p.CallerPolicies {
		for _, st := range cp.Document.Statements {
			if st.Action.Strings()[0] == "iam:PassRole" {
				service := st.Condition.Operators[0].Keys[0].Values[0].Value
				pass[cp.Caller+" "+service] = st.Resource.Strings()
			}
		}
	}
	want := map[string][]string{
		"ci bedrock-agentcore.amazonaws.com": {
			"arn:aws:iam::123456789012:role/" + agentspec.RuntimeRoleName("us-west-2", "a"),
			"arn:aws:iam::123456789012:role/AgentCoreGatewayExecutionRole-us-west-2-" + agentspec.ToolkitSuffix("gw"),
			"arn:aws:iam::123456789012:role/KeptRole",
		},
		"ci codebuild.amazonaws.com":             {"arn:aws:iam::123456789012:role/" + agentspec.CodeBuildRoleName("us-west-2", "a")},
		"ci bedrock.amazonaws.com":               {"arn:aws:iam::123456789012:role/AmazonBedrockExecutionRoleForAgents_c"},
		"only_b bedrock-agentcore.amazonaws.com": {"arn:aws:iam::123456789012:role/KeptRole"},
	}
	if len(pass) != len(want) {
		t.Errorf("PassRole statements: %v", pass)
	}
	for k, v := range want {
		if !slices.Equal(pass[k], v) {
			t.Errorf("%s PassRole = %v, want %v", k, pass[k], v)
		}
	}
	if len(p.ExistingRoles) != 1 || p.ExistingRoles[0].ARN != "arn:aws:iam::123456789012:role/KeptRole" {
		t.Errorf("existing roles = %v", p.ExistingRoles)
	}
}

func TestBedrockAgent(t *testing.T) {
	p := generate(t, header+`  faq:
    type: bedrock-agent
    models: [anthropic.claude-3-haiku-20240307-v1:0]
    agent_id: ABCDEFGHIJ
    action_groups:
      - {lambda: "arn:aws:lambda:us-west-2:123456789012:function:f", schema: "s3://schemas-bucket/faq/api.json"}
      - {lambda: "arn:aws:lambda:us-west-2:123456789012:function:f"}
  FAQ:
    type: bedrock-agent
    models: [anthropic.claude-3-haiku-20240307-v1:0]
    action_groups: [{lambda: "arn:aws:lambda:us-west-2:123456789012:function:f"}]
`)
	if len(p.ResourcePolicies) != 2 {
		t.Fatalf("resource policies: %d, want one per agent and function", len(p.ResourcePolicies))
	}
	if a, b := p.ResourcePolicies[0].StatementID, p.ResourcePolicies[1].StatementID; a != "AllowBedrockAgentFaq" || b != "AllowBedrockAgentFAQ" {
		t.Errorf("statement ids %s, %s", a, b)
	}
	rp := p.ResourcePolicies[0]
	if rp.SourceARN != "arn:aws:bedrock:us-west-2:123456789012:agent/ABCDEFGHIJ" || rp.SourceAccount != "123456789012" || rp.Principal != "bedrock.amazonaws.com" {
		t.Errorf("resource policy %+v", rp)
	}
	if p.ResourcePolicies[1].SourceARN != "arn:aws:bedrock:us-west-2:123456789012:agent/*" || len(p.Warnings) != 1 {
		t.Errorf("agent without id: %s, warnings %v", p.ResourcePolicies[1].SourceARN, p.Warnings)
	}
	if got := p.Roles[0].Name; got != "AmazonBedrockExecutionRoleForAgents_faq" {
		t.Errorf("role name %s", got)
	}
	long := generate(t, header+"  "+strings.Repeat("x", 40)+": {type: bedrock-agent, models: [\"anthropic.claude-3-haiku-20240307-v1:0\"]}\n")
	if n := len(long.Roles[0].Name); n != maxNameLength {
		t.Errorf("long agent name gives a %d-character role name %s", n, long.Roles[0].Name)
	}
}

func TestConflict(t *testing.T) {
	spec, err := agentspec.Parse("t.yaml", []byte(header+"  a: {role_name: Same}\n  b: {role_name: Same}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(spec); !errors.Is(err, ErrConflict) {
		t.Errorf("err = %v, want ErrConflict", err)
	}
}

func TestDeterministic(t *testing.T) {
	a := documents(fileSpec(t, "../examples/agentiam.yaml"))
	b := documents(fileSpec(t, "../examples/agentiam.yaml"))
	for i := range a {
		if string(policy.Format(a[i].doc)) != string(policy.Format(b[i].doc)) {
			t.Fatalf("%s differs between runs", a[i].name)
		}
	}
}
