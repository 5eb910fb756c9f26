package eval

import (
	"strings"

	"github.com/agentiam/agentiam/policy"
)

// Documents are the policies in force for a request, before compilation.
type Documents struct {
	Identity []*policy.Document
	Resource *policy.Document
	Boundary *policy.Document
	Session  *policy.Document
	// Endpoint is the policy of the VPC endpoint the request goes
	// through; nil when it goes through none (or one with the default
	// full-access policy).
	Endpoint *policy.Document
	// SCPs and RCPs are given per level of the organization hierarchy,
	// root first; each level holds the policies attached at that level.
	// SCPs are those above the principal's account ("SCPs affect only
	// IAM users and roles that are managed by accounts that are part of
	// the organization": none for a principal of an account outside every
	// organization, whoever owns the resource); RCPs those above the
	// resource owner's account (none for a resource outside every
	// organization, whoever the principal is) (Organizations User Guide,
	// SCPs and RCPs).
	SCPs [][]*policy.Document
	RCPs [][]*policy.Document
	// RCPServices holds the lowercase prefixes of the services that RCPs
	// apply to (catalog.RCPServices gives AWS's list); RCPs are skipped
	// for the actions of other services. Nil means every service (for
	// callers that give no RCPs, or know the list does not matter). The
	// engine takes the list as data rather than reading the catalog.
	// Read only.
	RCPServices map[string]bool
}

// Set is the compiled policies in force for a request. Nil fields and
// empty lists mean the policy type is absent. A Set is read-only once
// built and safe for concurrent use.
type Set struct {
	Identity []*Policy
	Resource *Policy
	Boundary *Policy
	Session  *Policy
	Endpoint *Policy
	SCPs     [][]*Policy
	RCPs     [][]*Policy
	// RCPServices is Documents.RCPServices. Read only.
	RCPServices map[string]bool
}

// NewSet compiles every document for its place (see CompileAs).
func NewSet(d Documents) (*Set, error) {
	s := &Set{RCPServices: d.RCPServices}
	var err error
	one := func(doc *policy.Document, kind policy.Kind) *Policy {
		if doc == nil || err != nil {
			return nil
		}
		var p *Policy
		p, err = CompileAs(doc, kind)
		return p
	}
	for _, doc := range d.Identity {
		if p := one(doc, policy.Identity); p != nil {
			s.Identity = append(s.Identity, p)
		}
	}
	s.Resource, s.Boundary = one(d.Resource, policy.Resource), one(d.Boundary, policy.Boundary)
	s.Session, s.Endpoint = one(d.Session, policy.Session), one(d.Endpoint, policy.VPCEndpoint)
	levels := func(in [][]*policy.Document, kind policy.Kind) [][]*Policy {
		out := make([][]*Policy, 0, len(in))
		for _, level := range in {
			ps := make([]*Policy, 0, len(level))
			for _, doc := range level {
				if p := one(doc, kind); p != nil {
					ps = append(ps, p)
				}
			}
			out = append(out, ps)
		}
		return out
	}
	s.SCPs, s.RCPs = levels(d.SCPs, policy.SCP), levels(d.RCPs, policy.RCP)
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
	d, _ := s.decide(&rs, nil)
	return d, nil
}

// verdict is what one policy says about a request.
type verdict struct {
	deny  bool
	allow bool
	Grant Grant // for resource policies and RCPs: how the allowing statement named the principal
}

// evalPolicy evaluates one policy; with a tracer it checks every
// statement and sends its events, without one it stops as soon as the
// verdict is known.
func (rs *reqState) evalPolicy(p *Policy, ref PolicyRef, boundary bool, t Tracer) verdict {
	withPrincipal := ref.Kind == policy.Resource || ref.Kind == policy.RCP || ref.Kind == policy.VPCEndpoint
	if t != nil {
		return rs.tracePolicy(p, ref, withPrincipal, boundary, t)
	}
	var v verdict
	svc := rs.actionSvcLower
	for _, list := range [2][]int32{p.deny.lookup(svc), p.deny.anyService} {
		for _, i := range list {
			if ok, _, _, _ := p.stmts[i].check(rs, withPrincipal, boundary); ok {
				v.deny = true
				return v
			}
		}
	}
	for _, list := range [2][]int32{p.allow.lookup(svc), p.allow.anyService} {
		for _, i := range list {
			if ok, g, _, _ := p.stmts[i].check(rs, withPrincipal, boundary); ok {
				v.allow = true
				v.Grant = max(v.Grant, g)
				if !withPrincipal || g >= GrantWildcard {
					return v
				}
			}
		}
	}
	return v
}

// tracePolicy checks every statement of the policy in order, sending a
// StatementEvent for each and the PolicyEvent last.
func (rs *reqState) tracePolicy(p *Policy, ref PolicyRef, withPrincipal, boundary bool, t Tracer) verdict {
	var v verdict
	for i := range p.stmts {
		s := &p.stmts[i]
		ev := StatementEvent{Policy: ref, Index: int(s.index), Sid: s.sid(), Line: s.src.Pos.Line, Column: s.src.Pos.Column}
		if s.deny {
			ev.Effect = EffectDeny
		}
		ok, g, elem, cond := s.check(rs, withPrincipal, boundary)
		ev.Applied = ok
		switch {
		case !ok:
			ev.Failure = s.failure(rs, elem, cond)
		case s.deny:
			v.deny = true
		default:
			v.allow = true
			v.Grant = max(v.Grant, g)
		}
		if ok && withPrincipal {
			ev.Grant = g
		}
		t.Statement(ev)
	}
	pe := PolicyEvent{Ref: ref, Source: p.doc.Source, Result: ResultNoMatch}
	switch {
	case v.deny:
		pe.Result = ResultDeny
	case v.allow:
		pe.Result = ResultAllow
	}
	t.Policy(pe)
	return v
}

// check reports whether the statement applies to the request and how it
// named the principal; when it does not, which element failed (and for
// a condition, its index).
func (s *statement) check(rs *reqState, withPrincipal, boundary bool) (ok bool, g Grant, failed Element, cond int) {
	if !s.matchActions(rs) {
		if s.notAction {
			return false, 0, ElementNotAction, 0
		}
		return false, 0, ElementAction, 0
	}
	if !s.matchResources(rs) {
		if s.notResource {
			return false, 0, ElementNotResource, 0
		}
		return false, 0, ElementResource, 0
	}
	g = GrantWildcard
	if withPrincipal {
		switch {
		case s.principals == nil:
			return false, 0, ElementPrincipal, 0
		case s.notPrincipal:
			if s.notPrincipalExcludes(rs, boundary) {
				return false, 0, ElementNotPrincipal, 0
			}
		default:
			if g = s.principals.match(&rs.p); g == GrantNone {
				return false, 0, ElementPrincipal, 0
			}
		}
	}
	for i := range s.conditions {
		if !s.conditions[i].eval(rs) {
			return false, 0, ElementCondition, i
		}
	}
	return true, g, ElementNone, 0
}

// notPrincipalExcludes reports whether a NotPrincipal element spares the
// request's principal. AWS checks every identity a request carries (the
// account, then the role or user, then the session): a Deny spares the
// principal only when all of them are listed, an Allow grants it only
// when none is (IAM User Guide, NotPrincipal). A Deny with NotPrincipal
// always applies to a user or role that has a permissions boundary (IAM
// User Guide, permissions boundaries).
func (s *statement) notPrincipalExcludes(rs *reqState, boundary bool) bool {
	if s.deny {
		withBoundary := boundary && (rs.p.kind == principalUser || rs.p.kind == principalRole || rs.p.kind == principalSession)
		return !withBoundary && s.principals.excludes(&rs.p)
	}
	return s.principals.match(&rs.p) != GrantNone
}

// failure gathers the data that explains why the statement did not apply.
func (s *statement) failure(rs *reqState, elem Element, cond int) Failure {
	f := Failure{Element: elem}
	switch elem {
	case ElementAction:
		f.Patterns = make([]Value, len(s.actions))
		for i, a := range s.actions {
			f.Patterns[i] = Value{Written: a.raw, Resolved: a.raw}
		}
	case ElementResource, ElementNotResource:
		f.Patterns = make([]Value, len(s.resources))
		for i := range s.resources {
			f.Patterns[i] = s.resources[i].value(rs)
		}
	case ElementPrincipal:
		f.NoPrincipal = s.principals == nil
	case ElementCondition:
		f.Condition = s.conditions[cond].failure(rs)
	}
	return f
}

// trustActions are the STS actions that a role's trust policy (its
// resource policy) must allow, whatever the identity policies say.
var trustActions = map[string]bool{
	"assumerole": true, "assumerolewithsaml": true, "assumerolewithwebidentity": true,
	"tagsession": true, "setsourceidentity": true, "setcontext": true,
}

// bucketPolicyAction reports whether the request reads, writes or
// deletes an S3 bucket's own policy. Amazon S3 answers these only to
// identities of the bucket owner's account, and its root user can always
// perform them, whatever the bucket policy says (Amazon S3 API Reference,
// GetBucketPolicy, PutBucketPolicy, DeleteBucketPolicy).
func (rs *reqState) bucketPolicyAction() bool {
	if rs.actionSvcLower != "s3" {
		return false
	}
	for _, name := range [...]string{"GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy"} {
		if strings.EqualFold(rs.actionName, name) {
			return true
		}
	}
	return false
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
