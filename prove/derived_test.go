package prove

import (
	"slices"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
)

// TestResourceCounterexamplesStateDerivedKeys: a counterexample of a
// resource or trust policy states every key the two decisions read,
// those eval derives from the principal and resource included; confirm
// decides each without eval's derivation too. Where a request exists
// whose keys agree with its principal, the counterexample is one.
func TestResourceCounterexamplesStateDerivedKeys(t *testing.T) {
	const get = `"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"`
	const assume = `"Action":"sts:AssumeRole"`
	cases := []struct {
		name     string
		kind     policy.Kind
		old, new string
		// keys the decisions read: a counterexample states each, unless
		// the key is absent from the request (eval derives none for its
		// principal, nor does the cell set it).
		keys []string
		// inconsistent: no request agrees with its principal (the new
		// policy allows only requests whose keys contradict it).
		inconsistent bool
	}{
		{name: "aws:PrincipalArn", kind: policy.Resource,
			old:  `{"Effect":"Allow","Principal":"*",` + get + `,"Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/a"}}}`,
			new:  `{"Effect":"Allow","Principal":"*",` + get + `,"Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/*"}}}`,
			keys: []string{"aws:PrincipalArn"}},
		{name: "aws:PrincipalAccount read by OLD only", kind: policy.Resource,
			old:  `{"Effect":"Allow","Principal":"*",` + get + `,"Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}`,
			new:  `{"Effect":"Allow","Principal":"*",` + get + `}`,
			keys: []string{"aws:PrincipalAccount"}},
		{name: "aws:PrincipalAccount widened", kind: policy.Trust,
			old:  `{"Effect":"Allow","Principal":{"AWS":"*"},` + assume + `,"Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}`,
			new:  `{"Effect":"Allow","Principal":{"AWS":"*"},` + assume + `,"Condition":{"StringEquals":{"aws:PrincipalAccount":["111122223333","555566667777"]}}}`,
			keys: []string{"aws:PrincipalAccount"}},
		{name: "aws:PrincipalType", kind: policy.Resource,
			old:  `{"Effect":"Allow","Principal":{"AWS":"111122223333"},` + get + `,"Condition":{"StringEquals":{"aws:PrincipalType":"AssumedRole"}}}`,
			new:  `{"Effect":"Allow","Principal":{"AWS":"111122223333"},` + get + `,"Condition":{"StringEquals":{"aws:PrincipalType":["AssumedRole","User"]}}}`,
			keys: []string{"aws:PrincipalType"}},
		{name: "aws:username in a policy variable", kind: policy.Resource,
			old:  `{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}`,
			new:  `{"Effect":"Allow","Principal":{"AWS":"111122223333"},` + get + `}`,
			keys: []string{"aws:username"}},
		{name: "aws:username in a condition", kind: policy.Trust,
			old:  `{"Effect":"Allow","Principal":{"AWS":"111122223333"},` + assume + `,"Condition":{"StringEquals":{"aws:username":"alice"}}}`,
			new:  `{"Effect":"Allow","Principal":{"AWS":"111122223333"},` + assume + `,"Condition":{"StringLike":{"aws:username":"a*"}}}`,
			keys: []string{"aws:username"}},
		{name: "aws:userid", kind: policy.Resource,
			old:  `{"Effect":"Allow","Principal":{"AWS":"111122223333"},` + get + `,"Condition":{"StringEquals":{"aws:userid":"111122223333"}}}`,
			new:  `{"Effect":"Allow","Principal":{"AWS":"111122223333"},` + get + `,"Condition":{"StringLike":{"aws:userid":"111122223333*"}}}`,
			keys: []string{"aws:userid"}},
		{name: "aws:PrincipalIsAWSService", kind: policy.Resource,
			old:  `{"Effect":"Allow","Principal":"*",` + get + `,"Condition":{"Bool":{"aws:PrincipalIsAWSService":"false"}}}`,
			new:  `{"Effect":"Allow","Principal":"*",` + get + `}`,
			keys: []string{"aws:PrincipalIsAWSService"}},
		{name: "aws:PrincipalServiceName", kind: policy.Resource,
			old:  `{"Effect":"Allow","Principal":"*",` + get + `,"Condition":{"StringEquals":{"aws:PrincipalServiceName":"cloudtrail.amazonaws.com"}}}`,
			new:  `{"Effect":"Allow","Principal":"*",` + get + `,"Condition":{"StringLike":{"aws:PrincipalServiceName":"*.amazonaws.com"}}}`,
			keys: []string{"aws:PrincipalServiceName"}},
		{name: "aws:PrincipalServiceNamesList", kind: policy.Resource,
			old:  `{"Effect":"Allow","Principal":"*",` + get + `,"Condition":{"ForAnyValue:StringEquals":{"aws:PrincipalServiceNamesList":"cloudtrail.amazonaws.com"}}}`,
			new:  `{"Effect":"Allow","Principal":"*",` + get + `,"Condition":{"ForAnyValue:StringLike":{"aws:PrincipalServiceNamesList":"*"}}}`,
			keys: []string{"aws:PrincipalServiceNamesList"}},
		{name: "aws:ResourceAccount", kind: policy.Resource,
			old:  `{"Effect":"Allow","Principal":"*",` + get + `,"Condition":{"StringEquals":{"aws:ResourceAccount":"123456789012"}}}`,
			new:  `{"Effect":"Allow","Principal":"*",` + get + `,"Condition":{"StringEquals":{"aws:ResourceAccount":["123456789012","210987654321"]}}}`,
			keys: []string{"aws:ResourceAccount"}},
		{name: "aws:SourceAccount is not derived", kind: policy.Resource,
			old:  `{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},` + get + `,"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}`,
			new:  `{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},` + get + `,"Condition":{"StringEquals":{"aws:SourceAccount":["111122223333","444455556666"]}}}`,
			keys: []string{"aws:SourceAccount"}},
		{name: "several keys at once", kind: policy.Trust,
			old:  `{"Effect":"Allow","Principal":{"AWS":"*"},` + assume + `,"Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333","aws:PrincipalType":"User"}}}`,
			new:  `{"Effect":"Allow","Principal":{"AWS":"*"},` + assume + `,"Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:*"}}}`,
			keys: []string{"aws:PrincipalAccount", "aws:PrincipalType", "aws:PrincipalArn"}},
		{name: "only contradicting requests", kind: policy.Resource,
			old:          `{"Effect":"Allow","Principal":"*",` + get + `,"Condition":{"StringEquals":{"aws:PrincipalType":"User"}}}`,
			new:          `{"Effect":"Allow","Principal":"*",` + get + `,"Condition":{"StringEquals":{"aws:PrincipalType":["User","Nobody"]}}}`,
			keys:         []string{"aws:PrincipalType"},
			inconsistent: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old, new := doc(t, "old.json", tc.old), doc(t, "new.json", tc.new)
			res, err := Prove(old, new, Options{Kind: tc.kind})
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != Fail {
				t.Fatalf("verdict %s, want FAIL; reasons %+v", res.Verdict, res.Reasons)
			}
			for _, r := range res.Counterexamples {
				confirm(t, tc.kind, old, new, &r)
				derived := derivedOf(t, &r)
				for _, k := range tc.keys {
					if _, ok := r.Context[k]; !ok && (derivable(derived, k) || !eval.IsDerivedKey(k)) {
						t.Errorf("counterexample %+v does not state %s", r, k)
					}
				}
				if got := agrees(t, &r); got == tc.inconsistent {
					t.Errorf("counterexample %+v: context agrees with the principal: %v, want %v", r, got, !tc.inconsistent)
				}
			}
		})
	}
}

// agrees reports whether every derivable key the request states has the
// value eval derives from its principal and resource.
func agrees(t *testing.T, r *Request) bool {
	t.Helper()
	derived := derivedOf(t, r)
	for k, v := range r.Context {
		if !eval.IsDerivedKey(k) {
			continue
		}
		if want, ok := derived.Get(k); !ok || !slices.Equal(v, want) {
			t.Logf("%s: %s, derived %s (%v)", k, strings.Join(v, ","), strings.Join(want, ","), ok)
			return false
		}
	}
	return true
}

// derivedOf returns the keys eval derives for the request's principal
// and resource.
func derivedOf(t *testing.T, r *Request) eval.Context {
	t.Helper()
	bare := r.Eval()
	bare.Context = eval.Context{}
	derived, err := eval.DerivedKeys(bare)
	if err != nil {
		t.Fatal(err)
	}
	return derived
}

func derivable(c eval.Context, key string) bool {
	_, ok := c.Get(key)
	return ok
}
