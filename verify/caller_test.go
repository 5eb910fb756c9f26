package verify

import (
	"slices"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/rolegen"
	"github.com/agentiam/agentiam/verify/expect"
)

const callerHeader = "version: 1\naccount: \"123456789012\"\nregion: us-west-2\nagents:\n"

func parseSpec(t *testing.T, src string) *agentspec.Spec {
	t.Helper()
	spec, err := agentspec.Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// callerStatement finds the statement with a Sid in a caller's policies.
func callerStatement(t *testing.T, p *rolegen.Plan, caller, sid string) (*policy.Document, int) {
	t.Helper()
	for _, cp := range p.CallerPolicies {
		if cp.Caller != caller {
			continue
		}
		for i, st := range cp.Document.Statements {
			if st.Sid != nil && st.Sid.Value == sid {
				return cp.Document, i
			}
		}
	}
	t.Fatalf("no statement %s in the policies of caller %s", sid, caller)
	return nil, 0
}

// failures lists the failed results of a report as text.
func failures(rep *Report) []string {
	var out []string
	for _, sr := range rep.Subjects {
		for _, r := range sr.Results {
			if !r.OK {
				out = append(out, sr.Label()+": "+string(r.Expect)+" "+r.Action+" on "+r.Resource+" ("+r.Why+")")
			}
		}
	}
	return out
}

// TestBrokenCallers breaks generated caller policies the way the
// generator used to be (or could become) and checks that verification
// fails on the right request.
func TestBrokenCallers(t *testing.T) {
	const runtimeSpec = callerHeader + "  bot: {}\ncallers:\n  ci: {}\n"
	const codeSpec = callerHeader + `  bot: {deployment: direct_code_deploy}
  kms_bot:
    deployment: direct_code_deploy
    code_bucket: s3://team-code/agents
    code_bucket_kms_key: "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
callers:
  ci: {}
`
	const invokerSpec = callerHeader + `  bot: {}
  helper: {}
  faq: {type: bedrock-agent, models: ["anthropic.claude-3-haiku-20240307-v1:0"], agent_id: ABCDEFGHIJ}
callers:
  invokers:
    web: {agents: [bot, faq]}
    partner: {agents: [bot], principal: "arn:aws:iam::999988887777:role/PartnerApp"}
`
	resourcePolicy := func(t *testing.T, p *rolegen.Plan, suffix string) *policy.Document {
		t.Helper()
		for _, rp := range p.ResourcePolicies {
			if rp.Kind == rolegen.KindAgentCoreResourcePolicy && strings.HasSuffix(rp.ResourceARN, suffix) {
				return rp.Document
			}
		}
		t.Fatalf("no AgentCore resource policy on ...%s", suffix)
		return nil
	}
	const toolkitSpec = callerHeader + `  bot: {build: codebuild, identity: {oauth2_providers: [github]}}
callers:
  cli: {tool: agentcore-cli}
`
	const gatewaySpec = callerHeader + `  bot: {gateway: {name: support-tools}}
  admin: {gateway: {name: support-tools-admin}}
callers:
  invokers:
    partner: {gateways: [support-tools], principal: "999988887777"}
`
	tests := []struct {
		name    string
		spec    string
		breakIt func(t *testing.T, p *rolegen.Plan)
		want    []wantFailure
	}{
		{
			name: "no runtime-identity service-linked role (a first deployment fails)",
			spec: runtimeSpec,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := callerStatement(t, p, "ci", "CreateAgentCoreRuntimeIdentityRole")
				d.Statements = slices.Delete(d.Statements, i, i+1)
			},
			want: []wantFailure{{"caller ci", expect.Required, "iam:CreateServiceLinkedRole", "runtime-identity.bedrock-agentcore.amazonaws.com/AWSServiceRoleForBedrockAgentCoreRuntimeIdentity", "runtime-identity"}},
		},
		{
			name: "service-linked role without iam:AWSServiceName",
			spec: runtimeSpec,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := callerStatement(t, p, "ci", "CreateAgentCoreRuntimeIdentityRole")
				d.Statements[i].Condition = nil
			},
			want: []wantFailure{{"caller ci", expect.Forbidden, "iam:CreateServiceLinkedRole", "AWSServiceRoleForBedrockAgentCoreRuntimeIdentity", "for another service"}},
		},
		{
			name: "any service-linked role of any service",
			spec: runtimeSpec,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := callerStatement(t, p, "ci", "CreateAgentCoreRuntimeIdentityRole")
				d.Statements[i].Resource = policy.NewStringList("arn:aws:iam::123456789012:role/aws-service-role/*")
				d.Statements[i].Condition = nil
			},
			want: []wantFailure{{"caller ci", expect.Forbidden, "iam:CreateServiceLinkedRole", "AWSServiceRoleForBedrockAgentCoreGatewayNetwork", "another AgentCore service-linked role"},
				{"caller ci", expect.Forbidden, "iam:CreateServiceLinkedRole", "AWSServiceRoleForElasticBeanstalk", "another service's"}},
		},
		{
			name: "no S3 statement for direct code deploy (the upload and CreateAgentRuntime fail)",
			spec: codeSpec,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := callerStatement(t, p, "ci", "UploadAgentCode")
				d.Statements = slices.Delete(d.Statements, i, i+1)
			},
			want: []wantFailure{
				{"caller ci", expect.Required, "s3:PutObject", "bedrock-agentcore-codebuild-sources-123456789012-us-west-2/bot/deployment.zip", "upload the code zip"},
				{"caller ci", expect.Required, "s3:GetObject", "team-code/agents/kms_bot/deployment.zip", "CreateAgentRuntime reads"},
			},
		},
		{
			name: "code bucket not listable",
			spec: codeSpec,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := callerStatement(t, p, "ci", "ListAgentCodeBuckets")
				d.Statements = slices.Delete(d.Statements, i, i+1)
			},
			want: []wantFailure{{"caller ci", expect.Required, "s3:ListBucket", "bedrock-agentcore-codebuild-sources-123456789012-us-west-2", "HeadBucket"}},
		},
		{
			name: "whole code bucket",
			spec: codeSpec,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := callerStatement(t, p, "ci", "UploadAgentCode")
				d.Statements[i].Resource = policy.NewStringList("arn:aws:s3:::bedrock-agentcore-codebuild-sources-123456789012-us-west-2/*")
				d.Statements[i].Condition = nil
			},
			want: []wantFailure{
				{"caller ci", expect.Forbidden, "s3:PutObject", "/agentiam_outsider/deployment.zip", "another agent's code zip"},
				{"caller ci", expect.Forbidden, "s3:PutObject", "bot/deployment.zip", "another account"},
			},
		},
		{
			name: "no key for the encrypted code bucket",
			spec: codeSpec,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := callerStatement(t, p, "ci", "UseAgentCodeKey")
				d.Statements = slices.Delete(d.Statements, i, i+1)
			},
			want: []wantFailure{{"caller ci", expect.Required, "kms:Decrypt", "key/1234abcd", "under the bucket's key"}},
		},
		{
			name: "code key outside S3",
			spec: codeSpec,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := callerStatement(t, p, "ci", "UseAgentCodeKey")
				d.Statements[i].Condition = nil
			},
			want: []wantFailure{{"caller ci", expect.Forbidden, "kms:Decrypt", "key/1234abcd", "outside S3"}},
		},
		{
			name: "invoker without its runtime's endpoint",
			spec: invokerSpec,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := callerStatement(t, p, "web", "InvokeAgentRuntimes")
				d.Statements[i].Resource = policy.NewStringList("arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/bot-??????????")
			},
			want: []wantFailure{{"caller policy agentiam-web", expect.Required, "bedrock-agentcore:InvokeAgentRuntime", "runtime/bot-AbCdEf1234/runtime-endpoint/DEFAULT", "DEFAULT endpoint"}},
		},
		{
			name: "invoker of every runtime",
			spec: invokerSpec,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := callerStatement(t, p, "web", "InvokeAgentRuntimes")
				d.Statements[i].Resource = policy.NewStringList("arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/*")
				d.Statements[i].Action = policy.NewStringList("bedrock-agentcore:InvokeAgentRuntime*")
			},
			want: []wantFailure{
				{"caller policy agentiam-web", expect.Forbidden, "bedrock-agentcore:InvokeAgentRuntime", "runtime/helper-AbCdEf1234", "does not call (helper)"},
				{"caller policy agentiam-web", expect.Forbidden, "bedrock-agentcore:InvokeAgentRuntime", "runtime/bot_v2-AbCdEf1234", "extends bot"},
				{"caller policy agentiam-web", expect.Forbidden, "bedrock-agentcore:InvokeAgentRuntimeForUser", "runtime/bot-AbCdEf1234", "for_user is not set"},
			},
		},
		{
			name: "invoker without its Bedrock agent",
			spec: invokerSpec,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := callerStatement(t, p, "web", "InvokeBedrockAgents")
				d.Statements = slices.Delete(d.Statements, i, i+1)
			},
			want: []wantFailure{{"caller policy agentiam-web", expect.Required, "bedrock:InvokeAgent", "agent-alias/ABCDEFGHIJ/TSTALIASID", "invoke Bedrock agent faq"}},
		},
		{
			name: "no resource policy on the runtime for the other account",
			spec: invokerSpec,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d := resourcePolicy(t, p, "runtime/bot-??????????")
				d.Statements[0].Principal = policy.NewPrincipal(policy.PrincipalAWS, "arn:aws:iam::999988887777:role/SomeoneElse")
			},
			want: []wantFailure{{"resource-based policy on", expect.Required, "bedrock-agentcore:InvokeAgentRuntime", "runtime/bot-AbCdEf1234", "invoker partner (account 999988887777)"}},
		},
		{
			name: "runtime open to every account",
			spec: invokerSpec,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d := resourcePolicy(t, p, "runtime-endpoint/DEFAULT")
				d.Statements[0].Principal = policy.WildcardPrincipal()
				d.Statements[0].Action = policy.NewStringList("bedrock-agentcore:*")
			},
			want: []wantFailure{
				{"resource-based policy on", expect.Forbidden, "bedrock-agentcore:InvokeAgentRuntime", "runtime/bot-AbCdEf1234/runtime-endpoint/DEFAULT", "a principal of another account"},
				{"resource-based policy on", expect.Forbidden, "bedrock-agentcore:PutResourcePolicy", "runtime/bot-AbCdEf1234/runtime-endpoint/DEFAULT", "managing the resource"},
			},
		},
		{
			name: "toolkit cannot find its roles",
			spec: toolkitSpec,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := callerStatement(t, p, "cli", "ToolkitReadAgentRoles")
				d.Statements = slices.Delete(d.Statements, i, i+1)
			},
			want: []wantFailure{
				{"caller cli", expect.Required, "iam:GetRole", "AmazonBedrockAgentCoreSDKRuntime-us-west-2-", "find the runtime role of bot"},
				{"caller cli", expect.Required, "iam:GetRole", "AmazonBedrockAgentCoreSDKCodeBuild-us-west-2-", "find the CodeBuild role of bot"},
				{"caller cli", expect.Required, "iam:GetRole", "AWSServiceRoleForBedrockAgentCoreRuntimeIdentity", "runtime-identity"},
			},
		},
		{
			name: "toolkit without its source bucket",
			spec: toolkitSpec,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := callerStatement(t, p, "cli", "ToolkitConfigureSourceBuckets")
				d.Statements = slices.Delete(d.Statements, i, i+1)
			},
			want: []wantFailure{{"caller cli", expect.Required, "s3:PutLifecycleConfiguration", "bedrock-agentcore-codebuild-sources-123456789012-us-west-2", "source bucket of bot"}},
		},
		{
			name: "toolkit with every delivery source and the account's trace settings",
			spec: toolkitSpec,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := callerStatement(t, p, "cli", "ToolkitTraceSources")
				d.Statements[i].Resource = policy.NewStringList("*")
				d.Statements[i].Action = policy.NewStringList("logs:PutDeliverySource", "xray:UpdateTraceSegmentDestination")
			},
			want: []wantFailure{
				{"caller cli", expect.Forbidden, "logs:PutDeliverySource", "delivery-source:agentiam_outsider-", "another runtime's traces"},
				{"caller cli", expect.Forbidden, "xray:UpdateTraceSegmentDestination", "*", "Transaction Search"},
			},
		},
		{
			name: "toolkit allowed to create its roles",
			spec: toolkitSpec,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := callerStatement(t, p, "cli", "ToolkitReadAgentRoles")
				d.Statements[i].Action = policy.NewStringList("iam:GetRole", "iam:CreateRole", "iam:PutRolePolicy")
			},
			want: []wantFailure{{"caller cli", expect.Forbidden, "iam:PutRolePolicy", "AmazonBedrockAgentCoreSDKRuntime-us-west-2-", "agentiam creates it"}},
		},
		{
			name: "gateway invoker with every gateway of the name",
			spec: gatewaySpec,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d, i := callerStatement(t, p, "partner", "InvokeGateways")
				d.Statements[i].Resource = policy.NewStringList("arn:aws:bedrock-agentcore:us-west-2:123456789012:gateway/support-tools-*")
			},
			want: []wantFailure{{"caller policy agentiam-partner", expect.Forbidden, "bedrock-agentcore:InvokeGateway", "gateway/support-tools-admin-", "(support-tools-admin)"}},
		},
		{
			name: "gateway policy for another principal",
			spec: gatewaySpec,
			breakIt: func(t *testing.T, p *rolegen.Plan) {
				d := resourcePolicy(t, p, "gateway/support-tools-??????????")
				d.Statements[0].Principal = policy.NewPrincipal(policy.PrincipalAWS, "arn:aws:iam::111122223333:root")
			},
			want: []wantFailure{
				{"resource-based policy on", expect.Required, "bedrock-agentcore:InvokeGateway", "gateway/support-tools-a1b2c3d4e5", "invoker partner (account 999988887777)"},
				{"resource-based policy on", expect.Forbidden, "bedrock-agentcore:InvokeGateway", "gateway/support-tools-a1b2c3d4e5", "a principal of another account (111122223333)"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := parseSpec(t, tc.spec)
			plan := generate(t, spec)
			if rep, err := Verify(spec, plan, Options{GeneratedOnly: true}); err != nil || !rep.Passed() {
				t.Fatalf("the generated plan does not verify (%v): %s", err, strings.Join(failures(rep), "\n"))
			}
			tc.breakIt(t, plan)
			rep, err := Verify(spec, plan, Options{GeneratedOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			got := failures(rep)
			for _, w := range tc.want {
				found := false
				for _, sr := range rep.Subjects {
					for _, r := range sr.Results {
						found = found || !r.OK && strings.Contains(sr.Label(), w.subject) && r.Expect == w.expect && r.Action == w.action &&
							strings.Contains(r.Resource, w.resource) && strings.Contains(r.Why, w.why)
					}
				}
				if !found {
					t.Errorf("no failure %+v among:\n  %s", w, strings.Join(got, "\n  "))
				}
			}
		})
	}
}
