package expect

import (
	"slices"
	"strings"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/arn"
)

// runtime adds the matrix of an AgentCore runtime's execution role.
func (b *builder) runtime(i int, a *agentspec.Agent) {
	w := b.where(a)
	f := &b.f
	m := b.role(agentspec.PurposeRuntime, a.Name, "", w)
	runtimeID := runtimeIDOf(a)
	// Runtime names hold no '-' (they match [a-zA-Z][a-zA-Z0-9_]{0,47}),
	// so no other runtime's id extends this one's name.
	m.trust(principalAgentCore,
		f.arn(w, "bedrock-agentcore", "runtime", runtimeID),
		f.arn(w, "bedrock-agentcore", "runtime", runtimePattern(a)),
		f.arn(w, "bedrock-agentcore", "runtime", b.outsider+"-"+runtimeSuffix),
		f.arn(where{w.partition, w.region, b.foreign}, "bedrock-agentcore", "runtime", runtimeID))
	if a.RuntimeID != "" {
		m.forbidSource(principalAgentCore, "a runtime recreated under the name of the one agent_arn pins",
			f.arn(w, "bedrock-agentcore", "runtime", recreatedRuntimeID(a)))
	}
	others := append(b.neighboursOf(i, agentspec.AgentCore), b.outsiderLike(a))
	m.runtimeImage(a, others)
	m.runtimeLogs(a, runtimeID, others)
	workload, workloadPattern := m.workloadIdentity(a, runtimeID, others)
	m.models(a)
	m.marketplace(a)
	m.guardrails(a, SrcGuardrails)
	m.memory(a, others)
	m.credentialProviders(a.Identity, workload, workloadPattern)
	m.runtimeGateway(a)
	m.builtInTools(a)
	m.invokes(a, others)
	m.forbid(req{why: "control-plane deletion: its own runtime", actions: acts("bedrock-agentcore:DeleteAgentRuntime", "bedrock-agentcore:UpdateAgentRuntime"),
		resource: f.arn(w, "bedrock-agentcore", "runtime", runtimeID)})
	m.dataGrants(a, others)
	m.escalation()
}

// runtimeImage adds pulling the agent's own image, and no other's.
func (m *matrix) runtimeImage(a *agentspec.Agent, others []*agentspec.Agent) {
	f, w := &m.b.f, m.w
	if a.Deployment == agentspec.Container {
		repo := f.arn(w, "ecr", "repository", a.ECRRepository)
		m.need(req{src: SrcRuntimeExecution, why: "pull its image", actions: acts("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"), resource: repo})
		m.need(req{src: SrcRuntimeExecution, why: "log in to ECR", actions: acts("ecr:GetAuthorizationToken"), resource: "*"})
		m.forbid(req{why: "push to its own repository (only the build may)", actions: acts("ecr:PutImage"), resource: repo})
	}
	if c := a.Code; c != nil {
		// CreateAgentRuntime reads the zip with the deployer's credentials.
		m.forbid(req{why: "its own code zip (the deployer's credentials read it)", actions: acts("s3:GetObject", "s3:PutObject"), resource: f.arn(w, "s3", "object", c.Bucket, c.Key(a.Name))})
	}
	for _, o := range others {
		if o.Deployment == agentspec.Container && o.ECRRepository != a.ECRRepository {
			m.forbid(req{why: "another agent's repository (" + o.Name + ")", actions: acts("ecr:BatchGetImage"), resource: f.arn(m.b.where(o), "ecr", "repository", o.ECRRepository)})
		}
	}
}

// runtimeLogs adds logs, traces and metrics.
func (m *matrix) runtimeLogs(a *agentspec.Agent, runtimeID string, others []*agentspec.Agent) {
	f, w := &m.b.f, m.w
	// Runtime log groups are named {runtime id}-{endpoint name}.
	logGroup := runtimeLogGroupRoot + runtimeID + "-" + runtimeEndpoint
	groups := runtimeLogGroupRoot + runtimePattern(a) + "-*"
	m.need(req{src: SrcRuntimeExecution, why: "create and read its log groups", actions: acts("logs:CreateLogGroup", "logs:DescribeLogStreams"),
		resource: f.arn(w, "logs", "log-group", logGroup), grant: grant(f.arn(w, "logs", "log-group", groups))})
	m.need(req{src: SrcRuntimeExecution, why: "find its log groups", actions: acts("logs:DescribeLogGroups"), resource: untypedResource("logs:DescribeLogGroups", w),
		grant: grant(f.arn(w, "logs", "log-group", "*"))})
	m.need(req{src: SrcRuntimeExecution, why: "write its logs", actions: acts("logs:CreateLogStream", "logs:PutLogEvents"),
		resource: f.arn(w, "logs", "log-stream", logGroup, logStreamExample),
		grant:    grant(f.arn(w, "logs", "log-stream", groups, "*"))})
	for _, o := range others {
		og := runtimeLogGroupRoot + runtimeIDOf(o) + "-" + runtimeEndpoint
		m.forbid(req{why: "another agent's logs (" + o.Name + ")", actions: acts("logs:PutLogEvents"), resource: f.arn(m.b.where(o), "logs", "log-stream", og, logStreamExample)})
	}
	m.forbid(req{why: "control-plane deletion: its log group", actions: acts("logs:DeleteLogGroup"), resource: f.arn(w, "logs", "log-group", logGroup)})
	if a.Observability {
		m.need(req{src: SrcObservability, why: "send traces", actions: acts("xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"), resource: "*"})
		m.need(req{src: SrcObservability, why: "publish AgentCore metrics", actions: acts("cloudwatch:PutMetricData"), resource: "*",
			ctx: ctx("cloudwatch:namespace", metricsNamespace), grant: grant("*", cond("StringEquals", "cloudwatch:namespace", metricsNamespace))})
	}
	m.forbid(req{why: "metrics in another namespace", actions: acts("cloudwatch:PutMetricData"), resource: "*", ctx: ctx("cloudwatch:namespace", "AWS/EC2")})
}

// workloadIdentity adds workload access tokens for the runtime's own
// workload identity, and returns its ARN and the pattern that grants it.
func (m *matrix) workloadIdentity(a *agentspec.Agent, runtimeID string, others []*agentspec.Agent) (workload, pattern string) {
	f, w := &m.b.f, m.w
	dir := f.arn(w, "bedrock-agentcore", "workload-identity-directory", defaultDirectory)
	workload = f.arn(w, "bedrock-agentcore", "workload-identity", defaultDirectory, runtimeID)
	pattern = f.arn(w, "bedrock-agentcore", "workload-identity", defaultDirectory, workloadIdentityPattern(a.Name))
	tokenActions := acts("bedrock-agentcore:GetWorkloadAccessToken", "bedrock-agentcore:GetWorkloadAccessTokenForJWT")
	m.need(req{src: SrcIdentity, why: "workload access tokens: the directory", actions: tokenActions, resource: dir})
	m.need(req{src: SrcIdentity, why: "workload access tokens: its workload identity", actions: tokenActions, resource: workload, grant: grant(pattern)})
	forUser := acts("bedrock-agentcore:GetWorkloadAccessTokenForUserId")
	if a.UserIDTokens {
		m.need(req{src: SrcIdentity, why: "workload access tokens for the user ids it names (user_id_tokens): the directory", actions: forUser, resource: dir})
		m.need(req{src: SrcIdentity, why: "workload access tokens for the user ids it names (user_id_tokens)", actions: forUser, resource: workload, grant: grant(pattern)})
	} else {
		m.forbid(req{why: "workload access tokens for any user id it names (user_id_tokens is not set; AWS advises denying it in production)", actions: forUser, resource: workload})
	}
	for _, o := range others {
		m.forbid(req{why: "another agent's workload identity (" + o.Name + ")", actions: acts("bedrock-agentcore:GetWorkloadAccessToken"),
			resource: f.arn(m.b.where(o), "bedrock-agentcore", "workload-identity", defaultDirectory, o.Name+"-"+runtimeSuffix)})
	}
	return workload, pattern
}

// runtimeGateway adds calling the agent's gateway, and neither a gateway
// outside the spec nor one whose name extends its gateway's.
func (m *matrix) runtimeGateway(a *agentspec.Agent) {
	f, w := &m.b.f, m.w
	if gw := a.Gateway; gw != nil {
		gateway := f.arn(w, "bedrock-agentcore", "gateway", gatewayIDOf(m.b.spec, gw.Name))
		m.need(req{src: SrcGateway, why: "call its gateway's tools", actions: acts("bedrock-agentcore:InvokeGateway"),
			resource: gateway, grant: grant(f.arn(w, "bedrock-agentcore", "gateway", gatewayPattern(m.b.spec, gw.Name)))})
		m.forbidRecreatedGateway(w, gw.Name, acts("bedrock-agentcore:InvokeGateway"), nil)
		m.forbid(req{why: "control-plane deletion: its gateway", actions: acts("bedrock-agentcore:DeleteGateway"), resource: gateway})
		m.forbid(req{why: "a gateway whose name extends its gateway's (" + siblingName(gw.Name) + ")", actions: acts("bedrock-agentcore:InvokeGateway"),
			resource: f.arn(w, "bedrock-agentcore", "gateway", siblingName(gw.Name)+"-"+gatewaySuffix)})
	}
	m.forbid(req{why: "a gateway outside the spec", actions: acts("bedrock-agentcore:InvokeGateway"), resource: f.arn(w, "bedrock-agentcore", "gateway", other+"-"+gatewaySuffix)})
}

// builtInTools adds the code interpreter and the browser.
func (m *matrix) builtInTools(a *agentspec.Agent) {
	f, w := &m.b.f, m.w
	if t := a.CodeInterpreter; t != nil {
		res := f.arn(w, "bedrock-agentcore", "code-interpreter", "aws.codeinterpreter.v1")
		if t.Custom() {
			res = f.arn(w, "bedrock-agentcore", "code-interpreter-custom", toolIDOf(t.ID, t.Name))
		}
		m.need(req{src: SrcCodeInterpreter, why: "use its code interpreter", actions: acts("bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter", "bedrock-agentcore:StopCodeInterpreterSession"), resource: res})
	}
	m.forbid(req{why: "a code interpreter outside the spec", actions: acts("bedrock-agentcore:StartCodeInterpreterSession"),
		resource: f.arn(w, "bedrock-agentcore", "code-interpreter-custom", m.b.outsider+"-"+runtimeSuffix)})
	if t := a.Browser; t != nil {
		res := f.arn(w, "bedrock-agentcore", "browser", "aws.browser.v1")
		if t.Custom() {
			res = f.arn(w, "bedrock-agentcore", "browser-custom", toolIDOf(t.ID, t.Name))
		}
		m.need(req{src: SrcBrowser, why: "use its browser", actions: acts("bedrock-agentcore:StartBrowserSession", "bedrock-agentcore:GetBrowserSession", "bedrock-agentcore:StopBrowserSession"), resource: res})
		m.need(req{src: SrcBrowser, why: "drive the browser (automation stream)", actions: acts("bedrock-agentcore:ConnectBrowserAutomationStream"), resource: "*"})
	}
	m.forbid(req{why: "a browser outside the spec", actions: acts("bedrock-agentcore:StartBrowserSession"),
		resource: f.arn(w, "bedrock-agentcore", "browser-custom", m.b.outsider+"-"+runtimeSuffix)})
}

// invokeForUser adds invoking an agent with its user's id: required for
// an agent listed with for_user (the starter toolkit's A2A agents get
// InvokeAgentRuntimeForUser), forbidden otherwise.
func (m *matrix) invokeForUser(a, t *agentspec.Agent, tw where) {
	f := &m.b.f
	name, id := t.Name, runtimeIDOf(t)
	forUser := acts("bedrock-agentcore:InvokeAgentRuntimeForUser")
	runtime := f.arn(tw, "bedrock-agentcore", "runtime", id)
	if !a.InvokesForUser[name] {
		m.forbid(req{why: "invoke agent " + name + " for a user id it names (for_user is not set)", actions: forUser, resource: runtime})
		return
	}
	why := "invoke agent " + name + " on behalf of its user (for_user)"
	m.need(req{src: SrcToolkitRuntime, why: why, actions: forUser, resource: runtime, grant: grant(f.arn(tw, "bedrock-agentcore", "runtime", runtimePattern(t)))})
	m.need(req{src: SrcToolkitRuntime, why: why + " through its endpoint", actions: forUser, resource: f.arn(tw, "bedrock-agentcore", "runtime-endpoint", id, runtimeEndpoint),
		grant: grant(f.arn(tw, "bedrock-agentcore", "runtime-endpoint", runtimePattern(t), "*"))})
}

// invokes adds invoking the agents it calls, through their endpoints,
// and no other agent.
func (m *matrix) invokes(a *agentspec.Agent, others []*agentspec.Agent) {
	f := &m.b.f
	for _, name := range a.Invokes {
		t, ok := m.b.spec.Agent(name)
		if !ok {
			continue
		}
		tw := m.b.where(t)
		id := runtimeIDOf(t)
		invoke := acts("bedrock-agentcore:InvokeAgentRuntime")
		m.need(req{src: SrcResourcePolicies, why: "invoke agent " + name, actions: invoke,
			resource: f.arn(tw, "bedrock-agentcore", "runtime", id), grant: grant(f.arn(tw, "bedrock-agentcore", "runtime", runtimePattern(t)))})
		m.need(req{src: SrcResourcePolicies, why: "invoke agent " + name + " through its endpoint", actions: invoke,
			resource: f.arn(tw, "bedrock-agentcore", "runtime-endpoint", id, runtimeEndpoint),
			grant:    grant(f.arn(tw, "bedrock-agentcore", "runtime-endpoint", runtimePattern(t), "*"))})
		if t.RuntimeID != "" {
			m.forbid(req{why: "invoke a runtime recreated under the name of " + name, actions: invoke,
				resource: f.arn(tw, "bedrock-agentcore", "runtime", recreatedRuntimeID(t))})
		}
		m.invokeForUser(a, t, tw)
	}
	for _, o := range others {
		m.forbid(req{why: "invoke an agent it does not call (" + o.Name + ")", actions: acts("bedrock-agentcore:InvokeAgentRuntime"),
			resource: f.arn(m.b.where(o), "bedrock-agentcore", "runtime", runtimeIDOf(o))})
	}
}

// models adds model invocation: each model of the spec directly, the
// foundation models behind an inference profile only through the
// profile, and models outside the spec denied.
func (m *matrix) models(a *agentspec.Agent) {
	f, w := &m.b.f, m.w
	actions := acts("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream")
	if a.Type == agentspec.BedrockAgent {
		actions = acts("bedrock:InvokeModel")
	}
	used := map[string]bool{}
	for _, mod := range a.Models {
		used[mod.BaseID] = true
		switch mod.Kind {
		case agentspec.FoundationModel:
			m.need(req{src: SrcRuntimeExecution, why: "invoke model " + mod.ID, actions: actions, resource: f.arn(w, "bedrock", "foundation-model", mod.ID)})
		case agentspec.ModelARN:
			m.need(req{src: SrcRuntimeExecution, why: "invoke model " + mod.ID, actions: actions, resource: mod.ID})
			if a, err := arn.Parse(mod.ID); err == nil && a.Service == "bedrock" &&
				(strings.HasPrefix(a.Resource, "inference-profile/") || strings.HasPrefix(a.Resource, "application-inference-profile/")) {
				m.need(req{src: SrcModelInference, why: "read inference profile " + mod.ID, actions: acts("bedrock:GetInferenceProfile"), resource: mod.ID})
			}
		case agentspec.InferenceProfile:
			profile := f.arn(w, "bedrock", "inference-profile", mod.ID)
			m.need(req{src: SrcInferenceProfiles, why: "invoke inference profile " + mod.ID, actions: actions, resource: profile})
			m.need(req{src: SrcModelInference, why: "read inference profile " + mod.ID, actions: acts("bedrock:GetInferenceProfile"), resource: profile})
			through := ctx("bedrock:InferenceProfileArn", profile)
			via := []Cond{cond("ArnEquals", "bedrock:InferenceProfileArn", profile)}
			var routed []string
			if mod.Geography == agentspec.GlobalGeography {
				routed = append(routed, f.arn(w, "bedrock", "foundation-model", mod.BaseID), regionless(f.arn(w, "bedrock", "foundation-model", mod.BaseID)))
			}
			for _, region := range agentspec.DestinationRegions(mod.Geography) {
				routed = append(routed, f.arn(where{w.partition, region, w.account}, "bedrock", "foundation-model", mod.BaseID))
			}
			for _, r := range routed {
				m.need(req{src: SrcInferenceProfiles, why: "model " + mod.BaseID + " through profile " + mod.ID, actions: actions, resource: r, ctx: through, grant: grant(r, via...)})
			}
			if len(routed) > 0 {
				last := routed[len(routed)-1]
				m.forbid(req{why: "model " + mod.BaseID + " without its inference profile", actions: acts("bedrock:InvokeModel"), resource: last})
				otherID := otherGeography(mod.Geography) + "." + mod.BaseID
				otherProfile := f.arn(w, "bedrock", "inference-profile", otherID)
				if slices.ContainsFunc(a.Models, func(x agentspec.Model) bool { return x.ID == otherID }) {
					continue
				}
				m.forbid(req{why: "model " + mod.BaseID + " through an inference profile outside the spec", actions: acts("bedrock:InvokeModel"), resource: last,
					ctx: ctx("bedrock:InferenceProfileArn", otherProfile)})
			}
		}
	}
	for _, id := range candidateModels {
		if !used[id] {
			m.forbid(req{why: "a model outside the spec", actions: acts("bedrock:InvokeModel"), resource: f.arn(w, "bedrock", "foundation-model", id)})
			m.forbid(req{why: "an inference profile outside the spec", actions: acts("bedrock:InvokeModel"), resource: f.arn(w, "bedrock", "inference-profile", "us."+id)})
			break
		}
	}
}

// otherGeography is an inference-profile geography that is not g.
func otherGeography(g string) string {
	if g == "eu" {
		return "us"
	}
	return "eu"
}

// regionless drops the region of an ARN: global inference profiles route
// to foundation-model ARNs without one.
func regionless(s string) string {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 {
		return s
	}
	parts[3] = ""
	return strings.Join(parts, ":")
}

var (
	memoryRead  = acts("bedrock-agentcore:GetEvent", "bedrock-agentcore:ListEvents", "bedrock-agentcore:ListSessions", "bedrock-agentcore:ListActors", "bedrock-agentcore:GetMemoryRecord", "bedrock-agentcore:ListMemoryRecords", "bedrock-agentcore:RetrieveMemoryRecords")
	memoryWrite = acts("bedrock-agentcore:CreateEvent")
)

func (m *matrix) memory(a *agentspec.Agent, others []*agentspec.Agent) {
	f, w := &m.b.f, m.w
	for _, mem := range a.Memory {
		res := f.arn(w, "bedrock-agentcore", "memory", mem.ID)
		m.need(req{src: SrcMemory, why: "read memory " + mem.ID, actions: memoryRead, resource: res})
		if mem.Access == agentspec.ReadWrite {
			m.need(req{src: SrcMemory, why: "write memory " + mem.ID, actions: memoryWrite, resource: res})
		} else {
			m.forbid(req{why: "write to read-only memory " + mem.ID, actions: acts("bedrock-agentcore:CreateEvent", "bedrock-agentcore:DeleteEvent"), resource: res})
		}
		m.forbid(req{why: "control-plane deletion: memory " + mem.ID, actions: acts("bedrock-agentcore:DeleteMemory"), resource: res})
	}
	for _, o := range others {
		ids := []string{o.Name + "_mem-" + runtimeSuffix}
		for _, mem := range o.Memory {
			ids = append(ids, mem.ID)
		}
		for _, id := range ids {
			res := f.arn(m.b.where(o), "bedrock-agentcore", "memory", id)
			m.forbid(req{why: "another agent's memory (" + o.Name + ")", actions: acts("bedrock-agentcore:RetrieveMemoryRecords", "bedrock-agentcore:CreateEvent", "bedrock-agentcore:DeleteMemory"), resource: res})
		}
	}
}

// credentialProviders adds AgentCore Identity: each provider through the
// default token vault for the caller's own workload identity, and the
// secret Identity keeps the credential in.
func (m *matrix) credentialProviders(id agentspec.Identity, workload, workloadPattern string) {
	f, w := &m.b.f, m.w
	vault := f.arn(w, "bedrock-agentcore", "token-vault", defaultDirectory)
	dir := f.arn(w, "bedrock-agentcore", "workload-identity-directory", defaultDirectory)
	kinds := []struct {
		names                []string
		own                  map[string]string
		action, rtype, label string
	}{
		{id.OAuth2Providers, id.OAuth2Secrets, "bedrock-agentcore:GetResourceOauth2Token", "oauth2credentialprovider", "oauth2"},
		{id.APIKeyProviders, id.APIKeySecrets, "bedrock-agentcore:GetResourceApiKey", "apikeycredentialprovider", "apikey"},
	}
	for _, k := range kinds {
		for _, p := range k.names {
			why := "credentials of provider " + p
			m.need(req{src: SrcIdentity, why: why + ": the token vault", actions: acts(k.action), resource: vault})
			m.need(req{src: SrcIdentity, why: why, actions: acts(k.action), resource: f.arn(w, "bedrock-agentcore", k.rtype, defaultDirectory, p)})
			m.need(req{src: SrcIdentity, why: why + ": the workload identity directory", actions: acts(k.action), resource: dir})
			m.need(req{src: SrcIdentity, why: why + ": its workload identity", actions: acts(k.action), resource: workload, grant: grant(workloadPattern)})
			m.providerSecret(why, k.label, p, k.own[p])
		}
		m.forbid(req{why: "a credential provider outside the spec", actions: acts(k.action), resource: f.arn(w, "bedrock-agentcore", k.rtype, defaultDirectory, other)})
		m.forbid(req{why: "the secret of a credential provider outside the spec", actions: acts("secretsmanager:GetSecretValue"),
			resource: f.arn(w, "secretsmanager", "Secret", vaultSecretName(k.label, other)+"-"+secretSuffix)})
	}
}

// providerSecret adds reading a provider's secret: the customer-owned
// one it references, or the one Identity keeps in its token vault, with
// or without the suffix the service may add after the provider's name.
// The toolkit's {kind}/{p}* would also match provider p2: forbidden.
func (m *matrix) providerSecret(why, kind, p, own string) {
	f, w := &m.b.f, m.w
	get := acts("secretsmanager:GetSecretValue")
	if own != "" {
		m.need(req{src: SrcIdentitySecrets, why: why + ": its own secret", actions: get, resource: fillWildcards(own), grant: grant(own)})
		m.forbid(req{why: why + ": the token vault's secret (it references its own)", actions: get,
			resource: f.arn(w, "secretsmanager", "Secret", vaultSecretName(kind, p)+"-"+secretSuffix)})
		return
	}
	name := vaultSecretName(kind, p)
	pattern := grant(f.arn(w, "secretsmanager", "Secret", name+"-*"))
	m.need(req{src: SrcIdentitySecrets, why: why + ": its secret", actions: get, resource: f.arn(w, "secretsmanager", "Secret", name+"-"+secretSuffix), grant: pattern})
	m.need(req{src: SrcIdentitySecrets, why: why + ": its secret, named with a generated suffix", actions: get,
		resource: f.arn(w, "secretsmanager", "Secret", name+"-"+vaultSuffix+"-"+secretSuffix), grant: pattern})
	m.forbid(req{why: "the secret of a provider whose name starts with " + p, actions: get,
		resource: f.arn(w, "secretsmanager", "Secret", vaultSecretName(kind, p+"2")+"-"+secretSuffix)})
}
