package audit

import (
	"fmt"

	"github.com/agentiam/agentiam/catalog"
)

// probeID names the resources probes act on: a name no account uses, so
// that a request on it is allowed only by a grant on every resource of
// its type (or on resources the principal has no business with).
const probeID = "agentiam-audit-probe"

// foreignAccount is the account of the other party in confused-deputy
// and public-access probes.
const foreignAccount = "999999999999"

// probe is one request an audit asks about a principal.
type probe struct {
	action   string
	resource string
	context  map[string][]string
}

// probeSpec writes a probe's resource from the catalog's ARN template;
// an empty resourceType means the action takes "*".
type probeSpec struct {
	action, service, resourceType string
	ids                           []string
}

// probe sets, by what they show.
var (
	// adminProbes: unrelated write and permissions-management actions on
	// resources no policy names; a principal allowed all of them is
	// administrator-equivalent.
	adminProbes = []probeSpec{
		{"iam:AttachRolePolicy", "iam", "role", []string{probeID}},
		{"ec2:TerminateInstances", "ec2", "instance", []string{"i-0a1b2c3d4e5f67890"}},
		{"s3:DeleteBucket", "s3", "bucket", []string{probeID}},
		{"dynamodb:DeleteTable", "dynamodb", "table", []string{probeID}},
		{"organizations:LeaveOrganization", "", "", nil},
	}
	serviceWildcardProbes = []probeSpec{
		{"bedrock-agentcore:DeleteAgentRuntime", "bedrock-agentcore", "runtime", []string{probeRuntime}},
		{"bedrock-agentcore:DeleteMemory", "bedrock-agentcore", "memory", []string{probeRuntime}},
		{"bedrock:DeleteAgent", "bedrock", "agent", []string{"PROBE00000"}},
		{"bedrock:CreateModelCustomizationJob", "", "", nil},
	}
	// modelProbes: models of different providers; an agent allowed every
	// one of them may invoke every model.
	modelProbes = []probeSpec{
		{"bedrock:InvokeModel", "bedrock", "foundation-model", []string{"amazon.nova-pro-v1:0"}},
		{"bedrock:InvokeModel", "bedrock", "foundation-model", []string{"meta.llama3-70b-instruct-v1:0"}},
		{"bedrock:InvokeModel", "bedrock", "foundation-model", []string{"mistral.mistral-large-2402-v1:0"}},
		{"bedrock:InvokeModel", "bedrock", "foundation-model", []string{"cohere.command-r-plus-v1:0"}},
	}
	iamWriteProbes = []probeSpec{
		{"iam:CreateRole", "iam", "role", []string{probeID}},
		{"iam:PutRolePolicy", "iam", "role", []string{probeID}},
		{"iam:AttachRolePolicy", "iam", "role", []string{probeID}},
		{"iam:UpdateAssumeRolePolicy", "iam", "role", []string{probeID}},
		{"iam:CreatePolicyVersion", "iam", "policy", []string{probeID}},
		{"iam:CreateAccessKey", "iam", "user", []string{probeID}},
		{"iam:CreateUser", "iam", "user", []string{probeID}},
	}
	memoryProbes = []probeSpec{
		{"bedrock-agentcore:RetrieveMemoryRecords", "bedrock-agentcore", "memory", []string{probeRuntime}},
		{"bedrock-agentcore:ListEvents", "bedrock-agentcore", "memory", []string{probeRuntime}},
		{"bedrock-agentcore:CreateEvent", "bedrock-agentcore", "memory", []string{probeRuntime}},
	}
	logProbes = []probeSpec{
		{"logs:GetLogEvents", "logs", "log-stream", []string{"/aws/bedrock-agentcore/runtimes/agentiam_audit_probe-0000000000-DEFAULT", "probe"}},
		{"logs:FilterLogEvents", "logs", "log-group", []string{"/aws/bedrock-agentcore/runtimes/agentiam_audit_probe-0000000000-DEFAULT"}},
	}
	repositoryProbes = []probeSpec{
		{"ecr:BatchGetImage", "ecr", "repository", []string{"bedrock-agentcore-" + probeID}},
		{"ecr:PutImage", "ecr", "repository", []string{"bedrock-agentcore-" + probeID}},
	}
	tokenProbes = []probeSpec{
		{"bedrock-agentcore:GetWorkloadAccessTokenForUserId", "bedrock-agentcore", "workload-identity", []string{"default", "agentiam_audit_probe"}},
	}
	dataProbes = []probeSpec{
		{"s3:GetObject", "s3", "object", []string{probeID, "probe.txt"}},
		{"kms:Decrypt", "kms", "key", []string{"00000000-0000-0000-0000-000000000000"}},
	}
	credentialProbes = []probeSpec{
		{"secretsmanager:GetSecretValue", "secretsmanager", "Secret", []string{probeID + "-AbCdEf"}},
		{"ssm:GetParameter", "ssm", "parameter", []string{probeID}},
		{"bedrock-agentcore:GetResourceApiKey", "bedrock-agentcore", "apikeycredentialprovider", []string{"default", probeID}},
		{"bedrock-agentcore:GetResourceOauth2Token", "bedrock-agentcore", "oauth2credentialprovider", []string{"default", probeID}},
	}
)

// probeSet is every probe of an account and region, resources written.
type probeSet struct {
	admin, serviceWildcard, models, iamWrite, memory, logs, repository, token, data, credentials []probe
	paths                                                                                        []pathProbes
}

// pathProbes are the requests of one escalation path besides PassRole.
type pathProbes struct {
	path  *escalationPath
	steps []probe
}

// newProbeSet writes the probes' resources for one account and region.
func newProbeSet(partition, region, account string) (*probeSet, error) {
	f := &catalog.Filler{}
	var err error
	build := func(specs []probeSpec) []probe {
		out := make([]probe, 0, len(specs))
		for _, s := range specs {
			res := "*"
			if s.resourceType != "" {
				var e error
				res, e = f.ARN(partition, region, account, s.service, s.resourceType, s.ids...)
				if e != nil && err == nil {
					err = fmt.Errorf("probe %s: %w", s.action, e)
				}
			}
			out = append(out, probe{action: s.action, resource: res})
		}
		return out
	}
	ps := &probeSet{
		admin: build(adminProbes), serviceWildcard: build(serviceWildcardProbes), models: build(modelProbes),
		iamWrite: build(iamWriteProbes), memory: build(memoryProbes), logs: build(logProbes),
		repository: build(repositoryProbes), token: build(tokenProbes), data: build(dataProbes),
		credentials: build(credentialProbes),
	}
	for i := range escalationPaths {
		ps.paths = append(ps.paths, pathProbes{path: &escalationPaths[i], steps: build(escalationPaths[i].steps)})
	}
	return ps, err
}

// The services agent roles are passed to.
const (
	agentCoreService = "bedrock-agentcore.amazonaws.com"
	bedrockService   = "bedrock.amazonaws.com"
)

// escalationPath is a way to run code, or have a service act, as a role
// passed to it: the published AgentCore escalation paths (a code
// interpreter or runtime created with a privileged role) and their
// Bedrock Agents counterparts.
type escalationPath struct {
	// what the holder does, for messages: "create an AgentCore runtime"
	what string
	// service the role is passed to (iam:PassedToService)
	service string
	steps   []probeSpec
}

const probeRuntime = "agentiam_audit_probe-0000000000"

var escalationPaths = []escalationPath{
	{"create an AgentCore code interpreter with the role and run code in it", agentCoreService, []probeSpec{
		{"bedrock-agentcore:CreateCodeInterpreter", "", "", nil},
		{"bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore", "code-interpreter-custom", []string{probeRuntime}},
		{"bedrock-agentcore:InvokeCodeInterpreter", "bedrock-agentcore", "code-interpreter-custom", []string{probeRuntime}},
	}},
	{"create an AgentCore runtime with the role and invoke it", agentCoreService, []probeSpec{
		{"bedrock-agentcore:CreateAgentRuntime", "", "", nil},
		{"bedrock-agentcore:InvokeAgentRuntime", "bedrock-agentcore", "runtime", []string{probeRuntime}},
	}},
	{"update an AgentCore runtime to run as the role", agentCoreService, []probeSpec{
		{"bedrock-agentcore:UpdateAgentRuntime", "bedrock-agentcore", "runtime", []string{probeRuntime}},
	}},
	{"create an AgentCore browser with the role and start a session", agentCoreService, []probeSpec{
		{"bedrock-agentcore:CreateBrowser", "", "", nil},
		{"bedrock-agentcore:StartBrowserSession", "bedrock-agentcore", "browser-custom", []string{probeRuntime}},
	}},
	{"create an AgentCore gateway that calls its targets as the role", agentCoreService, []probeSpec{
		{"bedrock-agentcore:CreateGateway", "", "", nil},
	}},
	{"create a Bedrock agent with the role", bedrockService, []probeSpec{
		{"bedrock:CreateAgent", "", "", nil},
	}},
	{"update a Bedrock agent to run as the role", bedrockService, []probeSpec{
		{"bedrock:UpdateAgent", "bedrock", "agent", []string{"PROBE00000"}},
	}},
}
