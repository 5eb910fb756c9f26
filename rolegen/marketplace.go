package rolegen

import "github.com/agentiam/agentiam/agentspec"

// marketplace lets the role subscribe, through Bedrock only, to the AWS
// Marketplace models it calls: the first call in an account subscribes
// with the caller's credentials (AWS guide: Access Amazon Bedrock
// foundation models; the starter toolkit's
// MarketplaceSubscribeOnFirstCall). Marketplace actions take no
// resource; aws:CalledViaLast confines them to calls Bedrock makes.
// Bedrock Agents service roles call models the same way and may use it.
func (g *gen) marketplace(st *statements, a *agentspec.Agent) {
	if !a.NeedsMarketplace() {
		return
	}
	st.add(g.r.when(g.r.allow("SubscribeToMarketplaceModels", featMarketplace, "*"), "StringEquals", "aws:CalledViaLast", principalBedrock))
}
