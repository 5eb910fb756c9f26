package lint

import (
	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/inputs"
	"github.com/agentiam/agentiam/policy"
)

// Suppressed is a diagnostic silenced by the configuration.
type Suppressed struct {
	diag.Diagnostic
	Reason string
}

// Result is the outcome of linting one document of an input file.
type Result struct {
	Target inputs.Document
	// Type is the policy type the document was linted as; KindUnknown
	// when it did not parse.
	Type  policy.Kind
	Diags diag.List
	// Suppressed are the findings a configuration silenced (see
	// lint/driver); Run leaves it empty.
	Suppressed []Suppressed
}

// For returns the options for one document: the document's kind and
// size class (what its file says it is) unless the options name a type.
func (o Options) For(d inputs.Document) Options {
	if d.Kind != policy.KindUnknown && o.Type == policy.KindUnknown {
		o.Type, o.Size = d.Kind, Inline
		if d.Managed {
			o.Size = Managed
		}
	}
	return o
}

// Run lints one document of an input file (see package inputs), with
// positions in the file for a document written verbatim in it. A
// pending document is returned without diagnostics.
func Run(d inputs.Document, opts Options) Result {
	src, ok := d.Text()
	if !ok {
		return Result{Target: d}
	}
	diags, typ := source(d.File, src, opts.For(d))
	for i := range diags {
		diags[i].Pos, diags[i].End = d.FileRange(diags[i].Pos, diags[i].End)
	}
	return Result{Target: d, Type: typ, Diags: diags}
}
