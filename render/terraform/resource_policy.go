package terraform

import (
	"fmt"

	"github.com/agentiam/agentiam/rolegen"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// agentCoreResourcePolicy writes the resource-based policy of an
// AgentCore runtime, endpoint or gateway as an output holding the policy
// JSON. The AWS provider this output is validated against (5.x) has no
// resource for AgentCore resource policies, and the resource's ARN is
// only known once AgentCore created it: the comment says how to apply
// the policy with PutResourcePolicy (aws_bedrockagentcore_resource_policy
// of AWS provider 6.x takes the same two arguments).
func (r *renderer) agentCoreResourcePolicy(rp *rolegen.ResourcePolicy) block {
	name := r.label("output", rp.Key+"_resource_policy")
	return func(body *hclwrite.Body) {
		body.AppendUnstructuredTokens(comment(r.commentText(fmt.Sprintf("Resource-based policy of the %s (%s): for callers of other accounts.", rp.Owner(), rp.ResourceARN))))
		body.AppendUnstructuredTokens(comment("Apply it once the resource exists: aws bedrock-agentcore-control put-resource-policy --resource-arn ARN \\"))
		body.AppendUnstructuredTokens(comment(fmt.Sprintf("  --policy \"$(terraform output -raw %s)\", or aws_bedrockagentcore_resource_policy (AWS provider 6).", name)))
		b := body.AppendNewBlock("output", []string{name}).Body()
		b.SetAttributeRaw("description", hclwrite.TokensForValue(cty.StringVal(r.commentText(fmt.Sprintf("PutResourcePolicy document of the %s", rp.Owner())))))
		b.SetAttributeRaw("value", r.policy(rp.Document))
	}
}
