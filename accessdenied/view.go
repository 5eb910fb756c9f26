package accessdenied

import (
	"encoding/json"

	"github.com/agentiam/agentiam/policy"
)

// View is an Explanation as `agentiam explain-denied --format json`
// prints it and the MCP explain_denied tool returns it. Fields are in
// the order of their JSON names, as the CLI has always printed them.
type View struct {
	Action        string        `json:"action"`
	Confirmation  *Confirmation `json:"confirmation,omitempty" jsonschema:"the denied request evaluated before and after the fix, with probes of neighbouring requests that must stay denied"`
	Decoded       bool          `json:"decoded,omitempty" jsonschema:"the message was a decoded authorization message, which does not name the policy type"`
	Explicit      bool          `json:"explicit" jsonschema:"an explicit Deny blocked the request"`
	Fix           FixView       `json:"fix"`
	Notes         []string      `json:"notes,omitempty"`
	Person        bool          `json:"person" jsonschema:"the denied identity is most likely a person's caller identity, not an agent's role"`
	PolicyARN     string        `json:"policyArn"`
	PolicyType    string        `json:"policyType" jsonschema:"the kind of policy that blocked the request, as AWS names it"`
	Principal     string        `json:"principal"`
	PrincipalKind PrincipalKind `json:"principalKind"`
	Resource      string        `json:"resource"`
	RoleARN       string        `json:"roleArn"`
	SpecChange    *SpecChange   `json:"specChange,omitempty" jsonschema:"the fix as a change of the spec, confirmed by generating the roles again"`
	Through       string        `json:"through,omitempty" jsonschema:"the policy type a transitive denial went through (a VPC endpoint policy)"`
}

// FixView is the fix in a View.
type FixView struct {
	Advice        []string        `json:"advice"`
	Document      json.RawMessage `json:"document" jsonschema:"the policy document to add, or null"`
	PermissionSet string          `json:"permissionSet"`
	PolicyType    string          `json:"policyType"`
	Public        bool            `json:"public,omitempty" jsonschema:"the document lets in everyone (Principal \"*\"): it makes the resource public"`
	Target        string          `json:"target" jsonschema:"where to attach the document"`
}

// View returns the explanation's JSON view.
func (x *Explanation) View() View {
	m, p, fix := x.Message, x.Principal, x.Fix
	doc := json.RawMessage("null")
	if d := fix.Document(); d != nil {
		doc = json.RawMessage(policy.Format(d))
	}
	v := View{
		Action: m.Action, Explicit: m.Explicit, Person: p.Person, PolicyARN: m.PolicyARN,
		PolicyType: KindName(m.PolicyType), Principal: m.Principal, PrincipalKind: p.Kind,
		Resource: m.Resource, RoleARN: p.RoleARN,
		Fix: FixView{
			Advice: fix.Advice, Document: doc, PermissionSet: fix.PermissionSet,
			PolicyType: KindName(fix.PolicyType), Public: fix.Public, Target: fix.Target,
		},
		Confirmation: x.Confirmation, SpecChange: x.SpecChange,
		Decoded: m.Decoded, Through: KindName(m.Through),
	}
	if len(x.Notes) > 0 {
		v.Notes = x.Notes
	}
	return v
}
