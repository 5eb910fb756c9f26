package cloudformation

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/rolegen"
)

// agentCoreIDs are the logical ids of one AgentCore resource policy.
type agentCoreIDs struct{ parameter, condition, resource string }

// agentCoreParameters writes a parameter per AgentCore resource policy:
// the ARN of the runtime, endpoint or gateway, which AgentCore generates
// when it creates the resource. The policy is created only once the
// parameter is set, so the template deploys before the resource exists.
func (r *renderer) agentCoreParameters() []byte {
	var params, conds bytes.Buffer
	for _, rp := range r.plan.ResourcePolicies {
		if rp.Kind != rolegen.KindAgentCoreResourcePolicy {
			continue
		}
		if r.agentCore == nil {
			r.agentCore = map[string]agentCoreIDs{}
		}
		ids := agentCoreIDs{r.logicalID(rp.Key + "_arn"), r.logicalID("has_" + rp.Key + "_arn"), r.logicalID(rp.Key + "_resource_policy")}
		r.agentCore[rp.Key] = ids
		fmt.Fprintf(&params, "  %s:\n    Type: String\n    Default: \"\"\n", ids.parameter)
		params.WriteString("    Description: " + r.quoted(fmt.Sprintf("ARN of the %s (%s) once AgentCore created it; empty: no resource policy", rp.Owner(), rp.ResourceARN)) + "\n")
		fmt.Fprintf(&conds, "  %s: !Not [!Equals [!Ref %s, \"\"]]\n", ids.condition, ids.parameter)
	}
	if params.Len() == 0 {
		return nil
	}
	return append(append([]byte("Parameters:\n"), params.Bytes()...), append([]byte("Conditions:\n"), conds.Bytes()...)...)
}

// agentCoreResourcePolicy writes AWS::BedrockAgentCore::ResourcePolicy,
// the resource PutResourcePolicy backs: the policy as a JSON string. The
// resource type is documented in the CloudFormation template reference;
// cfn-lint releases that predate it report E3006, which the resource's
// metadata ignores for this resource only.
func (r *renderer) agentCoreResourcePolicy(rp *rolegen.ResourcePolicy) []byte {
	ids := r.agentCore[rp.Key]
	var compact bytes.Buffer
	_ = json.Compact(&compact, policy.Format(rp.Document)) // the printer writes valid JSON
	w := r.writer()
	w.raw(r.commentText(fmt.Sprintf("  # Resource-based policy of the %s: callers of other accounts.\n", rp.Owner())))
	w.raw("  " + ids.resource + ":\n    Type: AWS::BedrockAgentCore::ResourcePolicy\n    Condition: " + ids.condition + "\n")
	w.raw("    Metadata:\n      cfn-lint:\n        config:\n          ignore_checks:\n            - E3006\n")
	w.raw("    Properties:\n      ResourceArn: !Ref " + ids.parameter + "\n")
	w.line(6, "Policy", compact.String())
	return w.Bytes()
}

// quoted writes a string double-quoted (descriptions of parameters take
// no intrinsic functions), with the pseudo parameters' names in place of
// the spec's account, region and partition.
func (r *renderer) quoted(s string) string { return fmt.Sprintf("%q", oneLine(r.commentText(s))) }
