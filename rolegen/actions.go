package rolegen

// feature is one access need; actionSets lists the actions it takes.
type feature string

const (
	// Runtime execution role.
	featECRPull           feature = "ecr-pull"
	featECRToken          feature = "ecr-token"
	featRuntimeLogGroup   feature = "runtime-log-group"
	featDescribeLogGroups feature = "describe-log-groups"
	featLogStream         feature = "log-stream"
	featXRay              feature = "xray"
	featMetrics           feature = "metrics"
	featWorkloadToken     feature = "workload-token"
	featInvokeModel       feature = "invoke-model"
	featMemoryRead        feature = "memory-read"
	featMemoryReadWrite   feature = "memory-read-write"
	featOAuth2Token       feature = "oauth2-token"
	featAPIKey            feature = "api-key"
	featReadSecret        feature = "read-secret"
	featInvokeGateway     feature = "invoke-gateway"
	featCodeInterpreter   feature = "code-interpreter"
	featBrowser           feature = "browser"
	featBrowserStream     feature = "browser-stream"
	featInvokeRuntime     feature = "invoke-runtime"
	featS3Read            feature = "s3-read"
	featS3Write           feature = "s3-write"
	featS3List            feature = "s3-list"
	featDynamoDBRead      feature = "dynamodb-read"
	featDynamoDBReadWrite feature = "dynamodb-read-write"
	featDynamoDBIndexRead feature = "dynamodb-index-read"
	featKMSDecrypt        feature = "kms-decrypt"
	featKMSDataKey        feature = "kms-data-key"
	featSSMRead           feature = "ssm-read"
	featSSMReadByPath     feature = "ssm-read-by-path"
	featAssumeRole        feature = "assume-role"
	featECRPush           feature = "ecr-push"
	featBuildLogGroup     feature = "build-log-group"
	featInvokeLambda      feature = "invoke-lambda"
	featInvokeModelAgent  feature = "invoke-model-agent"
	featGetProfile        feature = "get-inference-profile"
	featKBRetrieve        feature = "kb-retrieve"
	featDeployRuntimeNew  feature = "deploy-runtime-create"
	featDeployRuntime     feature = "deploy-runtime"
	featDeleteRuntime     feature = "delete-runtime"
	featListAgentCore     feature = "list-agentcore"
	featPassRole          feature = "pass-role"
	featDeployBuild       feature = "deploy-build"
	featUploadSource      feature = "upload-source"
	featDeployGatewayNew  feature = "deploy-gateway-create"
	featDeployGateway     feature = "deploy-gateway"
	featDeleteGateway     feature = "delete-gateway"
	featNetworkRole       feature = "network-role"
	featDeployAgentNew    feature = "deploy-agent-create"
	featDeployAgent       feature = "deploy-agent"
	featDeleteAgent       feature = "delete-agent"
	featDeployAgentKB     feature = "deploy-agent-kb"
	featDeployAgentAlias  feature = "deploy-agent-alias"
	featListBedrockAgents feature = "list-bedrock-agents"
	featLambdaFromBedrock feature = "lambda-from-bedrock"
	featWorkloadTokenGW   feature = "workload-token-gateway"
	featMarketplace       feature = "marketplace-subscribe"
	featWorkloadTokenUser feature = "workload-token-user-id"
	featInvokeForUser     feature = "invoke-runtime-for-user"
	featApplyGuardrail    feature = "apply-guardrail"
	featDeployMemoryNew   feature = "deploy-memory-create"
	featDeployMemory      feature = "deploy-memory"
	featRecording         feature = "browser-recording"
	// Deployers of custom tools with an execution role.
	featDeployCodeInterpreterNew feature = "deploy-code-interpreter-create"
	featDeployCodeInterpreter    feature = "deploy-code-interpreter"
	featDeployBrowserNew         feature = "deploy-browser-create"
	featDeployBrowser            feature = "deploy-browser"
)

// actionSets is the single table of which actions each feature takes.
// The names are resolved through the catalog when a plan is generated
// (the catalog's casing is used), and the tests check that every action
// accepts the resources the generator gives it. Access levels are the
// narrowest that make the feature work, following the AWS developer
// guides and the starter toolkit's templates.
var actionSets = map[feature][]string{
	// Pulling the agent image: the runtime, with its execution role.
	featECRPull:  {"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"},
	featECRToken: {"ecr:GetAuthorizationToken"},
	// The runtime creates its log groups and streams; DescribeLogGroups
	// takes no resource (AWS runtime-permissions guide lists it).
	featRuntimeLogGroup:   {"logs:CreateLogGroup", "logs:DescribeLogStreams"},
	featDescribeLogGroups: {"logs:DescribeLogGroups"},
	featLogStream:         {"logs:CreateLogStream", "logs:PutLogEvents"},
	featXRay:              {"xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"},
	featMetrics:           {"cloudwatch:PutMetricData"},
	// The runtime obtains workload access tokens for the agent's own
	// workload identity (inbound JWT); for a user id it names only with
	// user_id_tokens (AWS advises denying that in production).
	featWorkloadToken:     {"bedrock-agentcore:GetWorkloadAccessToken", "bedrock-agentcore:GetWorkloadAccessTokenForJWT"},
	featWorkloadTokenUser: {"bedrock-agentcore:GetWorkloadAccessTokenForUserId"},
	featWorkloadTokenGW:   {"bedrock-agentcore:GetWorkloadAccessToken"},
	// The first call to a model sold through AWS Marketplace subscribes
	// to it through Bedrock (aws:CalledViaLast); the role never needs to
	// unsubscribe, which the Bedrock guide lists for managing model access.
	featMarketplace: {"aws-marketplace:ViewSubscriptions", "aws-marketplace:Subscribe"},
	// Converse and ConverseStream are authorized by these two.
	featInvokeModel: {"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"},
	// AgentCore memory data plane, by access level.
	featMemoryRead: {
		"bedrock-agentcore:GetEvent", "bedrock-agentcore:ListEvents", "bedrock-agentcore:ListSessions", "bedrock-agentcore:ListActors",
		"bedrock-agentcore:GetMemoryRecord", "bedrock-agentcore:ListMemoryRecords", "bedrock-agentcore:RetrieveMemoryRecords", "bedrock-agentcore:GetMemory",
	},
	featMemoryReadWrite: {
		"bedrock-agentcore:CreateEvent", "bedrock-agentcore:GetEvent", "bedrock-agentcore:ListEvents", "bedrock-agentcore:DeleteEvent",
		"bedrock-agentcore:ListSessions", "bedrock-agentcore:ListActors", "bedrock-agentcore:GetMemoryRecord", "bedrock-agentcore:ListMemoryRecords",
		"bedrock-agentcore:RetrieveMemoryRecords", "bedrock-agentcore:DeleteMemoryRecord", "bedrock-agentcore:GetMemory",
	},
	// AgentCore Identity outbound credentials and the secrets behind them.
	featOAuth2Token: {"bedrock-agentcore:GetResourceOauth2Token"},
	featAPIKey:      {"bedrock-agentcore:GetResourceApiKey"},
	featReadSecret:  {"secretsmanager:GetSecretValue"},
	// MCP tools/list and tools/call both go through InvokeGateway.
	featInvokeGateway: {"bedrock-agentcore:InvokeGateway"},
	featCodeInterpreter: {
		"bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter",
		"bedrock-agentcore:StopCodeInterpreterSession", "bedrock-agentcore:GetCodeInterpreterSession",
	},
	featBrowser: {
		"bedrock-agentcore:StartBrowserSession", "bedrock-agentcore:GetBrowserSession",
		"bedrock-agentcore:StopBrowserSession", "bedrock-agentcore:UpdateBrowserStream",
	},
	// The automation (CDP) stream action takes no resource.
	featBrowserStream: {"bedrock-agentcore:ConnectBrowserAutomationStream"},
	featInvokeRuntime: {"bedrock-agentcore:InvokeAgentRuntime"},
	// A guardrail applied on its own or during model invocation.
	featApplyGuardrail: {"bedrock:ApplyGuardrail"},
	// Invoking with the X-Amzn-Bedrock-AgentCore-Runtime-User-Id header
	// takes this besides InvokeAgentRuntime.
	featInvokeForUser: {"bedrock-agentcore:InvokeAgentRuntimeForUser"},
	// Data grants of the spec.
	featS3Read:            {"s3:GetObject"},
	featS3Write:           {"s3:PutObject"},
	featS3List:            {"s3:ListBucket"},
	featDynamoDBRead:      {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"},
	featDynamoDBReadWrite: {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"},
	// Query is the only read that takes a secondary index's ARN.
	featDynamoDBIndexRead: {"dynamodb:Query"},
	// Reading what a key encrypted (S3 objects, secrets, SecureString
	// parameters) takes Decrypt; writing an S3 object with SSE-KMS takes
	// a data key as well.
	featKMSDecrypt:    {"kms:Decrypt"},
	featKMSDataKey:    {"kms:GenerateDataKey"},
	featSSMRead:       {"ssm:GetParameter", "ssm:GetParameters"},
	featSSMReadByPath: {"ssm:GetParametersByPath"},
	// Trust policies.
	featAssumeRole: {"sts:AssumeRole"},
	// Image-build role (CodeBuild): push to the agent's repository.
	featECRPush: {
		"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
		"ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage",
	},
	featBuildLogGroup: {"logs:CreateLogGroup"},
	// Gateway role.
	featInvokeLambda: {"lambda:InvokeFunction"},
	// Bedrock Agents service role (AWS guide: agents service role).
	featInvokeModelAgent:  {"bedrock:InvokeModel"},
	featGetProfile:        {"bedrock:GetInferenceProfile"},
	featKBRetrieve:        {"bedrock:Retrieve"},
	featLambdaFromBedrock: {"lambda:InvokeFunction"},
	// Caller (deployer) policies: create and update exactly these agents.
	// Create and List actions take no resource in the catalog.
	featDeployRuntimeNew: {"bedrock-agentcore:CreateAgentRuntime"},
	featDeployRuntime: {
		"bedrock-agentcore:GetAgentRuntime", "bedrock-agentcore:UpdateAgentRuntime",
		"bedrock-agentcore:CreateAgentRuntimeEndpoint", "bedrock-agentcore:GetAgentRuntimeEndpoint", "bedrock-agentcore:UpdateAgentRuntimeEndpoint",
	},
	// A recording browser's execution role writes the recordings, in
	// multipart uploads (AgentCore guide: browser resource and session
	// management).
	featRecording: {"s3:PutObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"},
	// Custom tools: create, and read back what was created.
	featDeployCodeInterpreterNew: {"bedrock-agentcore:CreateCodeInterpreter"},
	featDeployCodeInterpreter:    {"bedrock-agentcore:GetCodeInterpreter"},
	featDeployBrowserNew:         {"bedrock-agentcore:CreateBrowser"},
	featDeployBrowser:            {"bedrock-agentcore:GetBrowser"},
	// Memories whose strategies invoke models with a memory role.
	featDeployMemoryNew:  {"bedrock-agentcore:CreateMemory"},
	featDeployMemory:     {"bedrock-agentcore:GetMemory", "bedrock-agentcore:UpdateMemory"},
	featDeleteRuntime:    {"bedrock-agentcore:DeleteAgentRuntime", "bedrock-agentcore:DeleteAgentRuntimeEndpoint"},
	featListAgentCore:    {"bedrock-agentcore:ListAgentRuntimes", "bedrock-agentcore:ListAgentRuntimeEndpoints", "bedrock-agentcore:ListAgentRuntimeVersions", "bedrock-agentcore:ListGateways"},
	featPassRole:         {"iam:PassRole"},
	featDeployBuild:      {"codebuild:CreateProject", "codebuild:UpdateProject", "codebuild:BatchGetProjects", "codebuild:StartBuild", "codebuild:BatchGetBuilds"},
	featUploadSource:     {"s3:PutObject"},
	featDeployGatewayNew: {"bedrock-agentcore:CreateGateway"},
	featDeployGateway: {
		"bedrock-agentcore:GetGateway", "bedrock-agentcore:UpdateGateway",
		"bedrock-agentcore:CreateGatewayTarget", "bedrock-agentcore:GetGatewayTarget", "bedrock-agentcore:UpdateGatewayTarget",
		"bedrock-agentcore:ListGatewayTargets", "bedrock-agentcore:SynchronizeGatewayTargets",
	},
	featDeleteGateway:  {"bedrock-agentcore:DeleteGateway", "bedrock-agentcore:DeleteGatewayTarget"},
	featNetworkRole:    {"iam:CreateServiceLinkedRole"},
	featDeployAgentNew: {"bedrock:CreateAgent"},
	featDeployAgent: {
		"bedrock:GetAgent", "bedrock:UpdateAgent", "bedrock:PrepareAgent",
		"bedrock:CreateAgentActionGroup", "bedrock:GetAgentActionGroup", "bedrock:UpdateAgentActionGroup", "bedrock:CreateAgentAlias",
	},
	featDeleteAgent:       {"bedrock:DeleteAgent"},
	featDeployAgentKB:     {"bedrock:AssociateAgentKnowledgeBase", "bedrock:GetAgentKnowledgeBase"},
	featDeployAgentAlias:  {"bedrock:GetAgentAlias", "bedrock:UpdateAgentAlias"},
	featListBedrockAgents: {"bedrock:ListAgents"},
	// Invoker policies: a Bedrock agent is invoked through an alias.
	featInvokeBedrockAgent: {"bedrock:InvokeAgent"},
	// Bedrock Agents: a supervisor's collaborators, an agent's own key.
	featInvokeCollaborator: {"bedrock:GetAgentAlias", "bedrock:InvokeAgent"},
	featAgentKey:           {"kms:GenerateDataKey", "kms:Decrypt"},
	// The starter toolkit's agentcore launch, around the AgentCore APIs
	// (rolegen/toolkit_launch.go names each call's source file).
	featToolkitGetRole:      {"iam:GetRole"},
	featToolkitRepository:   {"ecr:DescribeRepositories", "ecr:CreateRepository"},
	featToolkitCreateBucket: {"s3:CreateBucket"},
	featToolkitBucket:       {"s3:ListBucket", "s3:PutLifecycleConfiguration"},
	featToolkitTraceSearch:  {"logs:DescribeResourcePolicies", "xray:GetTraceSegmentDestination", "xray:GetIndexingRules"},
	featToolkitTraceSource:  {"logs:PutDeliverySource"},
	featToolkitTraceDest:    {"logs:PutDeliveryDestination"},
	featToolkitDelivery:     {"logs:CreateDelivery"},
}

// Service principals, and the namespace AgentCore publishes metrics to.
// These are not in the catalog: they are AWS service names.
const (
	principalAgentCore = "bedrock-agentcore.amazonaws.com"
	principalBedrock   = "bedrock.amazonaws.com"
	principalCodeBuild = "codebuild.amazonaws.com"
	serviceNetwork     = "network.bedrock-agentcore.amazonaws.com"
	metricsNamespace   = "bedrock-agentcore"
	// AgentCore's default token vault and workload identity directory.
	defaultDirectory = "default"
)
