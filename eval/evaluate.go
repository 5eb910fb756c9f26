package eval

import (
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/catalog"
	"github.com/agentiam/agentiam/policy"
)

// Documents are the policies in force for a request, before compilation.
type Documents struct {
	Identity []*policy.Document
	Resource *policy.Document
	Boundary *policy.Document
	Session  *policy.Document
	// SCPs and RCPs are given per level of the organization hierarchy,
	// root first; each level holds the policies attached at that level.
	SCPs [][]*policy.Document
	RCPs [][]*policy.Document
}

// Set is the compiled policies in force for a request. Nil fields and
// empty lists mean the policy type is absent. A Set is read-only once
// built and safe for concurrent use.
type Set struct {
	Identity []*Policy
	Resource *Policy
	Boundary *Policy
	Session  *Policy
	SCPs     [][]*Policy
	RCPs     [][]*Policy
}

// NewSet compiles every document.
func NewSet(d Documents) (*Set, error) {
	s := &Set{}
	var err error
	one := func(doc *policy.Document) *Policy {
		if doc == nil || err != nil {
			return nil
		}
		var p *Policy
		p, err = Compile(doc)
		return p
	}
	for _, doc := range d.Identity {
		if p := one(doc); p != nil {
			s.Identity = append(s.Identity, p)
		}
	}
	s.Resource, s.Boundary, s.Session = one(d.Resource), one(d.Boundary), one(d.Session)
	levels := func(in [][]*policy.Document) [][]*Policy {
		out := make([][]*Policy, 0, len(in))
		for _, level := range in {
			ps := make([]*Policy, 0, len(level))
			for _, doc := range level {
				if p := one(doc); p != nil {
					ps = append(ps, p)
				}
			}
			out = append(out, ps)
		}
		return out
	}
	s.SCPs, s.RCPs = levels(d.SCPs), levels(d.RCPs)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Evaluate decides the request. It allocates nothing for the decision
// itself; an error means the request is malformed.
func (s *Set) Evaluate(req *Request) (Decision, error) {
	var rs reqState
	if err := rs.init(req); err != nil {
		return ImplicitlyDenied, err
	}
	return s.decide(&rs, nil), nil
}

// Explain decides the request and returns the trace of every policy and
// statement considered.
func (s *Set) Explain(req *Request) (*Trace, error) {
	var rs reqState
	if err := rs.init(req); err != nil {
		return nil, err
	}
	tr := &Trace{
		Principal:       req.Principal,
		Action:          req.Action,
		Resource:        req.Resource,
		ResourceAccount: rs.resourceAccount,
	}
	tr.Decision = s.decide(&rs, tr)
	return tr, nil
}

// verdict is what one policy says about a request.
type verdict struct {
	deny  bool
	allow bool
	grant grant // for resource policies and RCPs: how the allowing statement named the principal
}

// evalPolicy evaluates one policy; with a trace it records every
// statement, without it it stops as soon as the verdict is known.
func (rs *reqState) evalPolicy(p *Policy, kind policy.Kind, boundary bool, pt *PolicyTrace) verdict {
	withPrincipal := kind == policy.Resource || kind == policy.RCP
	var v verdict
	if pt != nil {
		for _, s := range p.stmts {
			st := StatementTrace{Index: s.index, Sid: s.sid, Effect: effectName(s.deny), Line: s.src.Pos.Line, Column: s.src.Pos.Column}
			ok, g, elem, why := s.check(rs, withPrincipal, boundary, true)
			st.Applied, st.FailedElement, st.Reason = ok, elem, why
			if ok {
				if s.deny {
					v.deny = true
				} else {
					v.allow = true
					v.grant = max(v.grant, g)
				}
				if withPrincipal {
					st.Grant = g.String()
				}
			}
			pt.Statements = append(pt.Statements, st)
		}
		switch {
		case v.deny:
			pt.Result = "Deny"
		case v.allow:
			pt.Result = "Allow"
		default:
			pt.Result = "NoMatch"
		}
		return v
	}
	svc := rs.actionSvcLower
	for _, list := range [2][]*statement{p.deny.byService[svc], p.deny.anyService} {
		for _, s := range list {
			if ok, _, _, _ := s.check(rs, withPrincipal, boundary, false); ok {
				v.deny = true
				return v
			}
		}
	}
	for _, list := range [2][]*statement{p.allow.byService[svc], p.allow.anyService} {
		for _, s := range list {
			if ok, g, _, _ := s.check(rs, withPrincipal, boundary, false); ok {
				v.allow = true
				v.grant = max(v.grant, g)
				if !withPrincipal || g >= grantWildcard {
					return v
				}
			}
		}
	}
	return v
}

// check reports whether the statement applies to the request and how it
// named the principal. With explain set, a statement that does not apply
// also says which element failed and why.
func (s *statement) check(rs *reqState, withPrincipal, boundary, explain bool) (ok bool, g grant, element, reason string) {
	if !s.matchActions(rs) {
		if !explain {
			return false, 0, "", ""
		}
		if s.notAction {
			return false, 0, "NotAction", fmt.Sprintf("action %s is listed in NotAction", rs.action)
		}
		return false, 0, "Action", fmt.Sprintf("action %s does not match %s", rs.action, joinActions(s.actions))
	}
	if !s.matchResources(rs) {
		if !explain {
			return false, 0, "", ""
		}
		if s.notResource {
			return false, 0, "NotResource", fmt.Sprintf("resource %s is covered by NotResource %s", rs.resource, s.explainResources(rs))
		}
		return false, 0, "Resource", fmt.Sprintf("resource %s does not match %s", rs.resource, s.explainResources(rs))
	}
	g = grantWildcard
	if withPrincipal {
		switch {
		case s.principals == nil:
			if explain {
				return false, 0, "Principal", "statement has no Principal or NotPrincipal"
			}
			return false, 0, "", ""
		case s.notPrincipal:
			// AWS checks every identity a request carries (the account,
			// then the role or user, then the session): a Deny spares
			// the principal only when all of them are listed, an Allow
			// grants it only when none is (IAM User Guide, NotPrincipal).
			// A Deny with NotPrincipal always applies to a user or role
			// that has a permissions boundary (IAM User Guide, permissions boundaries).
			var excluded bool
			if s.deny {
				withBoundary := boundary && (rs.p.kind == principalUser || rs.p.kind == principalRole || rs.p.kind == principalSession)
				excluded = !withBoundary && s.principals.excludes(&rs.p)
			} else {
				excluded = s.principals.match(&rs.p) != grantNone
			}
			if excluded {
				if explain {
					return false, 0, "NotPrincipal", fmt.Sprintf("principal %s (or its role or account) is listed in NotPrincipal", rs.p.raw)
				}
				return false, 0, "", ""
			}
		default:
			g = s.principals.match(&rs.p)
			if g == grantNone {
				if explain {
					return false, 0, "Principal", fmt.Sprintf("principal %s is not named by Principal", rs.p.raw)
				}
				return false, 0, "", ""
			}
		}
	}
	for i := range s.conditions {
		c := &s.conditions[i]
		if !c.eval(rs) {
			if explain {
				return false, 0, "Condition", c.explain(rs)
			}
			return false, 0, "", ""
		}
	}
	return true, g, "", ""
}

func effectName(deny bool) string {
	if deny {
		return "Deny"
	}
	return "Allow"
}

func joinActions(as []actionPattern) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.raw
	}
	return strings.Join(parts, ", ")
}

func (s *statement) explainResources(rs *reqState) string {
	parts := make([]string, len(s.resources))
	for i := range s.resources {
		t := &s.resources[i].tmpl
		if v, ok := t.expand(rs); !ok {
			parts[i] = t.raw + " (variable has no value)"
		} else if t.hasVars() {
			parts[i] = v + " (from " + t.raw + ")"
		} else {
			parts[i] = v
		}
	}
	return strings.Join(parts, ", ")
}

// trustActions are the STS actions that a role's trust policy (its
// resource policy) must allow, whatever the identity policies say.
var trustActions = map[string]bool{
	"assumerole": true, "assumerolewithsaml": true, "assumerolewithwebidentity": true,
	"tagsession": true, "setsourceidentity": true, "setcontext": true,
}

// resourcePolicyRequired reports whether the resource's own policy must
// grant access: role trust policies for sts:AssumeRole*, and KMS key
// policies (IAM policies only work when the key policy delegates to the
// account).
func (rs *reqState) resourcePolicyRequired() bool {
	switch rs.actionSvcLower {
	case "sts":
		return rs.resourceService == "iam" && trustActions[lowerASCII(rs.actionName)]
	case "kms":
		return rs.resourceService == "kms" && strings.Contains(rs.resource, ":key/")
	}
	return false
}

// decide applies the evaluation logic. tr, when not nil, receives the
// trace and the reason for the decision.
func (s *Set) decide(rs *reqState, tr *Trace) Decision {
	p := &rs.p
	mgmt := rs.req.ManagementAccount
	iamPrincipal := p.isIAM()
	identityApplies := iamPrincipal && p.kind != principalRoot
	scpApplies := iamPrincipal && !p.serviceLinked() && (mgmt == "" || p.account != mgmt)
	rcpApplies := len(s.RCPs) > 0 && !p.serviceLinked() && (mgmt == "" || rs.resourceAccount != mgmt) && catalog.RCPSupported(rs.actionSvcLower)
	boundary := s.Boundary != nil && identityApplies

	if iamPrincipal && rs.actionSvcLower == "sts" && strings.EqualFold(rs.actionName, "GetCallerIdentity") {
		// "No permissions are required to perform this operation. If an
		// administrator attaches a policy to your identity that explicitly
		// denies access to the sts:GetCallerIdentity action, you can still
		// perform this operation." (STS API Reference, GetCallerIdentity)
		if tr != nil {
			tr.Reason = "allowed: sts:GetCallerIdentity needs no permission and no policy, not even an explicit deny, can stop it (STS API Reference, GetCallerIdentity)"
		}
		return Allowed
	}

	deniedAt := -1 // index in tr.Policies of the first denying policy
	deniedKind := ""
	record := func(kind policy.Kind, level, index int, pol *Policy, skip string) *PolicyTrace {
		if tr == nil {
			return nil
		}
		tr.Policies = append(tr.Policies, PolicyTrace{Kind: kind, Level: level, Index: index, Source: pol.doc.Source, Skipped: skip})
		pt := &tr.Policies[len(tr.Policies)-1]
		if skip != "" {
			pt.Result = "Skipped"
			return nil
		}
		return pt
	}
	// run evaluates one policy; it reports false when the fast path can
	// stop because of an explicit deny.
	run := func(kind policy.Kind, level, index int, pol *Policy, skip string) (verdict, bool) {
		if pol == nil {
			return verdict{}, true
		}
		pt := record(kind, level, index, pol, skip)
		if skip != "" {
			return verdict{}, true
		}
		v := rs.evalPolicy(pol, kind, boundary, pt)
		if v.deny {
			if tr == nil {
				return v, false
			}
			if deniedAt < 0 {
				deniedAt, deniedKind = len(tr.Policies)-1, title(kind)
				if level > 0 {
					deniedKind = fmt.Sprintf("%s (level %d)", deniedKind, level)
				}
			}
		}
		return v, true
	}

	// Skip reasons are only spelled out for a trace; the fast path needs
	// them non-empty, not allocated.
	skipIdentity := ""
	if !identityApplies {
		skipIdentity = "identity-based policies apply only to IAM users and roles"
		if tr != nil {
			skipIdentity += ", not to " + describePrincipal(p)
		}
	}
	identityAllow := false
	for i, pol := range s.Identity {
		v, goOn := run(policy.Identity, 0, i, pol, skipIdentity)
		if !goOn {
			return ExplicitlyDenied
		}
		identityAllow = identityAllow || v.allow
	}
	boundaryOK, sessionOK := true, true
	if s.Boundary != nil {
		v, goOn := run(policy.Boundary, 0, 0, s.Boundary, skipIdentity)
		if !goOn {
			return ExplicitlyDenied
		}
		boundaryOK = v.allow || !identityApplies
	}
	if s.Session != nil {
		v, goOn := run(policy.Session, 0, 0, s.Session, skipIdentity)
		if !goOn {
			return ExplicitlyDenied
		}
		sessionOK = v.allow || !identityApplies
	} else if p.kind == principalFederatedUser {
		// A federated user session (GetFederationToken) without a session
		// policy has no identity-based permissions; only a resource policy
		// naming the session grants it anything (IAM User Guide, policy
		// evaluation logic, session policies step).
		sessionOK = false
	}
	sessionGiven := s.Session != nil
	var res verdict
	if s.Resource != nil {
		v, goOn := run(policy.Resource, 0, 0, s.Resource, "")
		if !goOn {
			return ExplicitlyDenied
		}
		res = v
	}
	// AWS attaches RCPFullAWSAccess to every root, OU and account and it
	// cannot be detached, so every RCP level allows implicitly and only
	// Deny statements in RCPs matter (Organizations User Guide, RCPs).
	orgLevels := func(kind policy.Kind, levels [][]*Policy, skip string) (failedLevel int, ok bool) {
		for li, level := range levels {
			allow := kind == policy.RCP
			for pi, pol := range level {
				v, goOn := run(kind, li+1, pi, pol, skip)
				if !goOn {
					return 0, false
				}
				allow = allow || v.allow
			}
			if !allow && failedLevel == 0 && skip == "" {
				failedLevel = li + 1
			}
		}
		return failedLevel, true
	}
	scpSkip := ""
	switch {
	case !iamPrincipal:
		scpSkip = "SCPs apply only to IAM users and roles of member accounts"
		if tr != nil {
			scpSkip = "SCPs do not apply to " + describePrincipal(p)
		}
	case p.serviceLinked():
		scpSkip = "SCPs do not apply to service-linked roles"
	case !scpApplies:
		scpSkip = "SCPs do not apply to principals of the management account"
	}
	scpFailed, goOn := orgLevels(policy.SCP, s.SCPs, scpSkip)
	if !goOn {
		return ExplicitlyDenied
	}
	rcpSkip := ""
	if !rcpApplies && len(s.RCPs) > 0 {
		switch {
		case p.serviceLinked():
			rcpSkip = "RCPs do not apply to service-linked roles"
		case mgmt != "" && rs.resourceAccount == mgmt:
			rcpSkip = "RCPs do not apply to resources of the management account"
		default:
			rcpSkip = "RCPs do not apply to this service"
			if tr != nil {
				rcpSkip = "RCPs do not apply to " + rs.actionService + " (the service does not support RCPs)"
			}
		}
	}
	_, goOn = orgLevels(policy.RCP, s.RCPs, rcpSkip)
	if !goOn {
		return ExplicitlyDenied
	}

	if deniedAt >= 0 {
		tr.Reason = fmt.Sprintf("explicitly denied by %s in the %s", denyStatement(&tr.Policies[deniedAt]), deniedKind)
		return ExplicitlyDenied
	}
	// why records the decision's reason; callers guard it with tr != nil
	// so that the fast path does not box its arguments.
	why := func(format string, args ...any) { tr.Reason = fmt.Sprintf(format, args...) }
	if scpFailed > 0 {
		if tr != nil {
			why("implicitly denied: no SCP at level %d allows %s", scpFailed, rs.action)
		}
		return ImplicitlyDenied
	}

	mustGrant := rs.resourcePolicyRequired()
	sameAccount := p.account != "" && p.account == rs.resourceAccount
	switch {
	case !iamPrincipal:
		if res.allow {
			if tr != nil {
				why("allowed: the resource policy grants %s to %s", rs.action, describePrincipal(p))
			}
			return Allowed
		}
		if tr != nil {
			why("implicitly denied: only a resource policy can grant %s to %s, and none does", rs.action, describePrincipal(p))
		}
		return ImplicitlyDenied
	case p.kind == principalRoot:
		if res.allow || (sameAccount && !mustGrant) {
			if tr != nil {
				why("allowed: the root user has full access to its own account's resources")
			}
			if !sameAccount || mustGrant {
				if tr != nil {
					why("allowed: the resource policy grants %s to the account", rs.action)
				}
			}
			return Allowed
		}
		if tr != nil {
			why("implicitly denied: the resource policy does not grant %s to the account's root user", rs.action)
		}
		return ImplicitlyDenied
	}
	identitySide := identityAllow && boundaryOK && sessionOK
	if !sameAccount {
		if identitySide && res.allow {
			if tr != nil {
				why("allowed: cross-account request allowed by both the identity side and the resource policy of account %s", rs.resourceAccount)
			}
			return Allowed
		}
		if !res.allow {
			if tr != nil {
				why("implicitly denied: cross-account request (principal account %s, resource account %s) needs the resource policy to allow it, and it does not", p.account, rs.resourceAccount)
			}
		} else {
			if tr != nil {
				why("implicitly denied: cross-account request needs the identity side to allow it too: %s", identityGap(identityAllow, boundaryOK, sessionOK, sessionGiven))
			}
		}
		return ImplicitlyDenied
	}
	if res.allow && res.grant != grantAccount {
		switch {
		case res.grant == grantWildcard:
			if tr != nil {
				why("allowed: the resource policy grants %s to every principal (\"*\"); within the account identity policies, boundary and session policy do not limit it", rs.action)
			}
			return Allowed
		case res.grant >= grantWildcard:
			if tr != nil {
				why("allowed: the resource policy names the session %s directly; identity policies, boundary and session policy do not limit it", p.raw)
			}
			return Allowed
		case res.grant == grantUser && sessionOK:
			if tr != nil {
				why("allowed: the resource policy names the IAM user directly; identity policies and the permissions boundary do not limit it")
			}
			return Allowed
		case res.grant == grantRole && boundaryOK && sessionOK:
			if tr != nil {
				why("allowed: the resource policy grants %s to the role ARN, and the role's boundary and session policy allow it", rs.action)
			}
			return Allowed
		}
	}
	if mustGrant && !res.allow {
		if s.Resource == nil {
			if tr != nil {
				why("implicitly denied: %s on %s needs the resource's own policy (trust or key policy) to allow it, and none was given", rs.action, rs.resource)
			}
		} else {
			if tr != nil {
				why("implicitly denied: %s on %s needs the resource's own policy (trust or key policy) to allow it, and it does not", rs.action, rs.resource)
			}
		}
		return ImplicitlyDenied
	}
	if identitySide {
		if res.allow && res.grant == grantAccount {
			if tr != nil {
				why("allowed: the resource policy delegates to the account and the identity policies allow %s", rs.action)
			}
		} else {
			if tr != nil {
				why("allowed: an identity policy allows %s and no boundary, session policy or organization policy blocks it", rs.action)
			}
		}
		return Allowed
	}
	if res.allow && res.grant != grantAccount {
		if tr != nil {
			why("implicitly denied: the resource policy grants the %s, but the %s %s", res.grant, limiter(boundaryOK, sessionGiven), rs.action)
		}
		return ImplicitlyDenied
	}
	if tr != nil {
		why("implicitly denied: %s", identityGap(identityAllow, boundaryOK, sessionOK, sessionGiven))
	}
	return ImplicitlyDenied
}

func limiter(boundaryOK, sessionGiven bool) string {
	switch {
	case !boundaryOK:
		return "permissions boundary does not allow"
	case !sessionGiven:
		return "federated user session has no session policy, so nothing limited by one allows"
	}
	return "session policy does not allow"
}

func identityGap(identityAllow, boundaryOK, sessionOK, sessionGiven bool) string {
	switch {
	case !identityAllow:
		return "no identity policy allows it"
	case !boundaryOK:
		return "the permissions boundary does not allow it"
	case !sessionOK && !sessionGiven:
		return "a federated user session without a session policy has no identity-based permissions"
	case !sessionOK:
		return "the session policy does not allow it"
	}
	return "the identity side allows it"
}

func denyStatement(pt *PolicyTrace) string {
	for _, st := range pt.Statements {
		if st.Applied && st.Effect == "Deny" {
			if st.Sid != "" {
				return fmt.Sprintf("statement %q (#%d)", st.Sid, st.Index)
			}
			return fmt.Sprintf("statement #%d", st.Index)
		}
	}
	return "a statement"
}

func describePrincipal(p *principal) string {
	switch p.kind {
	case principalService:
		return "service principal " + p.raw
	case principalWebIdentity:
		return "federated principal " + p.raw
	case principalRoot:
		return "the root user of " + p.account
	}
	return p.raw
}
