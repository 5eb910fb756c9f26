package eval

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/policy"
)

// recorder keeps every event of a trace.
type recorder struct{ events []any }

func (r *recorder) Request(e RequestEvent)     { r.events = append(r.events, e) }
func (r *recorder) Statement(e StatementEvent) { r.events = append(r.events, e) }
func (r *recorder) Policy(e PolicyEvent)       { r.events = append(r.events, e) }
func (r *recorder) Decided(d Decision, why Reason) {
	r.events = append(r.events, d, why)
}

// TestCompilerReuse: policies compiled by a Compiler, several to a round
// between Resets, in rounds that make its memory grow and rounds that
// reuse it, trace every request exactly as the same policies compiled by
// Compile do, in every policy role.
func TestCompilerReuse(t *testing.T) {
	srcs := []string{
		`{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["s3:Get*","S3:List*"],"Resource":["arn:aws:s3:::b-${aws:PrincipalTag/Team}/*","arn:aws:s3:::b"],"Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.1.1"]},"StringEquals":{"aws:PrincipalTag/Team":"${aws:username}"}}}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"iam:*","NotResource":"arn:aws:iam::*:role/${aws:username}","Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":["a*","${aws:PrincipalTag/Team}"]},"NotIpAddressIfExists":{"aws:SourceIp":"172.16.0.0/12"}}},{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/App","444455556666"],"Service":"Lambda.AmazonAWS.com"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:SecureTransport":"true"},"DateLessThan":{"aws:CurrentTime":"2030-01-01"}}},{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:*","sqs:Send*","s3:Put*"],"Resource":"arn:aws:*:*:111122223333:*/${aws:PrincipalTag/Team, 'ops'}/*","Condition":{"NumericLessThan":{"s3:max-keys":"10"},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/${aws:PrincipalTag/Team}"}}}]}`,
	}
	big := `{"Version":"2012-10-17","Statement":[`
	for i := range 40 {
		if i > 0 {
			big += ","
		}
		big += fmt.Sprintf(`{"Effect":"Allow","Action":"svc%d:Do*","Resource":"arn:aws:svc%d:us-east-1:111122223333:thing/${aws:PrincipalTag/K%d}","Condition":{"StringLike":{"aws:RequestTag/K%d":["v%d*"]},"IpAddress":{"aws:SourceIp":"10.%d.0.0/16"}}}`, i, i, i, i, i, i)
	}
	srcs = append(srcs, big+"]}")
	docs := make([]*policy.Document, len(srcs))
	fresh := make([]*Policy, len(srcs))
	for i, src := range srcs {
		doc, err := policy.Parse(fmt.Sprintf("p%d.json", i), []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		docs[i] = doc
		if fresh[i], err = Compile(doc); err != nil {
			t.Fatal(err)
		}
	}
	var reqs []*Request
	for _, principal := range []string{"arn:aws:sts::111122223333:assumed-role/App/alice", "arn:aws:iam::111122223333:user/alice", "lambda.amazonaws.com"} {
		for _, action := range []string{"s3:GetObject", "s3:ListBucket", "iam:PassRole", "sts:AssumeRole", "svc3:DoIt", "dynamodb:GetItem"} {
			for _, resource := range []string{"arn:aws:s3:::b-blue/k", "arn:aws:s3:::b", "arn:aws:iam::111122223333:role/alice", "arn:aws:svc3:us-east-1:111122223333:thing/x", "arn:aws:dynamodb:us-east-1:111122223333:table/ops/t"} {
				r := &Request{Principal: principal, Action: action, Resource: resource}
				r.Context.Set("aws:PrincipalTag/Team", "blue")
				r.Context.Set("aws:SourceIp", "10.3.0.1")
				r.Context.Set("aws:TagKeys", "ab", "blue")
				r.Context.Set("aws:RequestTag/K3", "v3x")
				r.Context.Set("aws:SecureTransport", "true")
				reqs = append(reqs, r)
			}
		}
	}
	trace := func(p *Policy, r *Request) []any {
		var rec recorder
		set := &Set{Identity: []*Policy{p}, Resource: p, Boundary: p, SCPs: [][]*Policy{{p}}}
		if _, err := set.Trace(r, &rec); err != nil {
			t.Fatal(err)
		}
		return rec.events
	}
	var c Compiler
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 30 {
		c.Reset()
		n := 1 + round%len(srcs)
		picked := make([]int, n)
		got := make([]*Policy, n)
		for k := range picked {
			picked[k] = rng.IntN(len(srcs))
			var err error
			if got[k], err = c.Compile(docs[picked[k]]); err != nil {
				t.Fatal(err)
			}
		}
		for k, i := range picked {
			for _, r := range reqs {
				if g, w := trace(got[k], r), trace(fresh[i], r); !reflect.DeepEqual(g, w) {
					t.Fatalf("round %d, policy %d, %s %s %s:\nCompiler: %v\nCompile:  %v", round, i, r.Principal, r.Action, r.Resource, g, w)
				}
			}
		}
	}
}

// TestIndexes: for every effect and service, the index gives exactly the
// statements of that effect that name the service, in policy order, and
// the statements that may match any service; with few services and with
// more than the linear search handles.
func TestIndexes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, nServices := range []int{3, 20, 90} {
		for round := range 20 {
			var b strings.Builder
			b.WriteString(`{"Version":"2012-10-17","Statement":[`)
			n := 1 + rng.IntN(120)
			for i := range n {
				if i > 0 {
					b.WriteByte(',')
				}
				effect := [...]string{"Allow", "Deny"}[rng.IntN(2)]
				var actions []string
				for range 1 + rng.IntN(3) {
					switch rng.IntN(12) {
					case 0:
						actions = append(actions, `"*"`)
					default:
						actions = append(actions, fmt.Sprintf(`"Svc%d:Get*"`, rng.IntN(nServices)))
					}
				}
				elem := "Action"
				if rng.IntN(10) == 0 {
					elem = "NotAction"
				}
				fmt.Fprintf(&b, `{"Effect":%q,%q:[%s],"Resource":"*"}`, effect, elem, strings.Join(actions, ","))
			}
			b.WriteString(`]}`)
			doc, err := policy.Parse("p.json", []byte(b.String()))
			if err != nil {
				t.Fatal(err)
			}
			var c Compiler
			p, err := c.Compile(doc)
			if err != nil {
				t.Fatal(err)
			}
			for _, deny := range []bool{false, true} {
				ix := &p.allow
				if deny {
					ix = &p.deny
				}
				var wantAny []int32
				for i := range p.stmts {
					if s := &p.stmts[i]; s.deny == deny && (s.notAction || len(s.services) == 0) {
						wantAny = append(wantAny, int32(i))
					}
				}
				if !slices.Equal(ix.anyService, wantAny) {
					t.Errorf("%d services, round %d, deny %v: anyService %v, want %v", nServices, round, deny, ix.anyService, wantAny)
				}
				for svc := range nServices {
					name := fmt.Sprintf("svc%d", svc)
					var want []int32
					for i := range p.stmts {
						if s := &p.stmts[i]; s.deny == deny && !s.notAction && slices.Contains(s.services, name) {
							want = append(want, int32(i))
						}
					}
					if got := ix.lookup(name); !slices.Equal(got, want) {
						t.Errorf("%d services, round %d, deny %v, %s: %v, want %v", nServices, round, deny, name, got, want)
					}
				}
				if !slices.IsSortedFunc(ix.byService, func(a, b serviceStmts) int { return strings.Compare(a.service, b.service) }) {
					t.Errorf("%d services, round %d: index not sorted by service", nServices, round)
				}
			}
		}
	}
}
