package prove

import (
	"encoding/binary"
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
	name  string              // the representative, "svc:Name"
	types []*catalog.Template // the resource types' ARN templates; nil: the action takes Resource "*"
	// anyARN: beyond the catalog, the resource is any ARN or "*".
	anyARN bool
}

// actionClasses splits the catalog actions that the patterns can reach
// into classes. With a "*" pattern or a NotAction element every catalog
// action can be reached; the actions of services that no pattern names
// are then reached only through those elements, and when the statements
// with them cannot make a difference (unnamedMatter false) those
// services are left out. Actions are read from the catalog's outlines
// (names and resource types' ARN templates), so no service is decoded.
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
	var actions []*catalog.OutlineAction
	switch {
	case len(scope) > 0:
		for _, p := range scope {
			actions = append(actions, catalog.ExpandOutline(p)...)
		}
	case all && unnamedMatter:
		actions = catalog.ExpandOutline("*")
	default:
		for _, svc := range sortedKeys(set(bySvc)) {
			if all {
				actions = append(actions, catalog.ExpandOutline(svc+":*")...)
				continue
			}
			for _, p := range bySvc[svc] {
				actions = append(actions, catalog.ExpandOutline(p)...)
			}
		}
	}
	return classesOf(actions, bySvc)
}

// classesOf keeps one action per class, in the actions' order.
func classesOf(actions []*catalog.OutlineAction, bySvc map[string][]string) []actionClass {
	k := classKeys{seen: map[string]bool{}, typeIDs: map[string]int{}}
	var out []actionClass
	for _, a := range actions {
		if k.first(a, bySvc[a.Outline.Prefix]) {
			out = append(out, actionClass{name: a.FullName(), types: a.Types})
		}
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

// classKeys tells classes apart: the service (and the action itself for
// STS and KMS), which of the service's patterns match, and the resource
// types' ARN templates. Patterns of other services never match; "*"
// always does. A key is built in a reused buffer and names each template
// by a small number, so that the catalog's thousands of actions cost no
// allocation but their class's.
type classKeys struct {
	buf     []byte
	seen    map[string]bool
	typeIDs map[string]int // ARN template -> its number in keys
}

// first reports whether a is the first action of its class.
func (k *classKeys) first(a *catalog.OutlineAction, patterns []string) bool {
	prefix := a.Outline.Prefix
	b := append(k.buf[:0], prefix...)
	if prefix == "sts" || prefix == "kms" {
		b = append(b, ':')
		b = append(b, strings.ToLower(a.Name)...)
	}
	b = append(b, '|')
	for _, p := range patterns {
		// patterns are the service's: their prefix (which holds no
		// wildcard) equals a's, so the name parts decide.
		_, name, _ := strings.Cut(p, ":")
		if strings.Contains(p, ":") && arn.WildcardFold(name, a.Name) {
			b = append(b, '1')
		} else {
			b = append(b, '0')
		}
	}
	for _, t := range a.Types {
		id, ok := k.typeIDs[t.ARN]
		if !ok {
			id = len(k.typeIDs)
			k.typeIDs[t.ARN] = id
		}
		b = binary.AppendUvarint(append(b, '|'), uint64(id))
	}
	k.buf = b
	if k.seen[string(b)] { // no allocation: the compiler looks up without copying
		return false
	}
	k.seen[string(b)] = true
	return true
}
