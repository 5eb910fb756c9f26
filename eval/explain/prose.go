package explain

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
)

// Reason renders why the request of tr was decided as it was.
func Reason(tr *Trace, why eval.Reason) string {
	req := &tr.Request
	action, who := req.Action, Principal(req)
	switch why.Code {
	case eval.ReasonCallerIdentity:
		return "allowed: sts:GetCallerIdentity needs no permission and no policy, not even an explicit deny, can stop it (STS API Reference, GetCallerIdentity)"
	case eval.ReasonExplicitDeny:
		kind := Title(why.Policy.Kind)
		if why.Policy.Level > 0 {
			kind = fmt.Sprintf("%s (level %d)", kind, why.Policy.Level)
		}
		return fmt.Sprintf("explicitly denied by %s in the %s", denyStatement(tr.Find(why.Policy)), kind)
	case eval.ReasonNoSCPAllows:
		return fmt.Sprintf("implicitly denied: no SCP at level %d allows %s", why.Level, action)
	case eval.ReasonNoEndpointAllows:
		return fmt.Sprintf("implicitly denied: the VPC endpoint policy does not allow %s to %s (the policy of an S3 or DynamoDB gateway endpoint naming an account lets in only its root user)", action, who)
	case eval.ReasonResourceGrantsNonIAM:
		return fmt.Sprintf("allowed: the resource policy grants %s to %s", action, who)
	case eval.ReasonNonIAMNeedsResource:
		return fmt.Sprintf("implicitly denied: only a resource policy can grant %s to %s, and none does", action, who)
	case eval.ReasonRootOwnAccount:
		return "allowed: the root user has full access to its own account's resources"
	case eval.ReasonRootResourceGrant:
		return fmt.Sprintf("allowed: the resource policy grants %s to the account", action)
	case eval.ReasonRootDenied:
		return fmt.Sprintf("implicitly denied: the resource policy does not grant %s to the account's root user", action)
	case eval.ReasonCrossAccountAllowed:
		return fmt.Sprintf("allowed: cross-account request allowed by both the identity side and the resource policy of account %s", req.ResourceAccount)
	case eval.ReasonCrossAccountNoResource:
		return fmt.Sprintf("implicitly denied: cross-account request (principal account %s, resource account %s) needs the resource policy to allow it, and it does not", req.PrincipalAccount, req.ResourceAccount)
	case eval.ReasonCrossAccountNoIdentity:
		return "implicitly denied: cross-account request needs the identity side to allow it too: " + identityGap(why.Sides)
	case eval.ReasonOtherPartition:
		return fmt.Sprintf("implicitly denied: %s and %s are in different partitions, and no policy grants access across partitions", who, req.Resource)
	case eval.ReasonBucketPolicyOtherAccount:
		return fmt.Sprintf("implicitly denied: only identities of the bucket owner's account (%s) can call %s, whatever the policies allow; S3 answers 405 Method Not Allowed (Amazon S3 API Reference)", req.ResourceAccount, action)
	}
	return sameAccountReason(req, why)
}

// sameAccountReason renders the reasons of requests within one account.
func sameAccountReason(req *eval.RequestEvent, why eval.Reason) string {
	action := req.Action
	switch why.Code {
	case eval.ReasonResourceWildcard:
		return fmt.Sprintf("allowed: the resource policy grants %s to every principal (\"*\"); within the account identity policies, boundary and session policy do not limit it", action)
	case eval.ReasonResourceSession:
		return fmt.Sprintf("allowed: the resource policy names the session %s directly; identity policies, boundary and session policy do not limit it", req.Principal)
	case eval.ReasonResourceUser:
		return "allowed: the resource policy names the IAM user directly; identity policies and the permissions boundary do not limit it"
	case eval.ReasonResourceRole:
		return fmt.Sprintf("allowed: the resource policy grants %s to the role ARN, and the role's boundary and session policy allow it", action)
	case eval.ReasonResourceFederatingUser:
		return fmt.Sprintf("allowed: the resource policy grants %s to the IAM user who federated the session, and the user's boundary and the session policy allow it", action)
	case eval.ReasonResourcePolicyMissing:
		return fmt.Sprintf("implicitly denied: %s on %s needs the resource's own policy (trust or key policy) to allow it, and none was given", action, req.Resource)
	case eval.ReasonResourcePolicyDenies:
		return fmt.Sprintf("implicitly denied: %s on %s needs the resource's own policy (trust or key policy) to allow it, and it does not", action, req.Resource)
	case eval.ReasonAccountDelegation:
		return fmt.Sprintf("allowed: the resource policy delegates to the account and the identity policies allow %s", action)
	case eval.ReasonIdentityAllows:
		return fmt.Sprintf("allowed: an identity policy allows %s and no boundary, session policy or organization policy blocks it", action)
	case eval.ReasonResourceGrantLimited:
		return fmt.Sprintf("implicitly denied: the resource policy grants the %s, but the %s %s", why.Grant, limiter(why.Sides), action)
	case eval.ReasonIdentityGap:
		return "implicitly denied: " + identityGap(why.Sides)
	}
	return ""
}

func limiter(s eval.Sides) string {
	switch {
	case !s.Boundary:
		return "permissions boundary does not allow"
	case !s.SessionGiven:
		return "federated user session has no session policy, so nothing limited by one allows"
	}
	return "session policy does not allow"
}

func identityGap(s eval.Sides) string {
	switch {
	case !s.Identity:
		return "no identity policy allows it"
	case !s.Boundary:
		return "the permissions boundary does not allow it"
	case !s.Session && !s.SessionGiven:
		return "a federated user session without a session policy has no identity-based permissions"
	case !s.Session:
		return "the session policy does not allow it"
	}
	return "the identity side allows it"
}

func denyStatement(pt *Policy) string {
	if pt != nil {
		for _, st := range pt.Statements {
			if st.Applied && st.Effect == eval.EffectDeny {
				if st.Sid != "" {
					return fmt.Sprintf("statement %q (#%d)", st.Sid, st.Index)
				}
				return fmt.Sprintf("statement #%d", st.Index)
			}
		}
	}
	return "a statement"
}

// Principal describes the request's principal as explanations name it.
func Principal(req *eval.RequestEvent) string {
	switch req.PrincipalKind {
	case eval.PrincipalService:
		return "service principal " + req.Principal
	case eval.PrincipalWebIdentity:
		return "federated principal " + req.Principal
	case eval.PrincipalAnonymous:
		return "an anonymous caller"
	case eval.PrincipalRoot:
		return "the root user of " + req.PrincipalAccount
	}
	return req.Principal
}

// Title is the policy kind as explanations name it.
func Title(k policy.Kind) string {
	switch k {
	case policy.Identity:
		return "identity policy"
	case policy.Resource:
		return "resource policy"
	case policy.Boundary:
		return "permissions boundary"
	case policy.Session:
		return "session policy"
	case policy.SCP:
		return "SCP"
	case policy.RCP:
		return "RCP"
	case policy.VPCEndpoint:
		return "VPC endpoint policy"
	}
	return k.String()
}

// Skip renders why a policy type does not apply to the request.
func Skip(req *eval.RequestEvent, s eval.Skip) string {
	switch s {
	case eval.SkipIdentityNotIAM:
		return "identity-based policies apply only to IAM users and roles, not to " + Principal(req)
	case eval.SkipSCPNotIAM:
		return "SCPs do not apply to " + Principal(req)
	case eval.SkipSCPServiceLinked:
		return "SCPs do not apply to service-linked roles"
	case eval.SkipSCPManagementAccount:
		return "SCPs do not apply to principals of the management account"
	case eval.SkipRCPServiceLinked:
		return "RCPs do not apply to service-linked roles"
	case eval.SkipRCPManagementAccount:
		return "RCPs do not apply to resources of the management account"
	case eval.SkipRCPUnsupported:
		return "RCPs do not apply to " + req.ActionService + " (the service does not support RCPs)"
	case eval.SkipRCPExemptAction:
		return "RCPs do not restrict " + req.Action + " (Organizations User Guide)"
	case eval.SkipRCPServiceLinkedTrust:
		return "RCPs do not apply to the trust policy of a service-linked role"
	case eval.SkipResourceBucketOwnerRoot:
		return "the bucket owner's root user can always get, put and delete the bucket policy; only SCPs, RCPs and VPC endpoint policies can stop it (Amazon S3 API Reference)"
	}
	return ""
}

// Failure renders why a statement did not apply.
func Failure(req *eval.RequestEvent, f *eval.Failure) string {
	var b strings.Builder
	b.Grow(128)
	switch f.Element {
	case eval.ElementNotAction:
		b.WriteString("action ")
		b.WriteString(req.Action)
		b.WriteString(" is listed in NotAction")
	case eval.ElementAction:
		b.WriteString("action ")
		b.WriteString(req.Action)
		b.WriteString(" does not match ")
		writeValues(&b, f.Patterns, false)
	case eval.ElementNotResource:
		b.WriteString("resource ")
		b.WriteString(req.Resource)
		b.WriteString(" is covered by NotResource ")
		writeValues(&b, f.Patterns, false)
	case eval.ElementResource:
		b.WriteString("resource ")
		b.WriteString(req.Resource)
		b.WriteString(" does not match ")
		writeValues(&b, f.Patterns, false)
	case eval.ElementPrincipal:
		if f.NoPrincipal {
			return "statement has no Principal or NotPrincipal"
		}
		return "principal " + req.Principal + " is not named by Principal"
	case eval.ElementNotPrincipal:
		return "principal " + req.Principal + " (or its role or account) is listed in NotPrincipal"
	case eval.ElementCondition:
		return condition(f.Condition)
	}
	return b.String()
}

// writeValues lists policy values, resolved where they hold variables;
// quoted, they are Go-quoted (as condition values are shown).
func writeValues(b *strings.Builder, vs []eval.Value, quoted bool) {
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		switch {
		case v.Missing && quoted:
			b.WriteString(strconv.Quote(v.Written) + " (variable has no value)")
		case v.Missing:
			b.WriteString(v.Written + " (variable has no value)")
		case quoted && v.Vars:
			b.WriteString(strconv.Quote(v.Resolved))
		case quoted:
			b.WriteString(strconv.Quote(v.Written))
		case v.Vars:
			b.WriteString(v.Resolved + " (from " + v.Written + ")")
		default:
			b.WriteString(v.Resolved)
		}
	}
}

// joinValues is writeValues into a new string.
func joinValues(vs []eval.Value, quoted bool) string {
	var b strings.Builder
	writeValues(&b, vs, quoted)
	return b.String()
}

func condition(c *eval.ConditionFailure) string {
	if c == nil {
		return ""
	}
	policyVals := joinValues(c.Patterns, true)
	switch {
	case c.Null:
		presence := "present"
		if c.Absent {
			presence = "absent"
		}
		return fmt.Sprintf("condition %s Null failed: key is %s, policy wants Null = %s", c.Key, presence, policyVals)
	case c.Absent && c.ForAnyValue:
		return fmt.Sprintf("condition %s %s failed: key is absent from the request (ForAnyValue needs at least one value)", c.Key, c.Operator)
	case c.Absent:
		return fmt.Sprintf("condition %s %s failed: key is absent from the request (use %sIfExists to accept absence)", c.Key, c.Operator, c.Operator)
	case c.EmptyStrings:
		return fmt.Sprintf("condition %s %s failed: the key's values are empty strings, a null data set (ForAnyValue needs at least one value)", c.Key, c.Operator)
	}
	quoted := make([]string, len(c.Values))
	for i, v := range c.Values {
		quoted[i] = strconv.Quote(v)
	}
	return fmt.Sprintf("condition %s %s failed: value %s vs pattern %s", c.Key, c.Operator, strings.Join(quoted, ", "), policyVals)
}
