package verify

import (
	"strings"
	"testing"

	"github.com/agentiam/agentiam/arn"
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
	ref := policies(t, "", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::kb/*"}]}`)
	ref.Boundary = ref.Identity[0].Document
	d, err := v.drift(s, ref, ref)
	if err != nil {
		t.Fatal(err)
	}
	if d.Proven || len(d.Unproven) != 1 || !strings.Contains(d.Unproven[0].Unknown, "permissions boundary") {
		t.Fatalf("proven %v, unproven %+v", d.Proven, d.Unproven)
	}
	if len(d.Beyond) != 0 {
		t.Errorf("beyond %+v, want none (sampled)", d.Beyond[0])
	}
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
