package catalog

import "github.com/agentiam/agentiam/arn"

// Automaton returns the resource type's ARN template as an automaton
// that accepts exactly the ARNs Matches accepts: a variable is one or
// more characters (no ':' in the first five segments), a '*' any text.
func (r *ResourceType) Automaton() arn.Automaton {
	var a arn.Automaton
	if !r.tmpl.valid {
		a.Never()
		return a
	}
	add := func(toks []token, segment bool) {
		for _, t := range toks {
			switch t.kind {
			case literalToken:
				a.Literal(t.text, false)
			case variableToken:
				a.One(segment)
				a.Run(segment)
			case starToken:
				a.Run(segment)
			}
		}
	}
	a.Literal("arn:", false)
	for _, seg := range r.tmpl.segs {
		add(seg, true)
		a.Literal(":", false)
	}
	add(r.tmpl.res, false)
	return a
}
