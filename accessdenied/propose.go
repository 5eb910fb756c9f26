package accessdenied

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/catalog"
	"github.com/agentiam/agentiam/policy"
)

// Fix is what to change so that the denied request is allowed.
type Fix struct {
	// PolicyType is the kind of policy to change.
	PolicyType policy.Kind
	// Target is what carries that policy: a role ARN for an identity-based
	// policy, the resource ARN for a resource-based policy.
	Target string
	// Statement is the statement to add; nil when adding one cannot help
	// (an explicit deny) or the policy is not the principal's to change.
	Statement *policy.Statement
	// Also are statements the fix needs besides Statement, in the same
	// policy: invoking a cross-region inference profile itself.
	Also []*policy.Statement
	// PermissionSet names the IAM Identity Center permission set to change
	// instead of Target when the denied principal is one of its role
	// sessions: Identity Center provisions the role and its policies.
	PermissionSet string
	// Advice explains the diagnosis in sentences, most important first.
	Advice []string
	// Context is the request context the statement's conditions expect of
	// the denied request (iam:PassedToService, bedrock:InferenceProfileArn);
	// the confirmation evaluates the request with it.
	Context map[string][]string
	// Public is true when Statement lets in everyone ("Principal": "*"):
	// the fix for an anonymous caller, which makes the resource public.
	Public bool
}

// Document wraps the statement in a policy document, or returns nil.
func (f Fix) Document() *policy.Document {
	if f.Statement == nil {
		return nil
	}
	v := policy.String{Value: policy.Version2012}
	return &policy.Document{Version: &v, Statements: append([]*policy.Statement{f.Statement}, f.Also...)}
}

// agentDataPlane are services an agent calls at run time; a person denied
// one of them is usually running the agent locally with their own credentials.
var agentDataPlane = map[string]bool{"bedrock": true, "bedrock-agentcore": true, "ecr": true, "xray": true, "logs": true, "secretsmanager": true, "ssm": true, "dynamodb": true, "s3": true, "kms": true}

// controlPlanePrefixes are action-name prefixes that create, change or
// delete resources: work for the deployer, not the agent.
var controlPlanePrefixes = []string{"Create", "Update", "Delete", "Put", "Tag", "Untag"}

// Propose turns a parsed message into the change that fixes it.
func Propose(m Message, p Principal) Fix {
	var f Fix
	if p.Kind == KindAnonymous {
		f = anonymousFix(m, p)
	} else {
		f = propose(m, p)
	}
	if m.Decoded && m.PolicyType == policy.KindUnknown {
		f.Advice = append(f.Advice, "A decoded authorization message says whether the deny was explicit, not which kind of policy denied: the fix above assumes the most common one; check the others (SCPs, resource, session and VPC endpoint policies, permissions boundary) if it is not enough.")
	}
	return f
}

func propose(m Message, p Principal) Fix {
	if m.Explicit {
		return explicitFix(m)
	}
	switch m.PolicyType {
	case policy.SCP, policy.RCP, policy.Session, policy.VPCEndpoint:
		return elsewhereFix(m)
	case policy.Boundary:
		return boundaryFix(m, p)
	case policy.Resource:
		return resourceFix(m, p)
	case policy.Trust:
		return trustFix(m, p)
	}
	if strings.HasPrefix(m.Action, "sts:AssumeRole") && strings.Contains(m.Resource, ":role/") && m.PolicyType == policy.KindUnknown {
		return trustFix(m, p)
	}
	// An identity-based policy (or, in the older message form, an unknown
	// policy type, which is nearly always this) must allow the action.
	return identityFix(m, p)
}

// trustFix: the role's trust policy does not let the principal assume it.
func trustFix(m Message, p Principal) Fix {
	role := m.Resource
	if role == "" {
		role = "the role"
	}
	return Fix{PolicyType: policy.Trust, Target: m.Resource, Advice: []string{fmt.Sprintf("Check the trust policy of %s: it must name %s (or its account) as principal for %s, and any conditions must hold. For a role in another account, the caller's identity policy must also allow %s on it.", role, orDash(p.RoleARN, p.ARN), m.Action, m.Action)}}
}

// explicitFix: an explicit Deny, which no statement can override.
func explicitFix(m Message) Fix {
	f := Fix{PolicyType: m.PolicyType}
	where := "the " + KindName(m.PolicyType)
	if m.PolicyType == policy.KindUnknown {
		where = "one of the policies that apply to the request (the message does not say which)"
	}
	if m.PolicyARN != "" {
		where += " " + m.PolicyARN
	}
	if m.PolicyType == policy.Trust {
		f.Target = m.Resource
	}
	f.Advice = append(f.Advice, fmt.Sprintf("An explicit Deny in %s blocks %s; no Allow statement anywhere can override it. Find the Deny statement that matches this action and resource and narrow it, or make the request a different way.", where, m.Action))
	if m.Through != policy.KindUnknown {
		f.Advice = append(f.Advice, fmt.Sprintf("The request went through a %s; the Deny is in the %s, which applies to it transitively.", KindName(m.Through), KindName(m.PolicyType)))
	}
	if m.PolicyType == policy.SCP {
		// IAM User Guide, Troubleshoot access denied error messages: "When
		// an SCP denies access, the error message can include the phrase
		// due to an explicit deny in a Service Control Policy, even if the
		// denial is implicit."
		f.Advice = append(f.Advice, "AWS may report an SCP's denial as explicit even when it is implicit: if no SCP has a Deny for this action and resource, look for the level of the organization (root, an OU or the account) whose SCPs do not allow it.")
	}
	if m.PolicyType == policy.SCP || m.PolicyType == policy.RCP {
		f.Advice = append(f.Advice, "Service and resource control policies are managed in AWS Organizations by the management account; ask its administrators.")
	}
	return f
}

// elsewhereFix: a policy that is not the principal's own allows nothing.
func elsewhereFix(m Message) Fix {
	f := Fix{PolicyType: m.PolicyType}
	var advice string
	switch m.PolicyType {
	case policy.SCP:
		advice = "A service control policy at some level of the organization (root, an OU or the account) does not allow %s. Every level must allow it; the fix is in AWS Organizations, not in the role."
	case policy.RCP:
		advice = "A resource control policy does not allow %s on this resource. Every level must allow it; the fix is in AWS Organizations."
	case policy.Session:
		advice = "The session policy passed when the role was assumed does not allow %s. Change the Policy or PolicyArns given to AssumeRole (or the caller that sets them); the role's own policies are not the problem."
	default:
		advice = "The VPC endpoint policy of the endpoint the request went through does not allow %s. Add it to the endpoint policy."
	}
	f.Advice = append(f.Advice, fmt.Sprintf(advice, m.Action))
	return f
}

func boundaryFix(m Message, p Principal) Fix {
	f := Fix{PolicyType: policy.Boundary, Target: p.RoleARN, PermissionSet: p.PermissionSet, Statement: allowStatement(m, p.Account)}
	f.Context = requestContext(&f, m, p)
	of := "The role's permissions boundary"
	if p.PermissionSet != "" {
		of = "The permissions boundary of the IAM Identity Center permission set " + p.PermissionSet
	}
	f.Advice = slices.Insert(f.Advice, 0, fmt.Sprintf("%s does not allow %s. Add this statement to the boundary policy (and make sure an identity policy allows it too: a boundary only limits).", of, m.Action))
	return f
}

func resourceFix(m Message, p Principal) Fix {
	f := Fix{PolicyType: policy.Resource, Target: m.Resource, Statement: allowStatement(m, "")}
	principal := orDash(p.RoleARN, p.ARN)
	if p.RoleARNPattern != "" {
		// An Identity Center role's ARN has a path the session ARN does
		// not give: match the role by aws:PrincipalArn, whose pattern
		// names the account.
		principal = "*"
		f.Statement.AddCondition("ArnLike", "aws:PrincipalArn", p.RoleARNPattern)
	}
	f.Statement.Principal = &policy.Principal{Entries: []policy.PrincipalEntry{{
		Type:   policy.String{Value: policy.PrincipalAWS},
		Values: *policy.NewStringList(principal),
	}}}
	f.Context = requestContext(&f, m, p)
	if p.RoleARNPattern != "" {
		// The role as the request carries it, in the form without the
		// Identity Center instance's region (us-east-1).
		f.Context = map[string][]string{"aws:PrincipalArn": {strings.Replace(p.RoleARNPattern, "*", "", 1)}}
	}
	f.Advice = slices.Insert(f.Advice, 0, fmt.Sprintf("The resource policy of %s does not allow %s for this principal. Add this statement to the resource policy (for cross-account access the principal's identity policy must allow it too).", m.Resource, m.Action))
	if p.RoleARNPattern != "" {
		f.Advice = append(f.Advice, fmt.Sprintf("The statement names the role by aws:PrincipalArn like %s rather than as Principal: an IAM Identity Center role's ARN has the path /aws-reserved/sso.amazonaws.com/ and the region of the Identity Center instance (none for us-east-1), which the session ARN does not give, and its suffix changes when the permission set %s is assigned to the account again.", p.RoleARNPattern, p.PermissionSet))
	}
	return f
}

// anonymousFix: an unsigned request. The caller has no identity, so no
// identity-based policy can help; only a resource-based policy with
// "Principal": "*" lets anonymous callers in (IAM User Guide, Principal,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous).
// That makes the resource public, which is rarely meant: the advice puts
// signing the request first. The message names an identity-based policy
// or none when the service reports it so; it is read as the resource
// policy, the only one that applies. An explicit deny or another policy
// type keeps its own fix, with the advice to sign the request.
func anonymousFix(m Message, p Principal) Fix {
	const sign = "The request was not signed: AWS saw no credentials, so the caller is anonymous. Usually the fix is to sign it: give the client AWS credentials (the SDK's default credential chain, a profile, or the role of the compute it runs on) and drop options that send unsigned requests, such as the AWS CLI's --no-sign-request; a new AccessDenied message, if any, then names the signed-in principal."
	switch m.PolicyType {
	case policy.KindUnknown, policy.Identity, policy.Resource:
	default:
		f := propose(m, p)
		f.Advice = append([]string{sign}, f.Advice...)
		return f
	}
	if m.Explicit {
		f := explicitFix(m)
		f.Advice = append([]string{sign}, f.Advice...)
		return f
	}
	f := Fix{PolicyType: policy.Resource, Target: m.Resource, Advice: []string{sign}}
	if m.Resource == "" {
		f.Advice = append(f.Advice, fmt.Sprintf("Only a resource-based policy can let an anonymous caller in, and the message names no resource whose policy that would be: no statement is proposed for %s.", m.Action))
		return f
	}
	f.Statement = allowStatement(m, "")
	f.Statement.Principal = policy.WildcardPrincipal()
	f.Public = true
	f.Advice = append(f.Advice, fmt.Sprintf("Only a resource-based policy can let an anonymous caller in (it has no identity to attach a policy to), and only with \"Principal\": \"*\", as in the statement below. That makes %s public: anyone on the internet may then call %s on it, which is rarely what you want.", m.Resource, m.Action))
	if a, err := arn.Parse(m.Resource); err == nil && a.Service == "s3" {
		// Amazon S3 User Guide, Blocking public access to your Amazon S3
		// storage: BlockPublicPolicy rejects a public bucket policy,
		// RestrictPublicBuckets ignores it for anonymous callers
		// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html);
		// on for new buckets since April 2023
		// (https://aws.amazon.com/about-aws/whats-new/2022/12/amazon-s3-automatically-enable-block-public-access-disable-access-control-lists-buckets-april-2023/).
		f.Advice = append(f.Advice, "Amazon S3 Block Public Access, on by default for new buckets, also blocks it: BlockPublicPolicy rejects a bucket policy that grants public access, and RestrictPublicBuckets restricts such a policy to AWS service principals and the bucket owner's account. To share a few objects without making the bucket public, hand out presigned URLs.")
	}
	return f
}

func identityFix(m Message, p Principal) Fix {
	prefix, name, _ := strings.Cut(m.Action, ":")
	f := Fix{PolicyType: policy.Identity, Statement: allowStatement(m, p.Account)}
	switch {
	case p.PermissionSet != "":
		f.PermissionSet = p.PermissionSet
	case p.RoleARN != "":
		f.Target = p.RoleARN
	case p.Kind == KindIAMUser:
		f.Target = p.ARN
	}
	describe := fmt.Sprintf("No identity-based policy of %s (%s) allows %s", orDash(p.RoleName, p.ARN), p.Kind, m.Action)
	if m.Resource != "" {
		describe += " on " + m.Resource
	}
	if p.PermissionSet != "" {
		describe += ". Add this statement to its permission set " + p.PermissionSet
	} else {
		describe += ". Add this statement to one of its policies"
	}
	f.Advice = append(f.Advice, describe+".")
	f.Context = requestContext(&f, m, p)
	if p.PermissionSet != "" {
		f.Advice = append(f.Advice, permissionSetAdvice(p))
	}
	if p.Kind == KindFederatedUser {
		f.Advice = append(f.Advice, "A federated user session (GetFederationToken) may do what both the calling IAM user's policies and the session policy passed to GetFederationToken allow: add the statement to both.")
	}
	switch {
	case m.Ciphertext:
		f.Advice = append(f.Advice, fmt.Sprintf("AWS KMS names no key for a ciphertext, so the statement says Resource \"*\": replace it with the ARN of the key that encrypted the data (the keyId of the CloudTrail %s event, or the KMS key of the bucket, secret or parameter), and check that the key's policy allows the principal too.", m.Action))
	case m.Resource == "" && !onlyStar(m.Action):
		f.Advice = append(f.Advice, fmt.Sprintf("The message names no resource, so the statement says Resource \"*\": replace it with the ARN of what the request was for (%s supports resource-level permissions), or the role gets the action on everything.", m.Action))
	}
	switch {
	case callerAction(m.Action) && callerIdentity(p):
		f.Advice = append(f.Advice, fmt.Sprintf("%s is a caller permission: AWS checks it against the identity that calls the agent (here the %s), so the statement belongs in that identity's policy. The agent's execution role plays no part in this call; granting it there does not help.", m.Action, p.Kind))
	case p.Person && agentDataPlane[prefix] && !hasAnyPrefix(name, controlPlanePrefixes):
		f.Advice = append(f.Advice, fmt.Sprintf("This is a person's caller identity, not an agent's execution role. If the denial came from an agent run locally (agentcore launch --local, or tests on your machine), the agent used your credentials; in AgentCore Runtime it runs as its execution role, which is where %s belongs.", m.Action))
	}
	if !p.Person && p.Kind != KindRole && p.Kind != KindRoleSession && hasAnyPrefix(name, controlPlanePrefixes) && prefix == "bedrock-agentcore" {
		f.Advice = append(f.Advice, fmt.Sprintf("%s is a control-plane action, normally done by the deployer (caller policy), not by the %s at run time.", m.Action, p.Kind))
	}
	return f
}

// allowStatement allows exactly the denied request. An S3 ARN names no
// account and bucket names are global, so with the principal's account
// known the statement also pins aws:ResourceAccount to it: a bucket of
// the same name in another account stays out of reach.
func allowStatement(m Message, account string) *policy.Statement {
	resource := m.Resource
	if resource == "" || onlyStar(m.Action) {
		resource = "*"
	}
	_, name, _ := strings.Cut(canonicalAction(m.Action), ":")
	sid := "Allow" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, name)
	st := &policy.Statement{
		Sid:      &policy.String{Value: sid},
		Effect:   policy.String{Value: "Allow"},
		Action:   policy.NewStringList(canonicalAction(m.Action)),
		Resource: policy.NewStringList(resource),
	}
	if a, err := arn.Parse(resource); err == nil && a.Service == "s3" && a.Account == "" && account != "" {
		st.AddCondition("StringEquals", "aws:ResourceAccount", account)
	}
	return st
}

// onlyStar reports whether the action supports no resource-level
// permissions, so that Resource must be "*".
func onlyStar(action string) bool {
	a, err := catalog.LookupAction(action)
	return err == nil && len(a.Resources) == 0
}

// canonicalAction returns the catalog's spelling of the action when known.
func canonicalAction(action string) string {
	if a, err := catalog.LookupAction(action); err == nil {
		return a.FullName()
	}
	return action
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func orDash(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
