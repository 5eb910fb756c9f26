package prove

import (
	"slices"
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/catalog"
)

// actionClass is a set of catalog actions that every action pattern of
// both policies treats alike and that the evaluator cannot tell apart
// (same service, same resource types; the STS and KMS actions whose
// resource's own policy must also allow keep their own class).
type actionClass struct {
	name  string                  // the representative, "svc:Name"
	types []*catalog.ResourceType // nil: the action takes Resource "*"
}

// actionClasses splits the catalog actions that the patterns can reach
// into classes. With a "*" pattern or a NotAction element every catalog
// action can be reached.
func actionClasses(stmts []*stmt, scope []string) []actionClass {
	var patterns []string
	all := false
	for _, s := range stmts {
		all = all || s.notAction
		for _, p := range s.actions {
			all = all || p == "*"
			patterns = append(patterns, p)
		}
	}
	slices.Sort(patterns)
	patterns = slices.Compact(patterns)
	var actions []*catalog.Action
	switch {
	case len(scope) > 0:
		for _, p := range scope {
			actions = append(actions, catalog.ExpandActions(p)...)
		}
	case all:
		actions = catalog.ExpandActions("*")
	default:
		for _, p := range patterns {
			actions = append(actions, catalog.ExpandActions(p)...)
		}
	}
	seen := map[string]bool{}
	var out []actionClass
	for _, a := range actions {
		full := a.FullName()
		key := classKey(a, full, patterns)
		if seen[key] {
			continue
		}
		seen[key] = true
		c := actionClass{name: full}
		for _, r := range a.Resources {
			c.types = append(c.types, r.Type)
		}
		out = append(out, c)
	}
	return out
}

func classKey(a *catalog.Action, full string, patterns []string) string {
	var b strings.Builder
	b.WriteString(a.Service.Prefix)
	if p := a.Service.Prefix; p == "sts" || p == "kms" {
		b.WriteString(":" + strings.ToLower(a.Name))
	}
	b.WriteByte('|')
	for _, p := range patterns {
		if p == "*" || arn.WildcardFold(p, full) {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	}
	for _, r := range a.Resources {
		b.WriteString("|" + r.Type.ARN)
	}
	return b.String()
}
