package rolegen

import "github.com/agentiam/agentiam/agentspec"

// Features of the starter toolkit's launch flow; their actions are in
// actionSets.
const (
	featToolkitGetRole      feature = "toolkit-get-role"
	featToolkitRepository   feature = "toolkit-repository"
	featToolkitCreateBucket feature = "toolkit-create-bucket"
	featToolkitBucket       feature = "toolkit-bucket"
	featToolkitTraceSearch  feature = "toolkit-transaction-search"
	featToolkitTraceSource  feature = "toolkit-trace-source"
	featToolkitTraceDest    feature = "toolkit-trace-destination"
	featToolkitDelivery     feature = "toolkit-trace-delivery"
)

// toolkitScope is what `agentcore launch` touches besides the AgentCore
// APIs, for a caller's AgentCore agents.
type toolkitScope struct {
	roles, repos, buckets           []string
	traceSources, traceDestinations []string
}

// toolkitLaunch adds the calls the starter toolkit's `agentcore launch`
// (tool: agentcore-cli) makes around the AgentCore APIs, each scoped to
// the spec's resources, read from its source:
//
//   - operations/runtime/launch.py and create_role.py: iam:GetRole on the
//     runtime and CodeBuild roles it finds by their deterministic names
//     (agentiam generates them with those names), and on the
//     runtime-identity and network service-linked roles it checks;
//   - services/ecr.py: ecr:DescribeRepositories, then
//     ecr:CreateRepository, on the agent's repository;
//   - services/codebuild.py and services/s3.py: HeadBucket
//     (s3:ListBucket), s3:CreateBucket and PutBucketLifecycleConfiguration
//     (s3:PutLifecycleConfiguration) on its source bucket, for CodeBuild
//     sources and direct code deploy zips alike;
//   - services/xray.py and operations/observability/delivery.py: whether
//     Transaction Search is on (logs:DescribeResourcePolicies,
//     xray:GetTraceSegmentDestination, xray:GetIndexingRules), and the
//     runtime's traces delivery (logs:PutDeliverySource
//     {runtime id}-traces-source, PutDeliveryDestination
//     {runtime id}-traces-destination, CreateDelivery).
//
// Left out on purpose: iam:CreateRole and iam:PutRolePolicy (the toolkit
// creates the roles only when GetRole finds none, and adds identity
// policies best-effort; both would let the deployer write permissions
// into roles it passes), and turning Transaction Search on for the
// account (logs:PutResourcePolicy, xray:UpdateTraceSegmentDestination,
// xray:UpdateIndexingRule: account-wide settings the toolkit only tries,
// logging a warning when denied). sts:GetCallerIdentity needs no
// permission. The rest of the flow (CodeBuild, ECR push, S3 upload,
// runtimes, service-linked roles, iam:PassRole) is the deployer's policy.
func (g *gen) toolkitLaunch(st *statements, sc *deployScope) {
	ts := g.toolkitScope(sc)
	if len(ts.roles) == 0 {
		return
	}
	r, account := g.r, g.spec.Account
	st.add(r.allow("ToolkitReadAgentRoles", featToolkitGetRole, ts.roles...))
	if len(ts.repos) > 0 {
		st.add(r.allow("ToolkitEnsureRepositories", featToolkitRepository, ts.repos...))
	}
	if len(ts.buckets) > 0 {
		st.add(r.allow("ToolkitCreateSourceBuckets", featToolkitCreateBucket, ts.buckets...))
		st.add(r.when(r.allow("ToolkitConfigureSourceBuckets", featToolkitBucket, ts.buckets...), "StringEquals", "aws:ResourceAccount", account))
	}
	if len(ts.traceSources) > 0 {
		st.add(r.allow("ToolkitCheckTransactionSearch", featToolkitTraceSearch, "*"))
		st.add(r.allow("ToolkitTraceSources", featToolkitTraceSource, ts.traceSources...))
		st.add(r.allow("ToolkitTraceDestinations", featToolkitTraceDest, ts.traceDestinations...))
		deliveries := []string{}
		for _, w := range g.toolkitRegions(sc) {
			deliveries = append(deliveries, r.arn(w, "logs", "delivery", "*"))
		}
		st.add(r.allow("ToolkitTraceDeliveries", featToolkitDelivery, append(append(deliveries, ts.traceSources...), ts.traceDestinations...)...))
	}
}

func (g *gen) toolkitScope(sc *deployScope) *toolkitScope {
	r := g.r
	ts := &toolkitScope{}
	iam := where{partition: g.spec.Partition, account: g.spec.Account}
	slr := func(service, name string) string {
		return r.arn(iam, "iam", "role", "aws-service-role/"+service+"/"+name)
	}
	var identity, vpc bool
	for _, a := range sc.agents {
		if a.Type != agentspec.AgentCore {
			continue
		}
		w := g.where(a)
		ts.roles = append(ts.roles, g.roleARNs[roleRef{a.Name, PurposeRuntime}])
		if cb := a.CodeBuild; cb != nil {
			ts.roles = append(ts.roles, g.roleARNs[roleRef{a.Name, PurposeImageBuild}])
			ts.buckets = append(ts.buckets, r.arn(w, "s3", "bucket", cb.SourceBucket))
		}
		if a.Deployment == agentspec.Container {
			ts.repos = append(ts.repos, r.arn(w, "ecr", "repository", a.ECRRepository))
		}
		// With its own s3_path the toolkit uploads the zip without
		// checking or creating the bucket.
		if c := a.Code; c != nil && c.Prefix == "" && c.Bucket == agentspec.DefaultSourceBucket(g.spec.Account, a.Region) {
			ts.buckets = append(ts.buckets, r.arn(w, "s3", "bucket", c.Bucket))
		}
		if a.Observability {
			ts.traceSources = append(ts.traceSources, r.arn(w, "logs", "delivery-source", runtimeID(a)+"-traces-source"))
			ts.traceDestinations = append(ts.traceDestinations, r.arn(w, "logs", "delivery-destination", runtimeID(a)+"-traces-destination"))
		}
		identity = identity || !a.Identity.Empty()
		vpc = vpc || a.VPC
	}
	if identity {
		ts.roles = append(ts.roles, slr(serviceRuntimeIdentity, roleRuntimeIdentity))
	}
	if vpc {
		ts.roles = append(ts.roles, slr(serviceNetwork, roleNetwork))
	}
	ts.roles, ts.repos, ts.buckets = dedupe(ts.roles), dedupe(ts.repos), dedupe(ts.buckets)
	return ts
}

// toolkitRegions are the regions of a caller's observed AgentCore agents, once each.
func (g *gen) toolkitRegions(sc *deployScope) []where {
	var out []where
	seen := map[string]bool{}
	for _, a := range sc.agents {
		if a.Type == agentspec.AgentCore && a.Observability && !seen[a.Region] {
			seen[a.Region] = true
			out = append(out, g.where(a))
		}
	}
	return out
}
