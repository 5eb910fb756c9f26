// Package perfdata makes large gateways and policy sets for benchmarks.
package perfdata

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// GatewayARN is the gateway of the generated policies.
const GatewayARN = "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/perf-gw-abc123"

// Manifests returns two tools/list results (targets Orders and Billing)
// holding n tools between them, each with a required integer amount, a
// required string id and an optional string note.
func Manifests(n int) (orders, billing []byte) {
	type tool struct {
		Name        string         `json:"name"`
		Description string         `json:"description"`
		InputSchema map[string]any `json:"inputSchema"`
	}
	var a, b []tool
	for i := range n {
		t := tool{Name: fmt.Sprintf("tool_%d", i), Description: "generated", InputSchema: map[string]any{
			"type": "object",
			"properties": map[string]any{
				"amount": map[string]any{"type": "integer"},
				"id":     map[string]any{"type": "string"},
				"note":   map[string]any{"type": "string"},
			},
			"required": []string{"amount", "id"},
		}}
		if i%2 == 0 {
			a = append(a, t)
		} else {
			b = append(b, t)
		}
	}
	orders, _ = json.Marshal(map[string]any{"tools": a})
	billing, _ = json.Marshal(map[string]any{"tools": b})
	return orders, billing
}

// Policies returns n valid policies over the tools of Manifests(tools).
func Policies(tools, n int) []byte {
	var buf bytes.Buffer
	for i := range n {
		tool := i % tools
		target := "Orders"
		if tool%2 == 1 {
			target = "Billing"
		}
		fmt.Fprintf(&buf, `@id("p%d")
permit(
  principal is AgentCore::OAuthUser,
  action == AgentCore::Action::"%s___tool_%d",
  resource == AgentCore::Gateway::"%s"
) when {
  principal.hasTag("role") && principal.getTag("role") == "role-%d" &&
  context.input.amount < %d &&
  (context.input has note && context.input.note like "*ok*")
};
`, i, target, tool, GatewayARN, i%7, 100+i)
	}
	return buf.Bytes()
}
