package expect

import (
	"net/url"
	"strings"
	"testing"
)

// TestSourcesAreDocuments: every source is an AWS documentation page or
// the toolkit's source, with a title, found by its id.
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
