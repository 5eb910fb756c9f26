package agentspec

import (
	"slices"
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/catalog"
)

// smithyTarget reads {service: PREFIX, actions: [...], resources: [ARN...]}:
// an AWS service the gateway calls with its own role. Every action must
// be in the catalog. An action that acts on a resource type needs one of
// the resources to be of that type; resources is optional only when no
// action acts on any resource type (they are granted on "*").
func (l *loader) smithyTarget(it item) (SmithyTarget, bool) {
	const what = "a smithy_targets entry"
	fs := l.fields(it.node, what, "service", "actions", "resources")
	l.require(fs, it.pos, what, "service", "actions")
	sf, hasService := fs["service"]
	af, hasActions := fs["actions"]
	if !hasService || !hasActions {
		return SmithyTarget{}, false
	}
	prefix, ok := l.str(sf)
	if !ok {
		return SmithyTarget{}, false
	}
	svc, ok := catalog.Lookup(prefix)
	if !ok {
		if sug, found := catalog.SuggestService(prefix); found {
			l.suggestAt(nodePos(sf.value), CodeInvalidValue, sug, "service %q is not an AWS service prefix", prefix)
		} else {
			l.errorAt(nodePos(sf.value), CodeInvalidValue, "service %q is not an AWS service prefix (such as dynamodb or s3)", prefix)
		}
		return SmithyTarget{}, false
	}
	t := SmithyTarget{Service: svc.Prefix}
	var actions []*catalog.Action
	var actionPos []positioned
	for _, p := range l.strList(af) {
		if a, ok := l.smithyAction(svc, p); ok && !slices.Contains(t.Actions, a.FullName()) {
			actions = append(actions, a)
			actionPos = append(actionPos, p)
			t.Actions = append(t.Actions, a.FullName())
		}
	}
	if len(t.Actions) == 0 {
		return SmithyTarget{}, false
	}
	var types []*catalog.ResourceType
	rf, hasResources := fs["resources"]
	if hasResources {
		t.Resources, types = l.smithyResources(svc, rf)
	}
	for i, a := range actions {
		l.smithyActionResources(a, actionPos[i], types, hasResources)
	}
	return t, true
}

// smithyAction resolves "Action" or "service:Action" in the catalog.
func (l *loader) smithyAction(svc *catalog.Service, p positioned) (*catalog.Action, bool) {
	full := p.value
	if prefix, _, found := strings.Cut(p.value, ":"); !found {
		full = svc.Prefix + ":" + p.value
	} else if !strings.EqualFold(prefix, svc.Prefix) {
		l.errorAt(p.pos, CodeInvalidValue, "action %q is not an action of service %s", p.value, svc.Prefix)
		return nil, false
	}
	if strings.ContainsAny(full, "*?") {
		l.errorAt(p.pos, CodeInvalidValue, "action %q: list the actions the gateway calls, without wildcards", p.value)
		return nil, false
	}
	a, err := catalog.LookupAction(full)
	if err == nil {
		return a, true
	}
	if sug, found := catalog.SuggestAction(full); found {
		if !strings.Contains(p.value, ":") {
			_, sug, _ = strings.Cut(sug, ":")
		}
		l.suggestAt(p.pos, CodeInvalidValue, sug, "unknown action %q of service %s", p.value, svc.Prefix)
	} else {
		l.errorAt(p.pos, CodeInvalidValue, "unknown action %q of service %s (`agentiam actions %s:*` lists them)", p.value, svc.Prefix, svc.Prefix)
	}
	return nil, false
}

// smithyResources reads the resource ARNs of a Smithy target: each one
// of a resource type of the service, in a known partition, region and
// account. It returns them and the types they are of.
func (l *loader) smithyResources(svc *catalog.Service, f field) ([]string, []*catalog.ResourceType) {
	var out []string
	var types []*catalog.ResourceType
	for _, p := range l.strList(f) {
		if p.value == "*" {
			l.errorAt(p.pos, CodeInvalidValue, "resources lists ARNs: \"*\" would let the gateway act on every resource of %s", svc.Prefix)
			continue
		}
		parsed, err := arn.Parse(p.value)
		if err != nil {
			l.errorAt(p.pos, CodeMalformedARN, "resources: %v", err)
			continue
		}
		var of []*catalog.ResourceType
		for _, rt := range catalog.ClassifyARN(p.value) {
			if rt.Service == svc {
				of = append(of, rt)
			}
		}
		if len(of) == 0 {
			l.errorAt(p.pos, CodeMalformedARN, "resources: %q is not the ARN of a resource of %s", p.value, svc.Prefix)
			continue
		}
		if !l.checkARNParts(p, "resources", parsed, of[0]) {
			continue
		}
		out = append(out, p.value)
		types = append(types, of...)
	}
	return out, types
}

// smithyActionResources checks that an action that acts on resource
// types has a resource of one of them.
func (l *loader) smithyActionResources(a *catalog.Action, p positioned, types []*catalog.ResourceType, hasResources bool) {
	if len(a.Resources) == 0 {
		return
	}
	var names []string
	for _, r := range a.Resources {
		if slices.Contains(types, r.Type) {
			return
		}
		names = append(names, r.Type.Name)
	}
	switch {
	case !hasResources:
		l.errorAt(p.pos, CodeMissingKey, "%s acts on %s: list the ARNs it may act on under resources of this smithy_targets entry", a.FullName(), strings.Join(names, ", "))
	case len(types) > 0:
		// Resources that are not of the service are reported already.
		l.errorAt(p.pos, CodeInvalidValue, "%s acts on %s, and none of the resources of this smithy_targets entry is one", a.FullName(), strings.Join(names, ", "))
	}
}
