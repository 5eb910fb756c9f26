package verify

import (
	"testing"

	"github.com/agentiam/agentiam/verify/expect"
)

// TestEveryRequiredCheckHasSource: no required request is only the
// generator's idea; each names the document that requires it.
func TestEveryRequiredCheckHasSource(t *testing.T) {
	specs := []string{"../examples/agentiam.yaml", "../agentspec/testdata/everything.yaml", "../rolegen/testdata/200agents.yaml"}
	for _, path := range specs {
		spec := loadSpec(t, path)
		subjects, err := Matrices(spec, generate(t, spec))
		if err != nil {
			t.Fatal(err)
		}
		required := 0
		for _, s := range subjects {
			for _, c := range s.Checks {
				if c.Expect != expect.Required {
					if c.Source != nil {
						t.Errorf("%s: forbidden %s (%s) names a source", s.Label(), c.Action, c.Why)
					}
					continue
				}
				required++
				if c.Source == nil {
					t.Errorf("%s: required %s on %s (%s) has no source", s.Label(), c.Action, c.Resource, c.Why)
				}
			}
		}
		if required == 0 {
			t.Errorf("%s: no required check", path)
		}
	}
}
