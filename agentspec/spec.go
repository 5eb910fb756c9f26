// Package agentspec reads agentiam.yaml, the small spec that says which
// agents exist and what each one uses, and the Bedrock AgentCore starter
// toolkit's .bedrock_agentcore.yaml. Both are validated with positioned
// diagnostics; the result is a Spec that rolegen turns into IAM roles.
package agentspec

import (
	"errors"
	"slices"

	"github.com/agentiam/agentiam/diag"
)

// Sentinel errors; errors returned by Parse and ParseToolkit wrap one of them.
var (
	// ErrSyntax: the file is not valid YAML.
	ErrSyntax = errors.New("invalid YAML")
	// ErrInvalid: valid YAML that is not a valid spec.
	ErrInvalid = errors.New("invalid spec")
)

// Error lists every positioned diagnostic of a file that failed to load.
type Error struct {
	Diagnostics diag.List
	kind        error // ErrSyntax or ErrInvalid
}

func (e *Error) Error() string { return e.Diagnostics.Error() }
func (e *Error) Unwrap() error { return e.kind }

// SpecVersion is the only spec version this release understands.
const SpecVersion = 1

// AgentType says which AWS service runs the agent.
type AgentType string

const (
	AgentCore    AgentType = "agentcore"     // Amazon Bedrock AgentCore Runtime
	BedrockAgent AgentType = "bedrock-agent" // Amazon Bedrock Agents
)

// Deployment is how an AgentCore runtime receives its code.
type Deployment string

const (
	Container        Deployment = "container"          // an image in ECR
	DirectCodeDeploy Deployment = "direct_code_deploy" // a zip the service stores itself
)

// Access levels of data grants.
type Access string

const (
	Read      Access = "read"
	ReadWrite Access = "read-write"
)

// Spec is a validated agentiam.yaml.
type Spec struct {
	Version   int
	Account   string // 12 digits
	Region    string // default region of agents
	Partition string // derived from Region: aws, aws-cn, aws-us-gov ...
	Agents    []*Agent
	Callers   []*Caller
	Invokers  []*Invoker // callers: invokers:
	// Source is the file name the spec was read from.
	Source string
	// Warnings are diagnostics that did not stop loading.
	Warnings diag.List
}

// Agent is one agent. Fields after the first block apply to one agent
// type only; validation rejects them on the other.
type Agent struct {
	Name      string
	Type      AgentType
	Region    string // effective region (the agent's own or the spec's)
	Partition string
	Pos       diag.Pos // position of the agent's name in the source
	Models    []Model

	// AgentCore runtime.

	// ExecutionRole is the ARN of an existing role to keep: no runtime
	// role is generated, the role is listed for verification instead.
	ExecutionRole string
	// RoleName overrides the toolkit-compatible runtime role name.
	RoleName        string
	Deployment      Deployment
	ECRRepository   string // repository name (not URI)
	CodeBuild       *CodeBuild
	Code            *CodeLocation // set for deployment: direct_code_deploy
	Memory          []MemoryGrant
	Identity        Identity
	Gateway         *Gateway
	CodeInterpreter *Tool
	Browser         *Tool
	VPC             bool
	Observability   bool
	// MarketplaceOff (marketplace: false) leaves out the AWS Marketplace
	// subscription a model sold through AWS Marketplace needs on its
	// first call in an account (the subscription exists already).
	MarketplaceOff bool
	// UserIDTokens (user_id_tokens: true) lets the runtime mint workload
	// access tokens for any user id it names
	// (GetWorkloadAccessTokenForUserId), which AWS advises denying in
	// production where the user's JWT can be exchanged instead.
	UserIDTokens bool
	// RuntimeID (agent_arn: the runtime's ARN, once it exists) pins the
	// runtime's id: the trust's aws:SourceArn, its log groups and every
	// grant on the runtime name exactly that runtime instead of any id
	// {name}-{ten characters}, which a runtime recreated under the same
	// name would also have.
	RuntimeID string
	// Invokes names other AgentCore agents of the spec this agent calls.
	Invokes []string
	// InvokesForUser holds the agents of Invokes it calls on behalf of its
	// user ({agent: NAME, for_user: true}: InvokeAgentRuntimeForUser).
	InvokesForUser map[string]bool

	// Bedrock Agents.

	// AgentID narrows the service role trust and the Lambda permissions
	// to one agent once it exists; empty means every agent of the account.
	AgentID        string
	ActionGroups   []ActionGroup
	KnowledgeBases []string
	// Collaborators are the agent alias ARNs a supervisor agent calls
	// (multi-agent collaboration).
	Collaborators []string
	// Streaming (streaming: true) lets the agent stream its final
	// response: its models are invoked with InvokeModelWithResponseStream.
	Streaming bool
	// KMSKey is the customer managed key that encrypts the agent's
	// resources (kms_key); its use is bound to the agent's encryption
	// context.
	KMSKey string

	// Both types.

	S3            []S3Grant
	DynamoDB      []TableGrant
	Secrets       []string // secret names or name patterns, or secret ARNs
	KMSKeys       []string // key ARNs
	SSMParameters []string // parameter names or patterns ("/support/*")
	// Guardrails are the guardrails the agent applies: ids, ARNs, and the
	// guardrail profiles (us.guardrail.v1:0, or their ARNs) of
	// cross-region guardrails; ParseGuardrail tells them apart.
	Guardrails []string
}

// ModelKind says what a model entry refers to.
type ModelKind int

const (
	// FoundationModel is a base model id such as anthropic.claude-3-haiku-20240307-v1:0.
	FoundationModel ModelKind = iota
	// InferenceProfile is a system-defined cross-region inference profile
	// id such as us.anthropic.claude-sonnet-4-20250514-v1:0.
	InferenceProfile
	// ModelARN is any other model resource given by its ARN (application
	// inference profile, provisioned or imported model, ...).
	ModelARN
)

// Model is one entry of an agent's models list.
type Model struct {
	ID   string // as written
	Kind ModelKind
	// BaseID is the foundation model behind an inference profile.
	BaseID string
	// Geography is the profile's prefix (us, eu, apac, global, ...).
	Geography string
}

// CodeBuild is present when the agent's image is built by CodeBuild
// (build: codebuild), as the starter toolkit does.
type CodeBuild struct {
	Project      string // default bedrock-agentcore-{name}-builder
	SourceBucket string // default bedrock-agentcore-codebuild-sources-{account}-{region}
	// ExecutionRole is an existing CodeBuild role to keep instead of generating one.
	ExecutionRole string
}

// MemoryGrant gives the agent data-plane access to one AgentCore memory.
type MemoryGrant struct {
	ID     string
	Access Access
	// StrategyModels are the models the memory's custom or override
	// strategies invoke, with a memory execution role agentiam generates.
	StrategyModels []Model
}

// Identity lists AgentCore Identity credential providers by name.
type Identity struct {
	OAuth2Providers []string
	APIKeyProviders []string
	// OAuth2Secrets and APIKeySecrets map a provider name to the
	// customer-owned Secrets Manager secret (its ARN) the provider
	// references instead of the secret Identity keeps in its token vault.
	OAuth2Secrets map[string]string
	APIKeySecrets map[string]string
}

// merge adds o's providers and secrets that i does not hold yet.
func (i *Identity) merge(o Identity) {
	i.OAuth2Providers = appendNew(i.OAuth2Providers, o.OAuth2Providers...)
	i.APIKeyProviders = appendNew(i.APIKeyProviders, o.APIKeyProviders...)
	i.OAuth2Secrets = mergeSecrets(i.OAuth2Secrets, o.OAuth2Secrets)
	i.APIKeySecrets = mergeSecrets(i.APIKeySecrets, o.APIKeySecrets)
}

func mergeSecrets(into, from map[string]string) map[string]string {
	for name, secret := range from {
		if _, ok := into[name]; ok {
			continue
		}
		if into == nil {
			into = map[string]string{}
		}
		into[name] = secret
	}
	return into
}

// Empty reports whether no provider is listed.
func (i Identity) Empty() bool { return len(i.OAuth2Providers) == 0 && len(i.APIKeyProviders) == 0 }

// Gateway is an AgentCore gateway the agent calls, and the targets the
// gateway itself reaches with its own role.
type Gateway struct {
	Name          string
	LambdaTargets []string // function ARNs
	Outbound      Identity // credential providers for outbound auth
	GatewayTargets
}

// GatewayUse is one gateway with what every agent of the spec says about
// it: agents may share a gateway, each listing some of its targets and
// outbound credential providers.
type GatewayUse struct {
	Name string
	// Region and Partition are the gateway's: Parse rejects a gateway
	// named from two regions.
	Region, Partition string
	Agents            []string
	LambdaTargets     []string
	Outbound          Identity
	GatewayTargets
}

// NeedsRole reports whether the gateway reaches anything with its own
// role; a gateway the spec only calls needs none.
func (u *GatewayUse) NeedsRole() bool {
	return len(u.LambdaTargets) > 0 || !u.Outbound.Empty() || u.GatewayTargets.needsRole()
}

// SignsWithRole reports whether the gateway has targets it calls with
// IAM-based outbound authorization (GATEWAY_IAM_ROLE: its service role's
// credentials, SigV4): Lambda functions, Smithy models, API Gateway
// stages and MCP servers on AgentCore Runtime.
func (u *GatewayUse) SignsWithRole() bool {
	return len(u.LambdaTargets)+len(u.SmithyTargets)+len(u.APIGatewayTargets)+len(u.MCPAgents) > 0
}

// Gateways merges the gateways of the spec's agents, in spec order.
func (s *Spec) Gateways() []*GatewayUse {
	var out []*GatewayUse
	byName := map[string]*GatewayUse{}
	for _, a := range s.Agents {
		gw := a.Gateway
		if gw == nil {
			continue
		}
		u, ok := byName[gw.Name]
		if !ok {
			u = &GatewayUse{Name: gw.Name, Region: a.Region, Partition: a.Partition}
			byName[gw.Name] = u
			out = append(out, u)
		}
		u.Agents = append(u.Agents, a.Name)
		u.LambdaTargets = appendNew(u.LambdaTargets, gw.LambdaTargets...)
		u.Outbound.merge(gw.Outbound)
		u.GatewayTargets.merge(gw.GatewayTargets)
	}
	return out
}

// GatewayID is the id of the gateway called name where its
// policy_engine's gateway_id pins it, empty before: then grants on the
// gateway match every id its name can have. Parse rejects two agents
// giving one gateway different gateway_ids.
func (s *Spec) GatewayID(name string) string {
	for _, a := range s.Agents {
		if g := a.Gateway; g != nil && g.Name == name && g.EnginePolicies != nil && g.EnginePolicies.GatewayID != "" {
			return g.EnginePolicies.GatewayID
		}
	}
	return ""
}

// appendNew appends the values that list does not hold yet.
func appendNew(list []string, values ...string) []string {
	for _, v := range values {
		if !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

// Tool is the AWS-owned built-in tool (ID and Name empty) or a custom
// one, named by the id AgentCore returned (ID) or, before it is created,
// by its name (Name): exactly one of the two.
type Tool struct {
	ID string
	// Name is the name of a custom tool not yet created: grants and
	// trust name every id AgentCore can give it ({name}-??????????),
	// since CreateCodeInterpreter/CreateBrowser take the execution role
	// before the id exists.
	Name string
	// ExecutionRole (code interpreter) asks for the custom tool's
	// execution role; a browser has one when it records sessions.
	ExecutionRole bool
	// Recording is where a custom browser stores session recordings.
	Recording *Recording
}

// Custom reports whether t is a custom tool, named by id or by name.
func (t *Tool) Custom() bool { return t.ID != "" || t.Name != "" }

// ActionGroup is a Bedrock Agents action group backed by Lambda.
type ActionGroup struct {
	Lambda string // function ARN
	Schema string // s3://bucket/key of the OpenAPI schema, optional
}

// S3Grant gives access to a bucket, optionally under one prefix.
type S3Grant struct {
	Bucket string
	Prefix string
	Access Access
}

// TableGrant gives access to one DynamoDB table.
type TableGrant struct {
	Table  string
	Access Access
}

// Caller is a person or CI pipeline that deploys the agents.
type Caller struct {
	Name string
	// Agents restricts the caller to some agents; empty means all.
	Agents []string
	// Delete also allows deleting the agents' resources.
	Delete bool
	// Tool is the deployment tool whose calls the policy also allows:
	// ToolAgentCoreCLI or empty (the AgentCore APIs only).
	Tool string
}

// Agent returns the agent with the given name.
func (s *Spec) Agent(name string) (*Agent, bool) {
	for _, a := range s.Agents {
		if a.Name == name {
			return a, true
		}
	}
	return nil, false
}
