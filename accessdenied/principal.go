package accessdenied

import (
	"strings"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/arn"
)

// PrincipalKind says what kind of identity was denied. The distinction
// that matters most is between a person's caller identity and an agent's
// execution role: users often grant the permission to the wrong one.
type PrincipalKind string

const (
	KindIAMUser          PrincipalKind = "IAM user"
	KindRoot             PrincipalKind = "account root user"
	KindSSOSession       PrincipalKind = "IAM Identity Center (SSO) role session"
	KindAgentCoreRuntime PrincipalKind = "AgentCore runtime execution role session"
	KindCodeBuildRole    PrincipalKind = "AgentCore image-build (CodeBuild) role session"
	KindGatewayRole      PrincipalKind = "AgentCore gateway role session"
	KindBedrockAgentRole PrincipalKind = "Bedrock Agents service role session"
	KindRoleSession      PrincipalKind = "IAM role session"
	KindRole             PrincipalKind = "IAM role"
	KindFederatedUser    PrincipalKind = "federated user"
	KindService          PrincipalKind = "AWS service principal"
	// KindAnonymous is a caller that did not sign its request: AWS names
	// it "anonymous" in the message ("User: anonymous is not authorized
	// to perform: ..."). It has no identity and so no identity-based
	// policy; only a resource-based policy naming "Principal": "*" can
	// let it in (IAM User Guide, AWS JSON policy elements: Principal,
	// anonymous (public) principals,
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous).
	KindAnonymous PrincipalKind = "anonymous caller (unsigned request)"
	KindOther     PrincipalKind = "unrecognised principal"
)

// Principal describes the denied identity.
type Principal struct {
	ARN     string
	Kind    PrincipalKind
	Account string
	// RoleName and RoleARN are set for roles and role sessions; RoleARN is
	// where an identity-based policy has to be attached (for a session the
	// session ARN itself can never carry a policy).
	RoleName    string
	RoleARN     string
	SessionName string
	// Person is true when the identity is most likely a human's caller
	// identity (IAM user, root, SSO session, federated user).
	Person bool
	// PermissionSet is the IAM Identity Center permission set of an
	// AWSReservedSSO_{permission set}_{suffix} role session. Identity
	// Center provisions that role and its policies: the permission set is
	// what to change. The role's ARN has the path
	// /aws-reserved/sso.amazonaws.com/{region}/, the region of the
	// Identity Center instance (none for us-east-1), which a session ARN
	// does not give, so RoleARN stays empty and RoleARNPattern matches it.
	PermissionSet  string
	RoleARNPattern string
	// Region is the role's home region when its name tells it (the
	// starter toolkit's AmazonBedrockAgentCoreSDKRuntime-{region}-{hash}).
	Region string
}

// ssoRolePrefix starts the name of every role IAM Identity Center
// provisions for a permission set (IAM Identity Center user guide,
// "Referencing permission sets in resource policies").
const ssoRolePrefix = "AWSReservedSSO_"

// role name prefixes of roles created by the AgentCore starter toolkit,
// by agentiam (same names) and by the Bedrock console.
var rolePrefixes = []struct {
	prefix string
	kind   PrincipalKind
}{
	{"AmazonBedrockAgentCoreSDKRuntime-", KindAgentCoreRuntime},
	{"AmazonBedrockAgentCoreSDKCodeBuild-", KindCodeBuildRole},
	{"AgentCoreGatewayExecutionRole", KindGatewayRole},
	{"AmazonBedrockExecutionRoleForAgents_", KindBedrockAgentRole},
	{ssoRolePrefix, KindSSOSession},
}

// ClassifyPrincipal tells what the ARN in a message stands for. extraRoles
// maps role names known from a spec to their kind, for roles that do not
// follow the toolkit's naming.
func ClassifyPrincipal(s string, extraRoles map[string]PrincipalKind) Principal {
	p := Principal{ARN: s, Kind: KindOther}
	if strings.EqualFold(s, "anonymous") {
		p.Kind = KindAnonymous
		return p
	}
	if strings.HasSuffix(s, ".amazonaws.com") && !strings.HasPrefix(s, "arn:") {
		p.Kind = KindService
		return p
	}
	a, err := arn.Parse(s)
	if err != nil {
		return p
	}
	p.Account = a.Account
	switch a.Service {
	case "iam":
		switch {
		case a.Resource == "root":
			p.Kind, p.Person = KindRoot, true
		case strings.HasPrefix(a.Resource, "user/"):
			p.Kind, p.Person = KindIAMUser, true
		case strings.HasPrefix(a.Resource, "role/"):
			p.Kind = KindRole
			p.RoleARN = s
			p.RoleName = a.Resource[strings.LastIndexByte(a.Resource, '/')+1:]
			p.Kind = roleKind(p.RoleName, extraRoles, KindRole)
			p.withRoleDetails(a.Partition)
		}
	case "sts":
		switch {
		case strings.HasPrefix(a.Resource, "assumed-role/"):
			parts := strings.SplitN(strings.TrimPrefix(a.Resource, "assumed-role/"), "/", 2)
			p.RoleName = parts[0]
			if len(parts) == 2 {
				p.SessionName = parts[1]
			}
			// A session ARN drops the role's path; the role ARN without it is
			// still the right one for most roles, and the message gives no more.
			p.RoleARN = "arn:" + a.Partition + ":iam::" + a.Account + ":role/" + p.RoleName
			p.Kind = roleKind(p.RoleName, extraRoles, KindRoleSession)
			p.Person = p.Kind == KindSSOSession
			p.withRoleDetails(a.Partition)
		case strings.HasPrefix(a.Resource, "federated-user/"):
			p.Kind, p.Person = KindFederatedUser, true
		}
	}
	return p
}

func roleKind(name string, extra map[string]PrincipalKind, fallback PrincipalKind) PrincipalKind {
	if k, ok := extra[name]; ok {
		return k
	}
	for _, rp := range rolePrefixes {
		if strings.HasPrefix(name, rp.prefix) {
			return rp.kind
		}
	}
	return fallback
}

// withRoleDetails reads what a role's name tells: the permission set of
// an Identity Center role, the home region of a starter toolkit role.
func (p *Principal) withRoleDetails(partition string) {
	if rest, ok := strings.CutPrefix(p.RoleName, ssoRolePrefix); ok && p.Kind == KindSSOSession {
		if i := strings.LastIndexByte(rest, '_'); i > 0 {
			rest = rest[:i]
		}
		p.PermissionSet = rest
		if !strings.Contains(p.RoleARN, ":role/aws-reserved/") {
			p.RoleARN = "" // a session ARN, which drops the path
		}
		p.RoleARNPattern = "arn:" + partition + ":iam::" + p.Account + ":role/aws-reserved/sso.amazonaws.com/*" + p.RoleName
		return
	}
	for _, prefix := range []string{"AmazonBedrockAgentCoreSDKRuntime-", "AmazonBedrockAgentCoreSDKCodeBuild-"} {
		if rest, ok := strings.CutPrefix(p.RoleName, prefix); ok {
			if i := strings.LastIndexByte(rest, '-'); i > 0 && agentspec.KnownRegion(rest[:i]) {
				p.Region = rest[:i]
			}
		}
	}
}
