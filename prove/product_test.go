package prove

import (
	"slices"
	"testing"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/catalog"
)

// TestRegionsWithoutPatterns holds the shortcut for "no pattern" (the
// template's shortest ARN) to the search it replaces, for every ARN
// template of the catalog and the any-ARN automaton.
func TestRegionsWithoutPatterns(t *testing.T) {
	seen := map[string]bool{}
	musts := []arn.Automaton{anyARN()}
	for _, a := range catalog.ExpandOutline("*") {
		for _, tp := range a.Types {
			if !seen[tp.ARN] {
				seen[tp.ARN] = true
				musts = append(musts, tp.Automaton())
			}
		}
	}
	if len(musts) < 2000 {
		t.Fatalf("%d templates", len(musts))
	}
	for i := range musts {
		got, err := regions(nil, &musts[i])
		want, wantErr := explore(nil, &musts[i])
		if err != nil || wantErr != nil || len(got) != len(want) || len(got) == 1 && (got[0].witness != want[0].witness || !slices.Equal(got[0].accept, want[0].accept)) {
			t.Fatalf("template %d: regions = %+v, %v; search = %+v, %v", i, got, err, want, wantErr)
		}
	}
}
