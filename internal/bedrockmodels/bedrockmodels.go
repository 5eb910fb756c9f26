// Package bedrockmodels holds the Amazon Bedrock facts that spec
// loading, role generation and linting share: the foundation model ids
// agentiam recognises and the regions each geography of cross-region
// inference profiles routes requests to. It is a leaf package so that
// lint need not import agentspec to know them.
package bedrockmodels

import (
	"slices"
	"strings"

	"github.com/agentiam/agentiam/internal/suggest"
)

// foundationModels are the Amazon Bedrock foundation model ids agentiam
// recognises (Bedrock user guide, "Supported foundation models", checked
// 2025-12). A model that is newer than this table can still be used by
// writing its ARN, arn:aws:bedrock:REGION::foundation-model/ID, which is
// validated against the catalog instead. Sorted.
var foundationModels = []string{
	"ai21.jamba-1-5-large-v1:0",
	"ai21.jamba-1-5-mini-v1:0",
	"amazon.nova-2-lite-v1:0",
	"amazon.nova-canvas-v1:0",
	"amazon.nova-lite-v1:0",
	"amazon.nova-micro-v1:0",
	"amazon.nova-premier-v1:0",
	"amazon.nova-pro-v1:0",
	"amazon.nova-reel-v1:0",
	"amazon.nova-reel-v1:1",
	"amazon.nova-sonic-v1:0",
	"amazon.rerank-v1:0",
	"amazon.titan-embed-image-v1",
	"amazon.titan-embed-text-v1",
	"amazon.titan-embed-text-v2:0",
	"amazon.titan-image-generator-v2:0",
	"amazon.titan-text-express-v1",
	"amazon.titan-text-lite-v1",
	"amazon.titan-text-premier-v1:0",
	"anthropic.claude-3-5-haiku-20241022-v1:0",
	"anthropic.claude-3-5-sonnet-20240620-v1:0",
	"anthropic.claude-3-5-sonnet-20241022-v2:0",
	"anthropic.claude-3-7-sonnet-20250219-v1:0",
	"anthropic.claude-3-haiku-20240307-v1:0",
	"anthropic.claude-3-opus-20240229-v1:0",
	"anthropic.claude-3-sonnet-20240229-v1:0",
	"anthropic.claude-haiku-4-5-20251001-v1:0",
	"anthropic.claude-instant-v1",
	"anthropic.claude-opus-4-1-20250805-v1:0",
	"anthropic.claude-opus-4-20250514-v1:0",
	"anthropic.claude-opus-4-5-20251101-v1:0",
	"anthropic.claude-sonnet-4-20250514-v1:0",
	"anthropic.claude-sonnet-4-5-20250929-v1:0",
	"anthropic.claude-v2",
	"anthropic.claude-v2:1",
	"cohere.command-r-plus-v1:0",
	"cohere.command-r-v1:0",
	"cohere.embed-english-v3",
	"cohere.embed-multilingual-v3",
	"cohere.embed-v4:0",
	"cohere.rerank-v3-5:0",
	"deepseek.r1-v1:0",
	"deepseek.v3-v1:0",
	"meta.llama3-1-405b-instruct-v1:0",
	"meta.llama3-1-70b-instruct-v1:0",
	"meta.llama3-1-8b-instruct-v1:0",
	"meta.llama3-2-11b-instruct-v1:0",
	"meta.llama3-2-1b-instruct-v1:0",
	"meta.llama3-2-3b-instruct-v1:0",
	"meta.llama3-2-90b-instruct-v1:0",
	"meta.llama3-3-70b-instruct-v1:0",
	"meta.llama3-70b-instruct-v1:0",
	"meta.llama3-8b-instruct-v1:0",
	"meta.llama4-maverick-17b-instruct-v1:0",
	"meta.llama4-scout-17b-instruct-v1:0",
	"mistral.mistral-7b-instruct-v0:2",
	"mistral.mistral-large-2402-v1:0",
	"mistral.mistral-large-2407-v1:0",
	"mistral.mistral-small-2402-v1:0",
	"mistral.mixtral-8x7b-instruct-v0:1",
	"mistral.pixtral-large-2502-v1:0",
	"openai.gpt-oss-120b-1:0",
	"openai.gpt-oss-20b-1:0",
	"qwen.qwen3-235b-a22b-2507-v1:0",
	"qwen.qwen3-32b-v1:0",
	"qwen.qwen3-coder-30b-a3b-v1:0",
	"qwen.qwen3-coder-480b-a35b-v1:0",
	"stability.sd3-5-large-v1:0",
	"stability.stable-image-core-v1:1",
	"stability.stable-image-ultra-v1:1",
	"twelvelabs.marengo-embed-2-7-v1:0",
	"twelvelabs.pegasus-1-2-v1:0",
	"writer.palmyra-x4-v1:0",
	"writer.palmyra-x5-v1:0",
}

// GlobalGeography is the prefix of global cross-region inference
// profiles, which may route to any commercial region.
const GlobalGeography = "global"

// geographies maps the prefix of a system-defined cross-region inference
// profile id to the regions it may route requests to, which are also the
// regions it can be called from (Bedrock user guide, "Supported Regions
// and models for inference profiles", checked 2025-12, with the APAC
// regions added since: ap-east-2, ap-southeast-5, ap-southeast-7 and
// me-central-1). Each list is the union over that geography's profiles.
// The lists decide where a profile may be called from and which regions
// verify tries; rolegen's grants do not depend on them: it grants the
// foundation model in every region ("*"), confined by
// bedrock:InferenceProfileArn to the agent's own profiles, so a region
// AWS adds to a profile later keeps working. Global profiles route to
// any commercial region and also use region-less model ARNs.
var geographies = map[string][]string{
	"apac": {"ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
		"ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7", "me-central-1"},
	"au":     {"ap-southeast-2", "ap-southeast-4"},
	"ca":     {"ca-central-1", "ca-west-1"},
	"eu":     {"eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3"},
	"jp":     {"ap-northeast-1", "ap-northeast-3"},
	"us":     {"us-east-1", "us-east-2", "us-west-1", "us-west-2"},
	"us-gov": {"us-gov-east-1", "us-gov-west-1"},
}

// KnownFoundationModel reports whether id is in the model table.
func KnownFoundationModel(id string) bool {
	_, ok := slices.BinarySearch(foundationModels, id)
	return ok
}

// SuggestFoundationModel returns the known model id closest to an
// unknown one. Ids are long and differ in version digits, so the
// tolerance is a quarter of the id, at least three edits.
func SuggestFoundationModel(id string) (string, bool) {
	return suggest.Within(foundationModels, id, max(3, len(id)/4))
}

// DestinationRegions returns the regions a cross-region inference profile
// of the geography may route to, sorted; nil for global and unknown
// geographies.
func DestinationRegions(geography string) []string {
	return slices.Clone(geographies[geography])
}

// Geographies lists the prefixes of regional cross-region inference
// profiles, sorted (global excluded).
func Geographies() []string {
	out := make([]string, 0, len(geographies))
	for g := range geographies {
		out = append(out, g)
	}
	slices.Sort(out)
	return out
}

// RoutesTo reports whether a profile of a regional geography may route
// to region (or, the same list, be called from it); false for global.
func RoutesTo(geography, region string) bool {
	return slices.Contains(geographies[geography], region)
}

// SplitProfileID splits a system-defined inference profile id such as
// "us.anthropic.claude-3-5-haiku-20241022-v1:0" into its geography and
// model id; ok is false unless the geography is a known one (global
// included). The model id is not checked against the table.
func SplitProfileID(id string) (geography, model string, ok bool) {
	geography, model, ok = strings.Cut(id, ".")
	if !ok || (geography != GlobalGeography && geographies[geography] == nil) {
		return "", "", false
	}
	return geography, model, true
}
