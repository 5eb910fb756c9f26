package agentspec

import "strings"

// SoldThroughMarketplace reports whether the model (or the foundation
// model behind an inference profile) is a third-party model Amazon
// Bedrock sells through AWS Marketplace: every provider but Amazon
// (Anthropic, Meta, Mistral AI, Cohere, AI21 Labs ...). The first call
// to such a model in an account subscribes to it with the caller's
// credentials (Bedrock user guide: Access Amazon Bedrock foundation
// models). A model given by ARN (provisioned, imported, application
// profile) is not judged.
func (m Model) SoldThroughMarketplace() bool {
	if m.Kind == ModelARN {
		return false
	}
	provider, _, _ := strings.Cut(m.BaseID, ".")
	return provider != "amazon"
}

// NeedsMarketplace reports whether the agent's role subscribes to AWS
// Marketplace models on their first call: it calls one, and the spec does
// not turn it off (marketplace: false).
func (a *Agent) NeedsMarketplace() bool {
	if a.MarketplaceOff {
		return false
	}
	for _, m := range a.Models {
		if m.SoldThroughMarketplace() {
			return true
		}
	}
	return false
}
