package lint

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/catalog"
	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/internal/seeds"
	"github.com/agentiam/agentiam/policy"
)

// TestSeeds lints every JSON policy block quoted in ../shared/seeds and
// checks, from the document itself, that each problem the published
// examples have is reported with the right code at the right token:
// nonexistent actions and resource types, trust policies without
// confused-deputy conditions, wildcard grants, malformed JSON. The
// runtime permissions document (seed 000) must produce no error.
func TestSeeds(t *testing.T) {
	blocks := seeds.Blocks(t)
	var unknownActions, deputies, agentTrusts, wildcards, syntax int
	for _, b := range blocks {
		name := fmt.Sprintf("%s#%d", b.File, b.Index)
		t.Run(name, func(t *testing.T) {
			src := []byte(b.Text)
			diags := Source(name, src, Options{})
			// where names a position in the seed file, for failure messages.
			where := func(off int) string {
				line := b.Line + strings.Count(b.Text[:off], "\n")
				if b.Wrapped {
					line--
				}
				return fmt.Sprintf("%s line %d", b.File, line)
			}
			absent := func(code string, off int) {
				t.Helper()
				for _, d := range diags {
					if d.Code == code && d.Pos.Offset == off {
						t.Errorf("%s: unexpected %s at %q", where(off), code, excerpt(b.Text, off))
					}
				}
			}
			expect := func(code string, off int) {
				t.Helper()
				for _, d := range diags {
					if d.Code == code && d.Pos.Offset == off {
						return
					}
				}
				t.Errorf("%s: want %s at %q; got:\n%v", where(off), code, excerpt(b.Text, off), diags)
			}
			if strings.HasPrefix(b.File, "000_") {
				for _, d := range diags {
					if d.Severity == diag.Error {
						t.Errorf("runtime permissions document: unexpected error at %s: %v", where(d.Pos.Offset), d)
					}
				}
			}
			doc, err := policy.Parse(name, src)
			if doc == nil {
				m := trailingComma.FindStringSubmatchIndex(b.Text)
				if m == nil {
					t.Fatalf("%s does not parse, and has no trailing comma: %v", name, err)
				}
				expect(policy.CodeSyntaxError, m[2])
				syntax++
				return
			}
			typ := DetectType(doc)
			for _, st := range doc.Statements {
				for _, l := range []*policy.StringList{st.Action, st.NotAction} {
					if l == nil {
						continue
					}
					for _, v := range l.Values {
						switch {
						case v.Value == "*":
							if st.Effect.Value == "Allow" {
								expect(CodeWildcardActionAll, v.Pos.Offset)
								wildcards++
							}
						case strings.HasSuffix(v.Value, ":*"):
							if st.Effect.Value == "Allow" {
								expect(CodeWildcardActionFullService, v.Pos.Offset)
								wildcards++
							}
						case !arn.HasWildcard(v.Value):
							a, err := catalog.LookupAction(v.Value)
							if err != nil {
								expect(CodeUnknownAction, v.Pos.Offset)
								unknownActions++
								continue
							}
							if st.Effect.Value != "Allow" || !hasStarResource(st) || len(restrictingKeys(st)) > 0 {
								continue
							}
							// A grant on "*": the right code depends on the action.
							wildcards++
							switch {
							case len(a.Resources) == 0:
								absent(CodeWildcardResourceSensitive, v.Pos.Offset)
								absent(CodeDataAccessOnStar, v.Pos.Offset)
							case slices.Contains(dataActions, a.FullName()):
								expect(CodeDataAccessOnStar, v.Pos.Offset)
							case a.HasAccess(catalog.Write) || a.HasAccess(catalog.PermissionsManagement) || a.HasAccess(catalog.Tagging):
								expect(CodeWildcardResourceSensitive, v.Pos.Offset)
							}
						}
					}
				}
				if st.Resource != nil {
					for _, v := range st.Resource.Values {
						if strings.Contains(v.Value, ":agent-runtime/") {
							expect(CodeResourceARNMismatch, v.Pos.Offset)
						}
					}
				}
				if typ == policy.Trust && st.Principal != nil {
					for _, e := range st.Principal.Entries {
						if e.Type.Value != policy.PrincipalService {
							continue
						}
						for _, v := range e.Values.Values {
							if !hasRestrictingKey(st, confusedDeputyKeys...) && !slices.Contains(computeRolePrincipals, v.Value) {
								expect(CodeMissingConfusedDeputy, v.Pos.Offset)
								deputies++
							}
							// An agent service without aws:SourceArn, with or
							// without other conditions, also gets its own code.
							if slices.Contains(agentServices, v.Value) && !hasRestrictingKey(st, "aws:SourceArn") {
								expect(CodeAgentTrustMissingSourceArn, v.Pos.Offset)
								agentTrusts++
							}
						}
					}
				}
			}
		})
	}
	// The seeds as they are today hold five nonexistent actions, one
	// unprotected trust policy of an agent service, a service-wide
	// wildcard and grants on "*",
	// and one broken document; fewer would mean the extraction or the
	// checks lost some.
	if unknownActions < 5 || deputies < 1 || agentTrusts < 1 || wildcards < 1 || syntax < 1 {
		t.Errorf("checked %d unknown actions, %d trust policies without confused-deputy conditions, %d agent trusts without aws:SourceArn, %d wildcards, %d syntax errors; the seeds hold at least 5, 1, 1, 1, 1",
			unknownActions, deputies, agentTrusts, wildcards, syntax)
	}
}

// trailingComma finds the bracket after a trailing comma.
var trailingComma = regexp.MustCompile(`,\s*([\]}])`)

func excerpt(s string, off int) string {
	end := min(len(s), off+40)
	if i := strings.IndexByte(s[off:end], '\n'); i >= 0 {
		end = off + i
	}
	return s[off:end]
}

// TestSeedFragments lints the bare statements the seed documents quote
// as they are pasted, without the wrapper TestSeeds adds: each gets one
// statement-not-in-policy at its first '{' and, at the same places in
// the pasted text, the findings of the wrapped policy.
func TestSeedFragments(t *testing.T) {
	n := 0
	for _, b := range seeds.Blocks(t) {
		if !b.Wrapped {
			continue
		}
		n++
		bare := strings.TrimSuffix(strings.TrimPrefix(b.Text, seeds.WrapPrefix), seeds.WrapSuffix)
		name := fmt.Sprintf("%s#%d", b.File, b.Index)
		got := map[string]int{}
		for _, d := range Source(name, []byte(bare), Options{}) {
			got[fmt.Sprintf("%s@%d", d.Code, d.Pos.Offset)]++
		}
		if at := fmt.Sprintf("%s@%d", CodeStatementNotInPolicy, strings.IndexByte(bare, '{')); got[at] != 1 {
			t.Errorf("%s: want one %s; got %v", name, at, got)
		}
		wrapped := Source(name, []byte(b.Text), Options{})
		if len(wrapped) > 0 && wrapped[0].Code == policy.CodeSyntaxError {
			continue // a trailing comma, which the bare text may have
		}
		for _, d := range wrapped {
			if off := d.Pos.Offset - len(seeds.WrapPrefix); off >= 0 && got[fmt.Sprintf("%s@%d", d.Code, off)] == 0 {
				t.Errorf("%s: wrapped, %s at %q; bare: %v", name, d.Code, excerpt(bare, off), got)
			}
		}
	}
	if n == 0 {
		t.Error("no bare statements in the seeds")
	}
}
