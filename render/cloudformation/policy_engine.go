package cloudformation

// validationMode is the ValidationMode of every generated policy:
// CreatePolicy then runs the semantic checks too and rejects a policy
// with any finding, which a generated policy should never have.
const validationMode = "FAIL_ON_ANY_FINDINGS"

// policyEngines writes an AWS::BedrockAgentCore::Policy per rule of each
// gateway's policy engine. The engine itself is not created: the spec's
// policy_engine.id names an existing engine (the id AgentCore returned,
// which the gateway role is scoped to); AWS::BedrockAgentCore::PolicyEngine
// would create another one with a new id.
func (r *renderer) policyEngines() []byte {
	w := r.writer()
	for _, e := range r.plan.PolicyEngines {
		w.raw("  # The policies of gateway " + oneLine(e.Gateway) + " in its policy engine " + oneLine(e.ID) + " (created outside this\n" +
			"  # template; AWS::BedrockAgentCore::PolicyEngine would get another id than the one the role names).\n")
		for _, p := range e.Policies {
			w.raw("  " + r.logicalID(e.Key+"_"+p.Name) + ":\n    Type: AWS::BedrockAgentCore::Policy\n    Properties:\n")
			w.line(6, "Name", p.Name)
			w.line(6, "Description", p.Description)
			w.line(6, "PolicyEngineId", e.ID)
			w.line(6, "ValidationMode", validationMode)
			w.line(6, "EnforcementMode", e.Mode)
			w.raw("      Definition:\n        Cedar:\n")
			w.line(10, "Statement", p.Statement)
		}
	}
	return w.Bytes()
}
