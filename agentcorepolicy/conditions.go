package agentcorepolicy

import (
	"slices"
	"strings"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/internal/suggest"
	"github.com/cedar-policy/cedar-go/types"
	xast "github.com/cedar-policy/cedar-go/x/exp/ast"
)

// guards are the attribute paths a `has` test has proved present where an
// expression is evaluated ("context.input.amount").
type guards map[string]bool

func (g guards) with(more []string) guards {
	if len(more) == 0 {
		return g
	}
	out := make(guards, len(g)+len(more))
	for k := range g {
		out[k] = true
	}
	for _, k := range more {
		out[k] = true
	}
	return out
}

// conditions checks the when and unless clauses. A when clause's has
// tests guard the clauses after it, as Cedar joins them with &&.
func (c *checker) conditions() {
	g := guards{}
	for _, cond := range c.ast.Conditions {
		c.walk(cond.Body, g)
		if cond.Condition == xast.ConditionWhen {
			g = g.with(facts(cond.Body))
		}
	}
}

// walk checks an expression; g are the paths proved present.
func (c *checker) walk(n xast.IsNode, g guards) {
	switch n := n.(type) {
	case xast.NodeTypeAnd:
		c.walk(n.Left, g)
		c.walk(n.Right, g.with(facts(n.Left)))
		return
	case xast.NodeTypeIfThenElse:
		c.walk(n.If, g)
		c.walk(n.Then, g.with(facts(n.If)))
		c.walk(n.Else, g)
		return
	case xast.NodeTypeAccess:
		if p, ok := path(n); ok && strings.HasPrefix(p, "context.input.") {
			// Only the whole path: its prefixes are part of it.
			c.inputField(strings.Split(strings.TrimPrefix(p, "context.input."), "."), g)
			return
		}
		c.access(n.Arg, string(n.Value))
	case xast.NodeTypeHas:
		c.has(n.Arg, string(n.Value))
	case xast.NodeTypeHasTag:
		c.tag(n.Left)
	case xast.NodeTypeGetTag:
		c.tag(n.Left)
	case xast.NodeTypeIs:
		c.entityType(n.EntityType)
	case xast.NodeTypeIsIn:
		c.entityType(n.EntityType)
	case xast.NodeValue:
		c.value(n.Value)
		return
	}
	c.children(n, g)
}

// children walks the direct children of n with the same guards.
func (c *checker) children(n xast.IsNode, g guards) {
	first := true
	xast.Inspect(xast.NewNode(n), func(child xast.IsNode) bool {
		if first {
			first = false
			return true
		}
		c.walk(child, g)
		return false
	})
}

// value checks entity literals.
func (c *checker) value(v types.Value) {
	switch v := v.(type) {
	case types.EntityUID:
		c.entityType(v.Type)
	case types.Set:
		for e := range v.All() {
			c.value(e)
		}
	case types.Record:
		for _, e := range v.All() {
			c.value(e)
		}
	}
}

// facts are the paths an expression proves present when it is true.
func facts(n xast.IsNode) []string {
	switch n := n.(type) {
	case xast.NodeTypeHas:
		if p, ok := path(n.Arg); ok {
			return []string{p + "." + string(n.Value)}
		}
	case xast.NodeTypeAnd:
		return append(facts(n.Left), facts(n.Right)...)
	}
	return nil
}

// path is the dotted form of a chain of attribute accesses on a variable.
func path(n xast.IsNode) (string, bool) {
	switch n := n.(type) {
	case xast.NodeTypeVariable:
		return string(n.Name), true
	case xast.NodeTypeAccess:
		p, ok := path(n.Arg)
		return p + "." + string(n.Value), ok
	}
	return "", false
}

func isVar(n xast.IsNode, name string) bool {
	v, ok := n.(xast.NodeTypeVariable)
	return ok && string(v.Name) == name
}

func (c *checker) has(arg xast.IsNode, attr string) {
	if isVar(arg, "context") && attr != "input" {
		c.report(diag.Error, CodeContextNotInput, attr, "input", "the only context is context.input (the tool's input), not context.%s", attr)
	}
}

func (c *checker) tag(arg xast.IsNode) {
	if isVar(arg, "principal") && c.v.gw.Auth == AuthIAM {
		c.report(diag.Error, CodePrincipalTagsIAM, "Tag", "", "an %s has no tags: match its ARN with principal.id like \"...\"", TypeIamEntity)
	}
}

// access checks reading attr of arg.
func (c *checker) access(arg xast.IsNode, attr string) {
	switch {
	case isVar(arg, "context"):
		if attr != "input" {
			c.report(diag.Error, CodeContextNotInput, "."+attr, "input", "the only context is context.input (the tool's input), not context.%s", attr)
		}
	case isVar(arg, "principal"):
		if attr != "id" {
			c.report(diag.Error, CodePrincipalAttribute, "."+attr, c.tagHint(attr), "%s has no attribute %s other than id: %s", c.v.gw.Auth.PrincipalType(), attr, c.attrHint(attr))
		}
	}
}

func (c *checker) attrHint(attr string) string {
	if c.v.gw.Auth == AuthIAM {
		return "match the caller's ARN with principal.id like \"...\""
	}
	return "OAuth claims are tags: principal.hasTag(\"" + attr + "\") && principal.getTag(\"" + attr + "\")"
}

func (c *checker) tagHint(attr string) string {
	if c.v.gw.Auth == AuthIAM {
		return ""
	}
	return `principal.getTag("` + attr + `")`
}

// inputField checks context.input.<fields...> against the input schemas
// of the tools in the policy's scope: a field no tool takes is unknown; a
// field some tool takes as optional must be guarded by a has test.
func (c *checker) inputField(fields []string, g guards) {
	if len(c.scope) == 0 {
		return // the action scope was already reported
	}
	found, optional := 0, -1
	var candidates []string
	for _, t := range c.scope {
		depth, opt, names := lookup(t.Input, fields)
		found = max(found, depth)
		if depth == len(fields) && opt >= 0 && (optional < 0 || opt < optional) {
			optional = opt
		}
		if depth < len(fields) {
			candidates = append(candidates, names...)
		}
	}
	if found < len(fields) {
		slices.Sort(candidates)
		candidates = slices.Compact(candidates)
		name := fields[found]
		s, _ := suggest.Closest(candidates, name)
		c.report(diag.Error, CodeUnknownInputField, "."+name, s, "no tool in the policy's scope takes input %s", strings.Join(fields[:found+1], "."))
		return
	}
	if optional >= 0 {
		guard := "context.input." + strings.Join(fields[:optional+1], ".")
		if !g[guard] {
			parent := "context.input"
			if optional > 0 {
				parent += "." + strings.Join(fields[:optional], ".")
			}
			c.report(diag.Error, CodeUnguardedOptional, "."+fields[optional], "", "input %s is optional: test %s has %s before reading it (strict validation)", strings.Join(fields[:optional+1], "."), parent, fields[optional])
		}
	}
}

// lookup follows fields through a tool's input schema. It returns how many
// fields it found, the index of the first optional one (-1 if none), and
// the names available where it stopped.
func lookup(s *JSONSchema, fields []string) (depth, optional int, names []string) {
	optional = -1
	for i, f := range fields {
		if s == nil {
			return i, optional, nil
		}
		p, ok := s.Properties[f]
		if _, typed := CedarType(p); !ok || !typed {
			for n, q := range s.Properties {
				if _, typed := CedarType(q); typed {
					names = append(names, n)
				}
			}
			return i, optional, names
		}
		if optional < 0 && !slices.Contains(s.Required, f) {
			optional = i
		}
		s = p
	}
	return len(fields), optional, nil
}
