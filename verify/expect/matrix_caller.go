package expect

import (
	"slices"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/policy"
)

// AgentCore's service-linked roles (AWS guide: Using service-linked roles
// for Amazon Bedrock AgentCore).
const (
	serviceRuntimeIdentity = "runtime-identity.bedrock-agentcore.amazonaws.com"
	roleRuntimeIdentity    = "AWSServiceRoleForBedrockAgentCoreRuntimeIdentity"
	roleNetwork            = "AWSServiceRoleForBedrockAgentCoreNetwork"
	// serviceGatewayNetwork is another AgentCore service-linked role's
	// service, which no deployer of this spec creates.
	serviceGatewayNetwork = "gateway-network.bedrock-agentcore.amazonaws.com"
	roleGatewayNetwork    = "AWSServiceRoleForBedrockAgentCoreGatewayNetwork"
)

// callerMatrix is the matrix of one deploying identity.
type callerMatrix struct {
	*matrix
	c   *agentspec.Caller
	iam where
}

// caller adds the deploying identity's matrix: create and update its
// agents, pass exactly their roles to exactly their services, and
// nothing else.
func (b *builder) caller(c *agentspec.Caller) {
	var agents, excluded []*agentspec.Agent
	for _, a := range b.spec.Agents {
		if len(c.Agents) == 0 || slices.Contains(c.Agents, a.Name) {
			agents = append(agents, a)
		} else {
			excluded = append(excluded, a)
		}
	}
	if len(agents) == 0 {
		return
	}
	s := &Subject{Kind: KindCallerPolicy, Purpose: PurposeCaller, Caller: c.Name, Name: "agentiam-" + c.Name}
	if name, ok := b.roles.CallerPolicy(c.Name); ok {
		s.Name = name
	}
	b.subjects = append(b.subjects, s)
	w := where{partition: b.spec.Partition, region: b.spec.Region, account: b.spec.Account}
	iam := where{partition: w.partition, account: w.account}
	m := &callerMatrix{matrix: &matrix{b: b, s: s, w: w, against: policy.Identity, principal: b.f.arn(iam, "iam", "user", c.Name)}, c: c, iam: iam}
	runtimes := false
	for _, a := range agents {
		switch a.Type {
		case agentspec.AgentCore:
			m.deployRuntime(a)
			runtimes = true
		case agentspec.BedrockAgent:
			m.deployBedrockAgent(a)
		}
	}
	if runtimes {
		m.serviceLinkedRoles(agents)
	}
	if c.Tool == agentspec.ToolAgentCoreCLI {
		m.toolkitLaunch(agents)
	}
	m.outsideScope(excluded)
	dedupeChecks(s)
}

// roleARN is the role (generated or kept) of a purpose for an agent or,
// for the gateway purpose, a gateway.
func (b *builder) roleARN(purpose, owner string) string {
	k := RoleKey{Purpose: purpose, Agent: owner}
	if purpose == agentspec.PurposeGateway {
		k = RoleKey{Purpose: purpose, Gateway: owner}
	}
	r, _ := b.roles.Role(k)
	return r.ARN
}

// pass requires passing a role to its service, and forbids passing it
// to another.
func (m *callerMatrix) pass(why, role, service string) {
	if role == "" {
		return
	}
	m.need(req{src: SrcPassRole, why: why, actions: acts("iam:PassRole"), resource: role, ctx: ctx("iam:PassedToService", service),
		grant: grant(role, cond("StringEquals", "iam:PassedToService", service))})
	m.forbid(req{why: "pass the role to another service", actions: acts("iam:PassRole"), resource: role, ctx: ctx("iam:PassedToService", "ec2.amazonaws.com")})
}

func (m *callerMatrix) deployRuntime(a *agentspec.Agent) {
	b, f, aw := m.b, &m.b.f, m.b.where(a)
	m.deployMemories(a)
	m.deployTools(a)
	runtime := f.arn(aw, "bedrock-agentcore", "runtime", runtimeIDOf(a))
	pattern := f.arn(aw, "bedrock-agentcore", "runtime", runtimePattern(a))
	m.need(req{src: SrcRuntimeCaller, why: "create runtimes", actions: acts("bedrock-agentcore:CreateAgentRuntime"), resource: "*"})
	m.need(req{src: SrcRuntimeCaller, why: "update runtime " + a.Name, actions: acts("bedrock-agentcore:GetAgentRuntime", "bedrock-agentcore:UpdateAgentRuntime"), resource: runtime, grant: grant(pattern)})
	del := req{src: SrcRuntimeCaller, why: "delete runtime " + a.Name, actions: acts("bedrock-agentcore:DeleteAgentRuntime"), resource: runtime, grant: grant(pattern)}
	if m.c.Delete {
		m.need(del)
	} else {
		del.why, del.grant = "control-plane deletion: runtime "+a.Name+" (delete is not set)", nil
		m.forbid(del)
	}
	m.pass("pass the runtime role of "+a.Name+" to AgentCore", b.roleARN(agentspec.PurposeRuntime, a.Name), principalAgentCore)
	if cb := a.CodeBuild; cb != nil {
		project := f.arn(aw, "codebuild", "project", cb.Project)
		m.need(req{src: SrcToolkitLaunch, why: "build the image of " + a.Name, actions: acts("codebuild:CreateProject", "codebuild:UpdateProject", "codebuild:StartBuild", "codebuild:BatchGetBuilds"), resource: project})
		m.need(req{src: SrcToolkitLaunch, why: "upload the build source of " + a.Name, actions: acts("s3:PutObject"), resource: f.arn(aw, "s3", "object", cb.SourceBucket, a.Name+"/source.zip"),
			grant: grant(f.arn(aw, "s3", "object", cb.SourceBucket, a.Name+"/*"), cond("StringEquals", "aws:ResourceAccount", m.w.account))})
		m.pass("pass the image-build role of "+a.Name+" to CodeBuild", b.roleARN(agentspec.PurposeImageBuild, a.Name), principalCodeBuild)
	} else if a.Deployment == agentspec.Container {
		m.need(req{src: SrcRuntimeCaller, why: "log in to ECR", actions: acts("ecr:GetAuthorizationToken"), resource: "*"})
		m.need(req{src: SrcRuntimeCaller, why: "push the image of " + a.Name, actions: acts("ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"),
			resource: f.arn(aw, "ecr", "repository", a.ECRRepository)})
	}
	if a.Code != nil {
		m.codeUpload(a)
	}
	if gw := a.Gateway; gw != nil {
		gateway := f.arn(aw, "bedrock-agentcore", "gateway", gatewayIDOf(b.spec, gw.Name))
		m.need(req{src: SrcGateway, why: "create gateways", actions: acts("bedrock-agentcore:CreateGateway"), resource: "*"})
		m.need(req{src: SrcGateway, why: "update gateway " + gw.Name, actions: acts("bedrock-agentcore:UpdateGateway", "bedrock-agentcore:CreateGatewayTarget"), resource: gateway,
			grant: grant(f.arn(aw, "bedrock-agentcore", "gateway", gatewayPattern(b.spec, gw.Name)))})
		m.pass("pass the role of gateway "+gw.Name+" to AgentCore", b.roleARN(agentspec.PurposeGateway, gw.Name), principalAgentCore)
		m.deployGatewayTargets(a)
	}
	for _, mem := range a.Memory {
		m.forbid(req{why: "control-plane deletion: memory " + mem.ID, actions: acts("bedrock-agentcore:DeleteMemory"), resource: f.arn(aw, "bedrock-agentcore", "memory", mem.ID)})
	}
}

// codeUpload: the deployer of a direct_code_deploy agent uploads its
// code zip (the toolkit checks the bucket with HeadBucket first) and
// CreateAgentRuntime reads it with the deployer's credentials; another
// agent's zip, other objects of the bucket and a bucket of the same name
// in another account are denied.
func (m *callerMatrix) codeUpload(a *agentspec.Agent) {
	b, f, aw, c := m.b, &m.b.f, m.b.where(a), a.Code
	account := cond("StringEquals", "aws:ResourceAccount", m.w.account)
	zip := f.arn(aw, "s3", "object", c.Bucket, c.Key(a.Name))
	bucket := f.arn(aw, "s3", "bucket", c.Bucket)
	m.need(req{src: SrcToolkitLaunch, why: "upload the code zip of " + a.Name, actions: acts("s3:PutObject"), resource: zip, grant: grant(zip, account)})
	m.need(req{src: SrcCodeDeploy, why: "CreateAgentRuntime reads the code zip of " + a.Name + " with the caller's credentials", actions: acts("s3:GetObject"), resource: zip, grant: grant(zip, account)})
	m.need(req{src: SrcToolkitLaunch, why: "check the code bucket of " + a.Name + " (HeadBucket)", actions: acts("s3:ListBucket"), resource: bucket, grant: grant(bucket, account)})
	if c.KMSKey != "" {
		via := "s3." + a.Region + ".amazonaws.com"
		m.need(req{src: SrcCodeDeploy, why: "read and write the code zip of " + a.Name + " under the bucket's key", actions: acts("kms:Decrypt", "kms:GenerateDataKey"), resource: c.KMSKey,
			ctx: ctx("kms:ViaService", via), other: b.keyPolicy, grant: grant(c.KMSKey, cond("StringEquals", "kms:ViaService", via))})
		m.forbid(req{why: "use the code bucket's key outside S3", actions: acts("kms:Decrypt"), resource: c.KMSKey, other: b.keyPolicy})
	}
	outsider := &agentspec.CodeLocation{Bucket: c.Bucket, Prefix: c.Prefix}
	m.forbid(req{why: "another agent's code zip in the same bucket", actions: acts("s3:PutObject"), resource: f.arn(aw, "s3", "object", c.Bucket, outsider.Key(b.outsider))})
	m.forbid(req{why: "other objects of the code bucket", actions: acts("s3:GetObject"), resource: f.arn(aw, "s3", "object", c.Bucket, other+"/data.json")})
	m.forbid(req{why: "a bucket of the same name in another account", actions: acts("s3:PutObject"), resource: zip, account: b.foreign, other: b.openPolicy})
}

// serviceLinkedRoles: the first CreateAgentRuntime of an account creates
// the runtime-identity service-linked role, the first runtime in a VPC
// the network one, both with the deployer's credentials; any other
// service-linked role, or these roles for another service, is denied.
func (m *callerMatrix) serviceLinkedRoles(agents []*agentspec.Agent) {
	slr := func(service, role string) string {
		return m.b.f.arn(m.iam, "iam", "role", "aws-service-role/"+service+"/"+role)
	}
	create := acts("iam:CreateServiceLinkedRole")
	need := func(why, service, role string) {
		arn := slr(service, role)
		m.need(req{src: SrcServiceLinkedRoles, why: why, actions: create, resource: arn,
			ctx: ctx("iam:AWSServiceName", service), grant: grant(arn, cond("StringEquals", "iam:AWSServiceName", service))})
	}
	need("create AgentCore's runtime-identity service-linked role (first runtime of the account)", serviceRuntimeIdentity, roleRuntimeIdentity)
	if slices.ContainsFunc(agents, func(a *agentspec.Agent) bool { return a.Type == agentspec.AgentCore && a.VPC }) {
		need("create AgentCore's network service-linked role", serviceNetwork, roleNetwork)
	}
	identity := slr(serviceRuntimeIdentity, roleRuntimeIdentity)
	m.forbid(req{why: "the runtime-identity service-linked role for another service", actions: create, resource: identity,
		ctx: ctx("iam:AWSServiceName", serviceGatewayNetwork)})
	m.forbid(req{why: "another AgentCore service-linked role", actions: create, resource: slr(serviceGatewayNetwork, roleGatewayNetwork),
		ctx: ctx("iam:AWSServiceName", serviceGatewayNetwork)})
	m.forbid(req{why: "another service's service-linked role", actions: create, resource: slr("elasticbeanstalk.amazonaws.com", "AWSServiceRoleForElasticBeanstalk"),
		ctx: ctx("iam:AWSServiceName", "elasticbeanstalk.amazonaws.com")})
}

func (m *callerMatrix) deployBedrockAgent(a *agentspec.Agent) {
	f, aw := &m.b.f, m.b.where(a)
	id, pattern := a.AgentID, a.AgentID
	if id == "" {
		id, pattern = "A1B2C3D4E5", "*"
	}
	agent := f.arn(aw, "bedrock", "agent", id)
	m.need(req{src: SrcAgentsCaller, why: "create agents", actions: acts("bedrock:CreateAgent"), resource: "*"})
	m.need(req{src: SrcAgentsCaller, why: "update agent " + a.Name, actions: acts("bedrock:GetAgent", "bedrock:UpdateAgent", "bedrock:PrepareAgent"), resource: agent, grant: grant(f.arn(aw, "bedrock", "agent", pattern))})
	for _, kb := range a.KnowledgeBases {
		m.need(req{src: SrcAgentsCaller, why: "associate knowledge base " + kb, actions: acts("bedrock:AssociateAgentKnowledgeBase"), resource: f.arn(aw, "bedrock", "knowledge-base", kb)})
	}
	m.pass("pass the service role of "+a.Name+" to Bedrock", m.b.roleARN(agentspec.PurposeBedrockAgent, a.Name), principalBedrock)
	if !m.c.Delete && a.AgentID != "" {
		m.forbid(req{why: "control-plane deletion: agent " + a.Name + " (delete is not set)", actions: acts("bedrock:DeleteAgent"), resource: agent})
	}
}

// outsideScope forbids the agents the caller does not deploy, runtimes
// and roles outside the spec, and privilege escalation.
func (m *callerMatrix) outsideScope(excluded []*agentspec.Agent) {
	b, f, w, iam := m.b, &m.b.f, m.w, m.iam
	for _, a := range excluded {
		if a.Type == agentspec.AgentCore {
			m.forbid(req{why: "update an agent the caller does not deploy (" + a.Name + ")", actions: acts("bedrock-agentcore:UpdateAgentRuntime"),
				resource: f.arn(b.where(a), "bedrock-agentcore", "runtime", runtimeIDOf(a))})
		}
	}
	m.forbid(req{why: "update a runtime outside the spec", actions: acts("bedrock-agentcore:UpdateAgentRuntime"), resource: f.arn(w, "bedrock-agentcore", "runtime", b.outsider+"-"+runtimeSuffix)})
	m.forbid(req{why: "pass a role outside the spec to AgentCore", actions: acts("iam:PassRole"), resource: f.arn(iam, "iam", "role", other),
		ctx: ctx("iam:PassedToService", principalAgentCore)})
	m.forbid(req{why: "privilege escalation: create a role", actions: acts("iam:CreateRole"), resource: f.arn(iam, "iam", "role", other)})
	m.forbid(req{why: "privilege escalation: change a role's permissions", actions: acts("iam:PutRolePolicy", "iam:AttachRolePolicy"), resource: f.arn(iam, "iam", "role", other)})
}
