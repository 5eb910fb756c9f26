package expect

import (
	"strings"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/policy"
)

// toolKind is what differs between custom tools with an execution role.
type toolKind struct {
	purpose, label, resourceType, arnPath string
	src                                   SourceID
	create, read                          string
}

var toolKinds = map[string]toolKind{
	"code_interpreter": {agentspec.PurposeCodeInterpreter, "code interpreter", "code-interpreter-custom", "code-interpreter", SrcCodeInterpreter,
		"bedrock-agentcore:CreateCodeInterpreter", "bedrock-agentcore:GetCodeInterpreter"},
	"browser": {agentspec.PurposeBrowser, "browser", "browser-custom", "browser", SrcBrowser,
		"bedrock-agentcore:CreateBrowser", "bedrock-agentcore:GetBrowser"},
}

// toolRoles adds the matrix of each custom tool's execution role:
// AgentCore assumes it for that tool only (as the AgentCore guide names
// the tool in either ARN form); it writes logs, and a recording browser
// writes exactly under its bucket and prefix.
func (b *builder) toolRoles() {
	for _, u := range b.spec.ToolRoles() {
		k := toolKinds[u.Kind]
		w, f := where{partition: u.Partition, region: u.Region, account: b.spec.Account}, &b.f
		id := toolIDOf(u.ID, u.Name)
		m := b.resourceRole(k.purpose, u.Ref(), k.label+" "+u.Ref(), w)
		tool := f.arn(w, "bedrock-agentcore", k.resourceType, id)
		m.trust(principalAgentCore, tool, f.arn(w, "bedrock-agentcore", k.resourceType, toolPattern(u.ID, u.Name)),
			f.arn(w, "bedrock-agentcore", k.resourceType, other+"_tool-"+runtimeSuffix),
			f.arn(where{w.partition, w.region, b.foreign}, "bedrock-agentcore", k.resourceType, id))
		documented := strings.Replace(tool, ":"+k.resourceType+"/", ":"+k.arnPath+"/", 1)
		documentedPattern := strings.Replace(f.arn(w, "bedrock-agentcore", k.resourceType, toolPattern(u.ID, u.Name)), ":"+k.resourceType+"/", ":"+k.arnPath+"/", 1)
		m.need(req{src: k.src, why: "the service assumes the role for its tool, named as the guide shows it", actions: acts("sts:AssumeRole"), resource: m.s.ARN,
			against: policy.Trust, principal: principalAgentCore, ctx: ctx("aws:SourceAccount", w.account, "aws:SourceArn", documented),
			grant: &Grant{Principal: principalAgentCore, Conditions: []Cond{cond("StringEquals", "aws:SourceAccount", w.account), cond("ArnLike", "aws:SourceArn", documentedPattern)}}})
		group := "/aws/bedrock-agentcore/" + k.arnPath + "s/" + id
		m.need(req{src: SrcBrowserRecording, why: "create and read its log groups", actions: acts("logs:CreateLogGroup", "logs:DescribeLogStreams"),
			resource: f.arn(w, "logs", "log-group", group), grant: grant(f.arn(w, "logs", "log-group", "*"))})
		m.need(req{src: SrcBrowserRecording, why: "write its logs", actions: acts("logs:CreateLogStream", "logs:PutLogEvents"),
			resource: f.arn(w, "logs", "log-stream", group, logStreamExample), grant: grant(f.arn(w, "logs", "log-stream", "*", "*"))})
		m.recording(u.Recording)
		m.forbid(req{why: "invoke a model (the tool's role has no use for one)", actions: acts("bedrock:InvokeModel"), resource: f.arn(w, "bedrock", "foundation-model", candidateModels[0])})
		m.escalation()
	}
}

// recording adds writing session recordings under exactly the bucket and
// prefix, and nowhere else.
func (m *matrix) recording(rec *agentspec.Recording) {
	f, w := &m.b.f, m.w
	put := acts("s3:PutObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload")
	if rec == nil {
		m.forbid(req{why: "write to S3 (the tool records no sessions)", actions: acts("s3:PutObject"), resource: f.arn(w, "s3", "object", other+"-bucket", "recording.json")})
		return
	}
	object := f.arn(w, "s3", "object", rec.Bucket, rec.Prefix+"session-0001/batch-1.ndjson.gz")
	m.need(req{src: SrcBrowser, why: "write its session recordings", actions: put, resource: object,
		grant: grant(f.arn(w, "s3", "object", rec.Bucket, rec.Prefix+"*"), cond("StringEquals", "aws:ResourceAccount", w.account))})
	if rec.Prefix != "" {
		m.forbid(req{why: "objects of " + rec.Bucket + " outside " + rec.Prefix, actions: acts("s3:PutObject"), resource: f.arn(w, "s3", "object", rec.Bucket, other+"/recording.json")})
	}
	m.forbid(req{why: "a bucket named " + rec.Bucket + " owned by another account", actions: acts("s3:PutObject"), resource: object, account: m.b.foreign, other: m.b.openPolicy})
	m.forbid(req{why: "read back the recordings", actions: acts("s3:GetObject"), resource: object})
}

// deployTools adds, for a deployer of agent a, creating and reading the
// custom tools with an execution role that a uses, and passing the roles.
func (m *callerMatrix) deployTools(a *agentspec.Agent) {
	for _, u := range m.b.spec.ToolRoles() {
		if u.Region != a.Region || !containsString(u.Agents, a.Name) {
			continue
		}
		k := toolKinds[u.Kind]
		w := m.b.where(a)
		m.need(req{src: k.src, why: "create " + k.label + "s", actions: acts(k.create), resource: "*"})
		m.need(req{src: k.src, why: "read " + k.label + " " + u.Ref(), actions: acts(k.read), resource: m.b.f.arn(w, "bedrock-agentcore", k.resourceType, toolIDOf(u.ID, u.Name))})
		if r, ok := m.b.roles.Role(RoleKey{Purpose: k.purpose, Resource: u.Ref(), Region: u.Region}); ok {
			m.pass("pass the execution role of "+k.label+" "+u.Ref()+" to AgentCore", r.ARN, principalAgentCore)
		}
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
