// Package risk holds the action lists and principals that security
// checks share: lint decides them on a policy's text, audit on a
// principal's effective permissions. Names are "service:Action" as the
// catalog spells them.
package risk

// DataActions read data: S3 objects, secrets, parameters, decrypted keys.
var DataActions = []string{
	"s3:GetObject", "s3:GetObjectVersion",
	"secretsmanager:GetSecretValue",
	"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory",
	"kms:Decrypt",
}

// CredentialActions hand out credentials: secret values, parameters (the
// usual home of API keys) and the tokens and API keys of AgentCore
// Identity's credential providers.
var CredentialActions = []string{
	"secretsmanager:GetSecretValue",
	"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath",
	"bedrock-agentcore:GetResourceApiKey", "bedrock-agentcore:GetResourceOauth2Token",
	"bedrock-agentcore:GetWorkloadAccessTokenForUserId",
}

// PassRole passes a role to a service.
const PassRole = "iam:PassRole"

// EscalationActions let the holder grant itself more permissions when
// allowed on broad resources.
var EscalationActions = []string{
	"iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
	"iam:AttachRolePolicy", "iam:AttachUserPolicy", "iam:AttachGroupPolicy",
	"iam:PutRolePolicy", "iam:PutUserPolicy", "iam:PutGroupPolicy",
	"iam:UpdateAssumeRolePolicy", "iam:AddUserToGroup",
	"iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
	"iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary",
	"iam:PutRolePermissionsBoundary", "iam:PutUserPermissionsBoundary",
	"lambda:UpdateFunctionCode", "glue:UpdateDevEndpoint",
}

// RolePolicyWrites change what a role may do or who may assume it.
var RolePolicyWrites = []string{
	"iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy",
	"iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary",
}

// ComputeActions create or change compute that runs with a passed role;
// with iam:PassRole on broad resources they run code as any role.
var ComputeActions = []string{
	"ec2:RunInstances", "lambda:CreateFunction", "lambda:UpdateFunctionConfiguration",
	"glue:CreateDevEndpoint", "glue:CreateJob", "cloudformation:CreateStack", "cloudformation:UpdateStack",
	"datapipeline:CreatePipeline", "ecs:RunTask", "ecs:RegisterTaskDefinition",
	"sagemaker:CreateNotebookInstance", "sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob",
	"codebuild:CreateProject", "codebuild:UpdateProject", "states:CreateStateMachine",
	"bedrock-agentcore:CreateAgentRuntime", "bedrock-agentcore:UpdateAgentRuntime",
	"bedrock-agentcore:CreateCodeInterpreter", "bedrock-agentcore:CreateBrowser",
	"bedrock-agentcore:CreateGateway", "bedrock:CreateAgent", "bedrock:UpdateAgent",
}

// AgentServices are the Bedrock services that assume agent roles.
var AgentServices = []string{"bedrock-agentcore.amazonaws.com", "bedrock.amazonaws.com"}

// ConfusedDeputyKeys restrict a service principal to requests made on
// behalf of a given account, resource or organization.
var ConfusedDeputyKeys = []string{"aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths"}

// ComputeRolePrincipals assume roles for compute they run, with no
// source resource to bind: AWS sends no aws:SourceArn / aws:SourceAccount
// when they assume an instance or function role.
var ComputeRolePrincipals = []string{"ec2.amazonaws.com", "lambda.amazonaws.com", "edgelambda.amazonaws.com"}
