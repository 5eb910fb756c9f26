package agentcorepolicy

import (
	"errors"
	"fmt"
	"slices"

	"github.com/agentiam/agentiam/diag"
	cedar "github.com/cedar-policy/cedar-go"
	xast "github.com/cedar-policy/cedar-go/x/exp/ast"
)

// Codes of the findings beyond validity (Analyze).
const (
	CodeIneffective       = "ineffective-policy" // its conditions hold for no request
	CodeShadowedPermit    = "shadowed-permit"    // a forbid denies every request the permit allows
	CodeOverlyRestrictive = "overly-restrictive" // the set allows no request to a tool that a permit names
)

// maxRequests bounds the requests one question enumerates, and
// maxEvaluations the evaluations of one Analyze (a set with many forbids
// and permits on the same tools asks many questions); past them a
// question is left undecided and nothing is reported.
const (
	maxRequests    = 4096
	maxEvaluations = 20_000
)

// analysis is one run of Analyze.
type analysis struct {
	v    *Validator
	left int // evaluations left
}

// authorize decides a request; ok is false once the budget is spent.
func (an *analysis) authorize(ps *PolicySet, r Request) (Decision, error) {
	if an.left <= 0 {
		return Decision{}, errBudget
	}
	an.left--
	return an.v.Authorize(ps, r)
}

var errBudget = errors.New("analysis budget spent")

// Analyze reports what is valid but wrong in a policy set: a policy that
// never applies, a permit that a forbid shadows entirely, a tool that a
// permit names but that no request can call.
//
// The finite parts of a request are enumerated exactly: the tools of the
// policy's action scope, the gateway's one principal type. The rest
// (input values, caller ids, claims) is infinite, so Analyze enumerates
// the values that decide the conditions (for each integer literal n:
// n-1, n and n+1; each string literal and a string equal to none; each
// like pattern instantiated; true and false; an optional property
// absent) and lets cedar-go's evaluator decide every combination. Within
// the fragment this covers — comparisons, like, has, hasTag/getTag and
// set membership of input properties, principal.id and claims against
// literals, joined by &&, || and ! — every region of each comparison,
// equality and membership test is visited, so those findings are exact;
// a like pattern is tried with its wildcards empty and filled, which
// covers patterns compared with literals and with each other in the
// usual ways but is not a proof for every combination of patterns. A
// policy outside the fragment (arithmetic, decimals, sets of input
// values...), a question over more than 4,096 requests, or one asked
// after 20,000 evaluations in one Analyze (about a second), is left
// undecided: no finding. Policies with validation errors are skipped.
func (v *Validator) Analyze(ps *PolicySet) diag.List {
	var pols []*analyzed
	for _, p := range ps.Policies {
		if a, ok := v.analyzable(p); ok {
			pols = append(pols, a)
		}
	}
	an := &analysis{v: v, left: maxEvaluations}
	var out diag.List
	for _, a := range pols {
		if a.decidable && !an.effective(a) {
			out = append(out, a.finding(diag.Warning, CodeIneffective, "the policy's conditions hold for no request to the tools it names: it never applies"))
			a.ineffective = true
		}
	}
	out = append(out, an.shadowed(pols)...)
	out = append(out, an.restrictive(ps, pols)...)
	out.Sort()
	return out
}

// analyzed is a valid policy with what the analysis needs.
type analyzed struct {
	p           *Policy
	ast         *xast.Policy
	tools       []*Tool
	lits        *literals
	decidable   bool
	ineffective bool
	alone       *PolicySet
}

func (a *analyzed) finding(sev diag.Severity, code, format string, args ...any) diag.Diagnostic {
	return diag.Diagnostic{File: a.p.File, Pos: a.p.Pos, Severity: sev, Code: code, Message: fmt.Sprintf(format, args...), Sid: a.p.Name}
}

func (v *Validator) analyzable(p *Policy) (*analyzed, bool) {
	c := &checker{v: v, p: p, ast: (*xast.Policy)(p.cedar.AST())}
	c.run()
	if c.diags.HasErrors() || len(c.scope) == 0 {
		return nil, false
	}
	a := &analyzed{p: p, ast: c.ast, tools: c.scope, lits: newLiterals(), alone: NewPolicySet()}
	a.alone.Policies = []*Policy{p}
	a.alone.set.Add(cedar.PolicyID(p.ID), p.cedar)
	a.alone.byID[cedar.PolicyID(p.ID)] = p
	a.decidable = a.lits.scope(c.ast.Principal)
	for _, cond := range c.ast.Conditions {
		a.decidable = a.lits.collect(cond.Body) && a.decidable
	}
	return a, true
}

// applies reports whether the policy matches the request (a permit
// allows it, a forbid denies it).
func (an *analysis) applies(a *analyzed, r Request) bool {
	d, err := an.authorize(a.alone, r)
	return err == nil && slices.Contains(d.Determining, a.p)
}

// effective reports whether some request to a tool of its scope matches.
func (an *analysis) effective(a *analyzed) bool {
	for _, t := range a.tools {
		found, decided := an.each(t, a.lits, func(r Request) bool { return an.applies(a, r) })
		if found || !decided {
			return true
		}
	}
	return false
}

// shadowed finds permits a single forbid denies entirely.
func (an *analysis) shadowed(pols []*analyzed) diag.List {
	var out diag.List
	for _, p := range pols {
		if !p.p.permit || !p.decidable || p.ineffective {
			continue
		}
		for _, f := range pols {
			if an.left <= 0 {
				return out
			}
			if f.p.permit || !f.decidable || f.ineffective || !overlap(p.tools, f.tools) {
				continue
			}
			if an.shadows(f, p) {
				out = append(out, p.finding(diag.Warning, CodeShadowedPermit, "the forbid at %s denies every request this permit allows: the permit never takes effect", f.p.ID))
				break
			}
		}
	}
	return out
}

// shadows reports whether every request p allows, f denies.
func (an *analysis) shadows(f, p *analyzed) bool {
	lits := newLiterals().merge(p.lits).merge(f.lits)
	allowed := false
	for _, t := range p.tools {
		escaped, decided := an.each(t, lits, func(r Request) bool {
			if !an.applies(p, r) {
				return false
			}
			allowed = true
			return !an.applies(f, r)
		})
		if escaped || !decided {
			return false
		}
	}
	return allowed
}

// restrictive finds tools that a permit names but the set never allows.
func (an *analysis) restrictive(ps *PolicySet, pols []*analyzed) diag.List {
	var out diag.List
	for i := range an.v.gw.Tools {
		t := &an.v.gw.Tools[i]
		var permits []*analyzed
		lits := newLiterals()
		decidable := true
		for _, a := range pols {
			if !slices.Contains(a.tools, t) {
				continue
			}
			lits.merge(a.lits)
			decidable = decidable && a.decidable
			if a.p.permit && !a.ineffective {
				permits = append(permits, a)
			}
		}
		if len(permits) == 0 || !decidable {
			continue
		}
		var denier *Policy
		allowed, decided := an.each(t, lits, func(r Request) bool {
			d, err := an.authorize(ps, r)
			if err == nil && !d.Allow && len(d.Determining) > 0 && denier == nil {
				denier = d.Determining[0]
			}
			return err == nil && d.Allow
		})
		if !allowed && decided && denier != nil {
			out = append(out, permits[0].finding(diag.Warning, CodeOverlyRestrictive,
				"no request to tool %s is allowed: every request the permits allow is denied (by the forbid at %s, among others)", t.Action(), denier.ID))
		}
	}
	return out
}

func overlap(a, b []*Tool) bool {
	return slices.ContainsFunc(a, func(t *Tool) bool { return slices.Contains(b, t) })
}

// each calls f with every request to tool t over the values that decide
// the literals' conditions, until f returns true. found is whether f
// returned true; decided is false when the requests exceed maxRequests
// or an input the conditions read has no type the analysis enumerates.
func (an *analysis) each(t *Tool, lits *literals, f func(Request) bool) (found, decided bool) {
	if an.left <= 0 {
		return false, false
	}
	dims, ok := an.dimensions(t, lits)
	if !ok {
		return false, false
	}
	total := 1
	for _, d := range dims {
		total *= len(d.values)
		if total > maxRequests {
			return false, false
		}
	}
	idx := make([]int, len(dims))
	for range total {
		found := f(an.request(t, dims, idx))
		if an.left <= 0 {
			return false, false // the budget ran out: undecided
		}
		if found {
			return true, true
		}
		for k := range idx {
			idx[k]++
			if idx[k] < len(dims[k].values) {
				break
			}
			idx[k] = 0
		}
	}
	return false, true
}
