package eval_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/eval/explain"
	"github.com/agentiam/agentiam/policy"
)

// benchPolicySet builds a realistic 50-statement policy set: three
// identity policies (20, 15 and 10 statements) with wildcards, conditions
// and a variable, a boundary of 3 statements and an SCP of 2.
func benchPolicySet(tb testing.TB) *eval.Set {
	tb.Helper()
	services := []string{"s3", "dynamodb", "sqs", "logs", "bedrock", "bedrock-agentcore", "kms", "secretsmanager", "lambda", "ec2"}
	identity := func(n, seed int) string {
		var b strings.Builder
		b.WriteString(`{"Version":"2012-10-17","Statement":[`)
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			svc := services[(i+seed)%len(services)]
			switch i % 5 {
			case 0:
				fmt.Fprintf(&b, `{"Effect":"Allow","Action":["%s:Get*","%s:List*"],"Resource":"arn:aws:%s:us-east-1:111122223333:thing/team-%d/*"}`, svc, svc, svc, i)
			case 1:
				fmt.Fprintf(&b, `{"Effect":"Allow","Action":"%s:Put*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":["us-east-1","us-west-2"]},"Bool":{"aws:SecureTransport":"true"}}}`, svc)
			case 2:
				fmt.Fprintf(&b, `{"Effect":"Deny","Action":"%s:Delete*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"ops-%d"}}}`, svc, i)
			case 3:
				fmt.Fprintf(&b, `{"Effect":"Allow","Action":"%s:Describe*","Resource":"arn:aws:%s:*:111122223333:home/${aws:PrincipalTag/team}/*"}`, svc, svc)
			case 4:
				fmt.Fprintf(&b, `{"Effect":"Allow","Action":"%s:Update*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.%d.0/24"]}}}`, svc, i)
			}
		}
		b.WriteString(`]}`)
		return b.String()
	}
	parse := func(src string) *policy.Document {
		doc, err := policy.Parse("bench.json", []byte(src))
		if err != nil {
			tb.Fatal(err)
		}
		return doc
	}
	set, err := eval.NewSet(eval.Documents{
		Identity: []*policy.Document{parse(identity(20, 0)), parse(identity(15, 3)), parse(identity(10, 7))},
		Boundary: parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","dynamodb:*","sqs:*","logs:*","bedrock:*"],"Resource":"*"},{"Effect":"Allow","Action":"bedrock-agentcore:*","Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}`),
		SCPs:     [][]*policy.Document{{parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","us-west-2"]}}}]}`)}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	for _, p := range set.Identity {
		n += len(p.Document().Statements)
	}
	n += len(set.Boundary.Document().Statements) + len(set.SCPs[0][0].Document().Statements)
	if n != 50 {
		tb.Fatalf("benchmark set has %d statements, want 50", n)
	}
	return set
}

func benchRequest() *eval.Request {
	req := &eval.Request{
		Principal: "arn:aws:sts::111122223333:assumed-role/app/session-1",
		Action:    "dynamodb:PutItem",
		Resource:  "arn:aws:dynamodb:us-east-1:111122223333:table/orders",
	}
	req.Context.Set("aws:RequestedRegion", "us-east-1")
	req.Context.Set("aws:SecureTransport", "true")
	req.Context.Set("aws:SourceIp", "10.1.2.3")
	req.Context.Set("aws:PrincipalTag/team", "ops-2")
	req.Context.Set("aws:CurrentTime", "2025-06-01T00:00:00Z")
	return req
}

func BenchmarkEvaluate(b *testing.B) {
	set := benchPolicySet(b)
	req := benchRequest()
	if d, err := set.Evaluate(req); err != nil || d != eval.Allowed {
		b.Fatalf("Evaluate = %v, %v; want Allowed", d, err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_, _ = set.Evaluate(req)
	}
}

// BenchmarkEvaluateMixed cycles through requests that hit different
// services and outcomes.
func BenchmarkEvaluateMixed(b *testing.B) {
	set := benchPolicySet(b)
	base := benchRequest()
	reqs := make([]*eval.Request, 0, 8)
	for _, a := range []string{"s3:PutObject", "dynamodb:GetItem", "sqs:DeleteMessage", "bedrock:InvokeModel", "logs:DescribeLogGroups", "iam:CreateUser", "kms:Decrypt", "bedrock-agentcore:UpdateGateway"} {
		r := *base
		r.Action = a
		reqs = append(reqs, &r)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_, _ = set.Evaluate(reqs[i%len(reqs)])
		i++
	}
}

func BenchmarkExplain(b *testing.B) {
	set := benchPolicySet(b)
	req := benchRequest()
	b.ReportAllocs()
	for b.Loop() {
		_, _ = explain.Explain(set, req)
	}
}

func BenchmarkCompile(b *testing.B) {
	doc, err := policy.Parse("p.json", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/${aws:username}/*"],"Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_, _ = eval.Compile(doc)
	}
}
