package eval_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/eval/explain"
	"github.com/agentiam/agentiam/internal/batch"
)

// The conformance corpus: testdata/conformance/*.yaml. Each file is a
// list of groups; a group sets the request fields and policies (in the
// `agentiam simulate --batch` JSON Lines format) shared by its cases, and
// names the AWS documentation rule they check. Each case overrides what
// it needs and states the decision AWS makes:
//
//   - group: explicit-deny
//     rule: An explicit deny in any policy overrides any allow.
//     doc: https://docs.aws.amazon.com/IAM/latest/UserGuide/...
//     principal: arn:aws:iam::111122223333:role/app
//     identityPolicies: [...]
//     cases:
//   - {id: deny-wins, action: s3:GetObject, resource: "arn:aws:s3:::b/k", want: ExplicitlyDenied}
//
// A note field records how a disagreement with iam-simulate (see
// scripts/differential) was resolved.
var conformanceExport = flag.String("conformance-export", "", "write the corpus as JSON Lines batch requests (with \"want\", \"rule\", \"doc\" and any \"note\" fields) to this file")

// metaFields are corpus fields that are not part of a batch request.
var metaFields = []string{"group", "rule", "doc", "cases", "note", "want"}

type corpusCase struct {
	id       string
	rule     string // the rule and its documentation URL, for failure messages
	ruleText string
	doc      string
	want     string
	note     string
	line     []byte
}

func loadCorpus(t *testing.T) []corpusCase {
	t.Helper()
	files, err := filepath.Glob("testdata/conformance/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files: %v", err)
	}
	var out []corpusCase
	ids := map[string]bool{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var groups []map[string]any
		if err := yaml.Unmarshal(data, &groups); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for gi, g := range groups {
			name, _ := g["group"].(string)
			rule, _ := g["rule"].(string)
			doc, _ := g["doc"].(string)
			cases, _ := g["cases"].([]any)
			if name == "" || rule == "" || !strings.HasPrefix(doc, "https://docs.aws.amazon.com/") || len(cases) == 0 {
				t.Fatalf("%s: group %d (%q) needs group, rule, an AWS doc URL and cases", file, gi, name)
			}
			for ci, raw := range cases {
				c, ok := raw.(map[string]any)
				if !ok {
					t.Fatalf("%s: group %s: case %d is not a mapping", file, name, ci)
				}
				req := map[string]any{}
				for k, v := range g {
					if !slices.Contains(metaFields, k) {
						req[k] = v
					}
				}
				for k, v := range c {
					if !slices.Contains(metaFields, k) {
						req[k] = v
					}
				}
				cid, _ := c["id"].(string)
				want, _ := c["want"].(string)
				if cid == "" || want == "" {
					t.Fatalf("%s: group %s: case %d needs id and want", file, name, ci)
				}
				id := name + "/" + cid
				if ids[id] {
					t.Fatalf("%s: duplicate case id %s", file, id)
				}
				ids[id] = true
				req["id"] = id
				caseRule := rule
				if r, ok := c["rule"].(string); ok {
					caseRule = r
				}
				caseDoc := doc
				if d, ok := c["doc"].(string); ok {
					caseDoc = d
				}
				line, err := json.Marshal(req)
				if err != nil {
					t.Fatalf("%s: %s: %v", file, id, err)
				}
				note, _ := g["note"].(string)
				if n, ok := c["note"].(string); ok {
					note = n
				}
				out = append(out, corpusCase{id: id, rule: caseRule + " (" + caseDoc + ")", ruleText: caseRule, doc: caseDoc, want: want, note: note, line: line})
			}
		}
	}
	return out
}

func TestConformance(t *testing.T) {
	cases := loadCorpus(t)
	if len(cases) < 250 {
		t.Errorf("the corpus has %d cases, want at least 250", len(cases))
	}
	w := batch.NewWorker(false)
	var export []byte
	for _, c := range cases {
		got := "Error"
		bc, err := w.Decode(string(c.line))
		if err == nil {
			var d eval.Decision
			d, err = bc.Set.Evaluate(&bc.Request)
			if err == nil {
				got = d.String()
				tr, err := explain.Explain(bc.Set, &bc.Request)
				if err != nil || tr.Decision != d {
					t.Errorf("%s: Explain = %v, %v; Evaluate = %v", c.id, tr, err, d)
				} else if tr.Reason == "" {
					t.Errorf("%s: the trace gives no reason", c.id)
				}
			}
		}
		if got != c.want {
			t.Errorf("%s: got %s, want %s (error: %v)\n  rule: %s\n  request: %s", c.id, got, c.want, err, c.rule, c.line)
		}
		if *conformanceExport != "" {
			var m map[string]any
			_ = json.Unmarshal(c.line, &m)
			m["want"] = c.want
			m["rule"], m["doc"] = c.ruleText, c.doc
			if c.note != "" {
				m["note"] = c.note
			}
			line, _ := json.Marshal(m)
			export = append(append(export, line...), '\n')
		}
	}
	if *conformanceExport != "" {
		if err := os.WriteFile(*conformanceExport, export, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
