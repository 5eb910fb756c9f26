package lint

import (
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/catalog"
)

// mayMatch reports whether a Resource pattern can match an ARN of the
// resource type. For a full six-segment pattern the first five segments
// are compared one by one, so that "arn:aws:bedrock-agentcore:*:*:agent-runtime/*"
// is not taken to reach a runtime through a '*' that crosses colons:
// nobody writes a segment wildcard meaning that. Other patterns use the
// catalog's MayMatch. pattern has its policy variables replaced by '*'.
func mayMatch(rt *catalog.ResourceType, pattern string) bool {
	if pattern == "*" {
		return true
	}
	p, err := arn.Parse(pattern)
	if err != nil {
		return rt.MayMatch(pattern)
	}
	t, err := arn.Parse(rt.ARN)
	if err != nil {
		return rt.MayMatch(pattern)
	}
	pSegs := [4]string{p.Partition, p.Service, p.Region, p.Account}
	tSegs := [4]string{t.Partition, t.Service, t.Region, t.Account}
	var sample [4]string
	for i, ts := range tSegs {
		switch {
		case !strings.Contains(ts, "${") && !hasWildcard(ts):
			if !arn.Wildcard(pSegs[i], ts) {
				return false
			}
			sample[i] = ts
		case strings.HasPrefix(ts, "${") && strings.IndexByte(ts, '}') == len(ts)-1:
			// A whole-segment variable takes any non-empty text without ':'.
			if pSegs[i] == "" {
				return false
			}
			sample[i] = "x"
		default:
			return rt.MayMatch(pattern)
		}
	}
	return rt.MayMatch("arn:" + strings.Join(sample[:], ":") + ":" + p.Resource)
}

// starActionMayMatch reports whether a pattern may match the request of
// an action that has no resource types. AWS authorizes most of them
// against "*", but some (CloudWatch Logs' Describe* actions) against an
// account-level ARN of their own service, which the documented policies
// grant as "arn:aws:logs:REGION:ACCOUNT:log-group:*". So a pattern of the
// action's service that covers every resource of one of the service's
// resource types may match; one that names specific resources, another
// service or a resource type that does not exist is certain to miss.
func starActionMayMatch(a *catalog.Action, pattern string) bool {
	if pattern == "*" {
		return true
	}
	p, err := arn.Parse(pattern)
	if err != nil || !arn.Wildcard(p.Service, a.Service.Prefix) || !broadResource(pattern) {
		return false
	}
	word := p.ResourceType()
	if word == "" || hasWildcard(word) {
		return true
	}
	for _, rt := range a.Service.ResourceTypes {
		if templateWord(rt.ARN) == word {
			return true
		}
	}
	return false
}

// actionMayMatch reports whether a resource pattern may match a request for action a.
func actionMayMatch(a *catalog.Action, pattern string) bool {
	if len(a.Resources) == 0 {
		return starActionMayMatch(a, pattern)
	}
	for _, ar := range a.Resources {
		if ar.Type != nil && mayMatch(ar.Type, pattern) {
			return true
		}
	}
	return false
}

// knownMistakes maps action names that published AgentCore examples use,
// but that do not exist, to what grants the intended operation; the
// catalog's spelling-based suggestion cannot know these.
var knownMistakes = map[string]struct{ action, why string }{
	"bedrock-agentcore:searchmemory":      {"bedrock-agentcore:RetrieveMemoryRecords", "memory search is RetrieveMemoryRecords"},
	"bedrock-agentcore:invokeagent":       {"bedrock-agentcore:InvokeAgentRuntime", "agents on AgentCore Runtime are invoked with InvokeAgentRuntime"},
	"bedrock-agentcore:creategatewaytool": {"bedrock-agentcore:CreateGatewayTarget", "gateway tools come from gateway targets"},
	"bedrock-agentcore:invokegatewaytool": {"bedrock-agentcore:InvokeGateway", "MCP tools/call goes through InvokeGateway"},
	"bedrock-agentcore:listgatewaytools":  {"bedrock-agentcore:InvokeGateway", "MCP tools/list goes through InvokeGateway"},
}
