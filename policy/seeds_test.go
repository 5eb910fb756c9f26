package policy

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/internal/seeds"
)

// TestSeedPolicies parses every policy quoted in the seed documents. All
// are valid JSON policies except one in the Bedrock Agents page, which
// has a trailing comma after "bedrock:AssociateThirdPartyKnowledgeBase".
func TestSeedPolicies(t *testing.T) {
	const culprit = `"bedrock:AssociateThirdPartyKnowledgeBase", ]`
	malformed := 0
	for _, b := range seeds.Blocks(t) {
		name := fmt.Sprintf("%s#%d", b.File, b.Index)
		doc, err := Parse(name, []byte(b.Text))
		if strings.HasPrefix(b.File, "004_") && strings.Contains(b.Text, culprit) {
			malformed++
			var pe *ParseError
			if !errors.Is(err, ErrSyntax) || !errors.As(err, &pe) || len(pe.Diags) != 1 {
				t.Fatalf("%s: got %v, want one syntax error", name, err)
			}
			d := pe.Diags[0]
			// The block is one line; the ']' is the culprit's last byte.
			wantCol := strings.Index(b.Text, culprit) + len(culprit)
			if d.Code != CodeSyntaxError || d.Pos.String() != "1:969" || d.Pos.Column != wantCol {
				t.Errorf("%s: got %s %s, want syntax-error at 1:969", name, d.Code, d.Pos)
			}
			if want := "unexpected ']' after ','; trailing commas are not allowed in JSON"; d.Message != want {
				t.Errorf("%s: message %q", name, d.Message)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s (line %d): %v", name, b.Line, err)
			continue
		}
		checkRoundTrip(t, doc)
	}
	if malformed != 1 {
		t.Errorf("found %d malformed seed policies, want 1", malformed)
	}
}
