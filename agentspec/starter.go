package agentspec

import (
	_ "embed"
	"strings"
)

//go:embed starter.yaml
var starterTemplate string

// Starter returns a commented starter agentiam.yaml for the account and
// region, explaining every key.
func Starter(account, region string) []byte {
	r := strings.NewReplacer("{{account}}", account, "{{region}}", region, "{{model}}", starterModel(region))
	return []byte(r.Replace(starterTemplate))
}

// starterModel picks an inference profile of Claude Sonnet 4 that can be
// called from region, so that the starter spec validates anywhere.
func starterModel(region string) string {
	const model = "anthropic.claude-sonnet-4-20250514-v1:0"
	for _, geo := range []string{"us", "eu", "apac"} {
		if geographyServes(geo, region, PartitionOf(region)) {
			return geo + "." + model
		}
	}
	if geographyServes(GlobalGeography, region, PartitionOf(region)) {
		return GlobalGeography + ".anthropic.claude-sonnet-4-5-20250929-v1:0"
	}
	return model
}
