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
	// anyARN: beyond the catalog, the resource is any ARN or "*".
	anyARN bool
}

// actionClasses splits the catalog actions that the patterns can reach
// into classes. With a "*" pattern or a NotAction element every catalog
// action can be reached; the actions of services that no pattern names
// are then reached only through those elements, and when the statements
// with them cannot make a difference (unnamedMatter false) those
// services are not even decoded.
func actionClasses(stmts []*stmt, scope []string, unnamedMatter bool) []actionClass {
	bySvc := map[string][]string{} // lowercase service -> its patterns
	all := false
	for _, s := range stmts {
		all = all || s.notAction
		for _, p := range s.actions {
			if p == "*" {
				all = true
				continue
			}
			svc, _, _ := strings.Cut(p, ":")
			svc = strings.ToLower(svc)
			if !slices.Contains(bySvc[svc], p) {
				bySvc[svc] = append(bySvc[svc], p)
			}
		}
	}
	var actions []*catalog.Action
	switch {
	case len(scope) > 0:
		for _, p := range scope {
			actions = append(actions, catalog.ExpandActions(p)...)
		}
	case all && unnamedMatter:
		actions = catalog.ExpandActions("*")
	default:
		for _, svc := range sortedKeys(set(bySvc)) {
			if all {
				actions = append(actions, catalog.ExpandActions(svc+":*")...)
				continue
			}
			for _, p := range bySvc[svc] {
				actions = append(actions, catalog.ExpandActions(p)...)
			}
		}
	}
	seen := map[string]bool{}
	var out []actionClass
	var b strings.Builder
	for _, a := range actions {
		full := a.FullName()
		key := classKey(&b, a, full, bySvc[a.Service.Prefix])
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

func set(m map[string][]string) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// classKey tells classes apart: the service (and the action itself for
// STS and KMS), which of the service's patterns match, and the resource
// types. Patterns of other services never match; "*" always does.
func classKey(b *strings.Builder, a *catalog.Action, full string, patterns []string) string {
	b.Reset()
	b.WriteString(a.Service.Prefix)
	if p := a.Service.Prefix; p == "sts" || p == "kms" {
		b.WriteString(":" + strings.ToLower(a.Name))
	}
	b.WriteByte('|')
	for _, p := range patterns {
		if arn.WildcardFold(p, full) {
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
