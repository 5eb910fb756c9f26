package expect

import (
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/catalog"
)

// Made-up parts of concrete requests. AWS appends generated suffixes to
// the ids of runtimes, gateways, workload identities and secrets; the
// matrix uses fixed ones so that reports are deterministic.
const (
	runtimeSuffix = "AbCdEf1234" // runtime ids: {name}-{10 letters or digits}
	gatewaySuffix = "a1b2c3d4e5" // gateway ids: {name}-{10 lowercase letters or digits}
	secretSuffix  = "AbCdEf"     // secret ARNs: {name}-{6 random characters}
	// vaultSuffix is a suffix AgentCore Identity may add to the name of a
	// provider's secret in its token vault ({provider}-{8 hex characters}).
	vaultSuffix = "0e976f98"
	sessionName = "agentiam-verify"
	// outsiderName names resources of an agent that is not in the spec
	// (its repository, log groups, memory ...).
	outsiderName = "agentiam_outsider"
	// other names a resource of a kind that is not the agent's.
	other = "agentiam-other"
	// exampleFill replaces the wildcards of a spec pattern to make a
	// concrete name that the pattern covers.
	exampleFill = "example"

	defaultDirectory    = "default" // AgentCore's workload identity directory and token vault
	runtimeEndpoint     = "DEFAULT"
	runtimeLogGroupRoot = "/aws/bedrock-agentcore/runtimes/"
	metricsNamespace    = "bedrock-agentcore"
	logStreamExample    = "2025/01/01/[runtime-logs]0123456789abcdef"
	buildLogStream      = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"

	principalAgentCore = "bedrock-agentcore.amazonaws.com"
	principalBedrock   = "bedrock.amazonaws.com"
	principalCodeBuild = "codebuild.amazonaws.com"
	// principalUnrelated is a service that has no business with any role
	// or function of an agent.
	principalUnrelated = "events.amazonaws.com"
	serviceNetwork     = "network.bedrock-agentcore.amazonaws.com"
)

// idSuffixLength is the length of the suffix of runtime and gateway ids.
const idSuffixLength = 10

// idPattern matches exactly the ids of the runtime or gateway called
// name: the name, '-' and ten characters (CreateAgentRuntime's
// agentRuntimeId, CreateGateway's gatewayId). name+"-*" would also match
// a gateway whose name extends this one (support-tools-admin).
func idPattern(name string) string { return name + "-" + strings.Repeat("?", idSuffixLength) }

// runtimeIDOf is the runtime id of agent a in verify's requests: the id
// agent_arn pins, else a synthetic id of the shape AgentCore gives.
func runtimeIDOf(a *agentspec.Agent) string {
	if a.RuntimeID != "" {
		return a.RuntimeID
	}
	return a.Name + "-" + runtimeSuffix
}

// toolIDOf is the id of a custom tool in verify's requests: the id the
// spec gives, else a synthetic id of the shape AgentCore gives the tool
// called name.
func toolIDOf(id, name string) string {
	if id != "" {
		return id
	}
	return name + "-" + runtimeSuffix
}

// toolPattern is what a grant on a custom tool names: the id the spec
// gives, else every id of its name.
func toolPattern(id, name string) string {
	if id != "" {
		return id
	}
	return idPattern(name)
}

// runtimePattern is what a grant on a's runtime names: the pinned id,
// else every id of its name.
func runtimePattern(a *agentspec.Agent) string {
	if a.RuntimeID != "" {
		return a.RuntimeID
	}
	return idPattern(a.Name)
}

// gatewayIDOf is the id of the gateway called name in verify's requests:
// the id its policy_engine's gateway_id pins, else a synthetic id of the
// shape AgentCore gives.
func gatewayIDOf(s *agentspec.Spec, name string) string {
	if id := s.GatewayID(name); id != "" {
		return id
	}
	return name + "-" + gatewaySuffix
}

// gatewayPattern is what a grant on the gateway called name names: the
// pinned id, else every id of its name.
func gatewayPattern(s *agentspec.Spec, name string) string {
	if id := s.GatewayID(name); id != "" {
		return id
	}
	return idPattern(name)
}

// recreatedGatewayID is the id a gateway deleted and created again under
// name would get: an id gateway_id's pin must not cover.
func recreatedGatewayID(name string) string { return name + "-zz9yy8xx7w" }

// recreatedRuntimeID is the id a runtime deleted and created again under
// a's name would get: an id agent_arn's pin must not cover.
func recreatedRuntimeID(a *agentspec.Agent) string { return a.Name + "-Zz9Yy8Xx7W" }

// siblingName is a name that extends name, as a gateway name may
// (support-tools, support-tools-admin): its ids must not match idPattern(name).
func siblingName(name string) string { return name + "-admin" }

// workloadIdentityPattern matches the workload identities AgentCore
// creates for a runtime or gateway: the scope the AWS Identity guide and
// the starter toolkit use, {name}-*. Their exact names are not
// documented, so agentiam does not narrow them to idPattern (that could
// deny a runtime its tokens).
func workloadIdentityPattern(name string) string { return name + "-*" }

// vaultSecretName is the name of the secret AgentCore Identity keeps a
// provider's credential in: bedrock-agentcore-identity!default/{kind}/{provider}.
func vaultSecretName(kind, provider string) string {
	return "bedrock-agentcore-identity!" + defaultDirectory + "/" + kind + "/" + provider
}

// candidateModels are models that a spec's agent most likely does not
// list; the first one it does not use is its "model outside the spec".
var candidateModels = []string{"amazon.nova-premier-v1:0", "anthropic.claude-3-opus-20240229-v1:0", "meta.llama3-70b-instruct-v1:0"}

// where is the partition, region and account of a resource.
type where struct{ partition, region, account string }

// formatter fills catalog ARN templates; the first failure is kept.
type formatter struct {
	arns catalog.Filler
	err  error
}

// arn formats service/resourceType; ids fill the template's own
// variables (MemoryId, BucketName ...) in order.
func (f *formatter) arn(w where, service, resourceType string, ids ...string) string {
	s, err := f.arns.ARN(w.partition, w.region, w.account, service, resourceType, ids...)
	if err != nil && f.err == nil {
		f.err = fmt.Errorf("%w: %v", ErrCatalog, err)
	}
	return s
}

// fillWildcards turns a pattern of the spec into a concrete name it
// covers: '*' becomes "example" and '?' becomes 'x'.
func fillWildcards(s string) string {
	if !arn.HasWildcard(s) {
		return s
	}
	return strings.NewReplacer("*", exampleFill, "?", "x").Replace(s)
}

// uniqueName returns base, or base with digits appended, so that it is
// not one of taken.
func uniqueName(base string, taken func(string) bool) string {
	name := base
	for n := 2; taken(name); n++ {
		name = fmt.Sprintf("%s%d", base, n)
	}
	return name
}

// UntypedResource is the resource AWS authorizes an action that has no
// resource type on: "*", except where a service uses its own ARN (it
// shows in AccessDenied messages), as CloudWatch Logs does for
// DescribeLogGroups.
func UntypedResource(action, partition, region, account string) string {
	if strings.EqualFold(action, "logs:DescribeLogGroups") {
		return "arn:" + partition + ":logs:" + region + ":" + account + ":log-group::log-stream:"
	}
	return "*"
}

// untypedResource is UntypedResource in w.
func untypedResource(action string, w where) string {
	return UntypedResource(action, w.partition, w.region, w.account)
}

// RoleSession is the principal of the requests a role makes in a
// matrix: a session of it.
func RoleSession(partition, account, role string) string {
	return "arn:" + partition + ":sts::" + account + ":assumed-role/" + role + "/" + sessionName
}
