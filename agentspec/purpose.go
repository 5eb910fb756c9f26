package agentspec

// Role purposes: what each IAM role an agent fleet needs is for. They
// name roles apart from how a generator or a deployment names them, so
// that the generator (rolegen), the verifier's expectations and the
// AccessDenied explainer share one vocabulary without importing each
// other.
const (
	PurposeRuntime      = "runtime-execution"     // AgentCore runtime execution role
	PurposeImageBuild   = "image-build"           // CodeBuild role building the agent image
	PurposeGateway      = "gateway-execution"     // AgentCore gateway role
	PurposeBedrockAgent = "bedrock-agent-service" // Bedrock Agents service role
	PurposeMemory       = "memory-execution"      // AgentCore memory execution role (strategy models)
	// Custom tools' execution roles.
	PurposeCodeInterpreter = "code-interpreter-execution"
	PurposeBrowser         = "browser-execution"
)

// Resource policy kinds: the resource-side policies of an agent fleet.
const (
	// PurposeLambdaPermission: one statement of a Lambda function's policy
	// (lambda add-permission).
	PurposeLambdaPermission = "lambda-permission"
	// PurposeAgentCoreResourcePolicy: the whole resource-based policy of
	// an AgentCore runtime, runtime endpoint or gateway, as
	// PutResourcePolicy takes it.
	PurposeAgentCoreResourcePolicy = "agentcore-resource-policy"
)
