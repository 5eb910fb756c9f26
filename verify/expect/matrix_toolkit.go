package expect

import (
	"github.com/agentiam/agentiam/agentspec"
)

// toolkitLaunch: a caller with tool: agentcore-cli also makes the calls
// of the starter toolkit's `agentcore launch` around the AgentCore APIs
// (see the toolkit sources in groundtruth.go), each on the spec's
// resources only; the toolkit's own role creation and account-wide
// Transaction Search settings are denied.
func (m *callerMatrix) toolkitLaunch(agents []*agentspec.Agent) {
	b, f := m.b, &m.b.f
	observed, identity, vpc := false, false, false
	for _, a := range agents {
		if a.Type != agentspec.AgentCore {
			continue
		}
		m.toolkitAgent(a)
		observed = observed || a.Observability
		identity = identity || !a.Identity.Empty()
		vpc = vpc || a.VPC
	}
	getRole := acts("iam:GetRole")
	slr := func(service, role string) string {
		return f.arn(m.iam, "iam", "role", "aws-service-role/"+service+"/"+role)
	}
	if identity {
		m.need(req{src: SrcToolkitLaunch, why: "check the runtime-identity service-linked role", actions: getRole, resource: slr(serviceRuntimeIdentity, roleRuntimeIdentity)})
	}
	if vpc {
		m.need(req{src: SrcToolkitLaunch, why: "check the network service-linked role", actions: getRole, resource: slr(serviceNetwork, roleNetwork)})
	}
	if observed {
		m.need(req{src: SrcToolkitObservability, why: "check whether Transaction Search is on", actions: acts("logs:DescribeResourcePolicies", "xray:GetTraceSegmentDestination", "xray:GetIndexingRules"), resource: "*"})
	}
	m.forbid(req{why: "turn Transaction Search on for the account (account-wide)", actions: acts("logs:PutResourcePolicy", "xray:UpdateTraceSegmentDestination", "xray:UpdateIndexingRule"), resource: "*"})
	m.forbid(req{why: "read a role outside the spec", actions: getRole, resource: f.arn(m.iam, "iam", "role", other)})
	m.forbid(req{why: "create a repository outside the spec", actions: acts("ecr:CreateRepository"), resource: f.arn(m.w, "ecr", "repository", agentspec.DefaultECRRepository(b.outsider))})
	m.forbid(req{why: "create a bucket outside the spec", actions: acts("s3:CreateBucket"), resource: f.arn(m.w, "s3", "bucket", other+"-bucket")})
}

// toolkitAgent adds the launch calls for one AgentCore agent.
func (m *callerMatrix) toolkitAgent(a *agentspec.Agent) {
	b, f, w := m.b, &m.b.f, m.b.where(a)
	getRole := acts("iam:GetRole")
	if role := b.roleARN(agentspec.PurposeRuntime, a.Name); role != "" {
		m.need(req{src: SrcToolkitRoles, why: "find the runtime role of " + a.Name, actions: getRole, resource: role})
		m.forbid(req{why: "rewrite the runtime role of " + a.Name + " (agentiam creates it)", actions: acts("iam:CreateRole", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"), resource: role})
	}
	var buckets []string
	if cb := a.CodeBuild; cb != nil {
		if role := b.roleARN(agentspec.PurposeImageBuild, a.Name); role != "" {
			m.need(req{src: SrcToolkitRoles, why: "find the CodeBuild role of " + a.Name, actions: getRole, resource: role})
		}
		buckets = append(buckets, cb.SourceBucket)
	}
	if a.Deployment == agentspec.Container {
		repo := f.arn(w, "ecr", "repository", a.ECRRepository)
		m.need(req{src: SrcToolkitECR, why: "find or create the repository of " + a.Name, actions: acts("ecr:DescribeRepositories", "ecr:CreateRepository"), resource: repo})
	}
	if c := a.Code; c != nil && c.Prefix == "" && c.Bucket == agentspec.DefaultSourceBucket(b.spec.Account, a.Region) {
		buckets = append(buckets, c.Bucket)
	}
	for _, bucket := range buckets {
		arn := f.arn(w, "s3", "bucket", bucket)
		m.need(req{src: SrcToolkitSourceBucket, why: "create the source bucket of " + a.Name, actions: acts("s3:CreateBucket"), resource: arn})
		m.need(req{src: SrcToolkitSourceBucket, why: "check and configure the source bucket of " + a.Name, actions: acts("s3:ListBucket", "s3:PutLifecycleConfiguration"), resource: arn,
			grant: grant(arn, cond("StringEquals", "aws:ResourceAccount", m.w.account))})
	}
	if a.Observability {
		id := runtimeIDOf(a)
		source := f.arn(w, "logs", "delivery-source", id+"-traces-source")
		dest := f.arn(w, "logs", "delivery-destination", id+"-traces-destination")
		sourceGrant := grant(f.arn(w, "logs", "delivery-source", runtimePattern(a)+"-traces-source"))
		destGrant := grant(f.arn(w, "logs", "delivery-destination", runtimePattern(a)+"-traces-destination"))
		m.need(req{src: SrcToolkitObservability, why: "the traces delivery source of " + a.Name, actions: acts("logs:PutDeliverySource"), resource: source, grant: sourceGrant})
		m.need(req{src: SrcToolkitObservability, why: "the traces delivery destination of " + a.Name, actions: acts("logs:PutDeliveryDestination"), resource: dest, grant: destGrant})
		m.need(req{src: SrcToolkitObservability, why: "deliver the traces of " + a.Name + " (source)", actions: acts("logs:CreateDelivery"), resource: source, grant: sourceGrant})
		m.need(req{src: SrcToolkitObservability, why: "deliver the traces of " + a.Name + " (destination)", actions: acts("logs:CreateDelivery"), resource: dest, grant: destGrant})
		m.need(req{src: SrcToolkitObservability, why: "deliver the traces of " + a.Name + " (delivery)", actions: acts("logs:CreateDelivery"), resource: f.arn(w, "logs", "delivery", "AbCdEf1234AbCdEf"),
			grant: grant(f.arn(w, "logs", "delivery", "*"))})
		m.forbid(req{why: "another runtime's traces delivery source", actions: acts("logs:PutDeliverySource"), resource: f.arn(w, "logs", "delivery-source", b.outsider+"-"+runtimeSuffix+"-traces-source")})
	}
}
