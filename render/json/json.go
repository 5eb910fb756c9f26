// Package json renders a plan as one JSON document (agentiam generate's
// default format), through the structs of render/planjson, which package
// inputs reads it with. The keys the issue tracker fixed come first in every
// object; the rest add detail. Policy documents are embedded as the
// canonical printer writes them.
package json

import (
	"bytes"
	stdjson "encoding/json"
	"fmt"

	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/render/planjson"
	"github.com/agentiam/agentiam/rolegen"
)

// The structs of the plan, with its documents as the canonical printer
// writes them.
type (
	plan           = planjson.Plan[*policy.Document]
	role           = planjson.Role[*policy.Document]
	namedPolicy    = planjson.NamedPolicy[*policy.Document]
	resourcePolicy = planjson.ResourcePolicy[*policy.Document]
	existingRole   = planjson.ExistingRole
	policyEngine   = planjson.PolicyEngine
	cedarPolicy    = planjson.CedarPolicy
)

// Render writes the plan with two-space indentation and a final newline.
// The output depends only on the plan, so it is byte-identical across runs.
func Render(p *rolegen.Plan) ([]byte, error) {
	out := plan{
		Version:          rolegen.PlanVersion,
		Roles:            []role{},
		ResourcePolicies: []resourcePolicy{},
		CallerPolicies:   []namedPolicy{},
		Warnings:         append([]string{}, p.Warnings...),
		ExistingRoles:    []existingRole{},
	}
	for _, r := range p.Roles {
		jr := role{
			Name:              r.Name,
			Purpose:           r.Purpose,
			Agent:             r.Agent,
			TrustPolicy:       r.TrustPolicy,
			InlinePolicies:    named(r.InlinePolicies),
			ManagedPolicyARNs: append([]string{}, r.ManagedPolicyARNs...),
			Tags:              map[string]string{},
			ARN:               r.ARN,
			Description:       r.Description,
			Region:            r.Region,
			Gateway:           r.Gateway,
			ManagedPolicies:   named(r.ManagedPolicies),
		}
		for _, t := range r.Tags {
			jr.Tags[t.Key] = t.Value
		}
		out.Roles = append(out.Roles, jr)
	}
	for _, rp := range p.ResourcePolicies {
		out.ResourcePolicies = append(out.ResourcePolicies, resourcePolicy{
			ResourceARN: rp.ResourceARN, Kind: rp.Kind, ResourceType: rp.ResourceType, StatementID: rp.StatementID,
			Principal: rp.Principal, Document: rp.Document, Agent: rp.Agent, Gateway: rp.Gateway,
		})
	}
	for _, c := range p.CallerPolicies {
		out.CallerPolicies = append(out.CallerPolicies, namedPolicy{Name: c.Name, Document: c.Document, Caller: c.Caller, Description: c.Description})
	}
	for _, e := range p.ExistingRoles {
		out.ExistingRoles = append(out.ExistingRoles, existingRole{Agent: e.Agent, ARN: e.ARN, Purpose: e.Purpose})
	}
	for _, e := range p.PolicyEngines {
		je := policyEngine{Gateway: e.Gateway, ID: e.ID, Mode: e.Mode, GatewayARN: e.GatewayARN, Auth: string(e.Auth), Policies: []cedarPolicy{}}
		for _, c := range e.Policies {
			je.Policies = append(je.Policies, cedarPolicy{Name: c.Name, Description: c.Description, Statement: c.Statement})
		}
		out.PolicyEngines = append(out.PolicyEngines, je)
	}
	var b bytes.Buffer
	enc := stdjson.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, fmt.Errorf("render plan as JSON: %w", err)
	}
	return b.Bytes(), nil
}

func named(ps []*rolegen.NamedPolicy) []namedPolicy {
	out := []namedPolicy{}
	for _, p := range ps {
		out = append(out, namedPolicy{Name: p.Name, Document: p.Document})
	}
	return out
}
