package rolegen

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/agentspec"
)

// maxManagedPerIdentity is IAM's default number of managed policies
// attached to one user or role (raisable to 20).
const maxManagedPerIdentity = 10

// callerPolicies builds the managed policies of one deploying identity:
// the control-plane actions to create and update exactly the caller's
// agents, and iam:PassRole on exactly their roles, each to its service.
func (g *gen) callerPolicies(c *agentspec.Caller) {
	r := g.r
	var agents []*agentspec.Agent
	for _, a := range g.spec.Agents {
		if len(c.Agents) == 0 || slices.Contains(c.Agents, a.Name) {
			agents = append(agents, a)
		}
	}
	var st statements
	// Collected per kind of resource, in spec order.
	var runtimes, passToAgentCore, projects, sources, passToCodeBuild, repos []string
	var gateways, bedrockAgents, aliases, knowledgeBases, passToBedrock []string
	vpc := false
	for _, a := range agents {
		w := g.where(a)
		switch a.Type {
		case agentspec.AgentCore:
			runtimes = append(runtimes, r.arn(w, "bedrock-agentcore", "runtime", a.Name+"-*"))
			passToAgentCore = append(passToAgentCore, g.roleARNs[roleRef{a.Name, PurposeRuntime}])
			if cb := a.CodeBuild; cb != nil {
				projects = append(projects, r.arn(w, "codebuild", "project", cb.Project))
				sources = append(sources, r.arn(w, "s3", "object", cb.SourceBucket, a.Name+"/*"))
				passToCodeBuild = append(passToCodeBuild, g.roleARNs[roleRef{a.Name, PurposeImageBuild}])
			} else if a.Deployment == agentspec.Container {
				repos = append(repos, r.arn(w, "ecr", "repository", a.ECRRepository))
			}
			if gw := a.Gateway; gw != nil {
				gateways = append(gateways, r.arn(w, "bedrock-agentcore", "gateway", gw.Name+"-*"))
				passToAgentCore = append(passToAgentCore, g.roleARNs[roleRef{gw.Name, PurposeGateway}])
			}
			vpc = vpc || a.VPC
		case agentspec.BedrockAgent:
			id := a.AgentID
			if id == "" {
				id = "*"
			}
			bedrockAgents = append(bedrockAgents, r.arn(w, "bedrock", "agent", id))
			aliases = append(aliases, r.arn(w, "bedrock", "agent-alias", id, "*"))
			for _, kb := range a.KnowledgeBases {
				knowledgeBases = append(knowledgeBases, r.arn(w, "bedrock", "knowledge-base", kb))
			}
			passToBedrock = append(passToBedrock, g.roleARNs[roleRef{a.Name, PurposeBedrockAgent}])
		}
	}
	manage := func(sid string, create, update, del feature, resources []string) {
		if len(resources) == 0 {
			return
		}
		st.add(r.allow("Create"+sid, create, "*"))
		s := r.allow("Manage"+sid, update, resources...)
		if c.Delete {
			s.actions = append(s.actions, r.actionsOf(del)...)
		}
		st.add(s)
	}
	passRole := func(sid, service string, roles []string) {
		if roles = dedupe(roles); len(roles) > 0 {
			st.add(r.when(r.allow(sid, featPassRole, roles...), "StringEquals", "iam:PassedToService", service))
		}
	}
	if len(runtimes) > 0 {
		st.add(r.allow("ListAgentCoreResources", featListAgentCore, "*"))
	}
	manage("AgentRuntimes", featDeployRuntimeNew, featDeployRuntime, featDeleteRuntime, runtimes)
	manage("Gateways", featDeployGatewayNew, featDeployGateway, featDeleteGateway, dedupe(gateways))
	passRole("PassRolesToAgentCore", principalAgentCore, passToAgentCore)
	if len(projects) > 0 {
		st.add(r.allow("BuildAgentImages", featDeployBuild, projects...))
		st.add(r.when(r.allow("UploadBuildSources", featUploadSource, sources...), "StringEquals", "aws:ResourceAccount", g.spec.Account))
		passRole("PassRolesToCodeBuild", principalCodeBuild, passToCodeBuild)
	}
	if len(repos) > 0 {
		st.add(r.allow("GetECRAuthorizationToken", featECRToken, "*"))
		st.add(r.allow("PushAgentImages", featECRPush, repos...))
	}
	if vpc {
		w := where{partition: g.spec.Partition, account: g.spec.Account}
		slr := r.arn(w, "iam", "role", "aws-service-role/"+serviceNetwork+"/AWSServiceRoleForBedrockAgentCoreNetwork")
		st.add(r.when(r.allow("CreateAgentCoreNetworkRole", featNetworkRole, slr), "StringEquals", "iam:AWSServiceName", serviceNetwork))
	}
	if len(bedrockAgents) > 0 {
		st.add(r.allow("ListBedrockAgents", featListBedrockAgents, "*"))
		manage("BedrockAgents", featDeployAgentNew, featDeployAgent, featDeleteAgent, dedupe(bedrockAgents))
		st.add(r.allow("ManageBedrockAgentAliases", featDeployAgentAlias, dedupe(aliases)...))
		if len(knowledgeBases) > 0 {
			st.add(r.allow("AssociateKnowledgeBases", featDeployAgentKB, append(dedupe(bedrockAgents), dedupe(knowledgeBases)...)...))
		}
		passRole("PassRolesToBedrock", principalBedrock, passToBedrock)
	}
	if len(st.list) == 0 {
		g.warn("caller %s deploys no agents: no policy generated", c.Name)
		return
	}
	docs, err := pack(st.list, maxManagedPolicySize, maxManagedPolicySize)
	if err != nil {
		g.fail(fmt.Errorf("caller %s: %w", c.Name, err))
		return
	}
	names := make([]string, len(agents))
	for i, a := range agents {
		names[i] = a.Name
	}
	for i, d := range docs {
		uniqueSids(d)
		name, key := "agentiam-"+c.Name, c.Name
		if i > 0 {
			name, key = fmt.Sprintf("%s-%d", name, i+1), fmt.Sprintf("%s_%d", key, i+1)
		}
		g.plan.CallerPolicies = append(g.plan.CallerPolicies, &CallerPolicy{
			Name:        name,
			Caller:      c.Name,
			Description: truncate(fmt.Sprintf("Deploy agents %s (generated by agentiam)", strings.Join(names, ", ")), maxDescriptionLength),
			Key:         key,
			Document:    d,
		})
	}
	if len(docs) > maxManagedPerIdentity {
		g.warn("caller %s needs %d managed policies; IAM attaches %d to one identity by default (20 on request): split it into callers that each list some agents", c.Name, len(docs), maxManagedPerIdentity)
	}
}
