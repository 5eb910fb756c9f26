package catalog

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/agentiam/agentiam/arn"
)

// ErrBadPattern is returned by Find for a pattern that is not
// service:Action.
var ErrBadPattern = errors.New("an action pattern is service:Action")

// Unknown is a pattern that matches no action, with the name it most
// likely meant.
type Unknown struct {
	Pattern    string `json:"pattern"`
	Message    string `json:"message"`
	Suggestion string `json:"suggestion,omitempty" jsonschema:"did you mean"`
}

// Found is what Find returns: the actions the patterns match, each once,
// in the patterns' order, and the patterns that match none.
type Found struct {
	Actions []*Action
	Unknown []Unknown
}

// Find expands each pattern (service:Action, * and ? wildcards,
// case-insensitive, as in a policy's Action element); a pattern that
// matches nothing is reported with what it most likely meant.
func Find(patterns []string) (Found, error) {
	var res Found
	seen := map[*Action]bool{}
	for _, p := range patterns {
		prefix, name, ok := strings.Cut(p, ":")
		if p != "*" && (!ok || prefix == "" || name == "") {
			return res, fmt.Errorf("%w (for example s3:GetObject), not %q", ErrBadPattern, p)
		}
		found := ExpandActions(p)
		if len(found) == 0 {
			res.Unknown = append(res.Unknown, describeUnknown(p, prefix))
			continue
		}
		for _, a := range found {
			if !seen[a] {
				seen[a] = true
				res.Actions = append(res.Actions, a)
			}
		}
	}
	return res, nil
}

func describeUnknown(pattern, prefix string) Unknown {
	u := Unknown{Pattern: pattern}
	if !arn.HasWildcard(prefix) {
		if _, ok := Lookup(prefix); !ok {
			u.Message = fmt.Sprintf("unknown service prefix %q in %s", prefix, pattern)
			if s, ok := SuggestService(prefix); ok {
				// The whole pattern with the service corrected, and the
				// action too when it names one: lamda:InvokeFunctoin ->
				// lambda:InvokeFunction.
				_, name, _ := strings.Cut(pattern, ":")
				u.Suggestion = s + ":" + name
				if a, ok := SuggestAction(pattern); ok && !arn.HasWildcard(name) {
					u.Suggestion = a
				}
			}
			return u
		}
	}
	if arn.HasWildcard(pattern) {
		u.Message = fmt.Sprintf("pattern %s matches no action", pattern)
		return u
	}
	u.Message = "unknown action " + pattern
	if s, ok := SuggestAction(pattern); ok {
		u.Suggestion = s
	}
	return u
}

// Search finds actions by free text: every word of text (split at spaces
// and punctuation other than - and :) must occur, ignoring case, in the
// action's full name (service:Action) or its service's name, so that
// "agentcore memory create" finds bedrock-agentcore:CreateMemory. Actions
// come in full-name order; at most limit of them (limit <= 0: all), and
// the number that matched.
func Search(text string, limit int) ([]*Action, int) {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != ':'
	})
	if len(words) == 0 {
		return nil, 0
	}
	var out []*Action
	n := 0
	for _, a := range ExpandActions("*") {
		if !matchesWords(a, words) {
			continue
		}
		n++
		if limit <= 0 || len(out) < limit {
			out = append(out, a)
		}
	}
	return out, n
}

func matchesWords(a *Action, words []string) bool {
	for _, w := range words {
		if indexFold(a.Service.Prefix+":"+a.Name, w) < 0 && indexFold(a.Service.Name, w) < 0 {
			return false
		}
	}
	return true
}

// ActionInfo is an action as `agentiam actions --format json` and the
// MCP lookup_actions tool describe it.
type ActionInfo struct {
	Action           string             `json:"action" jsonschema:"service:Action, with AWS's casing"`
	Service          string             `json:"service"`
	AccessLevel      string             `json:"accessLevel" jsonschema:"List, Read, Write, Permissions management or Tagging"`
	ResourceTypes    []ResourceTypeInfo `json:"resourceTypes" jsonschema:"empty: the action supports only Resource *"`
	ConditionKeys    []string           `json:"conditionKeys"`
	DependentActions []string           `json:"dependentActions"`
}

// ResourceTypeInfo is a resource type an action accepts, in ActionInfo.
type ResourceTypeInfo struct {
	Name          string   `json:"name"`
	Required      bool     `json:"required"`
	ARN           string   `json:"arn" jsonschema:"the ARN template"`
	ConditionKeys []string `json:"conditionKeys"`
}

// Info describes the action; lists are never nil.
func (a *Action) Info() ActionInfo {
	info := ActionInfo{
		Action:           a.FullName(),
		Service:          a.Service.Name,
		AccessLevel:      string(a.Access),
		ResourceTypes:    []ResourceTypeInfo{},
		ConditionKeys:    nonNil(a.ConditionKeys),
		DependentActions: nonNil(a.DependentActions),
	}
	for _, r := range a.Resources {
		info.ResourceTypes = append(info.ResourceTypes, ResourceTypeInfo{
			Name: r.Type.Name, Required: r.Required, ARN: r.Type.ARN, ConditionKeys: nonNil(r.ConditionKeys),
		})
	}
	return info
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
