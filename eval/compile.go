package eval

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unsafe"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/policy"
)

// Policy is a compiled policy document, safe for concurrent use.
type Policy struct {
	doc   *policy.Document
	stmts []statement
	deny  stmtIndex
	allow stmtIndex
	bytes int // see Bytes
}

// Document returns the source document.
func (p *Policy) Document() *policy.Document { return p.doc }

// stmtIndex finds the statements whose Action element can match an
// action of a given service without looking at the others. Statements
// are named by their index in Policy.stmts: the index holds no pointers,
// so building it costs the collector nothing.
type stmtIndex struct {
	byService  []serviceStmts // sorted by service
	anyService []int32        // NotAction, or a wildcard in the service part
}

// serviceStmts are the statements naming one exact lowercase service
// prefix, in policy order.
type serviceStmts struct {
	service string
	stmts   []int32
}

// lookup returns the statements that name the (lowercase) service.
func (ix *stmtIndex) lookup(svc string) []int32 {
	list := ix.byService
	if len(list) > 8 {
		i, ok := slices.BinarySearchFunc(list, svc, func(e serviceStmts, s string) int { return strings.Compare(e.service, s) })
		if !ok {
			return nil
		}
		return list[i].stmts
	}
	for i := range list {
		if list[i].service == svc {
			return list[i].stmts
		}
	}
	return nil
}

// buildIndexes fills the deny and allow indexes of p from its statements
// with two allocations at most: the statements of each (effect, service)
// group are laid out in policy order, the groups in the order of their
// services. The groups and pairs live on the stack for all but the
// largest policies.
func (p *Policy) buildIndexes(mem *compileMem) {
	var groupsBuf [32]serviceGroup
	var pairsBuf [256]int32
	groups, pairs, nAny := p.groupServices(groupsBuf[:0], pairsBuf[:0])
	var rankBuf [32]int32
	rank := rankBuf[:0]
	for g := range groups {
		rank = append(rank, int32(g))
	}
	slices.SortFunc(rank, func(a, b int32) int {
		ga, gb := &groups[a], &groups[b]
		if ga.key != gb.key {
			return cmp.Compare(ga.key, gb.key)
		}
		return strings.Compare(ga.service, gb.service)
	})
	n := len(pairs) + nAny[0] + nAny[1]
	backing := grow(&mem.index, n)[:n]
	p.allow.anyService, backing = backing[:0:nAny[0]], backing[nAny[0]:]
	p.deny.anyService, backing = backing[:0:nAny[1]], backing[nAny[1]:]
	at := int32(0)
	for _, g := range rank {
		groups[g].at = at
		at += groups[g].n
	}
	k := 0
	for i := range p.stmts {
		s := &p.stmts[i]
		if s.notAction || len(s.services) == 0 {
			ix := &p.allow
			if s.deny {
				ix = &p.deny
			}
			ix.anyService = append(ix.anyService, int32(i))
			continue
		}
		for range s.services {
			g := &groups[pairs[k]]
			backing[g.at] = int32(i)
			g.at++
			k++
		}
	}
	entries := grow(&mem.entries, len(groups))
	for _, g := range rank {
		gr := &groups[g]
		entries = append(entries, serviceStmts{service: gr.service, stmts: backing[gr.at-gr.n : gr.at : gr.at]})
		ix := &p.allow
		if gr.key>>63 == 1 {
			ix = &p.deny
		}
		if ix.byService == nil {
			ix.byService = entries[len(entries)-1:]
		} else {
			ix.byService = ix.byService[:len(ix.byService)+1]
		}
	}
}

// serviceGroup is the statements of one effect that name one service.
type serviceGroup struct {
	key     uint64 // sortKey(deny, service)
	service string
	n       int32 // statements
	at      int32 // where its next statement goes (see buildIndexes)
}

// groupServices appends to groups the (effect, service) groups of p's
// statements in the order first named, and to pairs the group of each
// (statement, service) pair in policy order; nAny counts the statements
// that may match any service (Allow, Deny). A policy names few services:
// a group is found by a linear search, or past 32 groups in a map.
func (p *Policy) groupServices(groups []serviceGroup, pairs []int32) (_ []serviceGroup, _ []int32, nAny [2]int) {
	type groupKey struct {
		deny    bool
		service string
	}
	var byKey map[groupKey]int32
	for i := range p.stmts {
		s := &p.stmts[i]
		if s.notAction || len(s.services) == 0 {
			nAny[b2i(s.deny)]++
			continue
		}
		for _, svc := range s.services {
			k := sortKey(s.deny, svc)
			g := int32(-1)
			if byKey != nil {
				if j, ok := byKey[groupKey{s.deny, svc}]; ok {
					g = j
				}
			} else {
				for j := range groups {
					if groups[j].key == k && groups[j].service == svc {
						g = int32(j)
						break
					}
				}
			}
			if g < 0 {
				g = int32(len(groups))
				groups = append(groups, serviceGroup{key: k, service: svc})
				if byKey != nil || len(groups) > 32 {
					if byKey == nil {
						byKey = make(map[groupKey]int32, 2*len(groups))
						for j := range groups {
							byKey[groupKey{groups[j].key>>63 == 1, groups[j].service}] = int32(j)
						}
					}
					byKey[groupKey{s.deny, svc}] = g
				}
			}
			groups[g].n++
			pairs = append(pairs, g)
		}
	}
	return groups, pairs, nAny
}

// sortKey orders (deny, service) groups as comparing deny (false first)
// then the services would, for all but services sharing their first
// seven bytes: the top bit is deny, the next 56 the service's first
// bytes, zero-padded (a service prefix holds no zero byte).
func sortKey(deny bool, service string) uint64 {
	var k uint64
	for i := 0; i < 7; i++ {
		k <<= 8
		if i < len(service) {
			k |= uint64(service[i])
		}
	}
	if deny {
		k |= 1 << 63
	}
	return k
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// statement is one compiled statement; its fields are ordered so that
// the flags share one word (a policy holds many statements, issue 12).
type statement struct {
	src *policy.Statement // Sid and position come from here

	actions  []actionPattern
	services []string // distinct exact services, nil when any service may match

	resources  []resourcePattern
	principals *principalSet
	conditions []condition

	index        int32
	deny         bool
	notAction    bool
	notResource  bool
	anyResource  bool // Resource "*" (or no Resource element, as in trust policies)
	notPrincipal bool
}

// sid is the statement's Sid, or "".
func (s *statement) sid() string {
	if s.src.Sid == nil {
		return ""
	}
	return s.src.Sid.Value
}

type actionPattern struct {
	raw        string
	service    string // lowercase
	name       string // as written; may hold wildcards; compared ignoring case
	serviceKey uint64 // serviceKey(service)
	all        bool   // "*"
	wildName   bool
	asciiName  bool
}

// serviceKey packs the first eight bytes of a service prefix, so that
// most comparisons of an action's service with the request's read no
// text (a cached policy's text is rarely in the processor's cache).
func serviceKey(s string) uint64 {
	var k uint64
	for i := 0; i < 8 && i < len(s); i++ {
		k |= uint64(s[i]) << (8 * i)
	}
	return k
}

// resourcePattern is a Resource / NotResource pattern; one without
// variables is prepared for matching once, here. One with variables
// (only ever in the resource part, after the fifth colon) keeps that
// fixed prefix prepared apart from the templated rest. The variable
// parts live behind a pointer: most patterns have none, and a policy
// holds many patterns (issue 12: compiled policies were ten times their
// text).
type resourcePattern struct {
	fixed arn.Pattern   // when vars == nil: the whole pattern; else the prefix through the fifth colon, when it holds a wildcard
	vars  *resourceVars // nil when the pattern has no variables
}

// resourceVars is the templated part of a resourcePattern.
type resourceVars struct {
	tmpl   template // the whole pattern
	prefix string   // the prefix through the fifth colon, when it holds no wildcard
	rest   template // the resource part
}

// value is the pattern as written and as resolved for the request.
func (r *resourcePattern) value(rs *reqState) Value {
	if r.vars == nil {
		t := template{raw: r.fixed.String()}
		return t.value(rs)
	}
	return r.vars.tmpl.value(rs)
}

// Compile compiles a parsed policy document. It fails (wrapping
// ErrCompile) on what AWS would reject at evaluation time: an unknown
// condition operator or a statement without Action or NotAction.
func Compile(doc *policy.Document) (*Policy, error) {
	if err := checkDoc(doc); err != nil {
		return nil, err
	}
	p := &Policy{doc: doc, stmts: make([]statement, len(doc.Statements))}
	mem := newCompileMem(doc)
	if err := p.compile(&mem); err != nil {
		return nil, err
	}
	p.bytes = int(unsafe.Sizeof(*p)) + size(p.stmts) + mem.bytes() + docBytes(doc)
	return p, nil
}

// A Compiler compiles policies into memory it reuses: Reset makes every
// policy it compiled before invalid, and the next ones take their place.
// A batch of requests whose policies each serve one request compiles
// them without allocating once the memory has grown to the largest
// request's (allocating was most of the time of compiling, issue 12).
// The zero value is ready to use; a Compiler is not safe for concurrent
// use.
type Compiler struct {
	mem      compileMem
	policies []Policy
	stmts    []statement
}

// maxCompilerBytes bounds the memory a Compiler keeps across Reset: one
// grown by a very large request starts afresh.
const maxCompilerBytes = 8 << 20

// Compile compiles doc as the package-level Compile does, into memory
// that is valid until the next Reset.
func (c *Compiler) Compile(doc *policy.Document) (*Policy, error) {
	if err := checkDoc(doc); err != nil {
		return nil, err
	}
	p := one(&c.policies)
	*p = Policy{doc: doc, stmts: grow(&c.stmts, len(doc.Statements))[:len(doc.Statements)]}
	if err := p.compile(&c.mem); err != nil {
		return nil, err
	}
	return p, nil
}

// CompileAs compiles doc for its place in a request as the package-level
// CompileAs does, into memory that is valid until the next Reset.
func (c *Compiler) CompileAs(doc *policy.Document, kind policy.Kind) (*Policy, error) {
	p, err := c.Compile(doc)
	if err != nil {
		return nil, err
	}
	if err := checkPlacement(doc, kind); err != nil {
		return nil, err
	}
	return p, nil
}

// Reset makes room for new policies, invalidating every policy compiled
// since the last Reset.
func (c *Compiler) Reset() {
	if c.bytes() > maxCompilerBytes {
		*c = Compiler{}
		return
	}
	m := &c.mem
	m.actions, m.services, m.resources = m.actions[:0], m.services[:0], m.resources[:0]
	m.conditions, m.values, m.principals = m.conditions[:0], m.values[:0], m.principals[:0]
	m.aws, m.names, m.prefixes, m.parts = m.aws[:0], m.names[:0], m.prefixes[:0], m.parts[:0]
	m.rvars, m.text, m.index, m.entries = m.rvars[:0], m.text[:0], m.index[:0], m.entries[:0]
	m.ops, m.nextOp = [len(m.ops)]operator{}, 0
	c.policies, c.stmts = c.policies[:0], c.stmts[:0]
}

// bytes is about the size of the memory the Compiler holds.
func (c *Compiler) bytes() int {
	return c.mem.bytes() + size(c.policies) + size(c.stmts)
}

// Bytes is about the memory the policy holds: its compiled statements
// and indexes, and its document (values, statements and positions, not
// the source text the document's strings point into). It is zero for a
// policy compiled by a Compiler, whose memory is the Compiler's. Batch
// simulation bounds its cache of compiled policies by it (issue 12).
func (p *Policy) Bytes() int { return p.bytes }

func size[T any](s []T) int {
	var zero T
	return cap(s) * int(unsafe.Sizeof(zero))
}

func checkDoc(doc *policy.Document) error {
	if doc == nil {
		return fmt.Errorf("%w: nil document", ErrCompile)
	}
	for i, st := range doc.Statements {
		if st == nil {
			return fmt.Errorf("%w: statement %d is nil", ErrCompile, i)
		}
	}
	return nil
}

// compile compiles the statements of p.doc into p.stmts (one for each)
// and builds the indexes, taking memory from mem.
func (p *Policy) compile(mem *compileMem) error {
	doc := p.doc
	vars := doc.VariablesEnabled()
	for i, st := range doc.Statements {
		if err := compileStatement(&p.stmts[i], st, i, vars, mem); err != nil {
			where := doc.Source
			if where == "" {
				where = "policy"
			}
			return fmt.Errorf("%s: statement %d: %w", where, i, err)
		}
	}
	p.buildIndexes(mem)
	return nil
}

func compileStatement(s *statement, st *policy.Statement, index int, vars bool, mem *compileMem) error {
	*s = statement{src: st, index: int32(index)}
	switch st.Effect.Value {
	case "Allow":
	case "Deny":
		s.deny = true
	default:
		return fmt.Errorf("%w: Effect %q (want Allow or Deny)", ErrCompile, st.Effect.Value)
	}
	actions := st.Action
	if actions == nil {
		actions, s.notAction = st.NotAction, true
	}
	if actions == nil {
		return fmt.Errorf("%w: no Action or NotAction", ErrCompile)
	}
	s.actions = grow(&mem.actions, len(actions.Values))[:len(actions.Values)]
	s.services = grow(&mem.services, len(actions.Values))
	exact := true
	for k, a := range actions.Values {
		ap := &s.actions[k]
		if err := compileAction(ap, a.Value, mem); err != nil {
			return err
		}
		if ap.all {
			exact = false
		} else if !slices.Contains(s.services, ap.service) {
			s.services = append(s.services, ap.service)
		}
	}
	if !exact || len(s.services) == 0 {
		s.services = nil
	}
	res := st.Resource
	if res == nil && st.NotResource != nil {
		res, s.notResource = st.NotResource, true
	}
	if res == nil {
		s.anyResource = true
	}
	if res != nil {
		s.resources = grow(&mem.resources, len(res.Values))
		for _, r := range res.Values {
			if r.Value == "*" && !s.notResource {
				s.anyResource = true
			}
			s.resources = s.resources[:len(s.resources)+1]
			compileResource(&s.resources[len(s.resources)-1], r.Value, vars, mem)
		}
	}
	pr := st.Principal
	if pr == nil && st.NotPrincipal != nil {
		pr, s.notPrincipal = st.NotPrincipal, true
	}
	if pr != nil {
		s.principals = one(&mem.principals)
		compilePrincipals(s.principals, pr, mem)
	}
	if st.Condition != nil {
		n := 0
		for _, op := range st.Condition.Operators {
			n += len(op.Keys)
		}
		s.conditions = grow(&mem.conditions, n)
		for _, op := range st.Condition.Operators {
			if len(op.Keys) == 0 {
				continue
			}
			o, err := mem.operator(op.Name.Value)
			if err != nil {
				return err
			}
			for ki := range op.Keys {
				s.conditions = s.conditions[:len(s.conditions)+1]
				compileCondition(&s.conditions[len(s.conditions)-1], &o, &op.Keys[ki], vars, mem)
			}
		}
	}
	return nil
}

// compileAction compiles an Action / NotAction value. The policy grammar
// makes it "*" or a service prefix (letters, digits, hyphens), one colon
// and an action name in which wildcards may appear; IAM rejects anything
// else as a malformed policy (IAM User Guide, policy grammar: action_string).
func compileAction(a *actionPattern, raw string, mem *compileMem) error {
	*a = actionPattern{raw: raw}
	if raw == "*" {
		a.all = true
		return nil
	}
	// One pass: the colon, capitals or other bytes than a service prefix
	// allows before it, wildcards after it.
	colon, upper, other := -1, false, false
	for j := 0; j < len(raw); j++ {
		switch c := raw[j]; {
		case c == ':':
			if colon >= 0 {
				return fmt.Errorf("%w: action %q is not \"*\" or service:action with one colon", ErrCompile, raw)
			}
			colon = j
		case colon >= 0:
			a.wildName = a.wildName || c == '*' || c == '?'
		case 'A' <= c && c <= 'Z':
			upper = true
		case !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-'):
			other = true
		}
	}
	if colon < 0 {
		return fmt.Errorf("%w: action %q is not \"*\" or service:action with one colon", ErrCompile, raw)
	}
	// The name keeps its case: it is only ever compared ignoring case.
	a.service, a.name = raw[:colon], raw[colon+1:]
	if a.service == "" || a.name == "" {
		return fmt.Errorf("%w: action %q needs both a service prefix and an action name", ErrCompile, raw)
	}
	if upper || other {
		// Lowered as a whole (strings.ToLower when it has a capital), then
		// checked: a non-ASCII letter may lower to an ASCII one.
		a.service = mem.lowerASCII(a.service)
	}
	for j := 0; other && j < len(a.service); j++ {
		if c := a.service[j]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return fmt.Errorf("%w: action %q: the service prefix %q may hold only letters, digits and hyphens (wildcards belong in the action name)", ErrCompile, raw, raw[:colon])
		}
	}
	a.serviceKey, a.asciiName = serviceKey(a.service), isASCII(a.name)
	return nil
}

// compilePrincipals compiles a Principal or NotPrincipal element; its
// lists take the room of mem's that the element's entries need.
func compilePrincipals(ps *principalSet, pr *policy.Principal, mem *compileMem) {
	ps.any = pr.Wildcard
	var nAWS, nService, nFederated, nCanonical int
	for _, e := range pr.Entries {
		n := len(e.Values.Values)
		switch e.Type.Value {
		case policy.PrincipalAWS:
			nAWS += n
		case policy.PrincipalService:
			nService += n
		case policy.PrincipalFederated:
			nFederated += n
		case policy.PrincipalCanonicalUser:
			nCanonical += n
		}
	}
	ps.aws = grow(&mem.aws, nAWS)
	ps.service = grow(&mem.names, nService)
	ps.federated = grow(&mem.names, nFederated)
	ps.canonical = grow(&mem.names, nCanonical)
	for _, e := range pr.Entries {
		for _, v := range e.Values.Values {
			switch e.Type.Value {
			case policy.PrincipalAWS:
				if v.Value == "*" {
					ps.any = true
					continue
				}
				ps.aws = append(ps.aws, compileAWSPrincipal(v.Value))
			case policy.PrincipalService:
				ps.service = append(ps.service, mem.toLower(v.Value))
			case policy.PrincipalFederated:
				ps.federated = append(ps.federated, v.Value)
			case policy.PrincipalCanonicalUser:
				ps.canonical = append(ps.canonical, v.Value)
			}
		}
	}
}

// match reports whether the action pattern covers the request's action.
// The pattern's service is lowercase ASCII (letters, digits, hyphens), so
// it equals the request's ignoring case exactly when it equals the
// request's with ASCII letters lowercased (a non-ASCII service that
// folds to it would be longer); the packed keys compare the first eight
// bytes of both.
func (a *actionPattern) match(rs *reqState) bool {
	if a.all {
		return true
	}
	if a.serviceKey != rs.actionSvcKey || len(a.service) != len(rs.actionSvcLower) ||
		len(a.service) > 8 && a.service[8:] != rs.actionSvcLower[8:] {
		return false
	}
	if a.wildName {
		return arn.WildcardFold(a.name, rs.actionName)
	}
	// ASCII names are equal ignoring case only at equal lengths.
	if a.asciiName && rs.actionNameASCII && len(a.name) != len(rs.actionName) {
		return false
	}
	return strings.EqualFold(a.name, rs.actionName)
}

// matchActions reports whether the statement's Action / NotAction element
// lets the request's action through.
func (s *statement) matchActions(rs *reqState) bool {
	for i := range s.actions {
		if s.actions[i].match(rs) {
			return !s.notAction
		}
	}
	return s.notAction
}

// matchResources reports whether the Resource / NotResource element lets
// the request's resource through. A pattern whose variable has no value
// matches no resource, in NotResource as in Resource (IAM User Guide,
// "Policy variables with no value").
func (s *statement) matchResources(rs *reqState) bool {
	if s.anyResource {
		return true
	}
	for i := range s.resources {
		if s.resources[i].match(rs) {
			return !s.notResource
		}
	}
	return s.notResource
}

func compileResource(rp *resourcePattern, raw string, vars bool, mem *compileMem) {
	tmpl := parseResourceTemplate(raw, vars, mem)
	if !tmpl.hasVars() {
		*rp = resourcePattern{fixed: arn.CompilePattern(raw)}
		return
	}
	head := tmpl.parts[0].text // through the fifth colon
	rv := one(&mem.rvars)
	*rv = resourceVars{tmpl: tmpl, rest: template{raw: raw[len(head):], parts: tmpl.parts[1:]}}
	*rp = resourcePattern{vars: rv}
	if arn.HasWildcard(head) {
		rp.fixed = arn.CompilePattern(head)
	} else {
		rv.prefix = head
	}
}

// match matches the request's resource. With variables, the resource
// part is a glob in which ${*}, ${?}, ${$} and every substituted value
// are literal text (see template.glob); the prefix keeps the
// Resource element's segment rules. A prefix with wildcards may end at
// any colon of the value from its fifth on (a '*' ending a segment can
// span colons), so each such split is tried.
func (r *resourcePattern) match(rs *reqState) bool {
	if rs.resource == "*" {
		return r.vars == nil && MatchesResourceless(r.fixed.String(), rs.actionSvcLower, rs.p.partition)
	}
	if r.vars == nil {
		return r.fixed.Match(rs.resource)
	}
	var buf [256]byte
	glob, ok := r.vars.rest.glob(rs, buf[:0])
	if !ok {
		return false
	}
	v := rs.resource
	if p := r.vars.prefix; p != "" {
		return strings.HasPrefix(v, p) && glob.Match(v[len(p):])
	}
	colons := 0
	for i := 0; i < len(v); i++ {
		if v[i] != ':' {
			continue
		}
		if colons++; colons >= 5 && r.fixed.Match(v[:i+1]) && glob.Match(v[i+1:]) {
			return true
		}
	}
	return false
}

// MatchesResourceless reports whether a Resource (or NotResource)
// pattern applies to a request that names no resource ("*", the actions
// without resource types, such as s3:ListAllMyBuckets): the pattern "*",
// or a pattern that matches every resource of the action's service in
// the partition, "arn:PARTITION:SERVICE:REGION:ACCOUNT:*" with REGION and
// ACCOUNT empty or wildcards. An empty partition matches any.
//
// decision: the IAM User Guide's evaluation example grants
// s3:ListAllMyBuckets with "Resource": "arn:aws:s3:::*" ("The
// AllowS3ListRead statement in this policy allows Carlos to view a list of
// all of the buckets in the account"), and the service authorization
// reference asks for "*" for such actions. agentiam accepts both, and no
// narrower pattern: one naming a region, an account or a resource does
// not cover a request that names none.
func MatchesResourceless(pattern, service, partition string) bool {
	if pattern == "*" {
		return true
	}
	// The five fields before the resource, cut on the stack: Evaluate
	// comes here for every pattern of a request on "*".
	var f [5]string
	rest := pattern
	for i := range f {
		var ok bool
		if f[i], rest, ok = strings.Cut(rest, ":"); !ok {
			return false
		}
	}
	if f[0] != "arn" || rest != "*" {
		return false
	}
	return (partition == "" || arn.Wildcard(f[1], partition)) &&
		arn.WildcardFold(f[2], service) && onlyStars(f[3]) && onlyStars(f[4])
}

// onlyStars reports whether s is empty or only '*' wildcards.
func onlyStars(s string) bool { return strings.Trim(s, "*") == "" }

// parseResourceTemplate parses a Resource / NotResource pattern. Variables
// are substituted only in the resource part of the ARN, after the fifth
// colon; before it ${...} is literal text (IAM User Guide, policy
// variables: "Resource element").
func parseResourceTemplate(s string, vars bool, mem *compileMem) template {
	if !vars || !strings.Contains(s, "${") {
		return template{raw: s}
	}
	colons := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			colons++
			if colons == 5 {
				t := parseTemplateAfter(s[:i+1], s[i+1:], vars, mem)
				t.raw = s
				return t
			}
		}
	}
	return template{raw: s}
}
