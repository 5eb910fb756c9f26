package prove

import (
	"slices"
	"strings"

	"github.com/agentiam/agentiam/arn"
)

// freshService is a service prefix that no policy names.
const freshPrefix = "agentiam-prove-service"

// specialActions are the action names eval decides apart from their
// patterns (STS: no permission needed, or the role's trust policy must
// allow too); beyond the catalog they are regions of their own.
var specialActions = map[string][]string{
	"sts": {"GetCallerIdentity", "AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "TagSession", "SetSourceIdentity", "SetContext"},
}

// beyondClasses splits actions by the patterns alone, so that the answer
// holds for actions AWS adds later: for every service a pattern names,
// one action per region of the name patterns (a product automaton, names
// compared ignoring case), and one action of a service no pattern names
// when "*" or NotAction statements can make a difference. Resources are
// then any ARN (or "*").
func beyondClasses(stmts []*stmt, scope []string, unnamedMatter bool) []actionClass {
	bySvc := map[string][]string{}
	add := func(p string) {
		svc, name, ok := strings.Cut(p, ":")
		if !ok {
			return
		}
		svc = strings.ToLower(svc)
		if !slices.Contains(bySvc[svc], name) {
			bySvc[svc] = append(bySvc[svc], name)
		}
	}
	for _, s := range stmts {
		for _, p := range s.actions {
			add(p)
		}
	}
	for _, p := range scope {
		add(p)
	}
	var out []actionClass
	for _, svc := range sortedKeys(set(bySvc)) {
		names := append(slices.Clone(bySvc[svc]), specialActions[svc]...)
		autos := make([]arn.Automaton, len(names))
		for i, n := range names {
			autos[i] = arn.WildcardAutomaton(n, true)
		}
		var must arn.Automaton
		must.One(false)
		must.Run(false)
		regs, _ := regions(autos, &must) // name patterns are small; a cut-off search still yields sound witnesses
		for _, r := range regs {
			out = append(out, actionClass{name: svc + ":" + r.witness, anyARN: true})
		}
	}
	if unnamedMatter && len(scope) == 0 {
		out = append(out, actionClass{name: freshPrefix + ":Action", anyARN: true})
	}
	if len(scope) > 0 {
		out = slices.DeleteFunc(out, func(c actionClass) bool {
			return !slices.ContainsFunc(scope, func(p string) bool { return p == "*" || arn.WildcardFold(p, c.name) })
		})
	}
	return out
}

// anyARN is the automaton of every string arn.Parse accepts:
// arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE with the partition,
// service and resource not empty.
func anyARN() arn.Automaton {
	var a arn.Automaton
	a.Literal("arn:", false)
	for i := range 4 {
		if i < 2 {
			a.One(true)
		}
		a.Run(true)
		a.Literal(":", false)
	}
	a.One(false)
	a.Run(false)
	return a
}
