package agentspec

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/catalog"
	"github.com/agentiam/agentiam/diag"
	"github.com/goccy/go-yaml/ast"
)

// DefaultFile is the spec file name commands read when not told otherwise.
const DefaultFile = "agentiam.yaml"

var (
	topKeys   = []string{"version", "account", "region", "agents", "callers"}
	agentKeys = []string{
		"type", "region", "models", "execution_role", "role_name",
		"deployment", "ecr_repository", "build", "codebuild", "memory", "identity", "gateway",
		"code_interpreter", "browser", "vpc", "observability", "invokes", "code_bucket", "code_bucket_kms_key",
		"marketplace", "user_id_tokens", "agent_arn",
		"agent_id", "action_groups", "knowledge_bases", "collaborators", "streaming", "kms_key",
		"s3", "dynamodb", "secrets", "kms_keys", "ssm_parameters", "guardrails",
	}
	// Keys that only make sense for one agent type.
	agentCoreOnlyKeys = []string{"deployment", "ecr_repository", "build", "codebuild", "memory", "identity", "gateway", "code_interpreter", "browser", "vpc", "observability", "invokes", "code_bucket", "code_bucket_kms_key", "marketplace", "user_id_tokens", "agent_arn"}
	bedrockOnlyKeys   = []string{"agent_id", "action_groups", "knowledge_bases", "collaborators", "streaming", "kms_key"}
)

// Parse reads and validates an agentiam.yaml; filename is used in
// diagnostics. The error, if any, is an *Error wrapping ErrSyntax or
// ErrInvalid and lists every problem with its position. Warnings that did
// not stop loading are in Spec.Warnings.
func Parse(filename string, src []byte) (*Spec, error) {
	l := &loader{reader: reader{file: filename}}
	body, err := l.parseYAML(src)
	if err != nil {
		return nil, err
	}
	if body == nil {
		l.errorAt(diag.Pos{Line: 1, Column: 1}, CodeEmpty, "the spec is empty: `agentiam init` writes a commented starter spec")
		return nil, l.result(ErrInvalid)
	}
	spec := l.spec(body)
	if err := l.result(ErrInvalid); err != nil {
		return nil, err
	}
	spec.Source = filename
	spec.Warnings = l.warnings()
	return spec, nil
}

type loader struct {
	reader
	// References to agents, checked once every agent is known.
	invokes     []positionedRef
	callers     []positionedRef
	invokerRefs []positionedRef
	invokerGWs  []positionedRef // gateways invokers call
	// gatewayRegion catches one gateway name used from two regions.
	gatewayRegion map[string]string
}

// positionedRef is a reference from one place in the spec to an agent.
type positionedRef struct {
	from string // agent or caller that refers
	to   positioned
}

func (l *loader) spec(body ast.Node) *Spec {
	s := &Spec{}
	if _, ok := l.mapping(body, "the spec"); !ok {
		return s
	}
	fs := l.fields(body, "the spec", topKeys...)
	l.require(fs, nodePos(body), "the spec", "version", "account", "region", "agents")
	if f, ok := fs["version"]; ok {
		if v, ok := l.str(f); ok {
			if v != fmt.Sprint(SpecVersion) {
				l.errorAt(nodePos(f.value), CodeInvalidValue, "unsupported spec version %q: this agentiam reads version %d", v, SpecVersion)
			}
			s.Version = SpecVersion
		}
	}
	if f, ok := fs["account"]; ok {
		if v, ok := l.str(f); ok {
			if !accountRE.MatchString(v) {
				l.errorAt(nodePos(f.value), CodeInvalidValue, "account must be a 12-digit AWS account id (quote it to keep leading zeros), found %q", v)
			} else if v == DocumentationAccount {
				l.warnAt(nodePos(f.value), CodeExampleAccount, "account %s is the example account of the AWS documentation: set your own account id", v)
			}
			s.Account = v
		}
	}
	if f, ok := fs["region"]; ok {
		s.Region = l.region(f)
	}
	s.Partition = PartitionOf(s.Region)
	if f, ok := fs["agents"]; ok {
		pairs, _ := l.mapping(f.value, "agents")
		if len(pairs) == 0 && !l.diags.HasErrors() {
			l.errorAt(nodePos(f.value), CodeMissingKey, "agents is empty: describe at least one agent")
		}
		for _, p := range pairs {
			s.Agents = append(s.Agents, l.agent(s, p))
		}
	}
	if f, ok := fs["callers"]; ok {
		pairs, _ := l.mapping(f.value, "callers")
		for _, p := range pairs {
			if p.key == invokersKey {
				s.Invokers = append(s.Invokers, l.invokers(s, p)...)
				continue
			}
			s.Callers = append(s.Callers, l.caller(p))
		}
	}
	l.crossCheck(s)
	l.checkInvokers(s)
	l.checkGatewayTargets(s)
	return s
}

func (l *loader) region(f field) string {
	v, ok := l.str(f)
	if !ok {
		return ""
	}
	switch {
	case KnownRegion(v):
	case !regionRE.MatchString(v):
		if s, ok := SuggestRegion(v); ok {
			l.suggestAt(nodePos(f.value), CodeInvalidValue, s, "region must be an AWS region such as us-west-2, found %q", v)
		} else {
			l.errorAt(nodePos(f.value), CodeInvalidValue, "region must be an AWS region such as us-west-2, found %q", v)
		}
	default:
		if s, ok := SuggestRegion(v); ok {
			l.suggestAt(nodePos(f.value), CodeUnknownRegion, s, "region %q does not exist in partition %s", v, PartitionOf(v))
		} else {
			l.errorAt(nodePos(f.value), CodeUnknownRegion, "region %q does not exist in partition %s", v, PartitionOf(v))
		}
	}
	return v
}

func (l *loader) agent(s *Spec, p field) *Agent {
	a := &Agent{Name: p.key, Pos: p.keyPos, Type: AgentCore, Region: s.Region, Observability: true}
	what := fmt.Sprintf("agent %s", p.key)
	fs := l.fields(p.value, what, agentKeys...)
	if f, ok := fs["type"]; ok {
		if v, ok := l.str(f); ok {
			switch AgentType(v) {
			case AgentCore, BedrockAgent:
				a.Type = AgentType(v)
			default:
				l.enumError(f, v, string(AgentCore), string(BedrockAgent))
			}
		}
	}
	switch a.Type {
	case AgentCore:
		if !runtimeNameRE.MatchString(a.Name) {
			l.errorAt(a.Pos, CodeInvalidName, "AgentCore runtime name %q must match [a-zA-Z][a-zA-Z0-9_]{0,47}: a letter, then up to 47 letters, digits or '_'", a.Name)
		}
		l.wrongType(fs, bedrockOnlyKeys, AgentCore, BedrockAgent)
	case BedrockAgent:
		if !bedrockAgentNameRE.MatchString(a.Name) {
			l.errorAt(a.Pos, CodeInvalidName, "Bedrock agent name %q must match ([0-9a-zA-Z][_-]?){1,100}", a.Name)
		}
		l.wrongType(fs, agentCoreOnlyKeys, BedrockAgent, AgentCore)
	}
	if f, ok := fs["region"]; ok {
		a.Region = l.region(f)
	}
	a.Partition = PartitionOf(a.Region)
	if f, ok := fs["models"]; ok {
		for _, m := range l.strList(f) {
			if model, ok := l.model(a, m); ok {
				a.Models = append(a.Models, model)
			}
		}
	}
	if _, ok := fs["models"]; !ok && a.Type == AgentCore {
		l.warnAt(a.Pos, CodeNoModels, "%s lists no models: its role can call no model; list the models (or inference profiles) it calls under models", what)
	}
	if _, ok := fs["models"]; !ok && a.Type == BedrockAgent {
		l.errorAt(a.Pos, CodeMissingKey, "%s needs \"models\": a Bedrock agent always calls a foundation model", what)
	}
	if f, ok := fs["execution_role"]; ok {
		a.ExecutionRole = l.roleARN(f, a.Partition, s.Account)
	}
	if f, ok := fs["role_name"]; ok {
		a.RoleName = l.matched(f, iamNameRE, CodeInvalidName, "role_name %q must be 1 to 64 characters of letters, digits and +=,.@_-")
		if _, both := fs["execution_role"]; both {
			l.errorAt(f.keyPos, CodeInvalidValue, "role_name names a role agentiam generates, execution_role keeps an existing one: give only one")
		}
	}
	if a.Type == AgentCore {
		l.agentCore(s, a, fs)
	} else {
		l.bedrockAgent(a, fs)
	}
	l.dataGrants(a, fs)
	l.agentKeyNotInKMSKeys(a, fs)
	l.guardrails(a, fs)
	return a
}

// wrongType reports keys that belong to the other agent type.
func (l *loader) wrongType(fs map[string]field, keys []string, is, other AgentType) {
	for _, k := range keys {
		if f, ok := fs[k]; ok {
			l.errorAt(f.keyPos, CodeWrongAgentType, "%s applies to type: %s agents, this agent is type: %s", k, other, is)
			delete(fs, k)
		}
	}
}

func (l *loader) enumError(f field, v string, allowed ...string) {
	if s, ok := closest(v, allowed); ok {
		l.suggestAt(nodePos(f.value), CodeInvalidValue, s, "%s must be one of %s, found %q", f.key, strings.Join(allowed, ", "), v)
		return
	}
	l.errorAt(nodePos(f.value), CodeInvalidValue, "%s must be one of %s, found %q", f.key, strings.Join(allowed, ", "), v)
}

func (l *loader) agentCore(s *Spec, a *Agent, fs map[string]field) {
	a.Deployment = Container
	if f, ok := fs["deployment"]; ok {
		if v, ok := l.str(f); ok {
			switch Deployment(v) {
			case Container, DirectCodeDeploy:
				a.Deployment = Deployment(v)
			default:
				l.enumError(f, v, string(Container), string(DirectCodeDeploy))
			}
		}
	}
	if f, ok := fs["ecr_repository"]; ok {
		if a.Deployment != Container {
			l.errorAt(f.keyPos, CodeInvalidValue, "ecr_repository needs deployment: container")
		} else if v, ok := l.str(f); ok {
			a.ECRRepository = l.ecrRepository(f, v, s.Account, a.Region)
		}
	} else if a.Deployment == Container {
		a.ECRRepository = DefaultECRRepository(a.Name)
	}
	build := ""
	if f, ok := fs["build"]; ok {
		if v, ok := l.str(f); ok {
			switch v {
			case "codebuild", "local":
				build = v
			default:
				l.enumError(f, v, "codebuild", "local")
			}
			if a.Deployment != Container {
				l.errorAt(nodePos(f.value), CodeInvalidValue, "build applies to deployment: container; direct_code_deploy needs no image")
			}
		}
	}
	cbField, hasCB := fs["codebuild"]
	if build == "codebuild" || hasCB {
		if hasCB && build == "local" {
			l.errorAt(cbField.keyPos, CodeInvalidValue, "codebuild settings need build: codebuild")
		}
		a.CodeBuild = l.codeBuild(s, a, cbField, hasCB)
	}
	a.Code = l.codeLocation(s, a, fs)
	if f, ok := fs["memory"]; ok {
		a.Memory = l.memory(a, f)
	}
	if f, ok := fs["identity"]; ok {
		a.Identity = l.identity(f, "identity of agent "+a.Name)
	}
	if f, ok := fs["gateway"]; ok {
		a.Gateway = l.gateway(a, f)
	}
	if f, ok := fs["code_interpreter"]; ok {
		a.CodeInterpreter = l.tool(f)
	}
	if f, ok := fs["browser"]; ok {
		a.Browser = l.tool(f)
	}
	if f, ok := fs["vpc"]; ok {
		a.VPC, _ = l.boolean(f)
	}
	if f, ok := fs["observability"]; ok {
		a.Observability, _ = l.boolean(f)
	}
	if f, ok := fs["invokes"]; ok {
		l.invokeList(a, f)
	}
	l.runtimeOptions(s, a, fs)
}

func (l *loader) ecrRepository(f field, v, account, region string) string {
	name := v
	if m := ecrRepositoryURI.FindStringSubmatch(v); m != nil {
		if m[1] != account || m[2] != region {
			l.errorAt(nodePos(f.value), CodeInvalidValue, "ecr_repository %q is in account %s, region %s; the agent runs in account %s, region %s", v, m[1], m[2], account, region)
		}
		name = m[3]
	}
	if len(name) < 2 || len(name) > 256 || !ecrRepositoryRE.MatchString(name) {
		l.errorAt(nodePos(f.value), CodeInvalidName, "ecr_repository %q is not a valid repository name (lowercase letters, digits, and . _ - / between them) or repository URI", v)
	}
	return name
}

func (l *loader) codeBuild(s *Spec, a *Agent, f field, present bool) *CodeBuild {
	cb := &CodeBuild{Project: DefaultCodeBuildProject(a.Name), SourceBucket: DefaultSourceBucket(s.Account, a.Region)}
	if !present {
		return cb
	}
	fs := l.fields(f.value, "codebuild of agent "+a.Name, "project", "source_bucket", "execution_role")
	if g, ok := fs["project"]; ok {
		cb.Project = l.matched(g, codeBuildNameRE, CodeInvalidName, "codebuild project %q must be 2 to 255 letters, digits, '-' or '_', starting with a letter or digit")
	}
	if g, ok := fs["source_bucket"]; ok {
		cb.SourceBucket = l.bucket(g)
	}
	if g, ok := fs["execution_role"]; ok {
		cb.ExecutionRole = l.roleARN(g, a.Partition, s.Account)
	}
	return cb
}

func (l *loader) memory(a *Agent, f field) []MemoryGrant {
	var out []MemoryGrant
	seen := map[string]bool{}
	for _, it := range l.list(f) {
		fs := l.fields(it.node, "a memory entry", "id", "access", "strategy_models")
		l.require(fs, it.pos, "a memory entry", "id", "access")
		var g MemoryGrant
		if id, ok := fs["id"]; ok {
			if v, ok := l.str(id); ok {
				if !agentCoreIDRE.MatchString(v) {
					l.errorAt(nodePos(id.value), CodeInvalidValue, "memory id %q must be a memory name, '-' and 10 letters or digits, as AgentCore returns it (for example support_bot_mem-AbCdEf1234)", v)
				}
				if seen[v] {
					l.errorAt(nodePos(id.value), CodeDuplicate, "memory %q is listed twice", v)
				}
				seen[v] = true
				g.ID = v
			}
		}
		if acc, ok := fs["access"]; ok {
			g.Access = l.access(acc)
		}
		g.StrategyModels = l.strategyModels(a, fs)
		out = append(out, g)
	}
	return out
}

func (l *loader) access(f field) Access {
	v, ok := l.str(f)
	if !ok {
		return ""
	}
	switch Access(v) {
	case Read, ReadWrite:
		return Access(v)
	}
	l.enumError(f, v, string(Read), string(ReadWrite))
	return ""
}

func (l *loader) identity(f field, what string) Identity {
	fs := l.fields(f.value, what, "oauth2_providers", "api_key_providers")
	var id Identity
	id.OAuth2Providers, id.OAuth2Secrets = l.providers(fs, "oauth2_providers")
	id.APIKeyProviders, id.APIKeySecrets = l.providers(fs, "api_key_providers")
	return id
}

// providers reads a list of credential providers: names, or
// {name: ..., secret_arn: ...} for a provider that references a
// customer-owned Secrets Manager secret. It returns the names and the
// secrets by name.
func (l *loader) providers(fs map[string]field, key string) ([]string, map[string]string) {
	f, ok := fs[key]
	if !ok {
		return nil, nil
	}
	var names []string
	var secrets map[string]string
	seen := map[string]bool{}
	for _, it := range l.list(f) {
		p, secret, ok := l.provider(it, key)
		if !ok {
			continue
		}
		if !providerNameRE.MatchString(p.value) {
			l.errorAt(p.pos, CodeInvalidName, "credential provider name %q must be 1 to 128 letters, digits, '-' or '_'", p.value)
		}
		if seen[p.value] {
			l.errorAt(p.pos, CodeDuplicate, "%q is listed twice in %s", p.value, key)
			continue
		}
		seen[p.value] = true
		names = append(names, p.value)
		if secret != "" {
			if secrets == nil {
				secrets = map[string]string{}
			}
			secrets[p.value] = secret
		}
	}
	return names, secrets
}

// provider reads one entry of a providers list.
func (l *loader) provider(it item, key string) (name positioned, secret string, ok bool) {
	n := l.resolve(it.node)
	if s, isScalar := scalarText(n); isScalar {
		return positioned{s, it.pos}, "", true
	}
	if _, isMap := n.(*ast.MappingNode); !isMap {
		if _, isPair := n.(*ast.MappingValueNode); !isPair {
			l.errorAt(it.pos, CodeWrongType, "entries of %s must be provider names or {name: ..., secret_arn: ...}, found %s", key, kindName(n))
			return positioned{}, "", false
		}
	}
	fs := l.fields(n, "credential provider of "+key, "name", "secret_arn")
	l.require(fs, it.pos, "credential provider of "+key, "name")
	nf, ok := fs["name"]
	if !ok {
		return positioned{}, "", false
	}
	v, ok := l.str(nf)
	if !ok {
		return positioned{}, "", false
	}
	if sf, has := fs["secret_arn"]; has {
		if s, isStr := l.str(sf); isStr && l.checkARN(positioned{s, nodePos(sf.value)}, "secret_arn", "secretsmanager", "Secret") {
			secret = s
		}
	}
	return positioned{v, nodePos(nf.value)}, secret, true
}

func (l *loader) gateway(a *Agent, f field) *Gateway {
	g := &Gateway{Name: DefaultGatewayName(a.Name)}
	fs := l.fields(f.value, "gateway of agent "+a.Name, append([]string{"name", "lambda_targets", "outbound"}, gatewayTargetKeys...)...)
	if n, ok := fs["name"]; ok {
		g.Name = l.matched(n, gatewayNameRE, CodeInvalidName, "gateway name %q must be lowercase letters and digits, single '-' between them, at most 100 characters")
	}
	if t, ok := fs["lambda_targets"]; ok {
		g.LambdaTargets = l.arnList(t, "lambda", "function")
	}
	if o, ok := fs["outbound"]; ok {
		g.Outbound = l.identity(o, "outbound of gateway "+g.Name)
	}
	g.GatewayTargets = l.gatewayTargets(a, g.Name, fs)
	if l.gatewayRegion == nil {
		l.gatewayRegion = map[string]string{}
	}
	if r, ok := l.gatewayRegion[g.Name]; ok && r != a.Region {
		l.errorAt(f.keyPos, CodeInvalidValue, "gateway %s is used from regions %s and %s; a gateway lives in one region", g.Name, r, a.Region)
	}
	l.gatewayRegion[g.Name] = a.Region
	return g
}

func (l *loader) bedrockAgent(a *Agent, fs map[string]field) {
	if f, ok := fs["agent_id"]; ok {
		a.AgentID = l.matched(f, bedrockIDRE, CodeInvalidValue, "agent_id %q must be the 10-character id Bedrock assigned to the agent")
	}
	if f, ok := fs["action_groups"]; ok {
		for _, it := range l.list(f) {
			gfs := l.fields(it.node, "an action group", "lambda", "schema")
			l.require(gfs, it.pos, "an action group", "lambda")
			var ag ActionGroup
			if g, ok := gfs["lambda"]; ok {
				if v, ok := l.str(g); ok && l.checkARN(positioned{v, nodePos(g.value)}, "lambda", "lambda", "function") {
					ag.Lambda = v
				}
			}
			if g, ok := gfs["schema"]; ok {
				if v, ok := l.str(g); ok {
					bucket, key, found := strings.Cut(strings.TrimPrefix(v, "s3://"), "/")
					if !strings.HasPrefix(v, "s3://") || !found || key == "" || !bucketRE.MatchString(bucket) {
						l.errorAt(nodePos(g.value), CodeInvalidValue, "schema must be an S3 URI s3://bucket/key, found %q", v)
					}
					ag.Schema = v
				}
			}
			a.ActionGroups = append(a.ActionGroups, ag)
		}
	}
	if f, ok := fs["knowledge_bases"]; ok {
		for _, p := range l.strList(f) {
			if !bedrockIDRE.MatchString(p.value) {
				l.errorAt(p.pos, CodeInvalidValue, "knowledge base id %q must be the 10-character id Bedrock assigned", p.value)
			}
			a.KnowledgeBases = append(a.KnowledgeBases, p.value)
		}
	}
	l.bedrockAgentFeatures(a, fs)
}

func (l *loader) dataGrants(a *Agent, fs map[string]field) {
	if f, ok := fs["s3"]; ok {
		for _, it := range l.list(f) {
			gfs := l.fields(it.node, "an s3 entry", "bucket", "prefix", "access")
			l.require(gfs, it.pos, "an s3 entry", "bucket", "access")
			var g S3Grant
			if b, ok := gfs["bucket"]; ok {
				g.Bucket = l.bucket(b)
			}
			if p, ok := gfs["prefix"]; ok {
				if v, ok := l.str(p); ok {
					if strings.ContainsAny(v, "*?") || strings.HasPrefix(v, "/") {
						l.errorAt(nodePos(p.value), CodeInvalidValue, "prefix %q must be a plain key prefix such as faq/ (no wildcards, no leading '/')", v)
					}
					g.Prefix = v
				}
			}
			if acc, ok := gfs["access"]; ok {
				g.Access = l.access(acc)
			}
			a.S3 = append(a.S3, g)
		}
	}
	if f, ok := fs["dynamodb"]; ok {
		for _, it := range l.list(f) {
			gfs := l.fields(it.node, "a dynamodb entry", "table", "access")
			l.require(gfs, it.pos, "a dynamodb entry", "table", "access")
			var g TableGrant
			if t, ok := gfs["table"]; ok {
				g.Table = l.matched(t, tableRE, CodeInvalidName, "table %q must be 3 to 255 letters, digits, '_', '-' or '.'")
			}
			if acc, ok := gfs["access"]; ok {
				g.Access = l.access(acc)
			}
			a.DynamoDB = append(a.DynamoDB, g)
		}
	}
	if f, ok := fs["secrets"]; ok {
		for _, p := range l.strList(f) {
			if strings.HasPrefix(p.value, "arn:") {
				if l.checkARN(p, "secrets", "secretsmanager", "Secret") {
					a.Secrets = append(a.Secrets, p.value)
				}
				continue
			}
			if !secretNameRE.MatchString(p.value) {
				l.errorAt(p.pos, CodeInvalidName, "secret %q must be a secret name or name pattern (letters, digits, /_+=.@!- and * ?) or a secret ARN", p.value)
			}
			a.Secrets = append(a.Secrets, p.value)
		}
	}
	if f, ok := fs["kms_keys"]; ok {
		a.KMSKeys = l.arnList(f, "kms", "key")
	}
	if f, ok := fs["ssm_parameters"]; ok {
		for _, p := range l.strList(f) {
			if !ssmParameterRE.MatchString(p.value) {
				l.errorAt(p.pos, CodeInvalidName, "SSM parameter %q must be a parameter name or pattern such as /support/*", p.value)
			}
			a.SSMParameters = append(a.SSMParameters, p.value)
		}
	}
}

func (l *loader) bucket(f field) string {
	v, ok := l.str(f)
	if !ok {
		return ""
	}
	if !bucketRE.MatchString(v) || strings.Contains(v, "..") {
		l.errorAt(nodePos(f.value), CodeInvalidName, "bucket %q must be an S3 bucket name: 3 to 63 lowercase letters, digits, '.' and '-'", v)
	}
	return v
}

// roleARN reads an existing role: an ARN, or a role name in the spec's
// account, as the toolkit's --execution-role accepts.
func (l *loader) roleARN(f field, partition, account string) string {
	v, ok := l.str(f)
	if !ok {
		return ""
	}
	if !strings.HasPrefix(v, "arn:") {
		if !iamNameRE.MatchString(v) {
			l.errorAt(nodePos(f.value), CodeInvalidName, "%s %q must be a role ARN or a role name", f.key, v)
			return v
		}
		return "arn:" + partition + ":iam::" + account + ":role/" + v
	}
	l.checkARN(positioned{v, nodePos(f.value)}, f.key, "iam", "role")
	return v
}

// checkARN validates an ARN and that the catalog classifies it as the
// expected resource type.
func (r *reader) checkARN(p positioned, what, service, resourceType string) bool {
	parsed, err := arn.Parse(p.value)
	if err != nil {
		r.errorAt(p.pos, CodeMalformedARN, "%s: %v", what, err)
		return false
	}
	if parsed.Service != service {
		r.errorAt(p.pos, CodeMalformedARN, "%s: %q is a %s ARN, expected %s", what, p.value, parsed.Service, service)
		return false
	}
	for _, rt := range catalog.ClassifyARN(p.value) {
		if rt.Service.Prefix == service && strings.EqualFold(rt.Name, resourceType) {
			return r.checkARNParts(p, what, parsed, rt)
		}
	}
	r.errorAt(p.pos, CodeMalformedARN, "%s: %q is not a %s %s ARN", what, p.value, service, resourceType)
	return false
}

// checkARNParts checks the partition, region and account of an ARN that
// fits a resource type's template, which accepts any text there.
func (r *reader) checkARNParts(p positioned, what string, a arn.ARN, rt *catalog.ResourceType) bool {
	vars := rt.Variables()
	switch {
	case !arn.KnownPartition(a.Partition):
		r.errorAt(p.pos, CodeMalformedARN, "%s: %q has partition %q, not an AWS partition such as aws, aws-cn or aws-us-gov", what, p.value, a.Partition)
	case slices.Contains(vars, "Region") && !regionRE.MatchString(a.Region):
		r.errorAt(p.pos, CodeMalformedARN, "%s: %q has region %q, not an AWS region such as us-west-2", what, p.value, a.Region)
	case slices.Contains(vars, "Account") && !accountRE.MatchString(a.Account):
		r.errorAt(p.pos, CodeMalformedARN, "%s: %q has account %q, not a 12-digit AWS account id", what, p.value, a.Account)
	default:
		return true
	}
	return false
}

// model validates one models entry.
func (l *loader) model(a *Agent, p positioned) (Model, bool) {
	if strings.HasPrefix(p.value, "arn:") {
		return l.modelARN(a, p)
	}
	m, suggestion, ok := classifyModelID(p.value)
	if !ok {
		if suggestion != "" {
			l.suggestAt(p.pos, CodeUnknownModel, suggestion, "unknown model id %q", p.value)
		} else {
			l.errorAt(p.pos, CodeUnknownModel, "unknown model id %q (a model newer than agentiam's table can be given as its ARN, arn:%s:bedrock:%s::foundation-model/ID)", p.value, a.Partition, a.Region)
		}
		return Model{}, false
	}
	if m.Kind == InferenceProfile && regionRE.MatchString(a.Region) && !geographyServes(m.Geography, a.Region, a.Partition) {
		l.errorAt(p.pos, CodeUnknownModel, "inference profile %q cannot be called from %s: %s profiles serve %s", p.value, a.Region, m.Geography, strings.Join(DestinationRegions(m.Geography), ", "))
		return Model{}, false
	}
	return m, true
}

// modelARN accepts any ARN of a resource bedrock:InvokeModel authorizes.
func (l *loader) modelARN(a *Agent, p positioned) (Model, bool) {
	parsed, err := arn.Parse(p.value)
	if err != nil {
		l.errorAt(p.pos, CodeMalformedARN, "models: %v", err)
		return Model{}, false
	}
	invoke, err := catalog.LookupAction("bedrock:InvokeModel")
	if err != nil {
		l.errorAt(p.pos, CodeMalformedARN, "models: %v", err)
		return Model{}, false
	}
	for _, rt := range catalog.ClassifyARN(p.value) {
		for _, r := range invoke.Resources {
			if r.Type == rt {
				if !l.checkARNParts(p, "models", parsed, rt) {
					return Model{}, false
				}
				if rt.Name == "inference-profile" || rt.Name == "application-inference-profile" {
					l.warnAt(p.pos, CodeIncompleteModels, "%s routes to foundation models that need their own grant: list them under models too", p.value)
				}
				return Model{ID: p.value, Kind: ModelARN}, true
			}
		}
	}
	l.errorAt(p.pos, CodeMalformedARN, "models: %q is not the ARN of a model bedrock:InvokeModel can call", p.value)
	return Model{}, false
}

func (l *loader) caller(p field) *Caller {
	c := &Caller{Name: p.key}
	if !callerNameRE.MatchString(p.key) {
		l.errorAt(p.keyPos, CodeInvalidName, "caller name %q must be 1 to 40 letters, digits or +=,.@_- (it becomes part of a policy name)", p.key)
	}
	fs := l.fields(p.value, "caller "+p.key, "agents", "delete", "tool")
	if f, ok := fs["tool"]; ok {
		c.Tool = l.deployTool(f)
	}
	if f, ok := fs["agents"]; ok {
		for _, a := range l.strList(f) {
			c.Agents = append(c.Agents, a.value)
			l.callers = append(l.callers, positionedRef{from: c.Name, to: a})
		}
	}
	if f, ok := fs["delete"]; ok {
		c.Delete, _ = l.boolean(f)
	}
	return c
}

// crossCheck validates references between agents and callers.
func (l *loader) crossCheck(s *Spec) {
	names := make([]string, 0, len(s.Agents))
	for _, a := range s.Agents {
		names = append(names, a.Name)
	}
	resolve := func(ref positionedRef, what string) *Agent {
		if a, ok := s.Agent(ref.to.value); ok {
			return a
		}
		if sug, ok := closest(ref.to.value, names); ok {
			l.suggestAt(ref.to.pos, CodeUnknownAgent, sug, "%s refers to unknown agent %q", what, ref.to.value)
		} else {
			l.errorAt(ref.to.pos, CodeUnknownAgent, "%s refers to unknown agent %q (agents: %s)", what, ref.to.value, orNone(strings.Join(names, ", ")))
		}
		return nil
	}
	for _, ref := range l.invokes {
		target := resolve(ref, "agent "+ref.from)
		switch {
		case target == nil:
		case target.Type != AgentCore:
			l.errorAt(ref.to.pos, CodeWrongAgentType, "agent %s can only invoke AgentCore runtimes, %s is type: %s", ref.from, target.Name, target.Type)
		case target.Name == ref.from:
			l.errorAt(ref.to.pos, CodeInvalidValue, "agent %s lists itself in invokes", ref.from)
		}
	}
	for _, ref := range l.callers {
		resolve(ref, "caller "+ref.from)
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
