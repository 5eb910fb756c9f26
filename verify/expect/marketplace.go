package expect

import "github.com/agentiam/agentiam/agentspec"

var (
	marketplaceSubscribe = acts("aws-marketplace:ViewSubscriptions", "aws-marketplace:Subscribe")
	calledViaBedrock     = ctx("aws:CalledViaLast", principalBedrock)
)

// marketplace adds the AWS Marketplace subscription the first call to a
// third-party model makes through Bedrock: required when the agent calls
// one (and the spec does not turn it off), forbidden otherwise; never
// outside Bedrock, never unsubscribing.
func (m *matrix) marketplace(a *agentspec.Agent) {
	r := req{src: SrcModelAccess, why: "subscribe to the AWS Marketplace models it calls, on their first call through Bedrock", actions: marketplaceSubscribe,
		resource: "*", ctx: calledViaBedrock, grant: grant("*", cond("StringEquals", "aws:CalledViaLast", principalBedrock))}
	if a.NeedsMarketplace() {
		m.need(r)
	} else {
		r.why, r.grant = "subscribe to AWS Marketplace models (it calls none, or marketplace is false)", nil
		m.forbid(r)
	}
	m.forbid(req{why: "subscribe to AWS Marketplace products outside Bedrock", actions: acts("aws-marketplace:Subscribe"), resource: "*"})
	m.forbid(req{why: "cancel AWS Marketplace subscriptions", actions: acts("aws-marketplace:Unsubscribe"), resource: "*", ctx: calledViaBedrock})
}
