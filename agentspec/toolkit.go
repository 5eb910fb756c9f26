package agentspec

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/agentiam/agentiam/diag"
	"github.com/goccy/go-yaml/ast"
)

// ToolkitFile is the starter toolkit's per-project configuration file.
const ToolkitFile = ".bedrock_agentcore.yaml"

// Diagnostic codes of the toolkit import.
const (
	CodeToolkitRoleReplaced = "toolkit-role-replaced"
	CodeExistingRole        = "existing-role"
	CodeNotSupported        = "not-supported"
)

// ImportToolkit turns the starter toolkit's .bedrock_agentcore.yaml into
// agentiam.yaml text and the spec it describes. The toolkit file is read
// leniently (keys agentiam does not use are ignored, as the toolkit adds
// them often); the values agentiam uses are validated with positions in
// that file. The returned spec is the one Parse reads from the text, so
// `agentiam import` followed by `agentiam generate` and `agentiam generate
// --from-toolkit` give the same roles.
//
// A role the toolkit created (its deterministic name for the agent) is
// regenerated under the same name, so the generated role replaces it; any
// other execution role is kept and listed for verification.
func ImportToolkit(filename string, src []byte) ([]byte, *Spec, error) {
	t := &toolkitReader{reader: reader{file: filename}}
	body, err := t.parseYAML(src)
	if err != nil {
		return nil, nil, err
	}
	if body == nil {
		t.errorAt(diag.Pos{Line: 1, Column: 1}, CodeEmpty, "%s is empty", filename)
		return nil, nil, t.result(ErrInvalid)
	}
	if isAgentiamSpec(filename, t.resolve(body)) {
		return nil, nil, fmt.Errorf("%s: %w: use agentiam generate -f %s", filename, ErrAlreadySpec, filename)
	}
	spec := t.spec(body)
	if err := t.result(ErrInvalid); err != nil {
		return nil, nil, err
	}
	header := fmt.Sprintf("agentiam.yaml imported from %s by `agentiam import`.\n`agentiam init` writes a starter spec that explains every key.", filename)
	text := Marshal(spec, header)
	parsed, err := Parse(DefaultFile, text)
	if err != nil {
		return nil, nil, fmt.Errorf("the spec imported from %s does not validate: %w", filename, err)
	}
	parsed.Source = filename
	parsed.Warnings = t.warnings()
	return text, parsed, nil
}

// ErrAlreadySpec is the error of importing a file that is an agentiam
// spec already, not the toolkit's configuration.
var ErrAlreadySpec = errors.New("this is already an agentiam spec")

// isAgentiamSpec reports whether a file given as the toolkit's
// configuration is an agentiam spec: named agentiam.yaml, or with
// version: and agents: and keys only a spec has (account, region or
// callers at the top, models or type in an agent). The toolkit's file has
// no version.
func isAgentiamSpec(filename string, body ast.Node) bool {
	if filepath.Base(filename) == DefaultFile {
		return true
	}
	top := plainMapping(body)
	agents, ok := top["agents"]
	if _, versioned := top["version"]; !versioned || !ok {
		return false
	}
	for _, k := range []string{"account", "region", "callers"} {
		if _, ok := top[k]; ok {
			return true
		}
	}
	for _, agent := range plainMapping(agents) {
		fs := plainMapping(agent)
		if _, ok := fs["models"]; ok {
			return true
		}
		if _, ok := fs["type"]; ok {
			return true
		}
	}
	return false
}

// plainMapping returns the string keys of a mapping node and their
// values, reporting nothing (the toolkit reader reports the problems).
func plainMapping(n ast.Node) map[string]ast.Node {
	var pairs []*ast.MappingValueNode
	switch v := n.(type) {
	case *ast.MappingNode:
		pairs = v.Values
	case *ast.MappingValueNode:
		pairs = []*ast.MappingValueNode{v}
	}
	out := make(map[string]ast.Node, len(pairs))
	for _, p := range pairs {
		if k, ok := scalarText(p.Key); ok {
			out[k] = p.Value
		}
	}
	return out
}

// toolkitKeys are the keys of each mapping of the toolkit's schema
// (bedrock_agentcore_starter_toolkit's schema.py); any other key is
// reported as a warning, with the known key it most likely means.
var toolkitKeys = map[string][]string{
	"top": {"default_agent", "agents"},
	"agent": {"name", "entrypoint", "language", "platform", "container_runtime", "source_path", "runtime_type",
		"deployment_type", "aws", "codebuild", "memory", "identity", "aws_jwt", "authorizer_configuration",
		"oauth_configuration", "request_header_configuration", "api_key_credential_provider_name",
		"api_key_env_var_name", "bedrock_agentcore", "is_generated_by_agentcore_create"},
	"aws": {"execution_role", "execution_role_auto_create", "account", "region", "ecr_repository", "ecr_auto_create",
		"s3_path", "s3_auto_create", "network_configuration", "protocol_configuration", "observability",
		"lifecycle_configuration"},
	"codebuild": {"project_name", "execution_role", "source_bucket"},
	"memory": {"mode", "memory_id", "memory_arn", "memory_name", "event_expiry_days", "was_created_by_toolkit",
		"first_invoke_memory_check_done"},
	"identity":               {"credential_providers", "workload"},
	"credential_provider":    {"name", "arn", "type", "callback_url"},
	"aws_jwt":                {"enabled", "audiences", "signing_algorithm", "issuer_url", "duration_seconds"},
	"network_configuration":  {"network_mode", "network_mode_config"},
	"protocol_configuration": {"server_protocol"},
	"observability":          {"enabled"},
	"bedrock_agentcore":      {"agent_id", "agent_arn", "agent_session_id"},
}

type toolkitReader struct {
	reader
}

func (t *toolkitReader) infoAt(pos diag.Pos, code, format string, args ...any) {
	t.add(diag.Diagnostic{Pos: pos, Severity: diag.Info, Code: code, Message: fmt.Sprintf(format, args...)})
}

// lenient reads a mapping of the toolkit's schema section, keeping every
// key and treating null as absent. A key the section does not have is a
// warning, with did-you-mean; it is ignored.
func (t *toolkitReader) lenient(n ast.Node, section, what string) map[string]field {
	pairs, _ := t.mapping(n, what)
	known := toolkitKeys[section]
	out := make(map[string]field, len(pairs))
	for _, p := range pairs {
		if known != nil && !contains(known, p.key) {
			d := diag.Diagnostic{Pos: p.keyPos, Severity: diag.Warning, Code: CodeUnknownKey,
				Message: fmt.Sprintf("unknown key %q in %s: the starter toolkit has no such key; agentiam ignores it", p.key, what)}
			d.Suggestion, _ = closest(p.key, known)
			t.add(d)
		}
		if !isNull(t.resolve(p.value)) {
			out[p.key] = p
		}
	}
	return out
}

// optStr returns a string value that may be absent or null.
func (t *toolkitReader) optStr(fs map[string]field, key string) (string, diag.Pos, bool) {
	f, ok := fs[key]
	if !ok {
		return "", diag.Pos{}, false
	}
	v, ok := t.str(f)
	return v, nodePos(f.value), ok && v != ""
}

func (t *toolkitReader) spec(body ast.Node) *Spec {
	s := &Spec{Version: SpecVersion}
	top := t.lenient(body, "top", ToolkitFile)
	agentsField, ok := top["agents"]
	if !ok {
		t.errorAt(nodePos(body), CodeMissingKey, "%s has no agents: run `agentcore configure` first", ToolkitFile)
		return s
	}
	agents, _ := t.mapping(agentsField.value, "agents")
	for _, p := range agents {
		s.Agents = append(s.Agents, t.agent(s, p))
	}
	if len(s.Agents) == 0 {
		t.errorAt(nodePos(agentsField.value), CodeMissingKey, "%s has no agents: run `agentcore configure` first", ToolkitFile)
		return s
	}
	// The spec's region is the default agent's (else the first agent's);
	// agents elsewhere keep their own region.
	s.Region = s.Agents[0].Region
	if name, _, ok := t.optStr(top, "default_agent"); ok {
		if a, found := s.Agent(name); found {
			s.Region = a.Region
		}
	}
	s.Partition = PartitionOf(s.Region)
	s.Callers = []*Caller{{Name: "deployer"}}
	return s
}

func (t *toolkitReader) agent(s *Spec, p field) *Agent {
	a := &Agent{Name: p.key, Pos: p.keyPos, Type: AgentCore, Observability: true, Deployment: Container}
	if !runtimeNameRE.MatchString(a.Name) {
		t.errorAt(a.Pos, CodeInvalidName, "agent name %q must match [a-zA-Z][a-zA-Z0-9_]{0,47}", a.Name)
	}
	fs := t.lenient(p.value, "agent", "agent "+p.key)
	aws := t.lenient(fieldValue(fs, "aws"), "aws", "aws of agent "+p.key)

	account, accountPos, ok := t.optStr(aws, "account")
	switch {
	case !ok:
		t.errorAt(a.Pos, CodeMissingKey, "agent %s has no aws.account: run `agentcore configure` for it, or write agentiam.yaml by hand", a.Name)
	case !accountRE.MatchString(account):
		t.errorAt(accountPos, CodeInvalidValue, "aws.account must be a 12-digit account id, found %q", account)
	case s.Account == "":
		s.Account = account
	case account != s.Account:
		t.errorAt(accountPos, CodeInvalidValue, "agent %s is in account %s, other agents in %s: agentiam.yaml describes one account", a.Name, account, s.Account)
	}
	region, regionPos, ok := t.optStr(aws, "region")
	switch {
	case !ok:
		t.errorAt(a.Pos, CodeMissingKey, "agent %s has no aws.region", a.Name)
	case !regionRE.MatchString(region):
		t.errorAt(regionPos, CodeInvalidValue, "aws.region must be an AWS region such as us-west-2, found %q", region)
	}
	a.Region, a.Partition = region, PartitionOf(region)

	if v, pos, ok := t.optStr(fs, "deployment_type"); ok {
		switch Deployment(v) {
		case Container, DirectCodeDeploy:
			a.Deployment = Deployment(v)
		default:
			t.errorAt(pos, CodeInvalidValue, "deployment_type must be container or direct_code_deploy, found %q", v)
		}
	}
	if a.Deployment == Container {
		t.container(a, fs, aws, account, region)
	}
	if v, pos, ok := t.optStr(aws, "execution_role"); ok {
		a.ExecutionRole = t.existingRole(a, v, pos, RuntimeRoleName(region, a.Name), "execution")
	}

	mem := t.lenient(fieldValue(fs, "memory"), "memory", "memory of agent "+p.key)
	if mode, _, _ := t.optStr(mem, "mode"); mode != "" && mode != "NO_MEMORY" {
		if id, pos, ok := t.optStr(mem, "memory_id"); ok {
			if !agentCoreIDRE.MatchString(id) {
				t.errorAt(pos, CodeInvalidValue, "memory.memory_id %q is not an AgentCore memory id", id)
			}
			// The toolkit grants the full data-plane set; so does read-write.
			a.Memory = []MemoryGrant{{ID: id, Access: ReadWrite}}
		} else {
			t.warnAt(fieldPos(fs, "memory", a.Pos), CodeNotImported, "agent %s has memory mode %s but no memory_id yet: after `agentcore launch` creates it, import again or add it under memory", a.Name, mode)
		}
	}

	t.identity(a, fs)
	jwt := t.lenient(fieldValue(fs, "aws_jwt"), "aws_jwt", "aws_jwt of agent "+p.key)
	if f, ok := jwt["enabled"]; ok {
		if on, _ := t.boolean(f); on {
			t.warnAt(f.keyPos, CodeNotSupported, "aws_jwt (sts:GetWebIdentityToken for AWS IAM JWT federation) is not generated by agentiam; grant it separately")
		}
	}

	network := t.lenient(fieldValue(aws, "network_configuration"), "network_configuration", "aws.network_configuration of agent "+p.key)
	if mode, _, _ := t.optStr(network, "network_mode"); mode == "VPC" {
		a.VPC = true
	}
	protocol := t.lenient(fieldValue(aws, "protocol_configuration"), "protocol_configuration", "aws.protocol_configuration of agent "+p.key)
	if v, pos, _ := t.optStr(protocol, "server_protocol"); v == "A2A" {
		// The toolkit lets an A2A agent invoke every runtime of the account.
		t.warnAt(pos, CodeNotImported, "agent %s serves A2A: list the agents it calls under invokes in agentiam.yaml, or its role may invoke none", a.Name)
	}
	obs := t.lenient(fieldValue(aws, "observability"), "observability", "aws.observability of agent "+p.key)
	if f, ok := obs["enabled"]; ok {
		a.Observability, _ = t.boolean(f)
	}
	t.deployed(a, fs, aws, account)
	t.warnAt(a.Pos, CodeNoModels, "%s does not record which models agent %s calls: list them under models in agentiam.yaml, or the role grants no model access", ToolkitFile, a.Name)
	return a
}

// container reads the image repository and the CodeBuild project of a
// container-deployed agent.
func (t *toolkitReader) container(a *Agent, fs, aws map[string]field, account, region string) {
	a.ECRRepository = DefaultECRRepository(a.Name)
	if v, pos, ok := t.optStr(aws, "ecr_repository"); ok {
		a.ECRRepository = v
		if m := ecrRepositoryURI.FindStringSubmatch(v); m != nil {
			a.ECRRepository = m[3]
			if m[1] != account || m[2] != region {
				t.errorAt(pos, CodeInvalidValue, "ecr_repository %q is in account %s, region %s; the agent runs in account %s, region %s", v, m[1], m[2], account, region)
			}
		}
		if !ecrRepositoryRE.MatchString(a.ECRRepository) {
			t.errorAt(pos, CodeInvalidName, "ecr_repository %q is not a repository URI or name", v)
		}
	}
	// The toolkit builds container images with CodeBuild unless told
	// --local-build at launch, which its config does not record.
	cb := t.lenient(fieldValue(fs, "codebuild"), "codebuild", "codebuild of agent "+a.Name)
	a.CodeBuild = &CodeBuild{Project: DefaultCodeBuildProject(a.Name), SourceBucket: DefaultSourceBucket(account, region)}
	if v, pos, ok := t.optStr(cb, "project_name"); ok {
		if !codeBuildNameRE.MatchString(v) {
			t.errorAt(pos, CodeInvalidName, "codebuild.project_name %q is not a CodeBuild project name", v)
		}
		a.CodeBuild.Project = v
	}
	if v, pos, ok := t.optStr(cb, "source_bucket"); ok {
		if !bucketRE.MatchString(v) {
			t.errorAt(pos, CodeInvalidName, "codebuild.source_bucket %q is not a bucket name", v)
		}
		a.CodeBuild.SourceBucket = v
	}
	if v, pos, ok := t.optStr(cb, "execution_role"); ok {
		a.CodeBuild.ExecutionRole = t.existingRole(a, v, pos, CodeBuildRoleName(region, a.Name), "CodeBuild")
	}
}

// identity reads the agent's credential providers.
func (t *toolkitReader) identity(a *Agent, fs map[string]field) {
	ident := t.lenient(fieldValue(fs, "identity"), "identity", "identity of agent "+a.Name)
	if f, ok := ident["credential_providers"]; ok {
		for _, it := range t.list(f) {
			cp := t.lenient(it.node, "credential_provider", "a credential provider")
			if name, pos, ok := t.optStr(cp, "name"); ok {
				if !providerNameRE.MatchString(name) {
					t.errorAt(pos, CodeInvalidName, "credential provider name %q is not valid", name)
				}
				// Every provider type the toolkit configures is OAuth2.
				a.Identity.OAuth2Providers = append(a.Identity.OAuth2Providers, name)
			}
		}
	}
	if name, pos, ok := t.optStr(fs, "api_key_credential_provider_name"); ok {
		if !providerNameRE.MatchString(name) {
			t.errorAt(pos, CodeInvalidName, "api_key_credential_provider_name %q is not valid", name)
		}
		a.Identity.APIKeyProviders = []string{name}
	}
}

// deployed reads where direct code deployment uploads the agent's code
// (aws.s3_path) and, once `agentcore launch` has created the runtime, its
// ARN (bedrock_agentcore.agent_arn), which pins the role's trust and
// grants to exactly that runtime.
func (t *toolkitReader) deployed(a *Agent, fs, aws map[string]field, account string) {
	if v, pos, ok := t.optStr(aws, "s3_path"); ok && a.Deployment == DirectCodeDeploy {
		a.Code = &CodeLocation{}
		a.Code.Bucket, a.Code.Prefix = t.codeBucket(positioned{v, pos}, "aws.s3_path")
	}
	launched := t.lenient(fieldValue(fs, "bedrock_agentcore"), "bedrock_agentcore", "bedrock_agentcore of agent "+a.Name)
	if v, pos, ok := t.optStr(launched, "agent_arn"); ok && accountRE.MatchString(account) && regionRE.MatchString(a.Region) {
		a.RuntimeID = t.runtimeID(positioned{v, pos}, a, account)
	}
}

// existingRole decides whether a role from the toolkit config is kept.
// The toolkit's own deterministic role is regenerated (same name); any
// other role is kept and returned.
func (t *toolkitReader) existingRole(a *Agent, roleARN string, pos diag.Pos, toolkitName, kind string) string {
	name := roleARN
	if i := strings.LastIndexByte(roleARN, '/'); i >= 0 {
		name = roleARN[i+1:]
	}
	if name == toolkitName {
		t.infoAt(pos, CodeToolkitRoleReplaced, "the toolkit created %s role %s; agentiam generates a least-privilege role with the same name to replace it", kind, name)
		return ""
	}
	if !t.checkARN(positioned{roleARN, pos}, kind+" role", "iam", "role") {
		return ""
	}
	t.infoAt(pos, CodeExistingRole, "agent %s keeps its existing %s role %s; it is not regenerated and is listed for verification", a.Name, kind, roleARN)
	return roleARN
}

func fieldValue(fs map[string]field, key string) ast.Node {
	if f, ok := fs[key]; ok {
		return f.value
	}
	return nil
}

func fieldPos(fs map[string]field, key string, fallback diag.Pos) diag.Pos {
	if f, ok := fs[key]; ok {
		return f.keyPos
	}
	return fallback
}
