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
// (differs) can match is skipped: catalog's MayMatch errs towards true,
// so nothing that could differ is lost. Regions are cached by template
// and patterns, which many actions share.
func (p *prover) resourceWitnesses(c actionClass, stmts []*stmt) []string {
	if len(c.types) == 0 && !c.anyARN {
		return []string{"*"}
	}
	scope := p.opts.Resource
	var patterns []string
	for _, s := range stmts {
		for _, p := range s.resources {
			if p != "*" && !s.hasVariable(p) {
				patterns = append(patterns, p)
			}
		}
	}
	if scope != "" {
		patterns = append(patterns, scope)
	}
	slices.Sort(patterns)
	patterns = slices.Compact(patterns)
	autos := make([]arn.Automaton, len(patterns))
	for i, p := range patterns {
		autos[i] = arn.ResourceAutomaton(p)
	}
	var out []string
	musts := make([]func() arn.Automaton, 0, len(c.types)+1)
	keys := make([]string, 0, len(c.types)+1)
	if c.anyARN {
		out = append(out, "*")
		musts, keys = append(musts, anyARN), append(keys, "(any ARN)")
	}
	for _, t := range c.types {
		if p.typeMayDiffer(t, stmts) {
			musts, keys = append(musts, t.Automaton), append(keys, t.ARN)
		}
	}
	for i, mk := range musts {
		key := keys[i] + "\x00" + strings.Join(patterns, "\x00")
		ws, ok := p.witnessCache[key]
		if !ok {
			must := mk()
			regs, err := regions(autos, &must)
			if err != nil {
				p.rs.add(nil, "the resource patterns for "+c.name+" have too many combinations to enumerate")
			}
			for _, r := range regs {
				if scope == "" || arn.Match(scope, r.witness) {
					ws = append(ws, realistic(r, autos, &must))
				}
			}
			p.witnessCache[key] = ws
		}
		out = append(out, ws...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// typeMayDiffer reports whether a statement that could make NEW allow
// what OLD does not (see differs) may match an ARN of the type.
func (p *prover) typeMayDiffer(t *catalog.ResourceType, stmts []*stmt) bool {
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
