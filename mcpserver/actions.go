package mcpserver

import (
	"context"
	"strings"

	"github.com/agentiam/agentiam/catalog"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// LookupActionsInput are the lookup_actions tool's arguments.
type LookupActionsInput struct {
	Pattern string `json:"pattern" jsonschema:"service:Action with * and ? wildcards (s3:GetObject, bedrock-agentcore:*Memory*), several separated by spaces, or free text (agentcore create memory)"`
	Limit   int    `json:"limit,omitempty" jsonschema:"at most this many actions (default 50)"`
}

// LookupActionsOutput lists the actions found.
type LookupActionsOutput struct {
	Actions []catalog.ActionInfo `json:"actions"`
	// Unknown are the patterns that match no action, with did-you-mean.
	Unknown []catalog.Unknown `json:"unknown"`
	Matched int               `json:"matched" jsonschema:"how many actions matched, before limit"`
}

const defaultLookupLimit = 50

var lookupActionsTool = mcp.Tool{
	Name:  "lookup_actions",
	Title: "Look up IAM actions in the embedded AWS service catalog",
	Description: "Use this before writing an action, resource ARN or condition key into a policy, instead of guessing: " +
		"give a service:Action pattern (wildcards allowed) or free words, and get each matching action with its access level, the resource types it accepts (ARN templates, required ones marked) and its condition keys; " +
		"a name that does not exist comes back under unknown with the closest real one.",
}

func runLookupActions(_ context.Context, _ *mcp.CallToolRequest, in LookupActionsInput) (*mcp.CallToolResult, LookupActionsOutput, error) {
	limit := in.Limit
	if limit <= 0 {
		limit = defaultLookupLimit
	}
	out := LookupActionsOutput{Actions: []catalog.ActionInfo{}, Unknown: []catalog.Unknown{}}
	var actions []*catalog.Action
	if patterns := strings.Fields(in.Pattern); isPatterns(patterns) {
		found, err := catalog.Find(patterns)
		if err != nil {
			return nil, out, err
		}
		actions, out.Matched = found.Actions, len(found.Actions)
		out.Unknown = append(out.Unknown, found.Unknown...)
		actions = actions[:min(len(actions), limit)]
	} else {
		actions, out.Matched = catalog.Search(in.Pattern, limit)
	}
	for _, a := range actions {
		out.Actions = append(out.Actions, a.Info())
	}
	return nil, out, nil
}

// isPatterns tells service:Action patterns from free text: every word
// has a colon, or is "*".
func isPatterns(words []string) bool {
	for _, w := range words {
		if w != "*" && !strings.Contains(w, ":") {
			return false
		}
	}
	return len(words) > 0
}
