package verify

import (
	"fmt"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/internal/bedrockmodels"
	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/verify/expect"
)

// TestEveryProfileGeography: for every inference-profile prefix the
// model table knows, the generated role reaches the foundation model in
// each of the profile's destination regions through the profile (and
// only through it), and verify requires every one of those regions.
func TestEveryProfileGeography(t *testing.T) {
	const model = "anthropic.claude-sonnet-4-5-20250929-v1:0"
	for _, geo := range append(bedrockmodels.Geographies(), bedrockmodels.GlobalGeography) {
		t.Run(geo, func(t *testing.T) {
			region := "us-west-2"
			if dest := bedrockmodels.DestinationRegions(geo); len(dest) > 0 {
				region = dest[0]
			}
			src := fmt.Sprintf("version: 1\naccount: \"111122223333\"\nregion: %s\nagents:\n  a:\n    type: agentcore\n    models: [%s.%s]\n", region, geo, model)
			spec, err := agentspec.Parse("geo.yaml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			plan := generate(t, spec)
			// The grant does not depend on agentiam's table of destination
			// regions: a region AWS adds to the profile later is covered.
			wild := "arn:" + spec.Partition + ":bedrock:*::foundation-model/" + model
			if !strings.Contains(string(policy.Format(plan.Roles[0].InlinePolicies[0].Document)), `"`+wild+`"`) {
				t.Errorf("the runtime role does not grant %s through the profile", wild)
			}
			rep, err := Verify(spec, plan, Options{GeneratedOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			reached := map[string]bool{}
			for _, sr := range rep.Subjects {
				for _, r := range sr.Results {
					if !r.OK {
						t.Errorf("%s: %s %s on %s (%s): %s", sr.Label(), r.Expect, r.Action, r.Resource, r.Why, r.Decision)
					}
					if r.Expect == expect.Required && r.Action == "bedrock:InvokeModel" && r.Context["bedrock:InferenceProfileArn"] != nil {
						reached[r.Resource] = true
					}
				}
			}
			for _, dest := range bedrockmodels.DestinationRegions(geo) {
				arn := "arn:" + agentspec.PartitionOf(dest) + ":bedrock:" + dest + "::foundation-model/" + model
				if !reached[arn] {
					t.Errorf("destination %s is not a required request", dest)
				}
			}
			if len(reached) == 0 {
				t.Error("no model request through the profile")
			}
		})
	}
}
