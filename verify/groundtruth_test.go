package verify

import (
	"net/url"
	"strings"
	"testing"
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
				if c.Expect != Required {
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

func TestSourcesAreDocuments(t *testing.T) {
	list := Sources()
	if len(list) != len(sourceTable) {
		t.Fatalf("%d sources, table has %d", len(list), len(sourceTable))
	}
	for _, s := range list {
		u, err := url.Parse(s.URL)
		if err != nil || u.Scheme != "https" || (u.Host != "docs.aws.amazon.com" && u.Host != "github.com") {
			t.Errorf("%s: URL %q is not an AWS documentation page or the toolkit's source", s.ID, s.URL)
		}
		if s.Title == "" || strings.TrimSpace(s.Title) != s.Title {
			t.Errorf("%s: title %q", s.ID, s.Title)
		}
		if SourceOf(s.ID) == nil {
			t.Errorf("%s: SourceOf finds nothing", s.ID)
		}
	}
}
