package agentspec

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Marshal writes the spec as agentiam.yaml text that Parse reads back to
// an equal spec. Keys at their default value are left out. header, if
// not empty, is written first as comment lines.
func Marshal(s *Spec, header string) []byte {
	var b bytes.Buffer
	for _, line := range strings.Split(strings.TrimRight(header, "\n"), "\n") {
		if header != "" {
			fmt.Fprintf(&b, "# %s\n", line)
		}
	}
	fmt.Fprintf(&b, "version: %d\naccount: %s\nregion: %s\nagents:\n", SpecVersion, quoteAlways(s.Account), scalar(s.Region))
	for _, a := range s.Agents {
		marshalAgent(&b, s, a)
	}
	marshalCallers(&b, s)
	return b.Bytes()
}

func marshalAgent(b *bytes.Buffer, s *Spec, a *Agent) {
	const in = "    "
	fmt.Fprintf(b, "  %s:\n%stype: %s\n", scalar(a.Name), in, a.Type)
	if a.Region != s.Region {
		fmt.Fprintf(b, "%sregion: %s\n", in, scalar(a.Region))
	}
	if len(a.Models) == 0 && a.Type == AgentCore {
		fmt.Fprintf(b, "%s# models: foundation models and inference profiles the agent calls\n", in)
	}
	ids := make([]string, len(a.Models))
	for i, m := range a.Models {
		ids[i] = m.ID
	}
	list(b, in, "models", ids)
	kv(b, in, "execution_role", a.ExecutionRole)
	kv(b, in, "role_name", a.RoleName)
	if a.Type == AgentCore {
		marshalAgentCore(b, in, s, a)
	} else {
		marshalBedrockAgent(b, in, a)
	}
	marshalDataGrants(b, in, a)
}

// marshalAgentCore writes the keys only AgentCore agents have.
func marshalAgentCore(b *bytes.Buffer, in string, s *Spec, a *Agent) {
	if a.Deployment != Container {
		kv(b, in, "deployment", string(a.Deployment))
	}
	kv(b, in, "code_bucket", codeBucketValue(s, a))
	if a.Code != nil {
		kv(b, in, "code_bucket_kms_key", a.Code.KMSKey)
	}
	if a.Deployment == Container && a.ECRRepository != DefaultECRRepository(a.Name) {
		kv(b, in, "ecr_repository", a.ECRRepository)
	}
	if cb := a.CodeBuild; cb != nil {
		b.WriteString(in + "build: codebuild\n")
		custom := cb.Project != DefaultCodeBuildProject(a.Name) || cb.SourceBucket != DefaultSourceBucket(s.Account, a.Region) || cb.ExecutionRole != ""
		if custom {
			b.WriteString(in + "codebuild:\n")
			if cb.Project != DefaultCodeBuildProject(a.Name) {
				kv(b, in+"  ", "project", cb.Project)
			}
			if cb.SourceBucket != DefaultSourceBucket(s.Account, a.Region) {
				kv(b, in+"  ", "source_bucket", cb.SourceBucket)
			}
			kv(b, in+"  ", "execution_role", cb.ExecutionRole)
		}
	}
	if len(a.Memory) > 0 {
		b.WriteString(in + "memory:\n")
		for _, m := range a.Memory {
			fmt.Fprintf(b, "%s  - {id: %s, access: %s%s}\n", in, flowScalar(m.ID), m.Access, strategyModelsFlow(m))
		}
	}
	if !a.Identity.Empty() {
		b.WriteString(in + "identity:\n")
		providers(b, in+"  ", a.Identity)
	}
	if g := a.Gateway; g != nil {
		b.WriteString(in + "gateway:\n")
		kv(b, in+"  ", "name", g.Name)
		list(b, in+"  ", "lambda_targets", g.LambdaTargets)
		if !g.Outbound.Empty() {
			b.WriteString(in + "  outbound:\n")
			providers(b, in+"    ", g.Outbound)
		}
		marshalGatewayTargets(b, in+"  ", g.GatewayTargets)
	}
	tool(b, in, "code_interpreter", a.CodeInterpreter)
	tool(b, in, "browser", a.Browser)
	if a.VPC {
		b.WriteString(in + "vpc: true\n")
	}
	if !a.Observability {
		b.WriteString(in + "observability: false\n")
	}
	marshalRuntimeOptions(b, in, a, s.Account)
	marshalInvokes(b, in, a)
}

// marshalBedrockAgent writes the keys only Bedrock Agents have.
func marshalBedrockAgent(b *bytes.Buffer, in string, a *Agent) {
	kv(b, in, "agent_id", a.AgentID)
	if len(a.ActionGroups) > 0 {
		b.WriteString(in + "action_groups:\n")
		for _, ag := range a.ActionGroups {
			fmt.Fprintf(b, "%s  - lambda: %s\n", in, scalar(ag.Lambda))
			kv(b, in+"    ", "schema", ag.Schema)
		}
	}
	list(b, in, "knowledge_bases", a.KnowledgeBases)
	list(b, in, "collaborators", a.Collaborators)
	if a.Streaming {
		b.WriteString(in + "streaming: true\n")
	}
	kv(b, in, "kms_key", a.KMSKey)
}

// marshalDataGrants writes the data stores and keys both kinds of agent use.
func marshalDataGrants(b *bytes.Buffer, in string, a *Agent) {
	if len(a.S3) > 0 {
		b.WriteString(in + "s3:\n")
		for _, g := range a.S3 {
			fmt.Fprintf(b, "%s  - {bucket: %s", in, flowScalar(g.Bucket))
			if g.Prefix != "" {
				fmt.Fprintf(b, ", prefix: %s", flowScalar(g.Prefix))
			}
			fmt.Fprintf(b, ", access: %s}\n", g.Access)
		}
	}
	if len(a.DynamoDB) > 0 {
		b.WriteString(in + "dynamodb:\n")
		for _, g := range a.DynamoDB {
			fmt.Fprintf(b, "%s  - {table: %s, access: %s}\n", in, flowScalar(g.Table), g.Access)
		}
	}
	list(b, in, "secrets", a.Secrets)
	list(b, in, "kms_keys", a.KMSKeys)
	list(b, in, "ssm_parameters", a.SSMParameters)
	list(b, in, "guardrails", a.Guardrails)
}

func kv(b *bytes.Buffer, indent, key, value string) {
	if value != "" {
		fmt.Fprintf(b, "%s%s: %s\n", indent, key, scalar(value))
	}
}

func list(b *bytes.Buffer, indent, key string, values []string) {
	if len(values) == 0 {
		return
	}
	fmt.Fprintf(b, "%s%s:\n", indent, key)
	for _, v := range values {
		fmt.Fprintf(b, "%s  - %s\n", indent, scalar(v))
	}
}

// providers writes the credential providers of an identity: a name, or
// {name, secret_arn} for a provider with a customer-owned secret.
func providers(b *bytes.Buffer, indent string, id Identity) {
	for _, kind := range []struct {
		key     string
		names   []string
		secrets map[string]string
	}{
		{"oauth2_providers", id.OAuth2Providers, id.OAuth2Secrets},
		{"api_key_providers", id.APIKeyProviders, id.APIKeySecrets},
	} {
		if len(kind.names) == 0 {
			continue
		}
		fmt.Fprintf(b, "%s%s:\n", indent, kind.key)
		for _, name := range kind.names {
			if secret, ok := kind.secrets[name]; ok {
				fmt.Fprintf(b, "%s  - {name: %s, secret_arn: %s}\n", indent, flowScalar(name), flowScalar(secret))
			} else {
				fmt.Fprintf(b, "%s  - %s\n", indent, scalar(name))
			}
		}
	}
}

// plainScalar matches strings YAML reads back unchanged without quotes
// in both block and flow context.
var plainScalar = lazyRegexp(`^[A-Za-z0-9_./-][A-Za-z0-9_./@:+=!-]*$`)

// yamlSpecial are plain scalars YAML would read as something other than a string.
var yamlSpecial = lazyRegexp(`^(?i:true|false|yes|no|on|off|y|n|null|~|[-+]?[0-9][0-9_.]*(e[-+]?[0-9]+)?|[-+]?\.(inf|nan)|0x[0-9a-f]+|0o[0-7]+)$`)

// scalar writes s plainly when that is unambiguous, else double-quoted.
func scalar(s string) string {
	if plainScalar.MatchString(s) && !yamlSpecial.MatchString(s) && !strings.HasSuffix(s, ":") && !strings.Contains(s, ": ") {
		return s
	}
	return quoteAlways(s)
}

// flowScalar is scalar for values inside {...}, where goccy/go-yaml
// splits a plain "a:b" into a key and a value.
func flowScalar(s string) string {
	if strings.Contains(s, ":") {
		return quoteAlways(s)
	}
	return scalar(s)
}

// quoteAlways double-quotes s; Go's escapes are a subset of YAML's.
func quoteAlways(s string) string { return strconv.Quote(s) }
