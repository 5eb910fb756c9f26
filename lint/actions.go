package lint

import (
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/catalog"
	"github.com/agentiam/agentiam/policy"
)

// actionRef is one Action / NotAction value resolved against the catalog.
type actionRef struct {
	tok policy.String
	// all: the value is "*" (or "*:*"); nothing is expanded for it.
	all bool
	// open: the service prefix has a wildcard ("*:Get*"). It is expanded
	// like any pattern, which decodes every service once (some 30 ms):
	// such a grant is broad, and the security checks must see what it
	// covers. Catalog checks that need one service skip it.
	open bool
	// malformed: not of the form service:action.
	malformed bool
	// prefix is the service prefix as written.
	prefix string
	// service is nil when the prefix is unknown (or all/open/malformed).
	service *catalog.Service
	// actions are the catalog actions the value names, sorted; empty for
	// an unknown action or a wildcard that matches nothing.
	actions []*catalog.Action
}

// resolved reports whether the value names a known set of actions.
func (r *actionRef) resolved() bool { return len(r.actions) > 0 }

// starOnly reports whether the value names actions that all support
// only Resource "*".
func (r *actionRef) starOnly() bool {
	for _, a := range r.actions {
		if len(a.Resources) > 0 {
			return false
		}
	}
	return r.resolved()
}

// fullService reports whether the value is "svc:*".
func (r *actionRef) fullService() bool {
	_, name, _ := strings.Cut(r.tok.Value, ":")
	return !r.all && !r.open && name == "*"
}

// matches reports whether the value covers the named action
// ("iam:PassRole"), whatever the catalog says.
func (r *actionRef) matches(full string) bool {
	return r.all || wildcardFold(r.tok.Value, full)
}

func resolveActions(l *policy.StringList) []actionRef {
	if l == nil {
		return nil
	}
	out := make([]actionRef, len(l.Values))
	for i, v := range l.Values {
		out[i] = resolveAction(v)
	}
	return out
}

func resolveAction(v policy.String) actionRef {
	r := actionRef{tok: v}
	s := v.Value
	if s == "*" || s == "*:*" {
		r.all = true
		return r
	}
	prefix, name, ok := strings.Cut(s, ":")
	r.prefix = prefix
	if !ok || prefix == "" || name == "" || strings.Contains(name, ":") {
		r.malformed = true
		return r
	}
	if arn.HasWildcard(prefix) {
		r.open = true
		r.actions = catalog.ExpandActions(s)
		return r
	}
	svc, ok := catalog.Lookup(prefix)
	if !ok {
		return r
	}
	r.service = svc
	if arn.HasWildcard(name) {
		r.actions = catalog.ExpandActions(s)
		return r
	}
	if a, ok := svc.Action(name); ok {
		r.actions = []*catalog.Action{a}
	}
	return r
}
