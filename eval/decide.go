package eval

import (
	"strings"

	"github.com/agentiam/agentiam/policy"
)

// decider runs the policies of a Set against one request. With a tracer,
// every policy is evaluated in full (the trace shows all of them) and
// the first denying policy is remembered; without one, the first
// explicit deny ends the decision.
type decider struct {
	s        *Set
	t        Tracer // nil: no tracing
	boundary bool   // a permissions boundary governs the principal
	denied   bool
	deniedBy PolicyRef
}

// run evaluates one policy; it reports false when the decision can stop
// at an explicit deny.
func (d *decider) run(rs *reqState, ref PolicyRef, pol *Policy, skip Skip) (verdict, bool) {
	if pol == nil {
		return verdict{}, true
	}
	if skip != SkipNone {
		if d.t != nil {
			d.t.Policy(PolicyEvent{Ref: ref, Source: pol.doc.Source, Result: ResultSkipped, Skip: skip})
		}
		return verdict{}, true
	}
	v := rs.evalPolicy(pol, ref, d.boundary, d.t)
	if v.deny && !d.denied {
		d.denied, d.deniedBy = true, ref
	}
	return v, !v.deny || d.t != nil
}

// orgLevels evaluates the SCPs or RCPs level by level and returns the
// first level that allows nothing (0 when every level allows). AWS
// attaches RCPFullAWSAccess to every root, OU and account and it cannot
// be detached, so every RCP level allows implicitly and only Deny
// statements in RCPs matter (Organizations User Guide, RCPs).
func (d *decider) orgLevels(rs *reqState, kind policy.Kind, levels [][]*Policy, skip Skip) (failedLevel int, goOn bool) {
	for li, level := range levels {
		allow := kind == policy.RCP
		for pi, pol := range level {
			v, goOn := d.run(rs, PolicyRef{Kind: kind, Level: li + 1, Index: pi}, pol, skip)
			if !goOn {
				return 0, false
			}
			allow = allow || v.allow
		}
		if !allow && failedLevel == 0 && skip == SkipNone {
			failedLevel = li + 1
		}
	}
	return failedLevel, true
}

// policies is what the policies of a Set said about a request.
type policies struct {
	identityAllow  bool
	boundaryOK     bool
	sessionOK      bool
	sessionGiven   bool
	res            verdict
	scpFailed      int  // the first SCP level that allows nothing
	endpointDenies bool // a VPC endpoint policy is given and does not allow
}

// decide applies the evaluation logic and says why.
func (s *Set) decide(rs *reqState, t Tracer) (Decision, Reason) {
	p := &rs.p
	if p.isIAM() && rs.actionSvcLower == "sts" && strings.EqualFold(rs.actionName, "GetCallerIdentity") {
		// "No permissions are required to perform this operation. If an
		// administrator attaches a policy to your identity that explicitly
		// denies access to the sts:GetCallerIdentity action, you can still
		// perform this operation." (STS API Reference, GetCallerIdentity)
		return Allowed, Reason{Code: ReasonCallerIdentity}
	}
	identityApplies := p.isIAM() && p.kind != principalRoot
	d := decider{s: s, t: t, boundary: s.Boundary != nil && identityApplies}
	ps, goOn := d.evalAll(rs, identityApplies)
	if !goOn {
		return ExplicitlyDenied, Reason{Code: ReasonExplicitDeny}
	}
	if d.denied {
		return ExplicitlyDenied, Reason{Code: ReasonExplicitDeny, Policy: d.deniedBy}
	}
	if ps.scpFailed > 0 {
		return ImplicitlyDenied, Reason{Code: ReasonNoSCPAllows, Level: ps.scpFailed}
	}
	if ps.endpointDenies {
		return ImplicitlyDenied, Reason{Code: ReasonNoEndpointAllows}
	}
	return s.combine(rs, &ps)
}

// evalAll evaluates every policy of the set in AWS's order: identity
// policies, boundary, session policy, resource policy, SCPs, RCPs, and
// the VPC endpoint policy.
func (d *decider) evalAll(rs *reqState, identityApplies bool) (policies, bool) {
	s, p := d.s, &rs.p
	ps := policies{boundaryOK: true, sessionOK: true, sessionGiven: s.Session != nil}
	skipIdentity := SkipNone
	if !identityApplies {
		skipIdentity = SkipIdentityNotIAM
	}
	for i, pol := range s.Identity {
		v, goOn := d.run(rs, PolicyRef{Kind: policy.Identity, Index: i}, pol, skipIdentity)
		if !goOn {
			return ps, false
		}
		ps.identityAllow = ps.identityAllow || v.allow
	}
	if s.Boundary != nil {
		v, goOn := d.run(rs, PolicyRef{Kind: policy.Boundary}, s.Boundary, skipIdentity)
		if !goOn {
			return ps, false
		}
		ps.boundaryOK = v.allow || !identityApplies
	}
	if s.Session != nil {
		v, goOn := d.run(rs, PolicyRef{Kind: policy.Session}, s.Session, skipIdentity)
		if !goOn {
			return ps, false
		}
		ps.sessionOK = v.allow || !identityApplies
	} else if p.kind == principalFederatedUser {
		// A federated user session (GetFederationToken) without a session
		// policy has no identity-based permissions; only a resource policy
		// naming the session grants it anything (IAM User Guide, policy
		// evaluation logic, session policies step).
		ps.sessionOK = false
	}
	if s.Resource != nil {
		v, goOn := d.run(rs, PolicyRef{Kind: policy.Resource}, s.Resource, rs.resourceSkip())
		if !goOn {
			return ps, false
		}
		ps.res = v
	}
	var goOn bool
	if ps.scpFailed, goOn = d.orgLevels(rs, policy.SCP, s.SCPs, s.scpSkip(rs)); !goOn {
		return ps, false
	}
	if _, goOn = d.orgLevels(rs, policy.RCP, s.RCPs, s.rcpSkip(rs)); !goOn {
		return ps, false
	}
	ps.endpointDenies, goOn = d.endpoint(rs)
	return ps, goOn
}

// endpoint evaluates the VPC endpoint policy, if any, and reports whether
// it leaves the request without an allow. "An endpoint policy does not
// override or replace identity-based policies or resource-based
// policies": it grants nothing and must allow the request, and its Deny
// statements deny. Under "Principals for gateway endpoints": "If you
// specify the principal in the format \"AWS\": \"account_id\", access is
// granted only to the AWS account root user, not all users and roles for
// the account" (AWS PrivateLink Guide, Control access to VPC endpoints
// using endpoint policies), so for a service with gateway endpoints an
// Allow that names the account does not let the account's users and roles
// through. Any other service is reached through an interface endpoint,
// whose policy names an account as a resource-based policy does.
//
// decision: Amazon S3 and DynamoDB have interface endpoints too, and a
// request does not say which kind it goes through: for them the endpoint
// is taken to be a gateway endpoint (the narrower reading).
func (d *decider) endpoint(rs *reqState) (denies, goOn bool) {
	if d.s.Endpoint == nil {
		return false, true
	}
	v, goOn := d.run(rs, PolicyRef{Kind: policy.VPCEndpoint}, d.s.Endpoint, SkipNone)
	return !v.allow || v.Grant == GrantAccount && gatewayEndpointService(rs.actionSvcLower), goOn
}

// gatewayEndpointService reports whether a service (lowercase prefix) is
// one that gateway VPC endpoints serve: Amazon S3 (and S3 Express One
// Zone) and DynamoDB.
func gatewayEndpointService(svc string) bool {
	return svc == "s3" || svc == "s3express" || svc == "dynamodb"
}

// otherPartition reports whether an IAM principal given by its ARN asks
// for a resource of another partition (aws, aws-cn, aws-us-gov ...). A
// bare account id does not say its partition.
func (rs *reqState) otherPartition() bool {
	return rs.resourcePartition != "" && strings.HasPrefix(rs.p.raw, "arn:") && rs.p.partition != rs.resourcePartition
}

// resourceSkip says why the resource policy does not apply to the
// request, if it does not: "the root principal in a bucket owner's AWS
// account can perform the GetBucketPolicy, PutBucketPolicy, and
// DeleteBucketPolicy API actions, even if their bucket policy explicitly
// denies the root principal's access. Bucket owner root principals can
// only be blocked from performing these API actions by VPC endpoint
// policies and AWS Organizations policies." (Amazon S3 API Reference)
func (rs *reqState) resourceSkip() Skip {
	if rs.p.kind == principalRoot && rs.p.account == rs.resourceAccount && rs.bucketPolicyAction() {
		return SkipResourceBucketOwnerRoot
	}
	return SkipNone
}

// scpSkip says why SCPs do not apply to the request, if they do not.
func (s *Set) scpSkip(rs *reqState) Skip {
	p, mgmt := &rs.p, rs.req.ManagementAccount
	switch {
	case !p.isIAM():
		return SkipSCPNotIAM
	case p.serviceLinked():
		return SkipSCPServiceLinked
	case mgmt != "" && p.account == mgmt:
		return SkipSCPManagementAccount
	}
	return SkipNone
}

// rcpSkip says why RCPs do not apply to the request, if they do not
// (Organizations User Guide, "Resources and entities not restricted by
// RCPs"): calls by service-linked roles; "RCPs also do not impact AWS
// services' ability to assume a service-linked role; that is, the
// service-linked role's trust policy is also not impacted by RCPs";
// resources of the management account; services that do not support
// RCPs; and "RCPs do not impact the kms:RetireGrant permission".
func (s *Set) rcpSkip(rs *reqState) Skip {
	mgmt := rs.req.ManagementAccount
	switch {
	case len(s.RCPs) == 0:
		return SkipNone
	case rs.p.serviceLinked():
		return SkipRCPServiceLinked
	case rs.resourcePolicyRequired() && rs.actionSvcLower == "sts" && rs.resourceIsServiceLinkedRole():
		return SkipRCPServiceLinkedTrust
	case mgmt != "" && rs.resourceAccount == mgmt:
		return SkipRCPManagementAccount
	case s.RCPServices != nil && !s.RCPServices[rs.actionSvcLower]:
		return SkipRCPUnsupported
	case rs.actionSvcLower == "kms" && strings.EqualFold(rs.actionName, "RetireGrant"):
		return SkipRCPExemptAction
	}
	return SkipNone
}

// resourceIsServiceLinkedRole reports whether the resource is an IAM
// role whose path is /aws-service-role/, as every service-linked role's is.
func (rs *reqState) resourceIsServiceLinkedRole() bool {
	_, rest, ok := strings.Cut(rs.resource, ":role/")
	return ok && rs.resourceService == "iam" && strings.HasPrefix(rest, "aws-service-role/")
}

// combine decides a request that no policy denied explicitly, from what
// the identity side and the resource policy said.
func (s *Set) combine(rs *reqState, ps *policies) (Decision, Reason) {
	p := &rs.p
	res := ps.res
	mustGrant := rs.resourcePolicyRequired()
	sameAccount := p.account != "" && p.account == rs.resourceAccount
	sides := Sides{Identity: ps.identityAllow, Boundary: ps.boundaryOK, Session: ps.sessionOK, SessionGiven: ps.sessionGiven}
	why := func(code ReasonCode) Reason { return Reason{Code: code, Grant: res.Grant, Sides: sides} }
	switch {
	case rs.bucketPolicyAction() && !sameAccount:
		// "the calling identity must both have the PutBucketPolicy
		// permissions on the specified bucket and belong to the bucket
		// owner's account" (Amazon S3 API Reference; S3 answers 405):
		// whatever the bucket policy grants, no caller outside that
		// account gets these operations, neither another account's
		// identity nor an AWS service principal nor an anonymous caller.
		return ImplicitlyDenied, why(ReasonBucketPolicyOtherAccount)
	case !p.isIAM():
		if res.allow {
			return Allowed, why(ReasonResourceGrantsNonIAM)
		}
		return ImplicitlyDenied, why(ReasonNonIAMNeedsResource)
	case rs.otherPartition():
		// "IAM roles and resource-based policies delegate access across
		// accounts only within a single partition." (IAM User Guide, How
		// IAM roles differ from resource-based policies)
		return ImplicitlyDenied, why(ReasonOtherPartition)
	case p.kind == principalRoot:
		switch {
		case sameAccount && !mustGrant:
			return Allowed, why(ReasonRootOwnAccount)
		case res.allow:
			return Allowed, why(ReasonRootResourceGrant)
		}
		return ImplicitlyDenied, why(ReasonRootDenied)
	}
	identitySide := ps.identityAllow && ps.boundaryOK && ps.sessionOK
	if !sameAccount {
		switch {
		case identitySide && res.allow:
			return Allowed, why(ReasonCrossAccountAllowed)
		case !res.allow:
			return ImplicitlyDenied, why(ReasonCrossAccountNoResource)
		}
		return ImplicitlyDenied, why(ReasonCrossAccountNoIdentity)
	}
	if res.allow && res.Grant != GrantAccount {
		switch {
		case res.Grant == GrantWildcard:
			return Allowed, why(ReasonResourceWildcard)
		case res.Grant >= GrantWildcard:
			return Allowed, why(ReasonResourceSession)
		case res.Grant == GrantUser && ps.sessionOK:
			return Allowed, why(ReasonResourceUser)
		case res.Grant == GrantRole && ps.boundaryOK && ps.sessionOK:
			return Allowed, why(ReasonResourceRole)
		case res.Grant == GrantFederatingUser && ps.boundaryOK && ps.sessionOK:
			return Allowed, why(ReasonResourceFederatingUser)
		}
	}
	switch {
	case mustGrant && !res.allow && s.Resource == nil:
		return ImplicitlyDenied, why(ReasonResourcePolicyMissing)
	case mustGrant && !res.allow:
		return ImplicitlyDenied, why(ReasonResourcePolicyDenies)
	case identitySide && res.allow && res.Grant == GrantAccount:
		return Allowed, why(ReasonAccountDelegation)
	case identitySide:
		return Allowed, why(ReasonIdentityAllows)
	case res.allow && res.Grant != GrantAccount:
		return ImplicitlyDenied, why(ReasonResourceGrantLimited)
	}
	return ImplicitlyDenied, why(ReasonIdentityGap)
}
