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

// TestCodeUpload: the deployer of direct_code_deploy agents may upload
// and read back exactly their code zips (the toolkit's layout), list
// their buckets, and use the bucket's customer managed key through S3.
func TestCodeUpload(t *testing.T) {
	const key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	p := generate(t, header+`  plain: {deployment: direct_code_deploy}
  custom: {deployment: direct_code_deploy, region: eu-west-1, code_bucket: "s3://team-code/agents", code_bucket_kms_key: "`+key+`"}
  image: {}
callers:
  all: {}
  image_only: {agents: [image]}
`)
	tests := []struct {
		caller, action string
		resources      []string
		condKey        string
		condValues     []string
	}{
		{"all", "s3:PutObject", []string{"arn:aws:s3:::bedrock-agentcore-codebuild-sources-123456789012-us-west-2/plain/deployment.zip", "arn:aws:s3:::team-code/agents/custom/deployment.zip"}, "aws:ResourceAccount", []string{"123456789012"}},
		{"all", "s3:GetObject", []string{"arn:aws:s3:::bedrock-agentcore-codebuild-sources-123456789012-us-west-2/plain/deployment.zip", "arn:aws:s3:::team-code/agents/custom/deployment.zip"}, "aws:ResourceAccount", []string{"123456789012"}},
		{"all", "s3:ListBucket", []string{"arn:aws:s3:::bedrock-agentcore-codebuild-sources-123456789012-us-west-2", "arn:aws:s3:::team-code"}, "aws:ResourceAccount", []string{"123456789012"}},
		{"all", "kms:Decrypt", []string{key}, "kms:ViaService", []string{"s3.eu-west-1.amazonaws.com"}},
		{"all", "kms:GenerateDataKey", []string{key}, "kms:ViaService", []string{"s3.eu-west-1.amazonaws.com"}},
		{"image_only", "s3:PutObject", nil, "", nil},
		{"image_only", "kms:Decrypt", nil, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.caller+" "+tc.action, func(t *testing.T) {
			sts := callerStatements(p, tc.caller, tc.action)
			if len(tc.resources) == 0 {
				if len(sts) != 0 {
					t.Fatalf("%d statements allow %s, want none", len(sts), tc.action)
				}
				return
			}
			if len(sts) != 1 {
				t.Fatalf("%d statements allow %s, want 1", len(sts), tc.action)
			}
			if got := sts[0].Resource.Strings(); !slices.Equal(got, tc.resources) {
				t.Errorf("resources %v, want %v", got, tc.resources)
			}
			if got := conditionValues(sts[0], "StringEquals", tc.condKey); !slices.Equal(got, tc.condValues) {
				t.Errorf("%s = %v, want %v", tc.condKey, got, tc.condValues)
			}
		})
	}
	for _, r := range p.Roles {
		for _, np := range r.InlinePolicies {
			for _, st := range np.Document.Statements {
				for _, res := range st.Resource.Strings() {
					if strings.Contains(res, "deployment.zip") {
						t.Errorf("role %s reaches the code zip %s: the service reads it with the caller's credentials", r.Name, res)
					}
				}
			}
		}
	}
}

// TestToolkitLaunch: tool: agentcore-cli adds exactly the starter
// toolkit's launch calls on the spec's resources, and nothing that lets
// the deployer write role permissions or account-wide settings.
func TestToolkitLaunch(t *testing.T) {
	src := header + `  bot: {build: codebuild, vpc: true, identity: {oauth2_providers: [github]}}
  code: {deployment: direct_code_deploy, code_bucket: team-code}
callers:
  cli: {tool: agentcore-cli}
  plain: {}
`
	p := generate(t, src)
	const acct = "123456789012"
	tests := []struct {
		caller, action string
		resources      []string
	}{
		{"cli", "iam:GetRole", []string{
			"arn:aws:iam::" + acct + ":role/" + roleName(p, "bot", PurposeRuntime),
			"arn:aws:iam::" + acct + ":role/" + roleName(p, "bot", PurposeImageBuild),
			"arn:aws:iam::" + acct + ":role/" + roleName(p, "code", PurposeRuntime),
			"arn:aws:iam::" + acct + ":role/aws-service-role/runtime-identity.bedrock-agentcore.amazonaws.com/AWSServiceRoleForBedrockAgentCoreRuntimeIdentity",
			"arn:aws:iam::" + acct + ":role/aws-service-role/network.bedrock-agentcore.amazonaws.com/AWSServiceRoleForBedrockAgentCoreNetwork",
		}},
		{"cli", "ecr:CreateRepository", []string{"arn:aws:ecr:us-west-2:" + acct + ":repository/bedrock-agentcore-bot"}},
		{"cli", "s3:CreateBucket", []string{"arn:aws:s3:::bedrock-agentcore-codebuild-sources-" + acct + "-us-west-2"}},
		{"cli", "s3:PutLifecycleConfiguration", []string{"arn:aws:s3:::bedrock-agentcore-codebuild-sources-" + acct + "-us-west-2"}},
		{"cli", "logs:PutDeliverySource", []string{
			"arn:aws:logs:us-west-2:" + acct + ":delivery-source:bot-??????????-traces-source",
			"arn:aws:logs:us-west-2:" + acct + ":delivery-source:code-??????????-traces-source",
		}},
		{"cli", "xray:GetTraceSegmentDestination", []string{"*"}},
		{"cli", "iam:CreateRole", nil},
		{"cli", "iam:PutRolePolicy", nil},
		{"cli", "xray:UpdateTraceSegmentDestination", nil},
		{"cli", "logs:PutResourcePolicy", nil},
		{"plain", "iam:GetRole", nil},
		{"plain", "ecr:CreateRepository", nil},
	}
	for _, tc := range tests {
		t.Run(tc.caller+" "+tc.action, func(t *testing.T) {
			sts := callerStatements(p, tc.caller, tc.action)
			if tc.resources == nil {
				if len(sts) != 0 {
					t.Fatalf("%d statements allow %s", len(sts), tc.action)
				}
				return
			}
			if len(sts) != 1 {
				t.Fatalf("%d statements allow %s, want 1", len(sts), tc.action)
			}
			if got := sts[0].Resource.Strings(); !slices.Equal(got, tc.resources) {
				t.Errorf("resources %v, want %v", got, tc.resources)
			}
		})
	}
}

func roleName(p *Plan, agent, purpose string) string {
	for _, r := range p.Roles {
		if r.Agent == agent && r.Purpose == purpose {
			return r.Name
		}
	}
	return "(none)"
}
