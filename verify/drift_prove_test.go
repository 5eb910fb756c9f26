package verify

import (
	"strings"
	"testing"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/verify/expect"
)

// TestDriftProven: drift beyond the generated role is decided by prove,
// which finds over-grants the sampler misses, and is exact when there
// is none.
func TestDriftProven(t *testing.T) {
	spec := loadSpec(t, "testdata/toolkit-role.yaml")
	v := newVerifier(spec, generate(t, spec), Options{}, nil)
	s := &expect.Subject{Kind: expect.KindRole, Name: "r", ARN: "arn:aws:iam::123456789012:role/r"}
	const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"bedrock-agentcore.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}`
	const logs = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"arn:aws:logs:us-west-2:123456789012:log-group:*"}]}`
	const tagged = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::kb/*","Condition":{"StringEquals":{"s3:ExistingObjectTag/team":%s}}}]}`
	tests := []struct {
		name, ref, deployed string
		// sampledMiss: the sampler alone finds nothing beyond.
		sampledMiss bool
		// beyond: prove lists the deployed statement (of index index),
		// with examples the reference does not cover.
		beyond bool
		index  int
		// notIn: a pattern none of the examples' resources match (""
		// when not checked).
		notIn string
	}{
		// Resource "*" is probed in the spec's region and account only;
		// prove finds the log groups of every other region and account.
		{name: "wildcard resource", ref: logs, sampledMiss: true, beyond: true,
			deployed: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"*"}]}`,
			notIn:    "arn:aws:logs:us-west-2:123456789012:log-group:*"},
		// The sampler tries a condition's first value only.
		{name: "condition value region", ref: strings.Replace(tagged, "%s", `"a"`, 1), sampledMiss: true, beyond: true,
			deployed: strings.Replace(tagged, "%s", `["a","b"]`, 1)},
		{name: "equal", ref: logs, deployed: logs},
		// Of two statements, only the one that over-grants is listed.
		{name: "one of two", ref: logs, sampledMiss: true, beyond: true, index: 1, notIn: "arn:aws:logs:us-west-2:123456789012:log-group:*",
			deployed: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"arn:aws:logs:us-west-2:123456789012:log-group:a"},{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"*"}]}`},
		{name: "narrower", ref: logs,
			deployed: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"arn:aws:logs:us-west-2:123456789012:log-group:/aws/bedrock-agentcore/*"}]}`},
		// NotAction grants everything it does not list: the sampler cannot
		// compare it; prove can.
		{name: "NotAction", ref: logs, beyond: true,
			deployed: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"logs:PutLogEvents","Resource":"*"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref := policies(t, trust, tt.ref)
			dep := policies(t, trust, tt.deployed)
			if tt.sampledMiss {
				to, err := v.compile(ref)
				if err != nil {
					t.Fatal(err)
				}
				sampled, _, err := v.compare(s, dep, to, nil)
				if err != nil {
					t.Fatal(err)
				}
				if len(sampled) != 0 {
					t.Fatalf("the sampler finds %+v; the case needs one it misses", sampled[0])
				}
			}
			d, err := v.drift(s, dep, ref)
			if err != nil {
				t.Fatal(err)
			}
			if !d.Proven || len(d.Unproven) != 0 {
				t.Fatalf("proven %v, unproven %+v", d.Proven, d.Unproven)
			}
			if !tt.beyond {
				if len(d.Beyond) != 0 {
					t.Fatalf("beyond %+v, want none", d.Beyond[0])
				}
				return
			}
			if len(d.Beyond) != 1 {
				t.Fatalf("beyond has %d statements, want 1", len(d.Beyond))
			}
			sd := d.Beyond[0]
			if !sd.Proven || sd.Count == 0 || len(sd.Examples) == 0 || sd.Note != "" || sd.Policy != "policy.json" || sd.Index != tt.index {
				t.Fatalf("beyond %+v", sd)
			}
			for _, p := range sd.Examples {
				if tt.notIn != "" && arn.Match(tt.notIn, p.Resource) {
					t.Errorf("example %s on %s is granted by the reference", p.Action, p.Resource)
				}
			}
		})
	}
}

// TestDriftUnproven: a statement prove cannot decide exactly is sampled
// and reported as such, with the reason.
func TestDriftUnproven(t *testing.T) {
	spec := loadSpec(t, "testdata/toolkit-role.yaml")
	v := newVerifier(spec, generate(t, spec), Options{}, nil)
	s := &expect.Subject{Kind: expect.KindRole, Name: "r", ARN: "arn:aws:iam::123456789012:role/r"}
	ref := policies(t, "", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::kb/${aws:username}/*"}]}`)
	dep := policies(t, "", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::kb/${aws:username}/x*"}]}`)
	d, err := v.drift(s, dep, ref)
	if err != nil {
		t.Fatal(err)
	}
	if d.Proven || len(d.Unproven) != 1 || !strings.Contains(d.Unproven[0].Unknown, "policy variable") {
		t.Fatalf("proven %v, unproven %+v", d.Proven, d.Unproven)
	}
	if len(d.Beyond) != 0 {
		t.Errorf("beyond %+v, want none (sampled)", d.Beyond[0])
	}
}

// TestDriftBoundary: with permissions boundaries, drift compares
// effective permissions, identity policies within the boundary, on both
// sides, and proves it: the generated role's boundary narrows what the
// deployed role may grant, the deployed role's boundary what it grants.
func TestDriftBoundary(t *testing.T) {
	spec := loadSpec(t, "testdata/toolkit-role.yaml")
	v := newVerifier(spec, generate(t, spec), Options{}, nil)
	s := &expect.Subject{Kind: expect.KindRole, Name: "r", ARN: "arn:aws:iam::123456789012:role/r"}
	const (
		s3All    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::kb/*"}]}`
		s3Get    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::kb/*"}]}`
		s3Gets   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::kb/*"}]}`
		anything = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	)
	// The generated role: s3:* on kb/* within a boundary that allows
	// s3:GetObject only.
	ref := policies(t, "", s3All)
	ref.Boundary = parse(t, "generated-boundary.json", s3Get)
	tests := []struct {
		name, identity, boundary string
		// beyond: the deployed statement grants what the generated role
		// does not; the examples must be of an action other than
		// s3:GetObject.
		beyond bool
		// sampledMiss: without the boundary in force the sampler would
		// list the statement (the boundary must be applied by both).
		sampledMiss bool
	}{
		{name: "as generated", identity: s3All, boundary: s3Get, sampledMiss: true},
		{name: "identity within the generated boundary", identity: s3Get},
		{name: "generated identity without its boundary", identity: s3All, beyond: true},
		{name: "wider boundary, narrow identity", identity: s3Get, boundary: anything},
		{name: "boundary widened", identity: s3All, boundary: s3Gets, beyond: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dep := policies(t, "", tt.identity)
			if tt.boundary != "" {
				dep.Boundary = parse(t, "deployed-boundary.json", tt.boundary)
			}
			if tt.sampledMiss {
				to, err := v.compile(ref)
				if err != nil {
					t.Fatal(err)
				}
				unbounded := *dep
				unbounded.Boundary = nil
				if sampled, _, err := v.compare(s, &unbounded, to, nil); err != nil || len(sampled) == 0 {
					t.Fatalf("without the boundary the sampler finds %d statements (%v); the case needs it to find one", len(sampled), err)
				}
			}
			d, err := v.drift(s, dep, ref)
			if err != nil {
				t.Fatal(err)
			}
			if !d.Proven || len(d.Unproven) != 0 {
				t.Fatalf("proven %v, unproven %+v", d.Proven, d.Unproven)
			}
			if !tt.beyond {
				if len(d.Beyond) != 0 {
					t.Fatalf("beyond %+v, want none", d.Beyond[0])
				}
				return
			}
			if len(d.Beyond) != 1 || len(d.Beyond[0].Examples) == 0 {
				t.Fatalf("beyond %+v, want the deployed statement with examples", d.Beyond)
			}
			for _, p := range d.Beyond[0].Examples {
				if p.Action == "s3:GetObject" {
					t.Errorf("example %+v is granted by the generated role", p)
				}
				if got := decideProbe(t, v, ref, &p); got == eval.Allowed {
					t.Errorf("example %+v: the generated role allows it", p)
				}
				if got := decideProbe(t, v, dep, &p); got != eval.Allowed {
					t.Errorf("example %+v: the deployed role decides %s", p, got)
				}
			}
		})
	}
}

// decideProbe decides a drift example against a role's identity
// policies within its boundary, as verify's probes are decided (the
// resource's policy delegates to the account).
func decideProbe(t *testing.T, v *verifier, p *Policies, pr *Probe) eval.Decision {
	t.Helper()
	var ids []*policy.Document
	for _, n := range p.Identity {
		ids = append(ids, n.Document)
	}
	set, err := eval.NewSet(eval.Documents{Identity: ids, Boundary: p.Boundary, Resource: v.delegation})
	if err != nil {
		t.Fatal(err)
	}
	d, err := set.Evaluate(&eval.Request{Principal: pr.Principal, Action: pr.Action, Resource: pr.Resource, ResourceAccount: pr.ResourceAccount, Context: eval.ContextOf(pr.Context), NoDerivedKeys: true})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func parse(t *testing.T, name, src string) *policy.Document {
	t.Helper()
	d, err := ParsePolicy(name, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func policies(t *testing.T, trust, identity string) *Policies {
	t.Helper()
	p := &Policies{Source: "test", IdentityGiven: true}
	if trust != "" {
		d, err := ParsePolicy("trust.json", []byte(trust))
		if err != nil {
			t.Fatal(err)
		}
		p.Trust = d
	}
	d, err := ParsePolicy("policy.json", []byte(identity))
	if err != nil {
		t.Fatal(err)
	}
	p.Identity = []Named{{Name: "policy.json", Document: d}}
	return p
}
