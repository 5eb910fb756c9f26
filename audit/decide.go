package audit

import (
	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/eval/explain"
	"github.com/agentiam/agentiam/policy"
)

// What defeats a candidate that a policy would grant on its own.
const (
	byExplicitDeny = "explicit-deny"
	byBoundary     = "permissions-boundary"
	byOrganization = "organization-policy"
	byCondition    = "condition"
)

// scene is the policies a probe is decided against: the effective set,
// and the policies whose loose forms say whether anything was granted
// at all.
type scene struct {
	set *eval.Set
	// looseIdentity / looseResource: the policies whose Allow statements
	// (conditions dropped) make a candidate.
	looseIdentity []*compiled
	looseResource *compiled
	// policies named in traces, by kind and index
	identity []*compiled
	resource *compiled
	boundary *compiled
}

// outcome is a probe's decision.
type outcome struct {
	allowed bool
	// defeatedBy is set when the probe is denied but the loose policies
	// would allow it: a candidate a deny, boundary, organization policy
	// or condition defeats.
	defeatedBy string
}

// decide evaluates one request.
func (sc *scene) decide(req *eval.Request) (outcome, error) {
	d, err := sc.set.Evaluate(req)
	if err != nil {
		return outcome{}, err
	}
	if d == eval.Allowed {
		return outcome{allowed: true}, nil
	}
	loose, err := sc.loose()
	if err != nil {
		return outcome{}, err
	}
	if ld, err := loose.Evaluate(req); err != nil || ld != eval.Allowed {
		return outcome{}, err
	}
	tr, err := explain.Explain(sc.set, req)
	if err != nil {
		return outcome{}, err
	}
	return outcome{defeatedBy: defeat(tr)}, nil
}

// loose builds the set of loose policies: identity and resource policies
// reduced to their Allow statements without conditions, no boundary, no
// organization policies.
func (sc *scene) loose() (*eval.Set, error) {
	s := &eval.Set{}
	for _, c := range sc.looseIdentity {
		p, err := c.loosened()
		if err != nil {
			return nil, err
		}
		s.Identity = append(s.Identity, p)
	}
	if sc.looseResource != nil {
		p, err := sc.looseResource.loosened()
		if err != nil {
			return nil, err
		}
		s.Resource = p
	} else {
		s.Resource = sc.set.Resource
	}
	return s, nil
}

// defeat says what denied a request that the loose policies allow,
// from the decision's typed reason.
func defeat(tr *explain.Trace) string {
	why := tr.Why
	switch why.Code {
	case eval.ReasonExplicitDeny:
		if why.Policy.Kind == policy.SCP || why.Policy.Kind == policy.RCP {
			return byOrganization
		}
		return byExplicitDeny
	case eval.ReasonNoSCPAllows:
		return byOrganization
	case eval.ReasonIdentityGap, eval.ReasonResourceGrantLimited, eval.ReasonCrossAccountNoIdentity:
		if why.Sides.Identity && !why.Sides.Boundary {
			return byBoundary
		}
	}
	return byCondition
}

// allowingStatements lists the Allow statements that applied to the
// decision, in the policies of the scene.
func (sc *scene) allowingStatements(tr *explain.Trace) []StatementRef {
	var out []StatementRef
	for _, p := range tr.Policies {
		var c *compiled
		switch {
		case p.Kind == policy.Identity && p.Index < len(sc.identity):
			c = sc.identity[p.Index]
		case p.Kind == policy.Resource:
			c = sc.resource
		}
		if c == nil || c.synthetic {
			continue
		}
		for _, st := range p.Statements {
			if st.Applied && st.Effect == eval.EffectAllow {
				out = append(out, StatementRef{Policy: c.name, Kind: c.kind, Index: st.Index, Sid: st.Sid, Line: st.Line})
			}
		}
	}
	return out
}

// example writes the request and the scene's documents as a
// `simulate --batch` line.
func (sc *scene) example(id string, req *eval.Request, ctx map[string][]string) *Example {
	e := &Example{ID: id, Principal: req.Principal, Action: req.Action, Resource: req.Resource, Context: ctx}
	for _, c := range sc.identity {
		e.IdentityPolicies = append(e.IdentityPolicies, c.doc)
	}
	if sc.resource != nil {
		e.ResourcePolicy = sc.resource.doc
	}
	if sc.boundary != nil {
		e.PermissionBoundary = sc.boundary.doc
	}
	return e
}
