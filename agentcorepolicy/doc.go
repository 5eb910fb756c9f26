// Package agentcorepolicy authors, validates and tests the Cedar policies
// that Policy in Amazon Bedrock AgentCore evaluates for gateway tool calls,
// offline, with github.com/cedar-policy/cedar-go.
//
// AWS generates a gateway's Cedar schema from its tool manifest and offers
// no API to download it. [Gateway.Schema] builds the same schema from the
// documented rules (namespace AgentCore; principal OAuthUser or IamEntity;
// resource Gateway; one action per tool, a child of CallTool under Mcp and
// of its target's action; context.input typed from the tool's JSON
// Schema). [Validator] checks policies against it with cedar-go's strict
// validator plus AgentCore's own rules, [Validator.Authorize] decides a
// tool call with cedar-go's evaluator.
//
// Sources (the documentation is the authority):
//   - https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/policy-schema-constraints.html
//   - https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/policy-scope.html
//   - https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/example-policies-action-resource.html
package agentcorepolicy

import "errors"

// Sep joins a target's name and a tool's name into the tool's action name.
//
// The documentation spells it with two underscores on some pages
// (policy-scope.html, policy-conditions.html in some languages:
// "RefundTool__process_refund") and three on others. We use three: the
// schema-constraints page names the generated input type
// "RefundTool___process_refundInput", and the gateway itself lists a
// target's tools as "<target>___<tool>" in tools/list, which is the name
// the schema is generated from. A two-underscore name is reported as an
// unknown tool with the three-underscore spelling as "did you mean".
const Sep = "___"

// Namespace is the only namespace AgentCore policies may use.
const Namespace = "AgentCore"

// Entity types and fixed actions of the generated schema.
const (
	TypeOAuthUser = Namespace + "::OAuthUser"
	TypeIamEntity = Namespace + "::IamEntity"
	TypeGateway   = Namespace + "::Gateway"
	TypeAction    = Namespace + "::Action"
	ActionMcp     = "Mcp"
	ActionCall    = "CallTool"
)

// Sentinel errors; every error the package returns wraps one of them.
var (
	// ErrManifest: a tool manifest that does not parse or is not a tools/list result.
	ErrManifest = errors.New("invalid tool manifest")
	// ErrSyntax: a Cedar policy file that does not parse.
	ErrSyntax = errors.New("invalid Cedar policy syntax")
	// ErrRequest: an authorization request that does not fit the gateway (unknown tool, input of the wrong type).
	ErrRequest = errors.New("invalid authorization request")
	// ErrGateway: a gateway description that cannot produce a schema.
	ErrGateway = errors.New("invalid gateway")
)
