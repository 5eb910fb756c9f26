// Package rolegen turns an agentspec.Spec into a Plan: least-privilege
// IAM roles for each agent, the Lambda resource policies Bedrock Agents
// need, and managed policies for the identities that deploy the agents.
//
// Every action is resolved through the catalog, every ARN is formatted
// from the catalog's ARN templates and every condition key is checked
// against the catalog at generation time; the action sets per feature
// are in actions.go. The plan respects IAM's name and size quotas.
package rolegen

import (
	"errors"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/policy"
)

// PlanVersion is the version of the plan format.
const PlanVersion = 1

// Sentinel errors; Generate's errors wrap one of them.
var (
	// ErrCatalog: an action, resource type or condition key the generator
	// uses is missing from the catalog. It is a bug in agentiam.
	ErrCatalog = errors.New("generator and catalog disagree")
	// ErrQuota: a role or policy cannot fit IAM's quotas.
	ErrQuota = errors.New("IAM quota exceeded")
	// ErrConflict: two generated roles or policies would get one name.
	ErrConflict = errors.New("name conflict")
)

// Role purposes (see agentspec, which holds the vocabulary).
const (
	PurposeRuntime      = agentspec.PurposeRuntime
	PurposeImageBuild   = agentspec.PurposeImageBuild
	PurposeGateway      = agentspec.PurposeGateway
	PurposeBedrockAgent = agentspec.PurposeBedrockAgent
	PurposeMemory       = agentspec.PurposeMemory
	// Custom tools' execution roles.
	PurposeCodeInterpreter = agentspec.PurposeCodeInterpreter
	PurposeBrowser         = agentspec.PurposeBrowser
)

// Plan is everything generated for one spec, in a deterministic order.
type Plan struct {
	Roles            []*Role
	ResourcePolicies []*ResourcePolicy
	CallerPolicies   []*CallerPolicy
	// ExistingRoles are roles the spec keeps instead of generating; they
	// are listed so that they can be verified against what the agent needs.
	ExistingRoles []*ExistingRole
	// PolicyEngines are the Cedar policies of the gateways whose spec
	// gives policy_engine rules.
	PolicyEngines []*PolicyEngine
	Warnings      []string
	// Spec is the spec the plan was generated from.
	Spec *agentspec.Spec
}

// Role is an IAM role to create.
type Role struct {
	Name    string
	ARN     string
	Purpose string
	// Agent is the agent the role serves; empty for a gateway role, which
	// may serve several agents.
	Agent string
	// Gateway is the gateway a gateway-execution role serves.
	Gateway string
	// Resource is the id of the resource a role of a resource serves: the
	// memory of a memory-execution role, the tool of a tool's role.
	Resource    string
	Region      string
	Description string
	// Key identifies the role in Terraform and CloudFormation output,
	// e.g. "support_bot_runtime".
	Key            string
	TrustPolicy    *policy.Document
	InlinePolicies []*NamedPolicy
	// ManagedPolicies are customer managed policies created for the role
	// when its permissions exceed the inline policy quota; their ARNs are
	// in ManagedPolicyARNs.
	ManagedPolicies   []*NamedPolicy
	ManagedPolicyARNs []string
	Tags              []Tag
}

// NamedPolicy is a policy document with its IAM name.
type NamedPolicy struct {
	Name     string
	Document *policy.Document
}

// Tag is an IAM tag.
type Tag struct{ Key, Value string }

// Resource policy kinds.
const (
	// KindLambdaPermission: one statement of a Lambda function's policy
	// (lambda add-permission).
	KindLambdaPermission = agentspec.PurposeLambdaPermission
	// KindAgentCoreResourcePolicy: the whole resource-based policy of an
	// AgentCore runtime, runtime endpoint or gateway, as PutResourcePolicy
	// takes it: the principals of other accounts that invoke it.
	KindAgentCoreResourcePolicy = agentspec.PurposeAgentCoreResourcePolicy
)

// ResourcePolicy is a statement to add to a resource's own policy, such
// as the permission that lets Bedrock invoke an action group's Lambda,
// or the whole policy of an AgentCore resource.
type ResourcePolicy struct {
	// ResourceARN is the resource the policy is attached to. For an
	// AgentCore resource, whose id AWS generates at creation, it is the
	// id pattern ({name}-??????????) until the spec knows the id:
	// PutResourcePolicy takes the ARN of the created resource.
	ResourceARN string
	Kind        string
	StatementID string
	// Principal is the service principal granted access (Lambda).
	Principal string
	Document  *policy.Document
	// ResourceType is the AgentCore resource type of an AgentCore
	// resource policy: runtime, runtime-endpoint or gateway.
	ResourceType string
	// Gateway names the gateway of a gateway's resource policy.
	Gateway string
	// The statement's parts, for renderers that model them directly
	// (aws_lambda_permission, AWS::Lambda::Permission).
	Action        string
	SourceAccount string
	SourceARN     string
	Agent         string
	Key           string
}

// CallerPolicy is a customer managed policy for a deploying identity.
type CallerPolicy struct {
	Name        string
	Caller      string
	Description string
	Key         string
	Document    *policy.Document
}

// ExistingRole is a role the spec keeps.
type ExistingRole struct {
	Agent   string
	ARN     string
	Purpose string
}
