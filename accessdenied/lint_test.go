package accessdenied

import (
	"slices"
	"testing"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/lint"
	"github.com/agentiam/agentiam/policy"
)

// TestCorpusFixesLint: every statement the corpus proposes passes
// agentiam's own lint without a warning or an error, except the codes a
// case expects (lintCodes: a fix the message cannot narrow further).
func TestCorpusFixesLint(t *testing.T) {
	for _, c := range loadCorpus(t) {
		m, err := Parse(c.Message)
		if err != nil {
			t.Fatal(err)
		}
		fix := Propose(m, ClassifyPrincipal(m.Principal, nil))
		if fix.Statement == nil {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			src := policy.Format(fix.Document())
			var codes []string
			for _, d := range lint.Source("fix.json", src, lint.Options{}) {
				if d.Severity >= diag.Warning {
					codes = append(codes, d.Code)
				}
			}
			slices.Sort(codes)
			if !slices.Equal(codes, c.LintCodes) {
				t.Errorf("lint codes %v, want %v\n%s", codes, c.LintCodes, src)
			}
		})
	}
}
