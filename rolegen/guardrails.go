package rolegen

import "github.com/agentiam/agentiam/agentspec"

// guardrailARNs are the resources of bedrock:ApplyGuardrail for an
// agent's guardrails (Bedrock guide: Permissions to use guardrails): each
// guardrail by id or ARN, and for a cross-region guardrail its guardrail
// profile in every region it routes to. The profile's ARN carries the
// caller's account and the destination region (guide: Permissions for
// using cross-Region inference with Amazon Bedrock Guardrails); the
// region wildcard covers every destination of the profile's geography,
// today's and those AWS adds, as for inference profiles.
func (g *gen) guardrailARNs(w where, entries []string) []string {
	var out []string
	for _, e := range entries {
		gr, ok := agentspec.ParseGuardrail(e)
		switch {
		case !ok:
		case gr.Profile:
			out = append(out, g.r.arn(where{w.partition, "*", w.account}, "bedrock", "guardrail-profile", gr.ID))
		case gr.ARN != "":
			out = append(out, gr.ARN)
		default:
			out = append(out, g.r.arn(w, "bedrock", "guardrail", gr.ID))
		}
	}
	return dedupe(out)
}

// guardrails lets the agent apply exactly its guardrails. Bedrock Agents
// service roles take the same statement.
func (g *gen) guardrails(st *statements, a *agentspec.Agent) {
	if res := g.guardrailARNs(g.where(a), a.Guardrails); len(res) > 0 {
		st.add(g.r.allow("ApplyGuardrails", featApplyGuardrail, res...))
	}
}
