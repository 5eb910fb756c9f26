package prove

import (
	"slices"
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/catalog"
)

// resourceWitnesses returns one resource per region that the Resource /
// NotResource patterns of the statements cut the class's ARNs into
// (within each resource type's ARN template), or "*" for an action
// without resource types.
//
// A resource type whose ARNs no statement that could make a difference
// (differs) can match is skipped, and so is, within a type, a pattern
// that matches none of its ARNs (its answer there is always no):
// catalog's MayMatch errs towards true, so no region is lost. Regions are
// cached by template and patterns, which many actions share.
func (p *prover) resourceWitnesses(c actionClass, stmts []*stmt) []string {
	if len(c.types) == 0 && !c.anyARN {
		return []string{"*"}
	}
	var patterns []string
	for _, s := range stmts {
		for _, r := range s.resources {
			if r != "*" && !s.hasVariable(r) {
				patterns = append(patterns, r)
			}
		}
	}
	if p.opts.Resource != "" {
		patterns = append(patterns, p.opts.Resource)
	}
	slices.Sort(patterns)
	patterns = slices.Compact(patterns)
	var out []string
	if c.anyARN {
		out = append(out, "*")
		out = append(out, p.witnessesIn(c.name, "(any ARN)", anyARN, patterns)...)
	}
	for _, t := range c.types {
		if !p.typeMayDiffer(t, stmts) {
			continue
		}
		var fit []string
		for _, r := range patterns {
			if t.MayMatch(r) {
				fit = append(fit, r)
			}
		}
		out = append(out, p.witnessesIn(c.name, t.ARN, t.Automaton, fit)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// witnessesIn returns one ARN per region of the patterns among the ARNs
// the template's automaton accepts (and the --not-granted scope).
func (p *prover) witnessesIn(action, template string, automaton func() arn.Automaton, patterns []string) []string {
	key := template + "\x00" + strings.Join(patterns, "\x00")
	if ws, ok := p.witnessCache[key]; ok {
		return ws
	}
	autos := make([]arn.Automaton, len(patterns))
	for i, r := range patterns {
		autos[i] = arn.ResourceAutomaton(r)
	}
	must := automaton()
	regs, err := regions(autos, &must)
	if err != nil {
		p.rs.add(nil, "the resource patterns for "+action+" have too many combinations to enumerate")
	}
	ws := []string{}
	for _, r := range regs {
		if p.opts.Resource == "" || arn.Match(p.opts.Resource, r.witness) {
			ws = append(ws, realistic(r, autos, &must))
		}
	}
	p.witnessCache[key] = ws
	return ws
}

// typeMayDiffer reports whether a statement that could make NEW allow
// what OLD does not (see differs) may match an ARN of the type.
func (p *prover) typeMayDiffer(t *catalog.Template, stmts []*stmt) bool {
	for _, s := range stmts {
		if !p.differs(s) {
			continue
		}
		if s.anyResource || s.notResource {
			return true
		}
		for _, r := range s.resources {
			if r == "*" || s.hasVariable(r) || t.MayMatch(r) {
				return true
			}
		}
	}
	return false
}

// realistic rewrites a witness's partition, region and account to aws,
// us-east-1 and 111122223333 where that changes no pattern's answer.
func realistic(r region, autos []arn.Automaton, must *arn.Automaton) string {
	parts := strings.SplitN(r.witness, ":", 6)
	if len(parts) != 6 {
		return r.witness
	}
	best := r.witness
	for _, f := range [...]struct {
		i int
		v string
	}{{1, "aws"}, {3, "us-east-1"}, {4, defaultAccount}} {
		i, v := f.i, f.v
		if parts[i] == "" || parts[i] == v {
			continue
		}
		try := slices.Clone(parts)
		try[i] = v
		cand := strings.Join(try, ":")
		if sameAnswers(cand, r.accept, autos, must) {
			parts = try
			best = cand
		}
	}
	return best
}

func sameAnswers(v string, accept []bool, autos []arn.Automaton, must *arn.Automaton) bool {
	if !must.MatchString(v) {
		return false
	}
	for i := range autos {
		if autos[i].MatchString(v) != accept[i] {
			return false
		}
	}
	return true
}
