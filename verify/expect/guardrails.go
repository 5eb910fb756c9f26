package expect

import (
	"slices"

	"github.com/agentiam/agentiam/agentspec"
)

// guardrails adds applying the agent's guardrails: each guardrail, and
// for a cross-region guardrail its profile in the agent's region and in
// every destination region of the profile's geography; no other
// guardrail, no other geography's profile. src is the document that
// requires a guardrail of this kind of role.
func (m *matrix) guardrails(a *agentspec.Agent, src SourceID) {
	f, w := &m.b.f, m.w
	apply := acts("bedrock:ApplyGuardrail")
	geographies := map[string]bool{}
	for _, e := range a.Guardrails {
		g, ok := agentspec.ParseGuardrail(e)
		if !ok {
			continue
		}
		if !g.Profile {
			res := g.ARN
			if res == "" {
				res = f.arn(w, "bedrock", "guardrail", g.ID)
			}
			m.need(req{src: src, why: "apply guardrail " + e, actions: apply, resource: res})
			continue
		}
		geographies[g.Geography] = true
		pattern := grant(f.arn(where{w.partition, "*", w.account}, "bedrock", "guardrail-profile", g.ID))
		regions := append([]string{w.region}, agentspec.DestinationRegions(g.Geography)...)
		slices.Sort(regions)
		for _, region := range slices.Compact(regions) {
			m.need(req{src: SrcGuardrailProfiles, why: "apply guardrails through profile " + g.ID + " in " + region, actions: apply,
				resource: f.arn(where{w.partition, region, w.account}, "bedrock", "guardrail-profile", g.ID), grant: pattern})
		}
	}
	m.forbid(req{why: "a guardrail outside the spec", actions: apply, resource: f.arn(w, "bedrock", "guardrail", "zzzzzzzzzzzz")})
	if other := otherGeography(firstKey(geographies)); !geographies[other] {
		m.forbid(req{why: "a guardrail profile outside the spec", actions: apply, resource: f.arn(w, "bedrock", "guardrail-profile", other+".guardrail.v1:0")})
	}
}

// firstKey is the smallest key of a set, or "" for an empty one.
func firstKey(set map[string]bool) string {
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(keys) == 0 {
		return ""
	}
	return keys[0]
}
