package agentspec

import "github.com/agentiam/agentiam/internal/bedrockmodels"

// GlobalGeography is the prefix of global cross-region inference
// profiles, which may route to any commercial region.
const GlobalGeography = bedrockmodels.GlobalGeography

// DestinationRegions returns the regions a cross-region inference profile
// of the geography may route to, sorted; nil for global and unknown
// geographies.
func DestinationRegions(geography string) []string {
	return bedrockmodels.DestinationRegions(geography)
}

// KnownFoundationModel reports whether id is in the model table.
func KnownFoundationModel(id string) bool { return bedrockmodels.KnownFoundationModel(id) }

// classifyModelID sorts a non-ARN model id into a foundation model or an
// inference profile. It returns a suggestion when the id is unknown.
func classifyModelID(id string) (Model, string, bool) {
	if KnownFoundationModel(id) {
		return Model{ID: id, Kind: FoundationModel, BaseID: id}, "", true
	}
	if geo, base, ok := bedrockmodels.SplitProfileID(id); ok && KnownFoundationModel(base) {
		return Model{ID: id, Kind: InferenceProfile, BaseID: base, Geography: geo}, "", true
	}
	return Model{}, suggestModel(id), false
}

// suggestModel finds the known id (with the same profile prefix, if the
// id has one) closest to an unknown one.
func suggestModel(id string) string {
	prefix, base := "", id
	if geo, rest, ok := bedrockmodels.SplitProfileID(id); ok {
		prefix, base = geo+".", rest
	}
	if m, ok := bedrockmodels.SuggestFoundationModel(base); ok {
		return prefix + m
	}
	return ""
}

// geographyServes reports whether a profile of the geography can be
// called from region.
func geographyServes(geo, region, partition string) bool {
	if geo == GlobalGeography {
		return partition == "aws"
	}
	return bedrockmodels.RoutesTo(geo, region)
}
