package live

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagent"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"

	"github.com/agentiam/agentiam/audit"
)

// IAM service prefixes of the calls, for gaps.
const (
	agentCore = "bedrock-agentcore"
	bedrock   = "bedrock"
)

// agentReader reads the resources that name the roles agents run as.
// The list operations return summaries without the role, so every
// resource is read once more with its Get operation.
type agentReader struct {
	core  *bedrockagentcorecontrol.Client
	agent *bedrockagent.Client
}

func newAgentReader(core *bedrockagentcorecontrol.Client, agent *bedrockagent.Client) *agentReader {
	return &agentReader{core: core, agent: agent}
}

// Every paginator stops on a token it was given before
// (StopOnDuplicateToken), so that an endpoint repeating itself cannot
// loop the audit forever.

// kindReader reads one kind of resource, calling add for each; on error
// it returns the operation that failed.
type kindReader func(ctx context.Context, add func(audit.AgentResource)) (op string, err error)

// read reads every kind; a kind that cannot be read is a gap, and the
// resources of it read before the error are kept.
func (r *agentReader) read(ctx context.Context) ([]audit.AgentResource, []Gap) {
	var out []audit.AgentResource
	var gaps []Gap
	add := func(a audit.AgentResource) {
		if a.RoleARN != "" {
			out = append(out, a)
		}
	}
	for _, k := range []struct {
		service string
		read    kindReader
	}{
		{agentCore, r.runtimes},
		{agentCore, r.gateways},
		{agentCore, r.codeInterpreters},
		{agentCore, r.browsers},
		{bedrock, r.agents},
	} {
		if op, err := k.read(ctx, add); err != nil {
			gaps = append(gaps, Gap{Service: k.service, Operation: op, Err: err})
		}
	}
	return out, gaps
}

func (r *agentReader) runtimes(ctx context.Context, add func(audit.AgentResource)) (string, error) {
	p := bedrockagentcorecontrol.NewListAgentRuntimesPaginator(r.core, &bedrockagentcorecontrol.ListAgentRuntimesInput{}, func(o *bedrockagentcorecontrol.ListAgentRuntimesPaginatorOptions) { o.StopOnDuplicateToken = true })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "ListAgentRuntimes", err
		}
		for _, s := range page.AgentRuntimes {
			got, err := r.core.GetAgentRuntime(ctx, &bedrockagentcorecontrol.GetAgentRuntimeInput{AgentRuntimeId: s.AgentRuntimeId})
			if err != nil {
				return "GetAgentRuntime", err
			}
			add(audit.AgentResource{Kind: audit.AgentRuntime, Name: aws.ToString(got.AgentRuntimeName), ARN: aws.ToString(got.AgentRuntimeArn), RoleARN: aws.ToString(got.RoleArn)})
		}
	}
	return "", nil
}

func (r *agentReader) gateways(ctx context.Context, add func(audit.AgentResource)) (string, error) {
	p := bedrockagentcorecontrol.NewListGatewaysPaginator(r.core, &bedrockagentcorecontrol.ListGatewaysInput{}, func(o *bedrockagentcorecontrol.ListGatewaysPaginatorOptions) { o.StopOnDuplicateToken = true })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "ListGateways", err
		}
		for _, s := range page.Items {
			got, err := r.core.GetGateway(ctx, &bedrockagentcorecontrol.GetGatewayInput{GatewayIdentifier: s.GatewayId})
			if err != nil {
				return "GetGateway", err
			}
			add(audit.AgentResource{Kind: audit.AgentGateway, Name: aws.ToString(got.Name), ARN: aws.ToString(got.GatewayArn), RoleARN: aws.ToString(got.RoleArn)})
		}
	}
	return "", nil
}

func (r *agentReader) codeInterpreters(ctx context.Context, add func(audit.AgentResource)) (string, error) {
	p := bedrockagentcorecontrol.NewListCodeInterpretersPaginator(r.core, &bedrockagentcorecontrol.ListCodeInterpretersInput{}, func(o *bedrockagentcorecontrol.ListCodeInterpretersPaginatorOptions) { o.StopOnDuplicateToken = true })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "ListCodeInterpreters", err
		}
		for _, s := range page.CodeInterpreterSummaries {
			got, err := r.core.GetCodeInterpreter(ctx, &bedrockagentcorecontrol.GetCodeInterpreterInput{CodeInterpreterId: s.CodeInterpreterId})
			if err != nil {
				return "GetCodeInterpreter", err
			}
			add(audit.AgentResource{Kind: audit.CodeInterpreter, Name: aws.ToString(got.Name), ARN: aws.ToString(got.CodeInterpreterArn), RoleARN: aws.ToString(got.ExecutionRoleArn)})
		}
	}
	return "", nil
}

func (r *agentReader) browsers(ctx context.Context, add func(audit.AgentResource)) (string, error) {
	p := bedrockagentcorecontrol.NewListBrowsersPaginator(r.core, &bedrockagentcorecontrol.ListBrowsersInput{}, func(o *bedrockagentcorecontrol.ListBrowsersPaginatorOptions) { o.StopOnDuplicateToken = true })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "ListBrowsers", err
		}
		for _, s := range page.BrowserSummaries {
			got, err := r.core.GetBrowser(ctx, &bedrockagentcorecontrol.GetBrowserInput{BrowserId: s.BrowserId})
			if err != nil {
				return "GetBrowser", err
			}
			add(audit.AgentResource{Kind: audit.Browser, Name: aws.ToString(got.Name), ARN: aws.ToString(got.BrowserArn), RoleARN: aws.ToString(got.ExecutionRoleArn)})
		}
	}
	return "", nil
}

func (r *agentReader) agents(ctx context.Context, add func(audit.AgentResource)) (string, error) {
	p := bedrockagent.NewListAgentsPaginator(r.agent, &bedrockagent.ListAgentsInput{}, func(o *bedrockagent.ListAgentsPaginatorOptions) { o.StopOnDuplicateToken = true })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "ListAgents", err
		}
		for _, s := range page.AgentSummaries {
			got, err := r.agent.GetAgent(ctx, &bedrockagent.GetAgentInput{AgentId: s.AgentId})
			if err != nil {
				return "GetAgent", err
			}
			if a := got.Agent; a != nil {
				add(audit.AgentResource{Kind: audit.BedrockAgent, Name: aws.ToString(a.AgentName), ARN: aws.ToString(a.AgentArn), RoleARN: aws.ToString(a.AgentResourceRoleArn)})
			}
		}
	}
	return "", nil
}
