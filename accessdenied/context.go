package accessdenied

import (
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/internal/bedrockmodels"
	"github.com/agentiam/agentiam/policy"
)

// Service principals roles are passed to.
const (
	serviceAgentCore = "bedrock-agentcore.amazonaws.com"
	serviceBedrock   = "bedrock.amazonaws.com"
	serviceCodeBuild = "codebuild.amazonaws.com"
	serviceLambda    = "lambda.amazonaws.com"
)

// passedTo names the service a role of a kind is passed to.
var passedTo = map[PrincipalKind]string{
	KindAgentCoreRuntime: serviceAgentCore,
	KindGatewayRole:      serviceAgentCore,
	KindCodeBuildRole:    serviceCodeBuild,
	KindBedrockAgentRole: serviceBedrock,
}

// operationPassesTo names the service an operation passes its role to,
// for the operations that take one and that AgentCore and Bedrock Agents
// deployments call.
var operationPassesTo = map[string]string{
	"CreateAgentRuntime": serviceAgentCore, "UpdateAgentRuntime": serviceAgentCore,
	"CreateGateway": serviceAgentCore, "UpdateGateway": serviceAgentCore,
	"CreateMemory": serviceAgentCore, "UpdateMemory": serviceAgentCore,
	"CreateCodeInterpreter": serviceAgentCore, "CreateBrowser": serviceAgentCore,
	"CreateAgent": serviceBedrock, "UpdateAgent": serviceBedrock,
	"CreateKnowledgeBase": serviceBedrock, "UpdateKnowledgeBase": serviceBedrock,
	"CreateProject": serviceCodeBuild, "UpdateProject": serviceCodeBuild, "StartBuild": serviceCodeBuild,
	"CreateFunction": serviceLambda, "UpdateFunctionConfiguration": serviceLambda,
}

// requestContext completes a statement whose request carries a context
// key that binds it: iam:PassedToService for iam:PassRole (without it
// the role may be passed to any service, which agentiam's own lint
// reports), bedrock:InferenceProfileArn for a model reached through a
// cross-region inference profile. It returns the context the denied
// request had, as far as the message tells, and adds the advice.
func requestContext(f *Fix, m Message, p Principal) map[string][]string {
	st, advice := f.Statement, &f.Advice
	if strings.EqualFold(m.Action, "iam:PassRole") {
		service, known := passedToService(m)
		st.AddCondition("StringEquals", "iam:PassedToService", service)
		if known {
			*advice = append(*advice, fmt.Sprintf("The statement lets the role be passed only to %s (iam:PassedToService), the service that uses it.", service))
		} else {
			*advice = append(*advice, fmt.Sprintf("The statement lets the role be passed only to %s (iam:PassedToService), the service AgentCore roles are passed to; the message does not say which service the role went to: if it is another one (codebuild.amazonaws.com, bedrock.amazonaws.com for Bedrock Agents, lambda.amazonaws.com), name that one.", service))
		}
		return map[string][]string{"iam:PassedToService": {service}}
	}
	return crossRegion(f, m, p)
}

// passedToService is the service a role is passed to: from the role's
// name when it follows the starter toolkit's or the Bedrock console's
// naming, else from the operation of the SDK message; known is false
// when neither tells and AgentCore is assumed.
func passedToService(m Message) (service string, known bool) {
	if s, ok := passedTo[ClassifyPrincipal(m.Resource, nil).Kind]; ok {
		return s, true
	}
	if s, ok := operationPassesTo[m.Operation]; ok {
		return s, true
	}
	return serviceAgentCore, false
}

// crossRegion recognises a model call routed by a cross-region inference
// profile: a foundation model denied in a region other than the role's
// own. The profile routes to the model in each of its destination
// regions, so the fix allows the model in every region ("*", which also
// covers regions AWS adds to the profile later) only through the
// profile, bound by bedrock:InferenceProfileArn, as rolegen grants it
// (Bedrock user guide, "Prerequisites for inference profiles").
func crossRegion(f *Fix, m Message, p Principal) map[string][]string {
	a, err := arn.Parse(m.Resource)
	_, name, _ := strings.Cut(strings.ToLower(m.Action), ":")
	model, isModel := strings.CutPrefix(a.Resource, "foundation-model/")
	if err != nil || a.Service != "bedrock" || !isModel || p.Region == "" || a.Region == p.Region ||
		(name != "invokemodel" && name != "invokemodelwithresponsestream") {
		return nil
	}
	var geos, regions []string
	for _, g := range bedrockmodels.Geographies() {
		if bedrockmodels.RoutesTo(g, p.Region) && bedrockmodels.RoutesTo(g, a.Region) {
			geos = append(geos, g)
			regions = append(regions, bedrockmodels.DestinationRegions(g)...)
		}
	}
	if len(geos) == 0 {
		geos = []string{bedrockmodels.GlobalGeography}
	}
	profiles := make([]string, len(geos))
	for i, g := range geos {
		profiles[i] = (arn.ARN{Partition: a.Partition, Service: "bedrock", Region: p.Region, Account: p.Account, Resource: "inference-profile/" + g + "." + model}).String()
	}
	st := f.Statement
	profile := &policy.Statement{
		Sid:      &policy.String{Value: "AllowInferenceProfile"},
		Effect:   policy.String{Value: "Allow"},
		Action:   policy.NewStringList(st.Action.Strings()...),
		Resource: policy.NewStringList(profiles...),
	}
	f.Also = append(f.Also, profile)
	st.Sid = &policy.String{Value: "AllowInvokeModelThroughInferenceProfile"}
	st.Resource = policy.NewStringList((arn.ARN{Partition: a.Partition, Service: "bedrock", Region: "*", Resource: a.Resource}).String())
	st.AddCondition("ArnEquals", "bedrock:InferenceProfileArn", profiles...)
	dest := "any commercial region"
	if len(regions) > 0 {
		dest = strings.Join(dedupe(regions), ", ")
	}
	f.Advice = append(f.Advice, fmt.Sprintf("The model is in %s, not in the role's region %s: the request went through a cross-region inference profile (%s), which routes it to the foundation model in one of its destination regions (%s). The first statement allows the model in every region but only through that profile (bedrock:InferenceProfileArn), so every destination works; the second allows the profile itself.", orDash(a.Region, "no region"), p.Region, strings.Join(profiles, " or "), dest))
	return map[string][]string{"bedrock:InferenceProfileArn": {profiles[0]}}
}

// permissionSetAdvice explains where an Identity Center session's
// permissions come from.
func permissionSetAdvice(p Principal) string {
	return fmt.Sprintf("IAM Identity Center provisions the role %s from the permission set %s and does not let you change it in IAM: add the statement to the permission set's inline policy (or a customer managed policy it references) in IAM Identity Center, then provision the permission set to account %s again. The role's real ARN is %s, {region} being the region of the Identity Center instance (no region segment when it is us-east-1); a policy that names the role must use that ARN, and its suffix changes when the permission set is assigned to the account again.",
		p.RoleName, p.PermissionSet, p.Account, "arn:"+arnPartition(p.ARN)+":iam::"+p.Account+":role/aws-reserved/sso.amazonaws.com/{region}/"+p.RoleName)
}

// callerAction reports whether the action is checked against whoever
// calls an agent, not the agent's own role: invoking an AgentCore
// runtime or gateway, or a Bedrock agent.
func callerAction(action string) bool {
	prefix, name, _ := strings.Cut(strings.ToLower(action), ":")
	switch prefix {
	case "bedrock-agentcore":
		return strings.HasPrefix(name, "invokeagentruntime") || name == "invokegateway"
	case "bedrock":
		return name == "invokeagent" || name == "invokeinlineagent"
	}
	return false
}

// callerIdentity reports whether the principal is a person or a role
// that is not an agent's: one that calls agents rather than being one.
func callerIdentity(p Principal) bool {
	return p.Person || p.Kind == KindRole || p.Kind == KindRoleSession
}

func arnPartition(s string) string {
	if a, err := arn.Parse(s); err == nil && a.Partition != "" {
		return a.Partition
	}
	return "aws"
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	out := list[:0:0]
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
