package lint

import (
	"strings"
	"sync"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/catalog"
)

// mayMatch reports whether a Resource pattern can match an ARN of the
// resource type. For a full six-segment pattern the first five segments
// are compared one by one, so that "arn:aws:bedrock-agentcore:*:*:agent-runtime/*"
// is not taken to reach a runtime through a '*' that crosses colons:
// nobody writes a segment wildcard meaning that. Other patterns use the
// catalog's MayMatch. pattern has its policy variables replaced by '*'.
func mayMatch(rt *catalog.ResourceType, pattern string) bool {
	if pattern == "*" {
		return true
	}
	t := templateOf(rt)
	p, err := arn.Parse(pattern)
	if err != nil || !t.segmented {
		return rt.MayMatch(pattern)
	}
	pSegs := [4]string{p.Partition, p.Service, p.Region, p.Account}
	for i, ts := range t.segs {
		if ts == "" && t.variable[i] {
			// A whole-segment variable takes any non-empty text without ':'.
			if pSegs[i] == "" {
				return false
			}
		} else if !arn.Wildcard(pSegs[i], ts) {
			return false
		}
	}
	// The literal start of both resource parts must agree before the
	// exact (and costlier) glob intersection is worth running.
	lp := literalPrefix(p.Resource)
	if t.nests(lp) {
		return false
	}
	n := min(len(lp), len(t.resPrefix))
	if lp[:n] != t.resPrefix[:n] {
		return false
	}
	switch {
	case len(lp) == len(p.Resource):
		// No wildcard in the resource part: fitting the template is cheaper
		// than intersecting two globs.
		return rt.Matches(t.sample + p.Resource)
	case len(lp) == len(p.Resource)-1 && p.Resource[len(lp)] == '*':
		// "literal*", the usual pattern: the literal parts agree, and when
		// the pattern's literal is the longer, the template's first
		// variable (which takes any text) can continue it.
		return len(lp) <= len(t.resPrefix) || t.resVariable
	}
	return rt.MayMatch(t.sample + p.Resource)
}

// template is what mayMatch needs of a resource type's ARN template.
type template struct {
	segmented bool
	// segs are the literal first four segments after "arn:"; "" with
	// variable set for a segment that is one variable.
	segs     [4]string
	variable [4]bool
	// sample is "arn:" and the segments with each variable replaced by a
	// value it can take; resPrefix the literal start of the resource part.
	sample, resPrefix string
	// resVariable: the resource part continues after resPrefix with a
	// variable or '*'.
	resVariable bool
	// resGlob is the resource part with each variable written '*'.
	resGlob string
	// parent: the resource part is resPrefix and one variable, and
	// another resource type of the service nests under it after a '/'
	// (bucket and object, runtime and runtime-endpoint, table and index).
	parent bool
}

// nests reports whether a pattern whose resource part starts with the
// literal lp names a resource nested under one of the type's (such as
// "b/reports/" for a bucket, "runtime/r-1/runtime-endpoint/" for a
// runtime): the variable is an id without '/', and IAM's '*' is not
// there to reach the parent's ARN. The catalog's templates let a
// variable take any text, so that names with paths (roles, log groups,
// objects) fit; a type with nested types shows where ids end.
func (t *template) nests(lp string) bool {
	return t.parent && len(lp) > len(t.resPrefix) && lp[:len(t.resPrefix)] == t.resPrefix &&
		strings.IndexByte(lp[len(t.resPrefix):], '/') >= 0
}

var templates sync.Map // *catalog.ResourceType -> *template

func templateOf(rt *catalog.ResourceType) *template {
	if t, ok := templates.Load(rt); ok {
		return t.(*template)
	}
	t := &template{}
	if a, err := arn.Parse(rt.ARN); err == nil {
		t.segmented = true
		sample := []string{"arn"}
		for i, ts := range [4]string{a.Partition, a.Service, a.Region, a.Account} {
			switch {
			case !strings.Contains(ts, "${") && !arn.HasWildcard(ts):
				t.segs[i] = ts
				sample = append(sample, ts)
			case strings.HasPrefix(ts, "${") && strings.IndexByte(ts, '}') == len(ts)-1:
				t.variable[i] = true
				sample = append(sample, "x")
			default:
				t.segmented = false
			}
		}
		t.sample = strings.Join(sample, ":") + ":"
		t.resPrefix = literalPrefix(a.Resource)
		rest := a.Resource[len(t.resPrefix):]
		t.resVariable = strings.HasPrefix(rest, "${") || strings.HasPrefix(rest, "*")
		t.parent = strings.HasPrefix(rest, "${") && strings.IndexByte(rest, '}') == len(rest)-1 && hasNested(rt)
		t.resGlob = variablesAsStars(a.Resource)
	}
	templates.Store(rt, t)
	return t
}

// variablesAsStars writes each ${...} variable of a template as '*'.
func variablesAsStars(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		j := strings.IndexByte(s[max(i, 0):], '}')
		if i < 0 || j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteByte('*')
		s = s[i+j+1:]
	}
}

// hasNested reports whether another resource type of rt's service has
// an ARN template that continues rt's after a '/'.
func hasNested(rt *catalog.ResourceType) bool {
	if rt.Service == nil {
		return false
	}
	for _, other := range rt.Service.ResourceTypes {
		if len(other.ARN) > len(rt.ARN) && strings.HasPrefix(other.ARN, rt.ARN) && other.ARN[len(rt.ARN)] == '/' {
			return true
		}
	}
	return false
}

// literalPrefix returns s up to its first wildcard or variable.
func literalPrefix(s string) string {
	if i := strings.IndexAny(s, "*?$"); i >= 0 {
		return s[:i]
	}
	return s
}

// typedStarServices authorize actions that have no resource types
// against an ARN of one of their resource types rather than "*": CloudWatch
// Logs' Describe* actions are checked against
// "arn:aws:logs:REGION:ACCOUNT:log-group::log-stream:", which the AgentCore
// runtime execution role of the AWS documentation grants as
// "arn:aws:logs:REGION:ACCOUNT:log-group:*".
var typedStarServices = []string{"logs"}

// starActionMayMatch reports whether a pattern may match the request of
// an action that has no resource types. AWS authorizes them against "*",
// which an account-level pattern of the action's service
// ("arn:aws:xray:REGION:ACCOUNT:*") also matches, and those of
// typedStarServices against an ARN of their own resource types, which a
// pattern covering every resource of such a type matches. A pattern that
// names specific resources, another service, or (elsewhere) a resource
// type is certain to miss: bedrock:ListInferenceProfiles on
// inference-profile/* and bedrock-agentcore:CreateAgentRuntime on
// runtime/* grant nothing.
func starActionMayMatch(a *catalog.Action, pattern string) bool {
	if pattern == "*" {
		return true
	}
	p, err := arn.Parse(pattern)
	if err != nil || !arn.Wildcard(p.Service, a.Service.Prefix) || !broadResource(pattern) {
		return false
	}
	word := p.ResourceType()
	if word == "" || arn.HasWildcard(word) {
		return true
	}
	if !containsFold(typedStarServices, a.Service.Prefix) {
		return false
	}
	for _, rt := range a.Service.ResourceTypes {
		if templateWord(rt.ARN) == word {
			return true
		}
	}
	return false
}

// matchKey memoizes mayMatch within one document, where several
// actions share resource types and checks ask the same question twice.
type matchKey struct {
	rt      *catalog.ResourceType
	pattern string
}

// actionMayMatch reports whether a resource pattern may match a request for action a.
func (c *checker) actionMayMatch(a *catalog.Action, pattern string) bool {
	if len(a.Resources) == 0 {
		return starActionMayMatch(a, pattern)
	}
	for _, ar := range a.Resources {
		if ar.Type == nil {
			continue
		}
		k := matchKey{ar.Type, pattern}
		m, ok := c.matches[k]
		if !ok {
			if c.matches == nil {
				c.matches = map[matchKey]bool{}
			}
			m = mayMatch(ar.Type, pattern)
			c.matches[k] = m
		}
		if m {
			return true
		}
	}
	return false
}

// coversType reports whether a Resource pattern (variables replaced by
// '*') matches every ARN of the resource type, as "*" does:
// "arn:aws:kms:*:*:*" or "arn:aws:kms:*:*:key/*" for keys,
// "arn:*:s3:::*" for buckets and objects, "arn:aws:s3:::*/*" for objects
// (not for access points, whose ARNs have a region and an account). It
// is decided on the catalog's ARN template, not on the pattern's shape:
// a literal segment of the template (the service, an empty region) must
// be matched, a region or an account the template fills with a variable
// must be '*', and the resource part must match the template's with
// each variable written '*' (see coversParsed). The partition may be
// written, since a policy only meets ARNs of its own partition.
// "arn:aws:bedrock:us-west-2:123456789012:agent/*" is the narrowest
// grant a deployer can write for agents whose ids AWS assigns, and is
// not all agents.
func coversType(rt *catalog.ResourceType, pattern string) bool {
	if pattern == "*" {
		return true
	}
	p, ok := allPattern(pattern)
	return ok && coversParsed(templateOf(rt), p, false)
}

// allPattern parses a pattern that may cover every resource of a type:
// an ARN ending in '*', without '?'.
func allPattern(pattern string) (arn.ARN, bool) {
	if !strings.HasSuffix(pattern, "*") || strings.IndexByte(pattern, '?') >= 0 {
		return arn.ARN{}, false
	}
	p, err := arn.Parse(pattern)
	return p, err == nil
}

// coversParsed is coversType for a pattern that allPattern accepted;
// anyRegion accepts a region written out. The resource part covers the
// template's when it matches the template's resource part with each
// variable written as one '*' character: the pattern's literal text then
// meets only literal text of the template, and each variable falls in
// one of the pattern's wildcards, which take any value of it as well.
func coversParsed(t *template, p arn.ARN, anyRegion bool) bool {
	if !t.segmented || !arn.Wildcard(p.Resource, t.resGlob) {
		return false
	}
	pSegs := [4]string{p.Partition, p.Service, p.Region, p.Account}
	for i, ts := range t.segs {
		switch {
		case t.variable[i] && (i == 0 || i == 2 && anyRegion):
			if pSegs[i] == "" {
				return false
			}
		case t.variable[i]:
			if pSegs[i] == "" || strings.Trim(pSegs[i], "*") != "" {
				return false
			}
		case !arn.Wildcard(pSegs[i], ts):
			return false
		}
	}
	return true
}

// coversAction reports whether a Resource pattern matches every resource
// of one of the kinds an action accepts: arn:aws:s3:::* is every object
// for s3:GetObject, although the action also accepts access point
// objects, which are other names for the same data. Actions without
// resource types are covered by "*" only.
func coversAction(a *catalog.Action, pattern string) bool {
	if pattern == "*" {
		return true
	}
	p, ok := allPattern(pattern)
	if !ok {
		return false
	}
	for _, ar := range a.Resources {
		if ar.Type != nil && coversParsed(templateOf(ar.Type), p, false) {
			return true
		}
	}
	return false
}
