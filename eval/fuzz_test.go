package eval

import (
	"errors"
	"testing"

	"github.com/agentiam/agentiam/policy"
)

// FuzzEvaluate evaluates fuzzed policies and requests: evaluation never
// panics, Trace agrees with Evaluate, and adding a Deny statement never
// turns a denied request into an allowed one.
func FuzzEvaluate(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/${aws:username}/*"}]}`,
		"arn:aws:iam::111122223333:user/alice", "s3:GetObject", "arn:aws:s3:::b/alice/k", "aws:SourceIp", "10.0.0.1", "s3:*")
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":"a*"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`,
		"sns.amazonaws.com", "sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q", "aws:TagKeys", "ab", "sqs:Send*")
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::x","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01"},"NumericLessThanIfExists":{"s3:max-keys":10}}}]}`,
		"arn:aws:sts::111122223333:assumed-role/app/s", "s3:ListBucket", "arn:aws:s3:::b", "aws:CurrentTime", "2025-01-01T00:00:00Z", "*")
	f.Fuzz(func(t *testing.T, src, principal, action, resource, key, value, denyAction string) {
		doc, err := policy.Parse("fuzz.json", []byte(src))
		if err != nil {
			return
		}
		identity, err := Compile(doc)
		if err != nil {
			return
		}
		req := &Request{Principal: principal, Action: action, Resource: resource}
		req.Context.Set(key, value)
		req.Context.Set("aws:TagKeys", value, key)
		sets := []*Set{
			{Identity: []*Policy{identity}},
			{Resource: identity},
			{Identity: []*Policy{identity}, Resource: identity, Boundary: identity, Session: identity, SCPs: [][]*Policy{{identity}}, RCPs: [][]*Policy{{identity}}},
		}
		for _, set := range sets {
			before, err := set.Evaluate(req)
			if err != nil {
				return
			}
			var ev events
			traced, err := set.Trace(req, &ev)
			if err != nil || traced != before || ev.decision != before || ev.why.Code == ReasonNone {
				t.Fatalf("Trace = %v, %v (event %v, %+v); Evaluate = %v", traced, err, ev.decision, ev.why, before)
			}
			denyDoc := policy.NewDocument(newDenyStatement(denyAction))
			deny, err := Compile(denyDoc)
			if err != nil {
				if !errors.Is(err, ErrCompile) {
					t.Fatal(err)
				}
				return // not an action IAM would accept
			}
			// Add the Deny as another identity policy and inside the resource policy.
			withDeny := *set
			withDeny.Identity = append(append([]*Policy(nil), set.Identity...), deny)
			after, err := withDeny.Evaluate(req)
			if err != nil {
				t.Fatal(err)
			}
			if before != Allowed && after == Allowed {
				t.Fatalf("adding a Deny turned %v into Allowed", before)
			}
			if set.Resource != nil {
				merged := *set.Resource.doc
				merged.Statements = append(append([]*policy.Statement(nil), merged.Statements...), newDenyStatement(denyAction))
				mergedPolicy, err := Compile(&merged)
				if err != nil {
					t.Fatal(err)
				}
				withDeny = *set
				withDeny.Resource = mergedPolicy
				after, err = withDeny.Evaluate(req)
				if err != nil {
					t.Fatal(err)
				}
				if before != Allowed && after == Allowed {
					t.Fatalf("adding a Deny to the resource policy turned %v into Allowed", before)
				}
			}
		}
	})
}

func newDenyStatement(action string) *policy.Statement {
	st := policy.NewStatement("", "Deny")
	st.Action = policy.NewStringList(action)
	st.Resource = policy.NewStringList("*")
	st.Principal = policy.WildcardPrincipal()
	return st
}
