package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/catalog"
	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/prove"
)

// maxCoverProofs bounds the proofs checkCoveredTogether runs on one
// document, so that lint keeps its throughput on policies with many
// overlapping statements: past it, the statements left are not checked
// (no finding rather than a slow one). The proofs that make findings'
// covering sets minimal have a budget of their own, as large; past it a
// message names a covering set that may not be minimal.
const maxCoverProofs = 8

// checkCoveredTogether reports an Allow statement that grants nothing
// that the other Allow statements do not grant together (a statement
// covered by one other is checkRedundant's). The answer is prove's,
// exact over the catalog: the statement is redundant when the policy
// without it allows every request the policy with it allows. Proofs are
// costly, so one runs only when a syntactic test that every covered
// statement passes holds: each (catalog action, resource) pair of the
// statement is matched by another Allow statement. Statements are taken
// last to first, and one found redundant leaves the policy before the
// next is checked, so that all those reported can be removed together.
// Where prove cannot decide exactly (policy variables and the like), the
// statement is silently not reported.
func checkCoveredTogether(c *checker, sts []*policy.Statement, reported map[*policy.Statement]bool) {
	if c.typ == policy.KindUnknown || c.typ == policy.VPCEndpoint || c.typ == policy.RCP {
		return
	}
	var base []*policy.Statement
	for _, st := range sts {
		if allow(st) && !reported[st] {
			base = append(base, st)
		}
	}
	proofs, minimizing := 0, maxCoverProofs
	for k := len(base) - 1; k >= 0 && proofs < maxCoverProofs; k-- {
		st := base[k]
		acts := c.coverActions(st)
		if acts == nil || c.deniedSome(sts, acts) {
			continue
		}
		others := append(base[:k:k], base[k+1:]...)
		helpers, ok := c.coveredBy(st, acts, others)
		if !ok {
			continue
		}
		proofs++
		if !provenCovered(c, st, helpers) {
			continue
		}
		helpers = c.minimalCover(st, acts, helpers, &minimizing)
		together := " together"
		if len(helpers) == 1 {
			together = ""
		}
		c.report(CodeRedundantStatement, st, st.Pos, "", "everything this statement allows is already allowed by %s%s; remove it or merge them", labels(helpers), together)
		base = others
	}
}

// minimalCover drops from helpers, a set of statements proven to cover
// st, each statement without which the others still cover it (taken in
// policy order), so that the message names a minimal covering set: no
// statement named can be left out. The syntactic test picks every
// statement that overlaps st, some needlessly. A statement without which
// the syntactic test fails is needed, with no proof; the proofs run take
// from budget, and once it is spent the statements left are kept.
func (c *checker) minimalCover(st *policy.Statement, acts []*catalog.Action, helpers []*policy.Statement, budget *int) []*policy.Statement {
	for i := 0; i < len(helpers) && len(helpers) > 1; {
		rest := append(helpers[:i:i], helpers[i+1:]...)
		if _, ok := c.matchedBy(st, acts, rest); ok && *budget > 0 {
			*budget--
			if provenCovered(c, st, rest) {
				helpers = rest
				continue
			}
		}
		i++
	}
	return helpers
}

// coverActions returns the catalog actions of an Allow statement that
// checkCoveredTogether can check, nil when it cannot: NotAction,
// NotResource, NotPrincipal, "*", a wildcard service or an action the
// catalog does not know.
func (c *checker) coverActions(st *policy.Statement) []*catalog.Action {
	if st.Action == nil || st.Resource == nil || st.NotPrincipal != nil || len(st.Resource.Values) == 0 {
		return nil
	}
	var out []*catalog.Action
	for _, r := range c.actions[st.Index] {
		if r.all || r.open || !r.resolved() {
			return nil
		}
		out = append(out, r.actions...)
	}
	return out
}

// deniedSome reports whether a Deny statement may match one of the actions.
func (c *checker) deniedSome(sts []*policy.Statement, acts []*catalog.Action) bool {
	for _, d := range sts {
		if d.Effect.Value != policy.EffectDeny {
			continue
		}
		if d.Action == nil {
			return true // NotAction
		}
		for _, a := range acts {
			if c.stmtMatchesAction(d, a.FullName()) {
				return true
			}
		}
	}
	return false
}

// stmtMatchesAction reports whether the statement's Action or NotAction
// element lets the action through.
func (c *checker) stmtMatchesAction(st *policy.Statement, full string) bool {
	refs, not := c.actions[st.Index], false
	if st.Action == nil {
		refs, not = c.notActions[st.Index], true
	}
	for j := range refs {
		if refs[j].matches(full) {
			return !not
		}
	}
	return not
}

// coveredBy is the syntactic test that a proof of coverage needs: every
// (action, resource) pair of st that names resources of the action is
// matched by some other statement, whose Action lets the action through
// and one of whose resources may overlap the resource. It returns the
// statements that match some pair, in policy order.
func (c *checker) coveredBy(st *policy.Statement, acts []*catalog.Action, others []*policy.Statement) ([]*policy.Statement, bool) {
	out, ok := c.matchedBy(st, acts, others)
	return out, ok && len(out) > 1
}

// matchedBy returns the statements of others that match some (action,
// resource) pair of st, in policy order, and whether every pair is
// matched by one of them.
func (c *checker) matchedBy(st *policy.Statement, acts []*catalog.Action, others []*policy.Statement) ([]*policy.Statement, bool) {
	used := make([]bool, len(others))
	for _, a := range acts {
		full := a.FullName()
		for _, rv := range st.Resource.Values {
			r := c.expandVariables(rv.Value)
			if !c.actionMayMatch(a, r) {
				continue // no request: nothing to cover
			}
			found := false
			for k, o := range others {
				if c.stmtMatchesAction(o, full) && resourcesOverlap(c, o, r) {
					used[k], found = true, true
				}
			}
			if !found {
				return nil, false
			}
		}
	}
	var out []*policy.Statement
	for k, o := range others {
		if used[k] {
			out = append(out, o)
		}
	}
	return out, true
}

// resourcesOverlap reports whether one of the statement's Resource
// patterns may match an ARN that pattern r matches: the literal text
// before the first wildcard of each must be a prefix of the other's, and
// likewise after the last. A NotResource element may overlap anything.
func resourcesOverlap(c *checker, st *policy.Statement, r string) bool {
	if st.Resource == nil {
		return st.NotResource != nil
	}
	for _, v := range st.Resource.Values {
		if globsMayOverlap(c.expandVariables(v.Value), r) {
			return true
		}
	}
	return false
}

func globsMayOverlap(a, b string) bool {
	if a == "*" || b == "*" {
		return true
	}
	pa, pb := literalPrefix(a), literalPrefix(b)
	if !strings.HasPrefix(pa, pb) && !strings.HasPrefix(pb, pa) {
		return false
	}
	sa, sb := literalSuffix(a), literalSuffix(b)
	return strings.HasSuffix(sa, sb) || strings.HasSuffix(sb, sa)
}

// literalSuffix returns the text after the last wildcard or variable.
func literalSuffix(s string) string {
	if i := strings.LastIndexAny(s, "*?}"); i >= 0 {
		return s[i+1:]
	}
	return s
}

// provenCovered asks prove whether the helpers allow every request st
// allows, helpers alone against helpers with st. Only those statements
// matter: no other statement matches an action of st (Deny statements
// that might were ruled out before). UNKNOWN and errors count as no.
func provenCovered(c *checker, st *policy.Statement, helpers []*policy.Statement) bool {
	old := policy.NewDocument(policy.CloneStatements(helpers)...)
	new := policy.NewDocument(policy.CloneStatements(append(helpers[:len(helpers):len(helpers)], st))...)
	old.Version, new.Version = c.doc.Version, c.doc.Version
	old.Source, new.Source = c.doc.Source, c.doc.Source
	res, err := prove.Prove(old, new, prove.Options{Kind: c.typ, MaxCounterexamples: 1})
	return err == nil && res.Verdict == prove.Pass
}

// labels names statements for a message: "statements A and B" when
// all have a Sid, else "the statements on lines 3, 9 and 14".
func labels(sts []*policy.Statement) string {
	if len(sts) == 1 {
		return statementLabel(sts[0])
	}
	sids := make([]string, len(sts))
	lines := make([]string, len(sts))
	for i, st := range sts {
		if st.Sid != nil {
			sids[i] = st.Sid.Value
		}
		lines[i] = fmt.Sprint(st.Pos.Line)
	}
	if !slices.Contains(sids, "") {
		return "statements " + andList(sids)
	}
	return "the statements on lines " + andList(lines)
}

func andList(s []string) string {
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// statementLabel names a statement by Sid, else by line.
func statementLabel(st *policy.Statement) string {
	if st.Sid != nil && st.Sid.Value != "" {
		return fmt.Sprintf("statement %s", st.Sid.Value)
	}
	return fmt.Sprintf("the statement on line %d", st.Pos.Line)
}
