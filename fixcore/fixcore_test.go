package fixcore

import (
	"slices"
	"testing"

	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
)

func allow(action, resource string) *policy.Statement { return AllowStatement(nil, action, resource) }

// TestApply: every change lands in its policy, and the bundle it was
// applied to is left as it was.
func TestApply(t *testing.T) {
	base := &Policies{
		Identity: []Named{{Name: "p1", Document: policy.NewDocument(allow("s3:GetObject", "*"), allow("s3:PutObject", "*"))}},
		Boundary: policy.NewDocument(allow("s3:*", "*")),
	}
	req := func(action string) eval.Request {
		return eval.Request{Principal: "arn:aws:iam::123456789012:role/r", Action: action, Resource: "arn:aws:s3:::b/k"}
	}
	tests := []struct {
		name    string
		changes []Change
		allowed []string // of s3:GetObject, s3:PutObject, sqs:SendMessage
	}{
		{"none", nil, []string{"s3:GetObject", "s3:PutObject"}},
		{"replace by nothing", []Change{{Kind: Replace, Policy: policy.Identity, Name: "p1", Index: 1}}, []string{"s3:GetObject"}},
		{"add outside the boundary", []Change{{Kind: Add, Policy: policy.Identity, Name: "fix", Statements: []*policy.Statement{allow("sqs:SendMessage", "*")}}}, []string{"s3:GetObject", "s3:PutObject"}},
		{"add to both", []Change{
			{Kind: Add, Policy: policy.Identity, Name: "fix", Statements: []*policy.Statement{allow("sqs:SendMessage", "*")}},
			{Kind: Add, Policy: policy.Boundary, Statements: []*policy.Statement{allow("sqs:SendMessage", "*")}},
		}, []string{"s3:GetObject", "s3:PutObject", "sqs:SendMessage"}},
		{"narrow the boundary", []Change{{Kind: Replace, Policy: policy.Boundary, Index: 0, Statements: []*policy.Statement{allow("s3:PutObject", "*")}}}, []string{"s3:PutObject"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Compile(base.Apply(tc.changes...), "trust policy")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range []string{"s3:GetObject", "s3:PutObject", "sqs:SendMessage"} {
				r := req(a)
				if d, err := c.Set(nil).Evaluate(&r); err != nil {
					t.Fatal(err)
				} else if d == eval.Allowed {
					got = append(got, a)
				}
			}
			if !slices.Equal(got, tc.allowed) {
				t.Errorf("allowed %q, want %q", got, tc.allowed)
			}
		})
	}
	if len(base.Identity) != 1 || len(base.Identity[0].Document.Statements) != 2 || len(base.Boundary.Statements) != 1 {
		t.Error("Apply changed the bundle it was applied to")
	}
}

// TestApplyNames: an added identity policy carries its name as Source,
// as traces show it; a named addition to another kind too.
func TestApplyNames(t *testing.T) {
	p := (&Policies{}).Apply(
		Change{Kind: Add, Policy: policy.Identity, Name: "the fix", Statements: []*policy.Statement{allow("s3:GetObject", "*")}},
		Change{Kind: Add, Policy: policy.Resource, Name: "the fix", Statements: []*policy.Statement{allow("s3:GetObject", "*")}},
		Change{Kind: Add, Policy: policy.Boundary, Statements: []*policy.Statement{allow("s3:GetObject", "*")}},
	)
	if p.Identity[0].Name != "the fix" || p.Identity[0].Document.Source != "the fix" || p.Resource.Source != "the fix" || p.Boundary.Source != "" {
		t.Errorf("names: %q %q %q %q", p.Identity[0].Name, p.Identity[0].Document.Source, p.Resource.Source, p.Boundary.Source)
	}
}

// TestVerdict: targets must go from failing to passing, the others must
// not regress.
func TestVerdict(t *testing.T) {
	type rec struct{ target, before, after bool }
	tests := []struct {
		name      string
		recs      []rec
		confirmed bool
	}{
		{"fixed", []rec{{true, false, true}, {false, true, true}, {false, false, false}}, true},
		{"still failing", []rec{{true, false, false}}, false},
		{"regression", []rec{{true, false, true}, {false, true, false}}, false},
		{"already passing", []rec{{true, true, true}}, false},
	}
	for _, tc := range tests {
		var v Verdict
		for i, r := range tc.recs {
			v.Record(i, r.target, r.before, r.after)
		}
		if v.Confirmed() != tc.confirmed {
			t.Errorf("%s: confirmed %v, want %v (%+v)", tc.name, v.Confirmed(), tc.confirmed, v)
		}
	}
}

// TestNeighbours: a sibling resource, and the same resource in another
// account (by ARN, or by owner for S3's account-less ARNs).
func TestNeighbours(t *testing.T) {
	const principal = "arn:aws:sts::123456789012:assumed-role/R/s"
	tests := []struct {
		resource string
		want     []Neighbour
	}{
		{"arn:aws:dynamodb:us-west-2:123456789012:table/t", []Neighbour{
			{Why: "a sibling resource", Resource: "arn:aws:dynamodb:us-west-2:123456789012:table/agentiam-sibling"},
			{Why: "the same resource in another account", Resource: "arn:aws:dynamodb:us-west-2:999988887777:table/t"}}},
		{"arn:aws:s3:::bucket", []Neighbour{
			{Why: "a sibling resource", Resource: "arn:aws:s3:::bucket-agentiam-sibling"},
			{Why: "the same bucket name owned by another account", Resource: "arn:aws:s3:::bucket", ResourceAccount: "999988887777"}}},
		{"arn:aws:bedrock-agentcore:us-west-2:aws:browser/aws.browser.v1", []Neighbour{
			{Why: "a sibling resource", Resource: "arn:aws:bedrock-agentcore:us-west-2:aws:browser/agentiam-sibling"}}},
		{"not an ARN", nil},
	}
	for _, tc := range tests {
		got := Neighbours(tc.resource, principal)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %+v, want %+v", tc.resource, got, tc.want)
		}
		for i, n := range got {
			if n.Foreign(principal) != (i == 1) {
				t.Errorf("%s: neighbour %d foreign %v", tc.resource, i, n.Foreign(principal))
			}
		}
	}
	if ForeignAccount("999988887777") == "999988887777" {
		t.Error("ForeignAccount returned the account itself")
	}
}
