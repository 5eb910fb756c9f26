package expect

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/fixcore"
	"github.com/agentiam/agentiam/policy"
)

// neighbours is how many other agents of the spec each agent's forbidden
// requests name (the next ones in spec order), besides an agent that is
// not in the spec at all. All of them would make the matrices of a large
// fleet quadratic; the next two and an outsider catch a pattern that is
// too wide just as well.
const neighbours = 2

// Matrices derives the access matrix of every role, Lambda permission and
// caller policy that the spec calls for. Roles are looked up in roles by
// purpose and agent (or gateway, or resource); a role the spec needs and
// roles lacks is still returned, with an empty ARN, so that the engine
// reports it.
func Matrices(spec *agentspec.Spec, roles Roles) ([]*Subject, error) {
	b := newBuilder(spec, roles)
	for i, a := range spec.Agents {
		switch a.Type {
		case agentspec.AgentCore:
			b.runtime(i, a)
			if a.CodeBuild != nil {
				b.imageBuild(i, a)
			}
		case agentspec.BedrockAgent:
			b.bedrockAgent(i, a)
		}
	}
	b.gateways()
	b.memoryRoles()
	b.toolRoles()
	b.lambdaPermissions()
	for _, c := range spec.Callers {
		b.caller(c)
	}
	b.invokers()
	if b.f.err != nil {
		return nil, b.f.err
	}
	return b.subjects, nil
}

type builder struct {
	spec     *agentspec.Spec
	roles    Roles
	f        formatter
	foreign  string
	outsider string
	subjects []*Subject

	// Policies on the other side of some requests.
	keyPolicy     *policy.Document // a KMS key policy that delegates to the spec's account
	openPolicy    *policy.Document // a resource in another account that allows everyone
	trustsAccount *policy.Document // a role that trusts the spec's account
	assumeAny     *policy.Document // a user allowed sts:AssumeRole on every role
}

func newBuilder(spec *agentspec.Spec, roles Roles) *builder {
	b := &builder{spec: spec, roles: roles, foreign: fixcore.ForeignAccount(spec.Account)}
	b.outsider = uniqueName(outsiderName, func(n string) bool { _, ok := spec.Agent(n); return ok })
	b.keyPolicy = fixcore.AccountPolicy(spec.Partition, spec.Account, "kms:*", "*")
	b.openPolicy = fixcore.OpenPolicy()
	b.trustsAccount = fixcore.AccountPolicy(spec.Partition, spec.Account, "sts:AssumeRole", "")
	b.assumeAny = doc(fixcore.AllowStatement(nil, "sts:AssumeRole", "*"))
	return b
}

func doc(statements ...*policy.Statement) *policy.Document { return policy.NewDocument(statements...) }

func (b *builder) where(a *agentspec.Agent) where {
	return where{partition: a.Partition, region: a.Region, account: b.spec.Account}
}

// neighboursOf returns the next agents of the spec after index i, of the
// given type, at most `neighbours` of them.
func (b *builder) neighboursOf(i int, t agentspec.AgentType) []*agentspec.Agent {
	var out []*agentspec.Agent
	n := len(b.spec.Agents)
	for k := 1; k < n && len(out) < neighbours; k++ {
		if a := b.spec.Agents[(i+k)%n]; a.Type == t {
			out = append(out, a)
		}
	}
	return out
}

// outsiderLike is an agent that is not in the spec, in a's region, with
// the toolkit's default repository and build settings (sharing a's
// source bucket, as agents of one account and region do).
func (b *builder) outsiderLike(a *agentspec.Agent) *agentspec.Agent {
	o := &agentspec.Agent{Name: b.outsider, Type: a.Type, Region: a.Region, Partition: a.Partition,
		Deployment: agentspec.Container, ECRRepository: agentspec.DefaultECRRepository(b.outsider)}
	if a.CodeBuild != nil {
		o.CodeBuild = &agentspec.CodeBuild{Project: agentspec.DefaultCodeBuildProject(b.outsider), SourceBucket: a.CodeBuild.SourceBucket}
	}
	return o
}

// role finds the role of a purpose for an agent or gateway, generated or
// kept, and starts its subject.
func (b *builder) role(purpose, agent, gateway string, w where) *matrix {
	s := &Subject{Kind: KindRole, Purpose: purpose, Agent: agent, Gateway: gateway}
	if r, ok := b.roles.Role(RoleKey{Purpose: purpose, Agent: agent, Gateway: gateway}); ok {
		s.Name, s.ARN, s.Existing = r.Name, r.ARN, r.Existing
	}
	owner := agent
	if gateway != "" {
		owner = gateway
	}
	if s.Name == "" {
		s.Name = fmt.Sprintf("(no %s role for %s in the plan)", purpose, owner)
	}
	b.subjects = append(b.subjects, s)
	m := &matrix{b: b, s: s, w: w, against: policy.Identity}
	m.principal = RoleSession(w.partition, w.account, s.Name)
	return m
}

// matrix adds the checks of one subject.
type matrix struct {
	b         *builder
	s         *Subject
	w         where
	principal string
	against   policy.Kind
}

// req is one row of a matrix, for one or several actions.
type req struct {
	why       string
	actions   []string
	resource  string
	ctx       map[string][]string
	account   string // ResourceAccount, when the ARN does not say
	other     *policy.Document
	principal string      // overrides the matrix's principal
	against   policy.Kind // overrides the matrix's
	grant     *Grant      // required rows: the spec-level statement
	src       SourceID    // required rows: the document that requires it
}

func (m *matrix) add(expect Expectation, r req) {
	p, against := m.principal, m.against
	if r.principal != "" {
		p = r.principal
	}
	if r.against != policy.KindUnknown {
		against = r.against
	}
	for _, a := range r.actions {
		c := Check{Expect: expect, Why: r.why, Against: against, Principal: p, Action: a, Resource: r.resource,
			ResourceAccount: r.account, Context: r.ctx, Other: r.other}
		if expect == Required {
			g := Grant{Resource: r.resource}
			if r.grant != nil {
				g = *r.grant
			}
			c.Grant = &g
			c.Source = SourceOf(r.src)
		}
		m.s.Checks = append(m.s.Checks, c)
	}
}

// need adds required rows; forbid adds forbidden ones.
func (m *matrix) need(r req)   { m.add(Required, r) }
func (m *matrix) forbid(r req) { m.add(Forbidden, r) }

func acts(a ...string) []string { return a }

func grant(resource string, conds ...Cond) *Grant {
	return &Grant{Resource: resource, Conditions: conds}
}

func cond(op, key string, values ...string) Cond { return Cond{Op: op, Key: key, Values: values} }

func ctx(kv ...string) map[string][]string {
	m := make(map[string][]string, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = []string{kv[i+1]}
	}
	return m
}

// trust adds the requests of a service assuming the role: from its own
// source resource (required), from the same resource name in another
// account (the confused deputy), from another resource of the account,
// from an unrelated service, and from a user of the account who may
// assume any role.
func (m *matrix) trust(service, sourceARN, sourcePattern, otherSource, foreignSource string) {
	account := m.w.account
	role := m.s.ARN
	if role == "" {
		return
	}
	t := req{actions: acts("sts:AssumeRole"), resource: role, against: policy.Trust}
	r := t
	r.why, r.src = "the service assumes the role for its own resource", trustSource(service)
	r.principal, r.ctx = service, ctx("aws:SourceAccount", account, "aws:SourceArn", sourceARN)
	r.grant = &Grant{Principal: service, Conditions: []Cond{cond("StringEquals", "aws:SourceAccount", account), cond("ArnLike", "aws:SourceArn", sourcePattern)}}
	m.need(r)
	r = t
	r.why = "confused deputy: the same service acting for another account"
	r.principal, r.ctx = service, ctx("aws:SourceAccount", m.b.foreign, "aws:SourceArn", foreignSource)
	m.forbid(r)
	r = t
	r.why = "the service acting for another resource of the account"
	r.principal, r.ctx = service, ctx("aws:SourceAccount", account, "aws:SourceArn", otherSource)
	m.forbid(r)
	r = t
	r.why = "an unrelated service"
	r.principal, r.ctx = principalUnrelated, ctx("aws:SourceAccount", account, "aws:SourceArn", sourceARN)
	m.forbid(r)
	r = t
	r.why = "a user of the account allowed to assume any role"
	r.principal, r.other = "arn:"+m.w.partition+":iam::"+account+":user/"+other, m.b.assumeAny
	m.forbid(r)
}

// forbidSource adds the service assuming the role for another resource
// of the account, named by sourceARN.
func (m *matrix) forbidSource(service, why, sourceARN string) {
	if m.s.ARN == "" {
		return
	}
	m.forbid(req{why: why, actions: acts("sts:AssumeRole"), resource: m.s.ARN, against: policy.Trust,
		principal: service, ctx: ctx("aws:SourceAccount", m.w.account, "aws:SourceArn", sourceARN)})
}

// trustSource is the document that requires a service's trust.
func trustSource(service string) SourceID {
	switch service {
	case principalBedrock:
		return SrcAgentsServiceRole
	case principalCodeBuild:
		return SrcToolkitCodeBuild
	}
	return SrcRuntimeTrust
}

// escalation adds the privilege-escalation requests every role must be
// denied.
func (m *matrix) escalation() {
	w := m.w
	iam := where{partition: w.partition, account: w.account}
	self := m.s.ARN
	if self == "" {
		self = m.b.f.arn(iam, "iam", "role", other)
	}
	m.forbid(req{why: "privilege escalation: create a role", actions: acts("iam:CreateRole"), resource: m.b.f.arn(iam, "iam", "role", other)})
	m.forbid(req{why: "privilege escalation: change its own permissions", actions: acts("iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy"), resource: self})
	m.forbid(req{why: "privilege escalation: create access keys for a user", actions: acts("iam:CreateAccessKey"), resource: m.b.f.arn(iam, "iam", "user", other)})
	m.forbid(req{why: "privilege escalation: pass a role to a service", actions: acts("iam:PassRole"), resource: m.b.f.arn(iam, "iam", "role", other),
		ctx: ctx("iam:PassedToService", "lambda.amazonaws.com")})
	m.forbid(req{why: "privilege escalation: assume another role that trusts the account", actions: acts("sts:AssumeRole"),
		resource: m.b.f.arn(iam, "iam", "role", other), other: m.b.trustsAccount})
}

// dataGrants adds the spec's S3, DynamoDB, Secrets Manager, KMS and SSM
// access, the same services outside it, and deletion of what it names.
func (m *matrix) dataGrants(a *agentspec.Agent, others []*agentspec.Agent) {
	f, w, b := &m.b.f, m.w, m.b
	account := cond("StringEquals", "aws:ResourceAccount", w.account)
	for _, s := range a.S3 {
		objects := f.arn(w, "s3", "object", s.Bucket, s.Prefix+"*")
		object := f.arn(w, "s3", "object", s.Bucket, s.Prefix+"agentiam-example.txt")
		bucket := f.arn(w, "s3", "bucket", s.Bucket)
		m.need(req{src: SrcSpecGrant, why: "read objects of " + s.Bucket + "/" + s.Prefix, actions: acts("s3:GetObject"), resource: object, grant: grant(objects, account)})
		list := req{src: SrcSpecGrant, why: "list " + s.Bucket + "/" + s.Prefix, actions: acts("s3:ListBucket"), resource: bucket, grant: grant(bucket, account)}
		if s.Prefix != "" {
			list.ctx = ctx("s3:prefix", s.Prefix)
			list.grant.Conditions = append(list.grant.Conditions, cond("StringLike", "s3:prefix", s.Prefix+"*"))
		}
		m.need(list)
		write := req{src: SrcSpecGrant, why: "write objects of " + s.Bucket + "/" + s.Prefix, actions: acts("s3:PutObject"), resource: object, grant: grant(objects, account)}
		if s.Access == agentspec.ReadWrite {
			m.need(write)
		} else {
			write.why, write.grant = "write to read-only "+s.Bucket+"/"+s.Prefix, nil
			m.forbid(write)
		}
		if s.Prefix != "" {
			m.forbid(req{why: "objects of " + s.Bucket + " outside " + s.Prefix, actions: acts("s3:GetObject"), resource: f.arn(w, "s3", "object", s.Bucket, other+"/agentiam-example.txt")})
			m.forbid(req{why: "list " + s.Bucket + " outside " + s.Prefix, actions: acts("s3:ListBucket"), resource: bucket, ctx: ctx("s3:prefix", other+"/")})
		}
		m.forbid(req{why: "a bucket named " + s.Bucket + " owned by another account", actions: acts("s3:GetObject", "s3:PutObject"), resource: object, account: b.foreign, other: b.openPolicy})
		m.forbid(req{why: "control-plane deletion: bucket " + s.Bucket, actions: acts("s3:DeleteBucket", "s3:PutBucketPolicy"), resource: bucket})
	}
	m.forbid(req{why: "a bucket outside the spec", actions: acts("s3:GetObject", "s3:PutObject"), resource: f.arn(w, "s3", "object", other+"-bucket", "agentiam-example.txt")})

	for _, t := range a.DynamoDB {
		table := f.arn(w, "dynamodb", "table", t.Table)
		m.need(req{src: SrcSpecGrant, why: "read table " + t.Table, actions: acts("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"), resource: table})
		m.need(req{src: SrcSpecGrant, why: "query the indexes of table " + t.Table, actions: acts("dynamodb:Query"), resource: f.arn(w, "dynamodb", "index", t.Table, "by-example"),
			grant: grant(f.arn(w, "dynamodb", "index", t.Table, "*"))})
		write := req{src: SrcSpecGrant, why: "write table " + t.Table, actions: acts("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"), resource: table}
		if t.Access == agentspec.ReadWrite {
			m.need(write)
		} else {
			write.why = "write to read-only table " + t.Table
			m.forbid(write)
		}
		m.forbid(req{why: "control-plane deletion: table " + t.Table, actions: acts("dynamodb:DeleteTable"), resource: table})
	}
	m.forbid(req{why: "a table outside the spec", actions: acts("dynamodb:GetItem", "dynamodb:PutItem"), resource: f.arn(w, "dynamodb", "table", other+"-table")})
	m.forbid(req{why: "an index of a table outside the spec", actions: acts("dynamodb:Query"), resource: f.arn(w, "dynamodb", "index", other+"-table", "by-example")})

	for _, s := range a.Secrets {
		instance, pattern := m.secret(s)
		m.need(req{src: SrcSpecGrant, why: "read secret " + s, actions: acts("secretsmanager:GetSecretValue"), resource: instance, grant: grant(pattern)})
		m.forbid(req{why: "change or delete secret " + s, actions: acts("secretsmanager:PutSecretValue", "secretsmanager:DeleteSecret"), resource: instance})
		if !strings.HasPrefix(s, "arn:") && !arn.HasWildcard(s) {
			m.forbid(req{why: "a secret whose name starts with " + s, actions: acts("secretsmanager:GetSecretValue"),
				resource: f.arn(w, "secretsmanager", "Secret", s+"-extra-"+secretSuffix)})
		}
	}
	for _, o := range others {
		for _, s := range o.Secrets {
			instance, _ := m.secret(s)
			m.forbid(req{why: "another agent's secret (" + o.Name + ")", actions: acts("secretsmanager:GetSecretValue"), resource: instance})
		}
	}
	m.forbid(req{why: "a secret outside the spec", actions: acts("secretsmanager:GetSecretValue"), resource: f.arn(w, "secretsmanager", "Secret", other+"/secret-"+secretSuffix)})

	writesS3 := slices.ContainsFunc(a.S3, func(g agentspec.S3Grant) bool { return g.Access == agentspec.ReadWrite })
	for _, k := range a.KMSKeys {
		m.need(req{src: SrcSpecGrant, why: "decrypt with key " + k, actions: acts("kms:Decrypt"), resource: k, other: b.keyPolicy})
		dataKey := req{src: SrcSpecGrant, why: "encrypt the S3 objects it writes with key " + k, actions: acts("kms:GenerateDataKey"), resource: k, other: b.keyPolicy}
		if writesS3 {
			m.need(dataKey)
		} else {
			dataKey.why = "encrypt with key " + k + " (the agent writes no S3 object)"
			m.forbid(dataKey)
		}
		m.forbid(req{why: "control-plane deletion: key " + k, actions: acts("kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"), resource: k, other: b.keyPolicy})
	}
	m.forbid(req{why: "a KMS key outside the spec", actions: acts("kms:Decrypt"), resource: f.arn(w, "kms", "key", "00000000-0000-0000-0000-000000000000"), other: b.keyPolicy})

	for _, p := range a.SSMParameters {
		name := strings.TrimPrefix(p, "/")
		param := f.arn(w, "ssm", "parameter", fillWildcards(name))
		m.need(req{src: SrcSpecGrant, why: "read parameter " + p, actions: acts("ssm:GetParameter", "ssm:GetParameters"), resource: param, grant: grant(f.arn(w, "ssm", "parameter", name))})
		if path, ok := strings.CutSuffix(name, "/*"); ok && path != "" {
			m.need(req{src: SrcSpecGrant, why: "read parameters under " + p, actions: acts("ssm:GetParametersByPath"), resource: f.arn(w, "ssm", "parameter", path)})
		}
		m.forbid(req{why: "change or delete parameter " + p, actions: acts("ssm:PutParameter", "ssm:DeleteParameter"), resource: param})
	}
	m.forbid(req{why: "a parameter outside the spec", actions: acts("ssm:GetParameter"), resource: f.arn(w, "ssm", "parameter", other+"/parameter")})
}

// secret returns a concrete secret ARN for a spec entry (name, pattern or
// ARN) and the pattern that grants it: Secrets Manager appends '-' and
// six random characters to every secret name.
func (m *matrix) secret(s string) (instance, pattern string) {
	if strings.HasPrefix(s, "arn:") {
		return fillWildcards(s), s
	}
	instance = m.b.f.arn(m.w, "secretsmanager", "Secret", fillWildcards(s)+"-"+secretSuffix)
	if arn.HasWildcard(s) {
		return instance, m.b.f.arn(m.w, "secretsmanager", "Secret", s)
	}
	return instance, m.b.f.arn(m.w, "secretsmanager", "Secret", s+"-??????")
}

func (b *builder) imageBuild(i int, a *agentspec.Agent) {
	w, f, cb := b.where(a), &b.f, a.CodeBuild
	m := b.role(agentspec.PurposeImageBuild, a.Name, "", w)
	m.trust(principalCodeBuild,
		f.arn(w, "codebuild", "project", cb.Project),
		f.arn(w, "codebuild", "project", cb.Project),
		f.arn(w, "codebuild", "project", other+"-project"),
		f.arn(where{w.partition, w.region, b.foreign}, "codebuild", "project", cb.Project))
	repo := f.arn(w, "ecr", "repository", a.ECRRepository)
	m.need(req{src: SrcToolkitCodeBuild, why: "log in to ECR", actions: acts("ecr:GetAuthorizationToken"), resource: "*"})
	m.need(req{src: SrcToolkitCodeBuild, why: "push the agent image", actions: acts("ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
		"ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"), resource: repo})
	logGroup := "/aws/codebuild/" + cb.Project
	m.need(req{src: SrcToolkitCodeBuild, why: "create its build log group", actions: acts("logs:CreateLogGroup"), resource: f.arn(w, "logs", "log-group", logGroup)})
	m.need(req{src: SrcToolkitCodeBuild, why: "write its build logs", actions: acts("logs:CreateLogStream", "logs:PutLogEvents"), resource: f.arn(w, "logs", "log-stream", logGroup, buildLogStream),
		grant: grant(f.arn(w, "logs", "log-stream", logGroup, "*"))})
	account := cond("StringEquals", "aws:ResourceAccount", w.account)
	m.need(req{src: SrcToolkitCodeBuild, why: "read its build source", actions: acts("s3:GetObject"), resource: f.arn(w, "s3", "object", cb.SourceBucket, a.Name+"/source.zip"),
		grant: grant(f.arn(w, "s3", "object", cb.SourceBucket, a.Name+"/*"), account)})
	others := append(b.neighboursOf(i, agentspec.AgentCore), b.outsiderLike(a))
	for _, o := range others {
		ow := b.where(o)
		if o.Deployment == agentspec.Container && o.ECRRepository != a.ECRRepository {
			m.forbid(req{why: "push to another agent's repository (" + o.Name + ")", actions: acts("ecr:PutImage"), resource: f.arn(ow, "ecr", "repository", o.ECRRepository)})
		}
		if o.CodeBuild != nil {
			m.forbid(req{why: "another agent's build source (" + o.Name + ")", actions: acts("s3:GetObject"), resource: f.arn(ow, "s3", "object", o.CodeBuild.SourceBucket, o.Name+"/source.zip")})
			if o.CodeBuild.Project != cb.Project {
				m.forbid(req{why: "another project's build logs (" + o.Name + ")", actions: acts("logs:PutLogEvents"),
					resource: f.arn(ow, "logs", "log-stream", "/aws/codebuild/"+o.CodeBuild.Project, buildLogStream)})
			}
		}
	}
	m.forbid(req{why: "control-plane deletion: the repository", actions: acts("ecr:DeleteRepository"), resource: repo})
	m.forbid(req{why: "invoke a model (the build has no use for one)", actions: acts("bedrock:InvokeModel"), resource: f.arn(w, "bedrock", "foundation-model", candidateModels[0])})
	m.escalation()
}

func (b *builder) gateways() {
	for _, u := range b.spec.Gateways() {
		if u.NeedsRole() {
			b.gateway(u)
		}
	}
}

func (b *builder) gateway(u *agentspec.GatewayUse) {
	w, f := where{partition: u.Partition, region: u.Region, account: b.spec.Account}, &b.f
	m := b.role(agentspec.PurposeGateway, "", u.Name, w)
	id := gatewayIDOf(b.spec, u.Name)
	m.trust(principalAgentCore,
		f.arn(w, "bedrock-agentcore", "gateway", id),
		f.arn(w, "bedrock-agentcore", "gateway", gatewayPattern(b.spec, u.Name)),
		f.arn(w, "bedrock-agentcore", "gateway", other+"-"+gatewaySuffix),
		f.arn(where{w.partition, w.region, b.foreign}, "bedrock-agentcore", "gateway", id))
	m.forbidSource(principalAgentCore, "a gateway whose name extends this one's ("+siblingName(u.Name)+")",
		f.arn(w, "bedrock-agentcore", "gateway", siblingName(u.Name)+"-"+gatewaySuffix))
	if b.spec.GatewayID(u.Name) != "" {
		m.forbidSource(principalAgentCore, "a gateway recreated under the name of the one gateway_id pins",
			f.arn(w, "bedrock-agentcore", "gateway", recreatedGatewayID(u.Name)))
	}
	for _, t := range u.LambdaTargets {
		m.need(req{src: SrcGateway, why: "invoke its Lambda target", actions: acts("lambda:InvokeFunction"), resource: t, other: b.functionPolicy(t)})
		m.forbid(req{why: "change the code of its Lambda target", actions: acts("lambda:UpdateFunctionCode"), resource: t})
	}
	m.forbid(req{why: "a function outside the spec", actions: acts("lambda:InvokeFunction"), resource: f.arn(w, "lambda", "function", other+"-function")})
	m.gatewaySelf(u, w, id)
	if !u.Outbound.Empty() {
		dir := f.arn(w, "bedrock-agentcore", "workload-identity-directory", defaultDirectory)
		workload := f.arn(w, "bedrock-agentcore", "workload-identity", defaultDirectory, id)
		pattern := f.arn(w, "bedrock-agentcore", "workload-identity", defaultDirectory, workloadIdentityPattern(u.Name))
		m.need(req{src: SrcGateway, why: "workload access token: the directory", actions: acts("bedrock-agentcore:GetWorkloadAccessToken"), resource: dir})
		m.need(req{src: SrcGateway, why: "workload access token: its workload identity", actions: acts("bedrock-agentcore:GetWorkloadAccessToken"), resource: workload, grant: grant(pattern)})
		m.credentialProviders(u.Outbound, workload, pattern)
	}
	m.gatewayTargets(u, id)
	m.escalation()
}

// gatewaySelf adds, for a gateway with targets it calls with its role
// (Lambda, Smithy, API Gateway, MCP servers on AgentCore Runtime),
// InvokeGateway on itself: "If you use this option [IAM-based outbound
// authorization], verify that the gateway service role has
// bedrock-agentcore:InvokeGateway permissions" (AgentCore guide,
// gateway-outbound-auth.html). Never another gateway.
func (m *matrix) gatewaySelf(u *agentspec.GatewayUse, w where, id string) {
	f := &m.b.f
	invoke := acts("bedrock-agentcore:InvokeGateway")
	if len(u.LambdaTargets)+len(u.SmithyTargets)+len(u.APIGatewayTargets)+len(u.MCPAgents) > 0 {
		m.need(req{src: SrcGatewayOutbound, why: "invoke itself with IAM-based outbound authorization", actions: invoke,
			resource: f.arn(w, "bedrock-agentcore", "gateway", id), grant: grant(f.arn(w, "bedrock-agentcore", "gateway", gatewayPattern(m.b.spec, u.Name)))})
	}
	m.forbid(req{why: "another gateway", actions: invoke, resource: f.arn(w, "bedrock-agentcore", "gateway", other+"-"+gatewaySuffix)})
}

func (b *builder) bedrockAgent(i int, a *agentspec.Agent) {
	w, f := b.where(a), &b.f
	agentID, idPattern := a.AgentID, a.AgentID
	if agentID == "" {
		// The spec covers every agent of the account until it names one.
		agentID, idPattern = "A1B2C3D4E5", "*"
	}
	agent := f.arn(w, "bedrock", "agent", agentID)
	m := b.role(agentspec.PurposeBedrockAgent, a.Name, "", w)
	otherAgent := f.arn(w, "bedrock", "agent", "ZZZZZZZZZZ")
	if a.AgentID == "" {
		// Without an agent id every agent of the account is in the spec:
		// the request from another resource comes from a knowledge base.
		otherAgent = f.arn(w, "bedrock", "knowledge-base", "ZZZZZZZZZZ")
	}
	m.trust(principalBedrock, agent, f.arn(w, "bedrock", "agent", idPattern), otherAgent,
		f.arn(where{w.partition, w.region, b.foreign}, "bedrock", "agent", agentID))
	m.models(a)
	m.guardrails(a, SrcAgentsGuardrails)
	m.bedrockAgentFeatures(a)
	account := cond("StringEquals", "aws:ResourceAccount", w.account)
	for _, ag := range a.ActionGroups {
		if bucket, key, ok := strings.Cut(strings.TrimPrefix(ag.Schema, "s3://"), "/"); ok {
			obj := f.arn(w, "s3", "object", bucket, key)
			m.need(req{src: SrcAgentsServiceRole, why: "read its action group schema", actions: acts("s3:GetObject"), resource: obj, grant: grant(obj, account)})
			m.forbid(req{why: "other objects of the schema bucket", actions: acts("s3:GetObject"), resource: f.arn(w, "s3", "object", bucket, other+"/openapi.json")})
		}
	}
	for _, kb := range a.KnowledgeBases {
		m.need(req{src: SrcAgentsServiceRole, why: "retrieve from knowledge base " + kb, actions: acts("bedrock:Retrieve"), resource: f.arn(w, "bedrock", "knowledge-base", kb)})
	}
	m.forbid(req{why: "a knowledge base outside the spec", actions: acts("bedrock:Retrieve"), resource: f.arn(w, "bedrock", "knowledge-base", "ZZZZZZZZZZ")})
	m.forbid(req{why: "control-plane deletion: the agent", actions: acts("bedrock:DeleteAgent"), resource: agent})
	m.dataGrants(a, append(b.neighboursOf(i, agentspec.BedrockAgent), b.outsiderLike(a)))
	m.escalation()
}

// lambdaPermissions adds one subject per function an action group uses:
// Bedrock may invoke it for the spec's agents only.
func (b *builder) lambdaPermissions() {
	type use struct {
		fn     string
		w      where
		agents []*agentspec.Agent
	}
	var uses []*use
	byFn := map[string]*use{}
	for _, a := range b.spec.Agents {
		for _, ag := range a.ActionGroups {
			if ag.Lambda == "" {
				continue
			}
			u, ok := byFn[ag.Lambda]
			if !ok {
				u = &use{fn: ag.Lambda, w: b.where(a)}
				byFn[ag.Lambda] = u
				uses = append(uses, u)
			}
			if !slices.Contains(u.agents, a) {
				u.agents = append(u.agents, a)
			}
		}
	}
	for _, u := range uses {
		s := &Subject{Kind: KindResourcePolicy, Name: u.fn, ARN: u.fn, Purpose: PurposeLambdaPermission}
		names := make([]string, len(u.agents))
		allHaveIDs := true
		for i, a := range u.agents {
			names[i] = a.Name
			allHaveIDs = allHaveIDs && a.AgentID != ""
		}
		s.Agent = strings.Join(names, ", ")
		b.subjects = append(b.subjects, s)
		m := &matrix{b: b, s: s, w: u.w, against: policy.Resource, principal: principalBedrock}
		f, w := &b.f, u.w
		invoke := acts("lambda:InvokeFunction")
		for _, a := range u.agents {
			id, pattern := a.AgentID, a.AgentID
			if id == "" {
				id, pattern = "A1B2C3D4E5", "*"
			}
			agent := f.arn(b.where(a), "bedrock", "agent", id)
			m.need(req{src: SrcAgentsLambda, why: "Bedrock invokes it for agent " + a.Name, actions: invoke, resource: u.fn,
				ctx: ctx("aws:SourceAccount", w.account, "aws:SourceArn", agent),
				grant: &Grant{Principal: principalBedrock, Resource: u.fn, Conditions: []Cond{
					cond("StringEquals", "aws:SourceAccount", w.account), cond("ArnLike", "aws:SourceArn", f.arn(b.where(a), "bedrock", "agent", pattern))}}})
		}
		foreign := where{w.partition, w.region, b.foreign}
		m.forbid(req{why: "confused deputy: Bedrock acting for another account's agent", actions: invoke, resource: u.fn,
			ctx: ctx("aws:SourceAccount", b.foreign, "aws:SourceArn", f.arn(foreign, "bedrock", "agent", "A1B2C3D4E5"))})
		if allHaveIDs {
			m.forbid(req{why: "Bedrock acting for another agent of the account", actions: invoke, resource: u.fn,
				ctx: ctx("aws:SourceAccount", w.account, "aws:SourceArn", f.arn(w, "bedrock", "agent", "ZZZZZZZZZZ"))})
		}
		m.forbid(req{why: "an unrelated service", actions: invoke, resource: u.fn, principal: principalUnrelated,
			ctx: ctx("aws:SourceAccount", w.account, "aws:SourceArn", f.arn(w, "bedrock", "agent", "A1B2C3D4E5"))})
		m.forbid(req{why: "another account", actions: invoke, resource: u.fn, principal: b.foreign})
	}
}

// dedupeChecks drops repeated checks (a caller deploying several agents
// needs CreateAgentRuntime once).
func dedupeChecks(s *Subject) {
	seen := map[string]bool{}
	out := s.Checks[:0]
	for _, c := range s.Checks {
		key := string(c.Expect) + "\x00" + c.Principal + "\x00" + c.Action + "\x00" + c.Resource + "\x00" + fmt.Sprint(c.Context)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, c)
	}
	s.Checks = out
}

// DropGranted removes forbidden checks that the spec itself grants: a
// memory two agents share is not "another agent's memory", a model an
// inference profile routes to may also be listed directly. The spec's
// grants are the required checks' Grants, evaluated as statements.
// Matrices leaves them for the caller to drop, subject by subject (in
// parallel: it is most of the work).
func (s *Subject) DropGranted() error {
	if len(s.Checks) == 0 {
		return nil
	}
	grants := s.Grants()
	out := s.Checks[:0]
	for _, c := range s.Checks {
		if c.Expect == Forbidden {
			req := c.Request()
			var other *eval.Policy
			if c.Other != nil {
				other, _ = eval.Compile(c.Other)
			}
			d, err := c.Set(grants, other).Evaluate(&req)
			if err != nil {
				return fmt.Errorf("%s: %s on %s: %w", s.Label(), c.Action, c.Resource, err)
			}
			if d == eval.Allowed {
				continue
			}
		}
		out = append(out, c)
	}
	s.Checks = out
	return nil
}

// Grants compiles the spec-level grants of the subject's required checks
// into its reference policies.
func (s *Subject) Grants() *fixcore.Compiled {
	identity, res := policy.NewDocument(), policy.NewDocument()
	for i := range s.Checks {
		c := &s.Checks[i]
		if c.Expect != Required {
			continue
		}
		st := grantStatement(c.Action, c.Grant)
		if c.Against == policy.Identity {
			identity.Add(st)
		} else {
			res.Add(st)
		}
	}
	cp := &fixcore.Compiled{}
	if len(identity.Statements) > 0 {
		if p, err := eval.Compile(identity); err == nil {
			cp.Identity = []*eval.Policy{p}
		}
	}
	if len(res.Statements) > 0 {
		if p, err := eval.Compile(res); err == nil {
			cp.Resource = p
		}
	}
	return cp
}

// grantStatement is the statement a grant stands for, for one action.
func grantStatement(action string, g *Grant) *policy.Statement {
	st := policy.NewStatement("", policy.EffectAllow)
	if g.Principal != "" {
		st.Principal = grantPrincipal(g.Principal)
	}
	st.Action = policy.NewStringList(action)
	if g.Resource != "" {
		st.Resource = policy.NewStringList(g.Resource)
	}
	for _, c := range g.Conditions {
		st.AddCondition(c.Op, c.Key, c.Values...)
	}
	return st
}
