package rolegen

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

const (
	fleetAccount = "111122223333"
	fleetRegion  = "us-west-2"
	fleetPartner = "arn:aws:iam::999988887777:role/PartnerApp"
)

// fleetSpec is a spec of n agents (n >= 11), each using every key of its
// type: four in five are AgentCore runtimes (container images built by
// CodeBuild and direct code deployment alternate), the fifth a Bedrock
// agent; the callers deploy, delete and invoke them, one from another
// account.
func fleetSpec(n int) []byte {
	var b bytes.Buffer
	writeFleet(&b, n)
	return b.Bytes()
}

func writeFleet(w io.Writer, n int) {
	fmt.Fprintf(w, "# A fleet of %d agents using every key, for benchmarks: agentiam generate -f rolegen/testdata/200agents.yaml\n", n)
	fmt.Fprintf(w, "# (rolegen's fleetSpec writes it: go test ./rolegen -run TestFleetSpec -update)\nversion: 1\naccount: %q\nregion: %s\nagents:\n", fleetAccount, fleetRegion)
	var runtimes, bedrock []string
	for i := range n {
		if i%5 == 4 {
			name := fmt.Sprintf("faq-%03d", i)
			bedrockAgent(w, i, name)
			bedrock = append(bedrock, name)
			continue
		}
		name := fmt.Sprintf("agent_%03d", i)
		runtime(w, i, name, n)
		runtimes = append(runtimes, name)
	}
	callers(w, runtimes, bedrock)
}

// key is a key ARN of the spec's account; i makes it unique.
func key(i int) string {
	return fmt.Sprintf("arn:aws:kms:%s:%s:key/%08d-12ab-34cd-56ef-1234567890ab", fleetRegion, fleetAccount, i)
}

func lambda(name string) string {
	return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", fleetRegion, fleetAccount, name)
}

func runtime(w io.Writer, i int, name string, n int) {
	p := func(format string, args ...any) { fmt.Fprintf(w, "    "+format+"\n", args...) }
	fmt.Fprintf(w, "  %s:\n", name)
	p("models: [anthropic.claude-3-5-haiku-20241022-v1:0, us.anthropic.claude-sonnet-4-20250514-v1:0, global.anthropic.claude-sonnet-4-5-20250929-v1:0, amazon.nova-pro-v1:0]")
	p("guardrails: [gr%07dabc, \"us.guardrail.v1:0\"]", i)
	if i%2 == 0 {
		p("build: codebuild")
	} else {
		p("deployment: direct_code_deploy")
		p("code_bucket: \"s3://agent-code-%03d/releases\"", i)
		p("code_bucket_kms_key: %q", key(1000+i))
	}
	p("memory:")
	p("  - {id: %s_mem-AbCdEf1234, access: read-write, strategy_models: [\"us.amazon.nova-pro-v1:0\"]}", name)
	p("  - {id: shared_mem-ZyXwVu9876, access: read}")
	p("identity:")
	p("  oauth2_providers: [github, {name: jira-%03d, secret_arn: \"arn:aws:secretsmanager:%s:%s:secret:team/jira-%03d-AbCdEf\"}]", i, fleetRegion, fleetAccount, i)
	p("  api_key_providers: [serper]")
	gateway(p, i, name, n)
	p("code_interpreter: {id: ci_%03d-AbCdEf1234, execution_role: true}", i)
	p("browser: {id: br_%03d-AbCdEf1234, recording: {bucket: recordings-%03d, prefix: \"sessions/\"}}", i, i)
	p("vpc: true")
	p("user_id_tokens: %v", i%3 == 0)
	p("agent_arn: \"arn:aws:bedrock-agentcore:%s:%s:runtime/%s-Ab3De5Gh7J\"", fleetRegion, fleetAccount, name)
	if next := nextRuntime(i, n); next != "" {
		p("invokes: [{agent: %s, for_user: true}]", next)
	}
	p("s3: [{bucket: kb-docs-%03d, prefix: faq/, access: read}, {bucket: uploads-%03d, access: read-write}]", i, i)
	p("dynamodb: [{table: tickets-%03d, access: read-write}, {table: catalog-%03d, access: read}]", i, i)
	p("secrets: [\"%s/*\"]", name)
	p("kms_keys: [%q]", key(i))
	p("ssm_parameters: [\"/%s/*\"]", name)
}

// gateway writes the agent's gateway with every kind of target.
func gateway(p func(string, ...any), i int, name string, n int) {
	p("gateway:")
	p("  name: gw-%03d", i)
	p("  lambda_targets: [%q]", lambda(name+"-tool"))
	p("  outbound: {oauth2_providers: [salesforce], api_key_providers: [weather]}")
	for _, line := range gatewayExtras(i, name, n) {
		p("  %s", line)
	}
}

// gatewayExtras are the gateway keys beyond Lambda targets and outbound
// credentials.
func gatewayExtras(i int, name string, n int) []string {
	out := []string{
		fmt.Sprintf("openapi_targets: [{schema: \"s3://tool-schemas-%03d/openapi.json\"}]", i),
		fmt.Sprintf("smithy_targets: [{service: dynamodb, actions: [GetItem, Query], resources: [\"arn:aws:dynamodb:%s:%s:table/orders-%03d\"]}, {service: ec2, actions: [DescribeInstances]}]", fleetRegion, fleetAccount, i),
		fmt.Sprintf("api_gateway_targets: [{rest_api_id: api%07d, stage: prod}]", i),
		fmt.Sprintf("interceptors: [%q]", lambda(name+"-interceptor")),
		fmt.Sprintf("kms_key: %q", key(3000+i)),
		fmt.Sprintf("policy_engine: {id: engine_%03d-abcdef1234}", i),
	}
	if next := nextRuntime(i, n); next != "" {
		out = append(out, fmt.Sprintf("mcp_targets: [{agent: %s}]", next))
	}
	return out
}

// nextRuntime is the AgentCore agent after agent i, if any.
func nextRuntime(i, n int) string {
	j := i + 1
	if j%5 == 4 {
		j++
	}
	if j >= n {
		return ""
	}
	return fmt.Sprintf("agent_%03d", j)
}

func bedrockAgent(w io.Writer, i int, name string) {
	p := func(format string, args ...any) { fmt.Fprintf(w, "    "+format+"\n", args...) }
	fmt.Fprintf(w, "  %s:\n", name)
	p("type: bedrock-agent")
	p("models: [anthropic.claude-3-haiku-20240307-v1:0, us.amazon.nova-pro-v1:0]")
	p("agent_id: %s", bedrockID(i))
	p("action_groups:")
	p("  - {lambda: %q, schema: \"s3://schemas-%03d/openapi.json\"}", lambda(name+"-actions"), i)
	p("knowledge_bases: [KB%08d]", i)
	p("guardrails: [gr%07dabc]", i)
	p("s3: [{bucket: faq-extra-%03d, prefix: data/, access: read}]", i)
	p("kms_keys: [%q]", key(2000+i))
	p("collaborators: [\"arn:aws:bedrock:%s:%s:agent-alias/%s/ALIAS%05d\"]", fleetRegion, fleetAccount, bedrockID(i+1), i)
	p("streaming: true")
	p("kms_key: %q", key(3000+i))
}

// bedrockID is a ten-character Bedrock agent id.
func bedrockID(i int) string { return fmt.Sprintf("AG%08d", i) }

func callers(w io.Writer, runtimes, bedrock []string) {
	fmt.Fprintf(w, "callers:\n  deployer: {tool: agentcore-cli}\n")
	fmt.Fprintf(w, "  ci: {agents: [%s], delete: true}\n", strings.Join(runtimes[:len(runtimes)/2], ", "))
	fmt.Fprintf(w, "  invokers:\n")
	fmt.Fprintf(w, "    web_app: {agents: [%s], for_user: true}\n", strings.Join(append(runtimes[:10:10], bedrock[:5]...), ", "))
	fmt.Fprintf(w, "    partner: {agents: [%s], gateways: [gw-000], principal: %q}\n", strings.Join(runtimes[:3], ", "), fleetPartner)
}

// fleetRoles is the number of roles fleetSpec(200) needs: per runtime
// its execution, gateway, memory, code interpreter and browser roles
// (160 x 5), an image-build role for the 80 built by CodeBuild, and a
// service role per Bedrock agent (40).
const fleetRoles = 160*5 + 80 + 40
