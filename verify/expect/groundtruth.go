package expect

import (
	"cmp"
	"slices"
)

// SourceID names the document that requires a request of an access
// matrix: an AWS documentation page or a starter toolkit template. Every
// required request names one, so that a required request is never only
// the generator's own idea of what an agent needs.
type SourceID string

// Source is a document that requires requests, with where to read it.
// Note says, where the documentation and the starter toolkit disagree,
// which one agentiam follows and why.
type Source struct {
	ID    SourceID `json:"id"`
	Title string   `json:"title"`
	URL   string   `json:"url"`
	Note  string   `json:"note,omitempty"`
}

const (
	devguide  = "https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/"
	userguide = "https://docs.aws.amazon.com/bedrock/latest/userguide/"
	toolkit   = "https://github.com/aws/bedrock-agentcore-starter-toolkit/blob/main/src/bedrock_agentcore_starter_toolkit/"
)

// The sources of required requests.
const (
	SrcRuntimeExecution   SourceID = "agentcore-runtime-execution-role"
	SrcRuntimeTrust       SourceID = "agentcore-confused-deputy"
	SrcRuntimeCaller      SourceID = "agentcore-runtime-caller"
	SrcToolkitRuntime     SourceID = "toolkit-runtime-execution-policy"
	SrcToolkitCodeBuild   SourceID = "toolkit-codebuild-role"
	SrcToolkitLaunch      SourceID = "toolkit-launch"
	SrcServiceLinkedRoles SourceID = "agentcore-service-linked-roles"
	SrcObservability      SourceID = "agentcore-observability"
	SrcMemory             SourceID = "agentcore-memory"
	SrcIdentity           SourceID = "agentcore-identity"
	SrcIdentitySecrets    SourceID = "toolkit-identity-secrets"
	SrcGateway            SourceID = "agentcore-gateway-permissions"
	SrcGatewayPolicy      SourceID = "agentcore-policy-permissions"
	// Gateway targets besides Lambda functions, interceptors and keys.
	SrcGatewayAPIGateway   SourceID = "agentcore-gateway-api-gateway-target"
	SrcGatewayOutbound     SourceID = "agentcore-gateway-outbound-auth"
	SrcGatewayInterceptors SourceID = "agentcore-gateway-interceptors"
	SrcGatewayEncryption   SourceID = "agentcore-gateway-encryption"
	SrcCodeInterpreter     SourceID = "agentcore-code-interpreter"
	SrcBrowser             SourceID = "agentcore-browser"
	SrcResourcePolicies    SourceID = "agentcore-resource-based-policies"
	SrcInferenceProfiles   SourceID = "bedrock-inference-profiles"
	SrcModelInference      SourceID = "bedrock-inference-prerequisites"
	SrcModelAccess         SourceID = "bedrock-model-access"
	SrcGuardrails          SourceID = "bedrock-guardrails"
	SrcGuardrailProfiles   SourceID = "bedrock-guardrail-profiles"
	SrcMemoryRole          SourceID = "agentcore-memory-execution-role"
	SrcBrowserRecording    SourceID = "agentcore-browser-recording"
	SrcAgentsServiceRole   SourceID = "bedrock-agents-service-role"
	SrcAgentsLambda        SourceID = "bedrock-agents-lambda-permission"
	SrcAgentsCaller        SourceID = "bedrock-agents-caller"
	// Bedrock Agents: multi-agent collaboration, streaming, the agent's key.
	SrcAgentsCollaboration SourceID = "bedrock-agents-collaboration"
	SrcAgentsStreaming     SourceID = "bedrock-agents-streaming"
	SrcAgentsEncryption    SourceID = "bedrock-agents-encryption"
	SrcAgentsGuardrails    SourceID = "bedrock-agents-guardrails"
	SrcPassRole            SourceID = "iam-passrole"
	// SrcCodeDeploy: the caller of CreateAgentRuntime reads the code zip.
	SrcCodeDeploy SourceID = "agentcore-direct-code-deploy"
	// SrcInvokeRuntime: what invoking a runtime is authorized on.
	SrcInvokeRuntime SourceID = "agentcore-invoke-runtime"
	// The starter toolkit's launch flow, file by file (tool: agentcore-cli).
	SrcToolkitRoles         SourceID = "toolkit-launch-roles"
	SrcToolkitECR           SourceID = "toolkit-launch-ecr"
	SrcToolkitSourceBucket  SourceID = "toolkit-launch-source-bucket"
	SrcToolkitObservability SourceID = "toolkit-launch-observability"
	// SrcSpecGrant: the spec itself grants the data (a bucket, table,
	// secret, key or parameter); the actions per access level are the
	// service authorization reference's.
	SrcSpecGrant SourceID = "spec-data-grant"
)

var sourceTable = map[SourceID]Source{
	SrcRuntimeExecution: {Title: "IAM Permissions for AgentCore Runtime: execution role for running an agent",
		URL: devguide + "runtime-permissions.html#runtime-permissions-execution"},
	SrcRuntimeTrust: {Title: "Cross-service confused deputy prevention (AgentCore trust policies with aws:SourceAccount and aws:SourceArn)",
		URL: devguide + "cross-service-confused-deputy-prevention.html"},
	SrcRuntimeCaller: {Title: "IAM Permissions for AgentCore Runtime: permissions to create and manage agents",
		URL: devguide + "runtime-permissions.html#runtime-permissions-use-agentcore"},
	SrcToolkitRuntime: {Title: "Starter toolkit runtime execution policy template",
		URL: toolkit + "utils/runtime/templates/execution_role_policy.json.j2"},
	SrcToolkitCodeBuild: {Title: "Starter toolkit CodeBuild execution role",
		URL: toolkit + "services/codebuild.py"},
	SrcToolkitLaunch: {Title: "Starter toolkit launch (agentcore launch): the calls the deployer makes",
		URL: toolkit + "operations/runtime/launch.py"},
	SrcServiceLinkedRoles: {Title: "Using service-linked roles for Amazon Bedrock AgentCore",
		URL: devguide + "service-linked-roles.html"},
	SrcObservability: {Title: "AgentCore observability: configure CloudWatch and X-Ray",
		URL: devguide + "observability-configure.html"},
	SrcMemory: {Title: "AgentCore Memory: IAM permissions",
		URL: devguide + "memory-permissions.html"},
	SrcIdentity: {Title: "AgentCore Identity: permissions for workload access tokens and credential providers",
		URL: devguide + "identity-permissions.html"},
	SrcIdentitySecrets: {Title: "Starter toolkit Identity permissions: GetSecretValue on bedrock-agentcore-identity!default/oauth2/{provider}* (the token vault's secret of each provider)",
		URL: toolkit + "operations/identity/helpers.py",
		Note: "The toolkit's {provider}* also matches providers whose names extend this one (github2); agentiam follows the secret's name, {provider} with an optional '-' suffix the service adds and Secrets Manager's '-' and six characters: {provider}-*. " +
			"A provider that references a customer-owned secret (secret_arn) is read from that secret, as AgentCore Identity's Secrets Manager references do."},
	SrcGateway: {Title: "Set up permissions for AgentCore Gateway (builder, user and service role)",
		URL: devguide + "gateway-prerequisites-permissions.html"},
	SrcGatewayPolicy: {Title: "AgentCore Gateway and Policy in AgentCore IAM permissions",
		URL: devguide + "policy-permissions.html"},
	SrcGatewayAPIGateway: {Title: "Amazon API Gateway REST API stages as targets: AgentCore Gateway calls GetExport on the stage; with the gateway service role (GATEWAY_IAM_ROLE) it invokes the stage",
		URL:  devguide + "gateway-target-api-gateway.html",
		Note: "The guide does not name the actions; agentiam grants apigateway:GET on the REST API and on its stage's exports (GET /restapis/{id}/stages/{stage}/exports/{type}) to the gateway role and to the deployer (the export is made \"on your behalf\" when the target is created), and execute-api:Invoke on {id}/{stage}/*/* to the gateway role."},
	SrcGatewayOutbound: {Title: "Set up outbound authorization for your gateway: IAM-based outbound authorization signs the target's requests with the gateway service role (Smithy, MCP server on AgentCore Runtime, OpenAPI schemas in S3); \"verify that the gateway service role has bedrock-agentcore:InvokeGateway permissions\"",
		URL: devguide + "gateway-outbound-auth.html"},
	SrcGatewayInterceptors: {Title: "Permissions for interceptors: the gateway service role needs lambda:InvokeFunction on the interceptor functions",
		URL: devguide + "gateway-interceptors-permissions.html"},
	SrcGatewayEncryption: {Title: "Encrypt your AgentCore gateway with a customer-managed KMS key: the gateway service role's kms:CreateGrant, DescribeKey, Decrypt and GenerateDataKey through bedrock-agentcore.{region}.amazonaws.com",
		URL: devguide + "gateway-encryption.html"},
	SrcCodeInterpreter: {Title: "AgentCore Code Interpreter: permissions",
		URL: devguide + "code-interpreter-resource-session-management.html"},
	SrcBrowser: {Title: "AgentCore Browser: permissions",
		URL: devguide + "browser-resource-session-management.html"},
	SrcResourcePolicies: {Title: "Resource-based policies for Amazon Bedrock AgentCore",
		URL: devguide + "resource-based-policies.html"},
	SrcInferenceProfiles: {Title: "Prerequisites for inference profiles (the profile and the foundation model in every destination region)",
		URL: userguide + "inference-profiles-prereq.html"},
	SrcModelInference: {Title: "Prerequisites for running model inference: \"bedrock:GetInferenceProfile – Required to run inference with an inference profile\"",
		URL:  userguide + "inference-prereq.html",
		Note: "The AgentCore runtime-permissions execution role and the starter toolkit's template grant InvokeModel and InvokeModelWithResponseStream only; agentiam follows the Bedrock guide's sentence and lets every role that invokes an inference profile read exactly that profile."},
	SrcModelAccess: {Title: "Access Amazon Bedrock foundation models (AWS Marketplace subscription on first call)",
		URL: userguide + "model-access.html",
		Note: "The guide lists aws-marketplace:Subscribe, Unsubscribe and ViewSubscriptions for the role that manages model access; an agent's role only " +
			"subscribes on a model's first call, so agentiam follows the starter toolkit's MarketplaceSubscribeOnFirstCall (ViewSubscriptions and Subscribe, aws:CalledViaLast bedrock.amazonaws.com) and forbids Unsubscribe."},
	SrcGuardrails: {Title: "Permissions to use guardrails",
		URL: userguide + "guardrails-permissions.html"},
	SrcBrowserRecording: {Title: "AgentCore Browser session recording: the execution role writes recordings to S3 and logs to CloudWatch",
		URL:  devguide + "browser-session-recording.html",
		Note: "The guide grants the logs actions on \"*\" (agentiam: every log group of the tool's account and region) and S3 GetObject/ListBucket on the whole bucket; agentiam follows the resource and session management guide for S3 (PutObject and multipart upload parts under the prefix, aws:ResourceAccount) and forbids reading recordings back."},
	SrcMemoryRole: {Title: "AgentCore Memory: customize a built-in strategy or create your own (the memory execution role that invokes the strategy models; CreateMemory/UpdateMemory pass it)",
		URL: devguide + "memory-custom-strategy.html"},
	SrcGuardrailProfiles: {Title: "Permissions for using cross-Region inference with Amazon Bedrock Guardrails (the guardrail profile in every destination region)",
		URL: userguide + "guardrail-profiles-permissions.html"},
	SrcAgentsServiceRole: {Title: "Create a service role for Amazon Bedrock Agents",
		URL: userguide + "agents-permissions.html"},
	SrcAgentsLambda: {Title: "Resource-based policy to allow Amazon Bedrock to invoke an action group Lambda function",
		URL: userguide + "agents-permissions.html#agents-permissions-lambda"},
	SrcAgentsCaller: {Title: "Identity-based policy examples for Amazon Bedrock Agents",
		URL: userguide + "security_iam_id-based-policy-examples-agent.html"},
	SrcAgentsCollaboration: {Title: "Create a service role for Amazon Bedrock Agents: with multi-agent collaboration, bedrock:GetAgentAlias and bedrock:InvokeAgent on the collaborators' agent aliases",
		URL: userguide + "agents-permissions.html"},
	SrcAgentsGuardrails: {Title: "Create a service role for Amazon Bedrock Agents: (Optional) if you associate a guardrail with your agent, permissions to apply that guardrail (bedrock:ApplyGuardrail on the guardrail)",
		URL: userguide + "agents-permissions.html"},
	SrcAgentsStreaming: {Title: "Invoke an agent from your application: streaming the final response takes bedrock:InvokeModelWithResponseStream on the agent's model for the agent's service role",
		URL: userguide + "agents-invoke-agent.html"},
	SrcAgentsEncryption: {Title: "Encryption of agent resources: kms:GenerateDataKey and kms:Decrypt on the agent's customer managed key with kms:EncryptionContext:aws:bedrock:arn the agent's ARN, for the agent and for whoever calls InvokeAgent",
		URL:  userguide + "encryption-agents.html",
		Note: "The guide's identity-based policy names one agent ARN under StringEquals; agentiam does so once agent_id is set, and uses StringLike on agent/* of the account and region until then (a wildcard under StringEquals would never match). The key policy that lets Bedrock and the roles use the key is the key owner's (see also cmk-agent-resources.html)."},
	SrcPassRole: {Title: "Grant a user permissions to pass a role to an AWS service (iam:PassRole with iam:PassedToService)",
		URL: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html"},
	SrcCodeDeploy: {Title: "Troubleshooting direct code deployment: the role that calls CreateAgentRuntime/UpdateAgentRuntime needs s3:GetObject on the code zip (kms:Decrypt for a customer managed key)",
		URL:  devguide + "runtime-code-deploy-common-issues.html",
		Note: "The service reads the zip with the caller's credentials, so the deployer gets S3 (and the bucket key's kms:Decrypt, kms:GenerateDataKey through S3) and the execution role none. Bucket and keys follow the starter toolkit (operations/runtime/launch.py _launch_with_direct_code_deploy, utils/runtime/package.py upload_to_s3): bedrock-agentcore-codebuild-sources-{account}-{region}, {agent}/deployment.zip, {prefix}/{agent}/deployment.zip under an s3_path prefix."},
	SrcInvokeRuntime: {Title: "Service Authorization Reference, Amazon Bedrock AgentCore: InvokeAgentRuntime and InvokeAgentRuntimeForUser act on the runtime and on its endpoint (both required resources)",
		URL:  "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonbedrockagentcore.html",
		Note: "An application that calls an agent gets both ARNs, the runtime {name}-?????????? and its endpoints; InvokeAgentRuntimeForUser only with for_user (it lets the caller name the user the agent acts for)."},
	SrcToolkitRoles: {Title: "Starter toolkit launch: iam:GetRole on the runtime and CodeBuild roles by their deterministic names, and on the service-linked roles it checks",
		URL:  toolkit + "operations/runtime/create_role.py",
		Note: "The toolkit creates a role (CreateRole, PutRolePolicy) only when GetRole finds none, and adds identity policies to the execution role best-effort (launch.py _ensure_identity_permissions). agentiam generates the roles under the toolkit's names, so the deployer gets GetRole only: CreateRole and PutRolePolicy would let it write permissions into roles it may pass."},
	SrcToolkitECR: {Title: "Starter toolkit launch: ecr:DescribeRepositories, then ecr:CreateRepository, on the agent's repository",
		URL: toolkit + "services/ecr.py"},
	SrcToolkitSourceBucket: {Title: "Starter toolkit launch: HeadBucket (s3:ListBucket), CreateBucket and PutBucketLifecycleConfiguration on bedrock-agentcore-codebuild-sources-{account}-{region}",
		URL:  toolkit + "services/s3.py",
		Note: "services/codebuild.py ensure_source_bucket makes the same calls for CodeBuild sources and for direct code deploy zips without an s3_path."},
	SrcToolkitObservability: {Title: "Starter toolkit launch with observability: checks Transaction Search and delivers the runtime's traces to X-Ray (PutDeliverySource {runtime id}-traces-source, PutDeliveryDestination {runtime id}-traces-destination, CreateDelivery)",
		URL:  toolkit + "operations/observability/delivery.py",
		Note: "services/xray.py also turns Transaction Search on when it is off (logs:PutResourcePolicy, xray:UpdateTraceSegmentDestination, xray:UpdateIndexingRule); those are account-wide settings the toolkit only tries and logs a warning when denied, so agentiam grants the checks only."},
	SrcSpecGrant: {Title: "Granted by the spec; actions per access level from the Service Authorization Reference",
		URL: "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html"},
}

// sources holds each source once, with its ID set; checks point into it.
var sources = func() map[SourceID]*Source {
	m := make(map[SourceID]*Source, len(sourceTable))
	for id, s := range sourceTable {
		s.ID = id
		m[id] = &s
	}
	return m
}()

// SourceOf returns the source with the given id, or nil.
func SourceOf(id SourceID) *Source { return sources[id] }

// Sources lists every source by id, for documentation and tests.
func Sources() []Source {
	out := make([]Source, 0, len(sources))
	for _, s := range sources {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b Source) int { return cmp.Compare(a.ID, b.ID) })
	return out
}
