package agentcorepolicy

import "github.com/agentiam/agentiam/diag"

// CodeInfo describes a diagnostic code of cedar validate.
type CodeInfo struct {
	Code     string
	Severity diag.Severity
	// Summary is one sentence (the SARIF rule's description).
	Summary string
}

// Codes lists every code Validate and Analyze report, and the syntax
// error of a file that does not parse, sorted by code.
func Codes() []CodeInfo {
	return []CodeInfo{
		{CodeActionNeedsGateway, diag.Error, "A policy naming specific actions must name the gateway's ARN as its resource."},
		{CodeActionWildcard, diag.Error, "Action names take no wildcards."},
		{CodeBareResource, diag.Error, "A policy must constrain its resource: the gateway, or its type."},
		{CodeContextNotInput, diag.Error, "The only context is context.input, the tool's input."},
		{CodePrincipalTagsIAM, diag.Error, "An IAM caller has no tags: match its ARN with principal.id like."},
		{CodeIneffective, diag.Warning, "The policy's conditions hold for no request to the tools it names: it never applies."},
		{CodeOtherGateway, diag.Warning, "The policy names another gateway: it never applies to this one."},
		{CodeOutsideNamespace, diag.Error, "Entity types must be in the AgentCore namespace."},
		{CodeOverlyPermissive, diag.Warning, "The policy permits every tool of the gateway to every caller."},
		{CodeOverlyRestrictive, diag.Warning, "A permit names the tool, but the policies allow no request to it."},
		{CodePrincipalAttribute, diag.Error, "A principal has no attribute but id: OAuth claims are tags."},
		{CodeSchemaViolation, diag.Error, "Cedar's strict validation against the gateway's schema rejects the policy."},
		{CodeShadowedPermit, diag.Warning, "A forbid denies every request the permit allows: the permit never takes effect."},
		{CodeSyntaxError, diag.Error, "The file is not Cedar."},
		{CodeUnguardedOptional, diag.Error, "An optional input property is read without a has test first."},
		{CodeUnknownInputField, diag.Error, "No tool in the policy's scope takes this input property."},
		{CodeUnknownTool, diag.Error, "The gateway has no such tool (actions are <target>___<tool>)."},
		{CodeWrongPrincipalType, diag.Error, "The principal type does not match the gateway's authorizer."},
	}
}
