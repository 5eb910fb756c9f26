package prove

import (
	"fmt"

	"github.com/agentiam/agentiam/policy"
)

// grants names, for each counterexample, the statements of NEW that
// allow it: each Allow statement is decided alone, in NEW's place. For an
// RCP, which allows implicitly, it names the Deny statements of OLD
// that refuse it instead.
func (p *prover) grants() []Reason {
	var out []Reason
	for i := range p.res.Counterexamples {
		r := &p.res.Counterexamples[i]
		found := false
		for _, s := range p.stmts {
			want := s.side == New && !s.deny && !s.boundary
			if p.opts.Kind == policy.RCP {
				want = s.side == Old && s.deny
			}
			if !want || !p.alone(s, r) {
				continue
			}
			found = true
			ref := s.ref()
			out = append(out, Reason{Kind: Grants, Statement: &ref, Counterexample: i, Description: grantText(p.opts.Kind, ref, r, p.old.boundary != nil)})
		}
		if !found {
			out = append(out, Reason{Kind: Grants, Counterexample: i, Description: fmt.Sprintf("new policy allows %s on %s only through several statements together", r.Action, r.Resource)})
		}
	}
	return out
}

func grantText(kind policy.Kind, ref StatementRef, r *Request, oldBounded bool) string {
	if kind == policy.RCP {
		return fmt.Sprintf("%s statement %d%s denies %s on %s; the new policy does not", ref.Source, ref.StatementIndex, sidText(ref.Sid), r.Action, r.Resource)
	}
	old := "the old policy does not"
	if oldBounded {
		old = "the old policies within their boundary do not"
	}
	return fmt.Sprintf("%s statement %d%s allows %s on %s; %s", ref.Source, ref.StatementIndex, sidText(ref.Sid), r.Action, r.Resource, old)
}

// alone decides the request with the statement as its policy's only one:
// an Allow applies when the one-statement policy allows; for an RCP a
// Deny applies when the one-statement policy does not.
func (p *prover) alone(s *stmt, r *Request) bool {
	if !s.matchAction(r.Action) || !s.mayMatchResource(r.Action, r.Resource) {
		return false // its Action or Resource element does not let the request through
	}
	doc := &policy.Document{Version: s.doc.Version, Statements: []*policy.Statement{s.src}, Source: s.doc.Source}
	one, err := newHarness(p.opts.Kind, []*policy.Document{doc})
	if err != nil {
		return false
	}
	one.boundary = p.new.boundary
	ok, err := one.allows(r)
	if err != nil {
		return false
	}
	if s.deny {
		return !ok
	}
	return ok
}
