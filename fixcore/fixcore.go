// Package fixcore is the fix, probe and confirm machinery that verify
// and accessdenied share: a principal's policies as one bundle, changes
// to them (statements added to a policy, a statement replaced), the
// policies on the far side of a request that a check assumes, requests
// next to a denied one, and the confirmation of a change by evaluating
// requests again before and after it.
package fixcore

import (
	"fmt"
	"slices"

	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
)

// Named is a policy document with the name it is known by.
type Named struct {
	Name     string
	Document *policy.Document
}

// Policies are the policies of one principal, or of the resource a
// request is for.
type Policies struct {
	Identity []Named
	Boundary *policy.Document
	// Resource is the resource side: a role's trust policy, or the
	// resource policy of a function, runtime or gateway.
	Resource *policy.Document
	Session  *policy.Document
}

// ChangeKind says what a change does to a policy.
type ChangeKind int

const (
	// Add appends statements to a policy; for identity policies, it adds
	// a new policy of them.
	Add ChangeKind = iota
	// Replace replaces the statement at Index by Statements (none: it
	// removes it).
	Replace
)

// Change is a statement change to one policy of a bundle.
type Change struct {
	Kind ChangeKind
	// Policy is the kind of policy changed: identity, boundary, resource
	// or session.
	Policy policy.Kind
	// Name is, for Add to identity policies, the name of the new policy
	// (and its document's Source); for Replace in identity policies, the
	// policy changed. For Add to the other kinds, a non-empty Name is the
	// Source of the changed document, as traces name it.
	Name       string
	Index      int
	Statements []*policy.Statement
}

// Apply returns the policies with the changes applied; p is left as it is.
func (p *Policies) Apply(changes ...Change) *Policies {
	out := *p
	for _, c := range changes {
		out.apply(c)
	}
	return &out
}

func (p *Policies) apply(c Change) {
	if c.Policy == policy.Identity {
		p.Identity = slices.Clone(p.Identity)
		if c.Kind == Add {
			p.Identity = append(p.Identity, Named{Name: c.Name, Document: withStatements(nil, c.Statements, c.Name)})
			return
		}
		for i, n := range p.Identity {
			if n.Name == c.Name {
				p.Identity[i] = Named{Name: n.Name, Document: replaced(n.Document, c.Index, c.Statements)}
			}
		}
		return
	}
	d := p.document(c.Policy)
	switch {
	case d == nil:
	case c.Kind == Replace:
		*d = replaced(*d, c.Index, c.Statements)
	default:
		*d = withStatements(*d, c.Statements, c.Name)
	}
}

// document points at the bundle's policy of a kind other than identity.
func (p *Policies) document(k policy.Kind) **policy.Document {
	switch k {
	case policy.Boundary:
		return &p.Boundary
	case policy.Resource:
		return &p.Resource
	case policy.Session:
		return &p.Session
	}
	return nil
}

// withStatements is a new document with d's statements and extra ones,
// with source as its Source when it is given.
func withStatements(d *policy.Document, extra []*policy.Statement, source string) *policy.Document {
	nd := policy.NewDocument()
	if d != nil {
		nd.Add(policy.CloneStatements(d.Statements)...)
	}
	nd.Add(policy.CloneStatements(extra)...)
	if source != "" {
		nd.Source = source
	}
	return nd
}

// replaced is a new document with d's statement at index replaced.
func replaced(d *policy.Document, index int, repl []*policy.Statement) *policy.Document {
	nd := policy.NewDocument()
	for i, st := range d.Statements {
		if i == index {
			nd.Add(policy.CloneStatements(repl)...)
			continue
		}
		nd.Add(policy.CloneStatements([]*policy.Statement{st})...)
	}
	return nd
}

// Compiled are a bundle's policies, compiled once.
type Compiled struct {
	Identity []*eval.Policy
	Boundary *eval.Policy
	Resource *eval.Policy
	Session  *eval.Policy
}

// Compile compiles a bundle. resourceName says what its resource side is
// called in errors ("trust policy").
func Compile(p *Policies, resourceName string) (*Compiled, error) {
	c := &Compiled{}
	for _, n := range p.Identity {
		cp, err := eval.Compile(named(n))
		if err != nil {
			return nil, fmt.Errorf("policy %s: %w", n.Name, err)
		}
		c.Identity = append(c.Identity, cp)
	}
	var err error
	if c.Boundary, err = compileNamed(p.Boundary, "permissions boundary"); err != nil {
		return nil, err
	}
	if c.Resource, err = compileNamed(p.Resource, resourceName); err != nil {
		return nil, err
	}
	if c.Session, err = compileNamed(p.Session, "session policy"); err != nil {
		return nil, err
	}
	return c, nil
}

// compileNamed compiles a document that may be missing; name says what
// it is in errors.
func compileNamed(d *policy.Document, name string) (*eval.Policy, error) {
	if d == nil {
		return nil, nil
	}
	p, err := eval.Compile(d)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return p, nil
}

// named returns the document with its name as Source, for traces; the
// document itself is left untouched.
func named(n Named) *policy.Document {
	if n.Document.Source == n.Name {
		return n.Document
	}
	d := *n.Document
	d.Source = n.Name
	return &d
}

// Set returns the policies that decide a request the principal makes:
// its own identity, boundary and session policies, and resource, the
// policy of the resource the request is for (nil for none).
func (c *Compiled) Set(resource *eval.Policy) *eval.Set {
	return &eval.Set{Identity: c.Identity, Boundary: c.Boundary, Session: c.Session, Resource: resource}
}

// ResourceSet returns the policies that decide a request for the bundle's
// resource side (assuming the role, invoking the function), made by a
// caller whose identity policy is caller (nil for none).
func (c *Compiled) ResourceSet(caller *eval.Policy) *eval.Set {
	s := &eval.Set{Resource: c.Resource}
	if caller != nil {
		s.Identity = []*eval.Policy{caller}
	}
	return s
}
