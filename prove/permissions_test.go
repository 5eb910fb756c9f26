package prove

import (
	"errors"
	"testing"

	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
)

// TestProvePermissions: identity policies within a permissions boundary
// are compared by what both allow (IAM User Guide, "Permissions
// boundaries for IAM entities": "the effective permissions are the
// intersection of the identity-based policy and the permissions
// boundary").
func TestProvePermissions(t *testing.T) {
	const (
		allowS3All = `{"Effect":"Allow","Action":"s3:*","Resource":"*"}`
		allowAny   = `{"Effect":"Allow","Action":"*","Resource":"*"}`
		denyPut    = `{"Effect":"Deny","Action":"s3:PutObject","Resource":"*"}`
		regionCond = `{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}`
	)
	// perms is one side: identity statements and boundary statements
	// ("" for no boundary).
	type perms struct{ identity, boundary string }
	cases := []struct {
		name     string
		old, new perms
		want     Verdict
		// wantAction, when set, is the action of the first counterexample.
		wantAction string
	}{
		{name: "boundary narrows a wider identity grant", old: perms{allowS3Get, ""}, new: perms{allowS3All, allowS3Get}, want: Pass},
		{name: "boundary narrows an identity grant to nothing new", old: perms{allowS3Get, ""}, new: perms{allowAny, allowS3Get}, want: Pass},
		{name: "identity narrows a wide boundary", old: perms{allowS3Get, ""}, new: perms{allowS3Get, allowAny}, want: Pass},
		{name: "boundary widened", old: perms{allowS3All, allowS3Get}, new: perms{allowS3All, `{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}`}, want: Fail},
		{name: "boundary removed", old: perms{allowS3All, allowS3Get}, new: perms{allowS3All, ""}, want: Fail},
		{name: "boundary added", old: perms{allowS3All, ""}, new: perms{allowS3All, allowS3Get}, want: Pass},
		{name: "identity widened within the same boundary", old: perms{allowS3Get, allowS3All}, new: perms{allowS3All, allowS3All}, want: Fail},
		{name: "identity widened beyond the boundary only", old: perms{allowS3Get, allowS3Get}, new: perms{allowS3All, allowS3Get}, want: Pass},
		{name: "identity and boundary swapped", old: perms{allowS3All, allowS3Get}, new: perms{allowS3Get, allowS3All}, want: Pass},
		{name: "deny in the boundary", old: perms{allowS3All, allowS3All + "," + denyPut}, new: perms{allowS3All, allowS3All}, want: Fail, wantAction: "s3:PutObject"},
		{name: "deny in the boundary kept", old: perms{allowS3All, allowS3All + "," + denyPut}, new: perms{allowS3All + "," + denyPut, allowS3All}, want: Pass},
		{name: "boundary condition dropped", old: perms{allowS3All, regionCond}, new: perms{allowS3All, allowS3All}, want: Fail},
		{name: "boundary condition moved to identity", old: perms{allowS3All, regionCond}, new: perms{regionCond, allowS3All}, want: Pass},
	}
	side := func(t *testing.T, name string, p perms) Permissions {
		out := Permissions{Identity: []*policy.Document{doc(t, name+".json", p.identity)}}
		if p.boundary != "" {
			out.Boundary = doc(t, name+"-boundary.json", p.boundary)
		}
		return out
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old, new := side(t, "old", tc.old), side(t, "new", tc.new)
			res, err := ProvePermissions(old, new, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != tc.want {
				t.Fatalf("verdict %s, want %s; counterexamples %+v; reasons %+v", res.Verdict, tc.want, res.Counterexamples, res.Reasons)
			}
			for _, r := range res.Counterexamples {
				if d := decidePermissions(t, new, &r); d != eval.Allowed {
					t.Errorf("counterexample %+v: NEW decides %s", r, d)
				}
				if d := decidePermissions(t, old, &r); d == eval.Allowed {
					t.Errorf("counterexample %+v: OLD allows it", r)
				}
			}
			if tc.want == Fail {
				if tc.wantAction != "" && res.Counterexamples[0].Action != tc.wantAction {
					t.Errorf("counterexample action %s, want %s", res.Counterexamples[0].Action, tc.wantAction)
				}
				if len(res.Reasons) == 0 || res.Reasons[0].Kind != Grants {
					t.Errorf("reasons %+v, want the granting statement first", res.Reasons)
				}
			}
		})
	}
	if _, err := ProvePermissions(Permissions{Identity: []*policy.Document{doc(t, "a", allowS3Get)}}, Permissions{Identity: []*policy.Document{doc(t, "b", allowS3Get)}}, Options{Kind: policy.Resource}); !errors.Is(err, ErrInput) {
		t.Errorf("resource kind: error %v, want ErrInput", err)
	}
}

// decidePermissions decides the request with the identity policies
// within the boundary, independently of the harness code.
func decidePermissions(t *testing.T, p Permissions, r *Request) eval.Decision {
	t.Helper()
	acct := r.identityAccount()
	return decideBoth(t, eval.Documents{Identity: p.Identity, Boundary: p.Boundary, Resource: delegate(acct)}, r)
}

// TestSoundnessPermissions is TestSoundness for identity policies within
// boundaries: random (policy, boundary) pairs on both sides, a boundary
// sometimes absent; every counterexample confirmed, every PASS checked
// against random requests.
func TestSoundnessPermissions(t *testing.T) {
	// Requests come from their own generator, so that the pairs do not
	// depend on how many requests were drawn.
	g, rg := newGen(11), newGen(12)
	counts := map[Verdict]int{}
	pairs := max(10, *propertyPairs/2)
	for i := range pairs {
		oi, ni := g.pair(t, 2+g.rng.IntN(3))
		ob, nb := g.pair(t, 1+g.rng.IntN(3))
		old, new := Permissions{Identity: []*policy.Document{oi}, Boundary: ob}, Permissions{Identity: []*policy.Document{ni}, Boundary: nb}
		switch g.rng.IntN(4) {
		case 0:
			old.Boundary = nil
		case 1:
			new.Boundary = nil
		}
		res, err := ProvePermissions(old, new, Options{MaxCounterexamples: 3})
		if err != nil {
			t.Fatalf("pair %d: %v", i, err)
		}
		counts[res.Verdict]++
		for _, r := range res.Counterexamples {
			if d := decidePermissions(t, new, &r); d != eval.Allowed {
				t.Errorf("pair %d: counterexample %+v: NEW decides %s", i, r, d)
			}
			if d := decidePermissions(t, old, &r); d == eval.Allowed {
				t.Errorf("pair %d: counterexample %+v: OLD allows it", i, r)
			}
		}
		if res.Verdict != Pass {
			continue
		}
		set := func(p Permissions) *eval.Set {
			s, err := eval.NewSet(eval.Documents{Identity: p.Identity, Boundary: p.Boundary, Resource: delegate(defaultAccount)})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		so, sn := set(old), set(new)
		r := Request{Context: map[string][]string{}}
		for range *propertySamples {
			rg.request(&r)
			if r.identityAccount() != defaultAccount {
				continue
			}
			if dn, _ := sn.Evaluate(r.Eval()); dn != eval.Allowed {
				continue
			}
			if do, _ := so.Evaluate(r.Eval()); do != eval.Allowed {
				t.Fatalf("pair %d: PASS, but NEW allows and OLD does not: %+v", i, r)
			}
		}
	}
	t.Logf("verdicts %v", counts)
	if counts[Pass] == 0 || counts[Fail] == 0 {
		t.Errorf("the generator should give both PASS and FAIL answers: %v", counts)
	}
}
