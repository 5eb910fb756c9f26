package mcpserver

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/agentiam/agentiam/eval/explain"
	"github.com/agentiam/agentiam/internal/batch"
	"github.com/agentiam/agentiam/policy"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// SimulateRequest is one request as a line of `simulate --batch` writes
// it (see internal/batch): the request and the policies in force.
type SimulateRequest struct {
	ID                 string              `json:"id,omitempty" jsonschema:"echoed in the answer (default: the request's position, from 1)"`
	Principal          string              `json:"principal,omitempty" jsonschema:"who calls: role, user, assumed-role session or root ARN, account id, service principal, or anonymous"`
	Action             string              `json:"action,omitempty" jsonschema:"service:Action"`
	Resource           string              `json:"resource,omitempty" jsonschema:"the resource ARN, or * (or nothing) for an action without resource types"`
	ResourceAccount    string              `json:"resourceAccount,omitempty" jsonschema:"the account owning the resource (default: from the ARN, else the principal's)"`
	ManagementAccount  string              `json:"managementAccount,omitempty" jsonschema:"the organization's management account, exempt from SCPs and RCPs"`
	Context            map[string]any      `json:"context,omitempty" jsonschema:"request context keys: a string, or a list of strings for a multivalued key"`
	IdentityPolicies   []json.RawMessage   `json:"identityPolicies,omitempty" jsonschema:"identity-based policy documents"`
	ResourcePolicy     json.RawMessage     `json:"resourcePolicy,omitempty" jsonschema:"the resource-based policy (bucket, trust, key policy ...)"`
	PermissionBoundary json.RawMessage     `json:"permissionBoundary,omitempty" jsonschema:"the permissions boundary"`
	SessionPolicy      json.RawMessage     `json:"sessionPolicy,omitempty" jsonschema:"the session policy"`
	VPCEndpointPolicy  json.RawMessage     `json:"vpcEndpointPolicy,omitempty" jsonschema:"the policy of the VPC endpoint the request goes through (it grants nothing; it must allow)"`
	SCPs               [][]json.RawMessage `json:"scps,omitempty" jsonschema:"SCPs, one list per organization level, root first"`
	RCPs               [][]json.RawMessage `json:"rcps,omitempty" jsonschema:"RCPs, one list per organization level, root first (only their Deny statements matter)"`
}

// SimulateInput is one request, or a list of them in requests.
type SimulateInput struct {
	SimulateRequest
	Requests []SimulateRequest `json:"requests,omitempty" jsonschema:"several requests, instead of one at the top level"`
	Explain  bool              `json:"explain,omitempty" jsonschema:"add the evaluator's trace: every policy and statement considered and why"`
}

// SimulateOutput has one answer per request, in order.
type SimulateOutput struct {
	Results []SimulateResult `json:"results"`
}

// SimulateResult is the decision on one request, or why it could not be
// evaluated (decision Error), as in `simulate --batch`.
type SimulateResult struct {
	ID       string         `json:"id"`
	Decision string         `json:"decision" jsonschema:"Allowed, ImplicitlyDenied, ExplicitlyDenied, or Error"`
	Reason   string         `json:"reason,omitempty"`
	Error    string         `json:"error,omitempty"`
	Explain  *explain.Trace `json:"explain,omitempty"`
}

var simulateTool = mcp.Tool{
	Name:  "simulate",
	Title: "Decide an IAM request offline, the way AWS would",
	Description: "Use this to check whether a principal may call an action on a resource under given policies (identity, resource, boundary, session, SCPs, RCPs) before deploying them or to understand a denial: " +
		"it returns Allowed, ImplicitlyDenied or ExplicitlyDenied with the reason, and with explain the trace of every statement; " +
		"the arguments are the request object of `agentiam simulate --batch`, or a list of them as requests.",
}

func runSimulate(_ context.Context, _ *mcp.CallToolRequest, in SimulateInput) (*mcp.CallToolResult, SimulateOutput, error) {
	out := SimulateOutput{Results: []SimulateResult{}}
	reqs := in.Requests
	if in.Principal != "" || in.Action != "" || in.Resource != "" {
		if len(reqs) > 0 {
			return nil, out, fmt.Errorf("%w: give one request at the top level or a list as requests, not both", ErrInput)
		}
		reqs = []SimulateRequest{in.SimulateRequest}
	}
	if len(reqs) == 0 {
		return nil, out, fmt.Errorf("%w: no request: give principal, action and resource, or requests", ErrInput)
	}
	w := batch.NewWorker(in.Explain)
	for i, r := range reqs {
		if r.ID == "" {
			r.ID = strconv.Itoa(i + 1)
		}
		res := simulateOne(w, &r, in.Explain)
		if res.Decision == "Error" && len(reqs) == 1 {
			return nil, out, fmt.Errorf("%s", res.Error)
		}
		out.Results = append(out.Results, res)
	}
	return nil, out, nil
}

// simulateOne decodes the request as `simulate --batch` decodes a line
// and evaluates it.
func simulateOne(w *batch.Worker, r *SimulateRequest, withTrace bool) SimulateResult {
	res := SimulateResult{ID: r.ID, Decision: "Error"}
	if err := checkPolicies(r); err != nil {
		res.Error = err.Error()
		return res
	}
	line, err := json.Marshal(r)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	c, err := w.Decode(string(line))
	if err != nil {
		res.Error = err.Error()
		return res
	}
	tr, err := explain.Explain(c.Set, &c.Request)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	res.Decision, res.Reason = tr.Decision.String(), tr.Reason
	if withTrace {
		res.Explain = tr
	}
	return res
}

// checkPolicies parses each policy of the request on its own, so that an
// error's line and column are within the policy as the client wrote it
// (the batch decoder reads the request as one compact line).
func checkPolicies(r *SimulateRequest) error {
	parse := func(name string, raw json.RawMessage) error {
		if len(raw) == 0 || string(raw) == "null" {
			return nil
		}
		_, err := policy.Parse(name, raw)
		return err
	}
	for i, raw := range r.IdentityPolicies {
		if err := parse(fmt.Sprintf("identityPolicies[%d]", i), raw); err != nil {
			return err
		}
	}
	for _, p := range []struct {
		name string
		raw  json.RawMessage
	}{{"resourcePolicy", r.ResourcePolicy}, {"permissionBoundary", r.PermissionBoundary}, {"sessionPolicy", r.SessionPolicy}, {"vpcEndpointPolicy", r.VPCEndpointPolicy}} {
		if err := parse(p.name, p.raw); err != nil {
			return err
		}
	}
	for _, org := range []struct {
		name   string
		levels [][]json.RawMessage
	}{{"scps", r.SCPs}, {"rcps", r.RCPs}} {
		for i, level := range org.levels {
			for j, raw := range level {
				if err := parse(fmt.Sprintf("%s[%d][%d]", org.name, i, j), raw); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
