package json

import (
	stdjson "encoding/json"
	"flag"
	"path/filepath"
	"testing"

	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/render/internal/testspecs"
	"github.com/agentiam/agentiam/rolegen"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestGolden(t *testing.T) {
	cases, err := testspecs.Cases()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			testspecs.Golden(t, filepath.Join("testdata", c.Name+".json"), *update, func() ([]byte, error) { return Render(c.Plan) })
		})
	}
}

// TestSchema checks the keys the plan format promises and that every
// embedded document parses back to the plan's document.
func TestSchema(t *testing.T) {
	cases, err := testspecs.Cases()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		out, err := Render(c.Plan)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Version int `json:"version"`
			Roles   []struct {
				Name              string             `json:"name"`
				Purpose           string             `json:"purpose"`
				Agent             *string            `json:"agent"`
				TrustPolicy       stdjson.RawMessage `json:"trustPolicy"`
				InlinePolicies    []map[string]any   `json:"inlinePolicies"`
				ManagedPolicyARNs []string           `json:"managedPolicyArns"`
				Tags              map[string]string  `json:"tags"`
				ManagedPolicies   []map[string]any   `json:"managedPolicies"`
			} `json:"roles"`
			ResourcePolicies []map[string]stdjson.RawMessage `json:"resourcePolicies"`
			CallerPolicies   []map[string]stdjson.RawMessage `json:"callerPolicies"`
			Warnings         []string                        `json:"warnings"`
		}
		if err := stdjson.Unmarshal(out, &doc); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if doc.Version != 1 || doc.Warnings == nil || doc.ResourcePolicies == nil || doc.CallerPolicies == nil {
			t.Errorf("%s: top-level keys missing", c.Name)
		}
		for i, r := range doc.Roles {
			if r.Name == "" || r.Purpose == "" || r.Agent == nil || r.InlinePolicies == nil || r.ManagedPolicyARNs == nil || r.Tags == nil {
				t.Errorf("%s: role %d misses a key", c.Name, i)
			}
			trust, err := policy.Parse("trust", r.TrustPolicy)
			if err != nil || !policy.Equal(trust, c.Plan.Roles[i].TrustPolicy) {
				t.Errorf("%s: role %s trust policy does not round-trip: %v", c.Name, r.Name, err)
			}
			if len(r.ManagedPolicyARNs) != len(r.ManagedPolicies) {
				t.Errorf("%s: role %s lists %d managed ARNs for %d managed policies", c.Name, r.Name, len(r.ManagedPolicyARNs), len(r.ManagedPolicies))
			}
		}
		for _, rp := range doc.ResourcePolicies {
			keys := []string{"resourceArn", "kind", "statementId", "principal", "document"}
			if string(rp["kind"]) == `"`+rolegen.KindAgentCoreResourcePolicy+`"` {
				keys = []string{"resourceArn", "kind", "resourceType", "document", "agent"}
			}
			for _, k := range keys {
				if _, ok := rp[k]; !ok {
					t.Errorf("%s: resource policy misses %s", c.Name, k)
				}
			}
		}
		for _, cp := range doc.CallerPolicies {
			if _, err := policy.Parse("caller", cp["document"]); err != nil {
				t.Errorf("%s: caller policy: %v", c.Name, err)
			}
		}
	}
}
