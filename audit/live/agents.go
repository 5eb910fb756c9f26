package live

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/agentiam/agentiam/audit"
)

// IAM service prefixes of the calls, for gaps.
const (
	agentCore = "bedrock-agentcore"
	bedrock   = "bedrock"
)

// Endpoint host prefixes and SigV4 signing names of the two services,
// as the SDK's generated clients have them (service/
// bedrockagentcorecontrol and service/bedrockagent, endpoints.go).
const (
	agentCoreHost, agentCoreSigning = "bedrock-agentcore-control", "bedrock-agentcore"
	bedrockHost, bedrockSigning     = "bedrock-agent", "bedrock"
)

// kind says how one kind of resource is listed and read, in the terms
// of the service's REST-JSON binding (paths, query parameters and JSON
// member names as in the SDK's schemas of the operations). The list
// operations return summaries without the role, so every resource is
// read once more with its Get operation.
type kind struct {
	kind        audit.AgentKind
	service     string // IAM service prefix, for gaps
	client      *awsClient
	listOp      string
	listMethod  string
	listPath    string
	tokenInBody bool   // nextToken is a body member (Bedrock Agents), else a query parameter
	items, id   string // the list's member of summaries, a summary's member naming the resource
	getOp       string
	getPath     string // with %s for the id
	nested      string // the Get response's member holding the resource, "" for the response itself
	name, arn   string // members of the resource
	role        string
}

// agentReader reads the resources that name the roles agents run as.
type agentReader struct{ kinds []kind }

func newAgentReader(cfg aws.Config) (*agentReader, error) {
	core, err := newRESTClient(cfg, agentCoreHost, agentCoreSigning)
	if err != nil {
		return nil, err
	}
	agent, err := newRESTClient(cfg, bedrockHost, bedrockSigning)
	if err != nil {
		return nil, err
	}
	return &agentReader{kinds: []kind{
		{kind: audit.AgentRuntime, service: agentCore, client: core, listOp: "ListAgentRuntimes", listMethod: "POST", listPath: "/runtimes/", items: "agentRuntimes", id: "agentRuntimeId",
			getOp: "GetAgentRuntime", getPath: "/runtimes/%s/", name: "agentRuntimeName", arn: "agentRuntimeArn", role: "roleArn"},
		{kind: audit.AgentGateway, service: agentCore, client: core, listOp: "ListGateways", listMethod: "GET", listPath: "/gateways/", items: "items", id: "gatewayId",
			getOp: "GetGateway", getPath: "/gateways/%s/", name: "name", arn: "gatewayArn", role: "roleArn"},
		{kind: audit.CodeInterpreter, service: agentCore, client: core, listOp: "ListCodeInterpreters", listMethod: "POST", listPath: "/code-interpreters", items: "codeInterpreterSummaries", id: "codeInterpreterId",
			getOp: "GetCodeInterpreter", getPath: "/code-interpreters/%s", name: "name", arn: "codeInterpreterArn", role: "executionRoleArn"},
		{kind: audit.Browser, service: agentCore, client: core, listOp: "ListBrowsers", listMethod: "POST", listPath: "/browsers", items: "browserSummaries", id: "browserId",
			getOp: "GetBrowser", getPath: "/browsers/%s", name: "name", arn: "browserArn", role: "executionRoleArn"},
		{kind: audit.BedrockAgent, service: bedrock, client: agent, listOp: "ListAgents", listMethod: "POST", listPath: "/agents/", tokenInBody: true, items: "agentSummaries", id: "agentId",
			getOp: "GetAgent", getPath: "/agents/%s/", nested: "agent", name: "agentName", arn: "agentArn", role: "agentResourceRoleArn"},
	}}, nil
}

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
	for _, k := range r.kinds {
		if op, err := k.read(ctx, add); err != nil {
			gaps = append(gaps, Gap{Service: k.service, Operation: op, Err: err})
		}
	}
	return out, gaps
}

// object is a JSON object of which only some string members are read.
type object map[string]json.RawMessage

// str is the member's string value, "" when absent or not a string.
func (o object) str(member string) string {
	var s string
	_ = json.Unmarshal(o[member], &s) // absent or not a string: ""
	return s
}

// read lists every page, stopping on a nextToken it was given before so
// that an endpoint repeating itself cannot loop the audit forever, and
// reads every resource listed; on error it returns the operation that
// failed.
func (k kind) read(ctx context.Context, add func(audit.AgentResource)) (string, error) {
	seen := map[string]bool{}
	token := ""
	for {
		page, err := k.list(ctx, token)
		if err != nil {
			return k.listOp, err
		}
		var items []object
		if err := json.Unmarshal(page["items"], &items); err != nil && page["items"] != nil {
			return k.listOp, fmt.Errorf("decoding the response: %w", err)
		}
		for _, s := range items {
			got, err := k.get(ctx, s.str(k.id))
			if err != nil {
				return k.getOp, err
			}
			add(audit.AgentResource{Kind: k.kind, Name: got.str(k.name), ARN: got.str(k.arn), RoleARN: got.str(k.role)})
		}
		token = page.str("nextToken")
		if token == "" || seen[token] {
			return "", nil
		}
		seen[token] = true
	}
}

// list reads one page; its summaries are under "items" whatever the
// service's member name.
func (k kind) list(ctx context.Context, token string) (object, error) {
	query := url.Values{}
	var body any
	if k.tokenInBody {
		b := map[string]string{}
		if token != "" {
			b["nextToken"] = token
		}
		body = b
	} else if token != "" {
		query.Set("nextToken", token)
	}
	var page object
	if err := k.client.call(ctx, k.listMethod, k.listPath, query, body, &page); err != nil {
		return nil, err
	}
	if page == nil { // a response of null
		page = object{}
	}
	if k.items != "items" {
		page["items"] = page[k.items]
	}
	return page, nil
}

// get reads one resource.
func (k kind) get(ctx context.Context, id string) (object, error) {
	var got object
	if err := k.client.call(ctx, "GET", fmt.Sprintf(k.getPath, url.PathEscape(id)), nil, nil, &got); err != nil {
		return nil, err
	}
	if k.nested == "" {
		return got, nil
	}
	var inner object
	if err := json.Unmarshal(got[k.nested], &inner); err != nil && got[k.nested] != nil {
		return nil, fmt.Errorf("decoding the response: %w", err)
	}
	return inner, nil
}
