package catalog

import "github.com/agentiam/agentiam/arn"

// Automaton returns the resource type's ARN template as an automaton
// that accepts the ARNs Matches accepts: a variable is one or more
// characters (no ':' in the first five segments), a '*' any text; except
// that a bucket name holds neither '/' nor ':' (S3 bucket naming rules,
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html),
// so that an object ARN always has a '/' after the bucket and a bucket ARN
// none.
func (r *ResourceType) Automaton() arn.Automaton { return r.template.Automaton() }

// Automaton is ResourceType.Automaton for the template.
func (t *Template) Automaton() arn.Automaton {
	var a arn.Automaton
	if !t.tmpl.valid {
		a.Never()
		return a
	}
	add := func(toks []token, segment bool) {
		for _, t := range toks {
			switch t.kind {
			case literalToken:
				a.Literal(t.text, false)
			case variableToken:
				if not, ok := variableExcludes[t.text]; ok {
					a.OneNot(not)
					a.RunNot(not)
					continue
				}
				a.One(segment)
				a.Run(segment)
			case starToken:
				a.Run(segment)
			}
		}
	}
	a.Literal("arn:", false)
	for _, seg := range t.tmpl.segs {
		add(seg, true)
		a.Literal(":", false)
	}
	add(t.tmpl.res, false)
	return a
}

// variableExcludes are the characters that AWS's naming rules keep out of
// a template variable, beyond what Matches checks.
var variableExcludes = map[string]string{"BucketName": "/:"}
