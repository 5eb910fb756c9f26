package eval

import (
	"net/netip"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/agentiam/agentiam/policy"
)

// compileMem holds the compiled parts of every statement of a policy.
// Compile sizes it up front from the document: one allocation per kind of
// part, not one per statement or value (allocation dominated compiling
// distinct policies, issue 12). A Compiler reuses one from policy to
// policy without counting: a kind that runs out of room gets a new
// buffer twice as large (the parts handed out before keep the old one).
type compileMem struct {
	actions    []actionPattern
	services   []string
	resources  []resourcePattern
	conditions []condition
	values     []condValue
	principals []principalSet
	aws        []awsPrincipal
	names      []string // service, federated and canonical principals
	prefixes   []netip.Prefix
	parts      []tpart
	rvars      []resourceVars
	// ops holds the operators parsed last, by name as written: a policy
	// names few operators, over and over. The names point into documents,
	// so a Compiler forgets them at Reset.
	ops    [4]operator
	nextOp int
	// The statement indexes (see buildIndexes); sized by
	// Compiler.Compile only, Compile allocates them exactly.
	index   []int32
	entries []serviceStmts
	// text holds the lowercased keys and names: its bytes are written
	// once and never changed (see toLower), so strings may point into it.
	text []byte
}

// bytes is about the size of the memory m holds.
func (m *compileMem) bytes() int {
	return size(m.actions) + size(m.services) + size(m.resources) + size(m.conditions) +
		size(m.values) + size(m.principals) + size(m.aws) + size(m.names) + size(m.prefixes) +
		size(m.parts) + size(m.rvars) + size(m.text) + size(m.index) + size(m.entries)
}

// docBytes is about the memory of a parsed document's values (see
// policy's arena: one array per kind of value, exactly sized), not
// counting the source text its strings point into.
func docBytes(doc *policy.Document) int {
	const (
		str  = int(unsafe.Sizeof(policy.String{}))
		list = int(unsafe.Sizeof(policy.StringList{}))
	)
	n := int(unsafe.Sizeof(*doc)) + 2*str
	for _, st := range doc.Statements {
		n += int(unsafe.Sizeof(*st)) + int(unsafe.Sizeof(st)) + str
		for _, l := range [...]*policy.StringList{st.Action, st.NotAction, st.Resource, st.NotResource} {
			if l != nil {
				n += list + len(l.Values)*str
			}
		}
		for _, pr := range [...]*policy.Principal{st.Principal, st.NotPrincipal} {
			if pr == nil {
				continue
			}
			n += int(unsafe.Sizeof(*pr))
			for _, e := range pr.Entries {
				n += int(unsafe.Sizeof(e)) + len(e.Values.Values)*str
			}
		}
		if c := st.Condition; c != nil {
			n += int(unsafe.Sizeof(*c))
			for _, op := range c.Operators {
				n += int(unsafe.Sizeof(op))
				for _, k := range op.Keys {
					n += int(unsafe.Sizeof(k)) + len(k.Values)*int(unsafe.Sizeof(policy.ConditionValue{}))
				}
			}
		}
	}
	return n
}

// counts are the sizes of a compileMem.
type counts struct {
	actions, resources, conditions, values, principals int
	aws, names, prefixes, parts, rvars, text           int
}

// newCompileMem returns the memory for the parts of doc, sized exactly
// (or for the parts counted as bounds, at most).
func newCompileMem(doc *policy.Document) compileMem {
	var m compileMem
	m.reserve(countParts(doc))
	return m
}

func countParts(doc *policy.Document) counts {
	var n counts
	for _, st := range doc.Statements {
		n.addStatement(st)
	}
	return n
}

// reserve makes room for n more parts of each kind: a kind short of room
// gets a new buffer, of n exactly when it had none.
func (m *compileMem) reserve(n counts) {
	reserve(&m.actions, n.actions)
	reserve(&m.services, n.actions)
	reserve(&m.resources, n.resources)
	reserve(&m.conditions, n.conditions)
	reserve(&m.values, n.values)
	reserve(&m.principals, n.principals)
	reserve(&m.aws, n.aws)
	reserve(&m.names, n.names)
	reserve(&m.prefixes, n.prefixes)
	reserve(&m.parts, n.parts)
	reserve(&m.rvars, n.rvars)
	reserve(&m.text, n.text)
}

func reserve[T any](buf *[]T, n int) {
	if cap(*buf)-len(*buf) < n {
		*buf = make([]T, 0, max(n, 2*cap(*buf)))
	}
}

func (n *counts) addStatement(st *policy.Statement) {
	n.actions += listLen(st.Action) + listLen(st.NotAction)
	for _, l := range [...]*policy.StringList{st.Resource, st.NotResource} {
		if l == nil {
			continue
		}
		n.resources += len(l.Values)
		for _, r := range l.Values {
			if k := n.addTemplate(r.Value); k > 0 {
				n.rvars++
			}
		}
	}
	for _, pr := range [...]*policy.Principal{st.Principal, st.NotPrincipal} {
		if pr == nil {
			continue
		}
		n.principals++
		for _, e := range pr.Entries {
			if e.Type.Value == policy.PrincipalAWS {
				n.aws += len(e.Values.Values)
				continue
			}
			n.names += len(e.Values.Values)
			if e.Type.Value == policy.PrincipalService {
				for _, v := range e.Values.Values {
					n.text += len(v.Value)
				}
			}
		}
	}
	if st.Condition == nil {
		return
	}
	for _, op := range st.Condition.Operators {
		o, err := parseOperator(op.Name.Value)
		ip := err == nil && o.op == opIPAddress
		n.conditions += len(op.Keys)
		for _, k := range op.Keys {
			n.values += len(k.Values)
			n.text += len(k.Name.Value)
			if ip {
				n.prefixes += len(k.Values)
			}
			for _, v := range k.Values {
				n.addTemplate(v.Value)
			}
		}
	}
}

// addTemplate counts the room a template of s may take and returns its
// number of "${".
func (n *counts) addTemplate(s string) int {
	if strings.IndexByte(s, '$') < 0 {
		return 0
	}
	k := strings.Count(s, "${")
	if k > 0 {
		n.parts += 2*k + 2
		n.text += len(s) // the variables' keys, lowercased
	}
	return k
}

func listLen(l *policy.StringList) int {
	if l == nil {
		return 0
	}
	return len(l.Values)
}

// grow returns room for n elements after the len(*buf) used ones, with
// length 0 and capacity n, moving *buf to a new buffer (of n exactly when
// it had none) when it lacks the room.
func grow[T any](buf *[]T, n int) []T {
	b := *buf
	if len(b)+n > cap(b) {
		b = make([]T, 0, max(n, 2*cap(b)))
	}
	*buf = b[:len(b)+n]
	return b[len(b) : len(b) : len(b)+n]
}

// operator returns the parsed condition operator named name.
func (m *compileMem) operator(name string) (operator, error) {
	for i := range m.ops {
		if m.ops[i].name == name && name != "" {
			o := m.ops[i]
			o.name = name
			return o, nil
		}
	}
	o, err := parseOperator(name)
	if err == nil {
		m.ops[m.nextOp] = o
		m.nextOp = (m.nextOp + 1) % len(m.ops)
	}
	return o, err
}

// one returns a pointer to a zero element taken from buf (see grow).
func one[T any](buf *[]T) *T {
	if len(*buf) == cap(*buf) {
		*buf = make([]T, 0, max(4, 2*cap(*buf)))
	}
	*buf = (*buf)[:len(*buf)+1]
	p := &(*buf)[len(*buf)-1]
	var zero T
	*p = zero
	return p
}

// lowerASCII is the package's lowerASCII: s with its ASCII letters
// lowercased, s itself when it has no ASCII capital.
func (m *compileMem) lowerASCII(s string) string {
	if !hasUpperASCII(s) {
		return s
	}
	return m.toLower(s)
}

// toLower is strings.ToLower(s), written into m.text when s is ASCII.
// The text of m.text is never changed once written (a Compiler reuses it
// only after Reset): when it lacks room, it moves to a new buffer.
func (m *compileMem) toLower(s string) string {
	if !isASCII(s) {
		return strings.ToLower(s)
	}
	if !hasUpperASCII(s) {
		return s
	}
	if len(m.text)+len(s) > cap(m.text) {
		m.text = make([]byte, 0, max(len(s), 2*cap(m.text), 256))
	}
	start := len(m.text)
	for i := 0; i < len(s); i++ {
		m.text = append(m.text, lowerByte(s[i]))
	}
	return unsafe.String(&m.text[start], len(s))
}

func hasUpperASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
