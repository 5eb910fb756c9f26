// Package planjson is the JSON schema of the plan agentiam generate
// writes (agentiam-plan.json): the structs render/json writes and
// package inputs reads, so that writer and reader cannot drift apart.
// They are generic in the type of the embedded policy documents: the
// writer has *policy.Document (printed canonically), a reader may take
// Raw, which accepts any JSON value so that a document that is no policy
// is the policy parser's to report with its position.
package planjson

// Plan is the whole file.
type Plan[D any] struct {
	Version          int                 `json:"version"`
	Roles            []Role[D]           `json:"roles"`
	ResourcePolicies []ResourcePolicy[D] `json:"resourcePolicies"`
	CallerPolicies   []NamedPolicy[D]    `json:"callerPolicies"`
	Warnings         []string            `json:"warnings"`
	ExistingRoles    []ExistingRole      `json:"existingRoles"`
	PolicyEngines    []PolicyEngine      `json:"policyEngines,omitempty"`
}

// PolicyEngine is the Cedar policies of a gateway's policy engine, each
// statement as Cedar text.
type PolicyEngine struct {
	Gateway    string        `json:"gateway"`
	ID         string        `json:"id"`
	Mode       string        `json:"mode"`
	GatewayARN string        `json:"gatewayArn"`
	Auth       string        `json:"auth"`
	Policies   []CedarPolicy `json:"policies"`
}

// CedarPolicy is one policy of a policy engine.
type CedarPolicy struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Statement   string `json:"statement"`
}

// Role is one role with its trust policy and permission policies.
type Role[D any] struct {
	Name              string            `json:"name"`
	Purpose           string            `json:"purpose"`
	Agent             string            `json:"agent"`
	TrustPolicy       D                 `json:"trustPolicy"`
	InlinePolicies    []NamedPolicy[D]  `json:"inlinePolicies"`
	ManagedPolicyARNs []string          `json:"managedPolicyArns"`
	Tags              map[string]string `json:"tags"`
	ARN               string            `json:"arn"`
	Description       string            `json:"description"`
	Region            string            `json:"region"`
	Gateway           string            `json:"gateway,omitempty"`
	ManagedPolicies   []NamedPolicy[D]  `json:"managedPolicies,omitempty"`
}

// NamedPolicy is an inline, managed or caller policy.
type NamedPolicy[D any] struct {
	Name        string `json:"name"`
	Document    D      `json:"document"`
	Caller      string `json:"caller,omitempty"`
	Description string `json:"description,omitempty"`
}

// ResourcePolicy is a statement of a resource's policy (a Lambda
// permission, an AgentCore resource policy).
type ResourcePolicy[D any] struct {
	ResourceARN  string `json:"resourceArn"`
	Kind         string `json:"kind"`
	ResourceType string `json:"resourceType,omitempty"` // of an AgentCore resource policy
	StatementID  string `json:"statementId,omitempty"`
	Principal    string `json:"principal,omitempty"`
	Document     D      `json:"document"`
	Agent        string `json:"agent"`
	Gateway      string `json:"gateway,omitempty"` // of a gateway's AgentCore resource policy
}

// ExistingRole is a role the spec keeps.
type ExistingRole struct {
	Agent   string `json:"agent"`
	ARN     string `json:"arn"`
	Purpose string `json:"purpose"`
}

// Raw stands for a document a reader takes from the file itself: it
// accepts any JSON value and keeps nothing.
type Raw struct{}

// UnmarshalJSON accepts any value.
func (*Raw) UnmarshalJSON([]byte) error { return nil }
