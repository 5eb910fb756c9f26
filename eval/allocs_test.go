//go:build !race

package eval

import (
	"testing"

	"github.com/agentiam/agentiam/policy"
)

// A request on "*" (an action without resource types) is matched against
// ARN patterns by MatchesResourceless on every evaluation: it must not
// allocate.
func TestEvaluateResourcelessAllocs(t *testing.T) {
	doc, err := policy.Parse("p.json", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":["arn:aws:s3:::x/*","arn:aws:s3:::*"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSet(Documents{Identity: []*policy.Document{doc}})
	if err != nil {
		t.Fatal(err)
	}
	req := &Request{Principal: "arn:aws:iam::111122223333:role/r", Action: "s3:ListAllMyBuckets", Resource: "*"}
	if d, err := s.Evaluate(req); err != nil || d != Allowed {
		t.Fatalf("Evaluate = %v, %v; want Allowed", d, err)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = s.Evaluate(req) }); n != 0 {
		t.Errorf("Evaluate on \"*\" allocates %v times, want 0", n)
	}
}
