package verify

import (
	"testing"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/rolegen"
	"github.com/agentiam/agentiam/verify/expect"
)

// TestPlanRoles: expectations' role keys bind to the plan's generated
// roles by agent, gateway or resource (and region), and to the roles the
// spec keeps by owner.
func TestPlanRoles(t *testing.T) {
	const iam = "arn:aws:iam::123456789012:role/"
	plan := &rolegen.Plan{
		Roles: []*rolegen.Role{
			{Name: "Run", ARN: iam + "Run", Purpose: agentspec.PurposeRuntime, Agent: "a"},
			{Name: "Gw", ARN: iam + "Gw", Purpose: agentspec.PurposeGateway, Gateway: "g"},
			{Name: "MemWest", ARN: iam + "MemWest", Purpose: agentspec.PurposeMemory, Resource: "m", Region: "us-west-2"},
			{Name: "MemEast", ARN: iam + "MemEast", Purpose: agentspec.PurposeMemory, Resource: "m", Region: "us-east-1"},
		},
		ExistingRoles:  []*rolegen.ExistingRole{{Agent: "b", ARN: iam + "path/Kept", Purpose: agentspec.PurposeRuntime}},
		CallerPolicies: []*rolegen.CallerPolicy{{Name: "agentiam-ci", Caller: "ci"}},
	}
	roles := planRoles{plan}
	tests := []struct {
		name string
		key  expect.RoleKey
		want expect.Role // zero: none
	}{
		{"agent", expect.RoleKey{Purpose: agentspec.PurposeRuntime, Agent: "a"}, expect.Role{Name: "Run", ARN: iam + "Run"}},
		{"other purpose", expect.RoleKey{Purpose: agentspec.PurposeImageBuild, Agent: "a"}, expect.Role{}},
		{"gateway", expect.RoleKey{Purpose: agentspec.PurposeGateway, Gateway: "g"}, expect.Role{Name: "Gw", ARN: iam + "Gw"}},
		{"not the agent's gateway", expect.RoleKey{Purpose: agentspec.PurposeGateway, Agent: "g"}, expect.Role{}},
		{"resource in a region", expect.RoleKey{Purpose: agentspec.PurposeMemory, Resource: "m", Region: "us-west-2"}, expect.Role{Name: "MemWest", ARN: iam + "MemWest"}},
		{"resource in any region: the last", expect.RoleKey{Purpose: agentspec.PurposeMemory, Resource: "m"}, expect.Role{Name: "MemEast", ARN: iam + "MemEast"}},
		{"resource elsewhere", expect.RoleKey{Purpose: agentspec.PurposeMemory, Resource: "m", Region: "eu-west-1"}, expect.Role{}},
		{"kept", expect.RoleKey{Purpose: agentspec.PurposeRuntime, Agent: "b"}, expect.Role{Name: "Kept", ARN: iam + "path/Kept", Existing: true}},
	}
	for _, tc := range tests {
		got, ok := roles.Role(tc.key)
		if got != tc.want || ok != (tc.want != expect.Role{}) {
			t.Errorf("%s: %+v %v, want %+v", tc.name, got, ok, tc.want)
		}
	}
	if name, ok := roles.CallerPolicy("ci"); name != "agentiam-ci" || !ok {
		t.Errorf("caller policy %q %v", name, ok)
	}
	if _, ok := roles.CallerPolicy("other"); ok {
		t.Error("a caller policy for a caller the plan does not have")
	}
}
