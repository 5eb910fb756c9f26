package eval

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/internal/jsontext"
	"github.com/agentiam/agentiam/policy"
)

// benchPolicySet builds a realistic 50-statement policy set: three
// identity policies (20, 15 and 10 statements) with wildcards, conditions
// and a variable, a boundary of 3 statements and an SCP of 2.
func benchPolicySet(tb testing.TB) *Set {
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
	set, err := NewSet(Documents{
		Identity: []*policy.Document{parse(identity(20, 0)), parse(identity(15, 3)), parse(identity(10, 7))},
		Boundary: parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","dynamodb:*","sqs:*","logs:*","bedrock:*"],"Resource":"*"},{"Effect":"Allow","Action":"bedrock-agentcore:*","Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}`),
		SCPs:     [][]*policy.Document{{parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","us-west-2"]}}}]}`)}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	for _, p := range set.Identity {
		n += len(p.stmts)
	}
	n += len(set.Boundary.stmts) + len(set.SCPs[0][0].stmts)
	if n != 50 {
		tb.Fatalf("benchmark set has %d statements, want 50", n)
	}
	return set
}

func benchRequest() *Request {
	req := &Request{
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
	if d, err := set.Evaluate(req); err != nil || d != Allowed {
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
	reqs := make([]*Request, 0, 8)
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
		_, _ = set.Explain(req)
	}
}

func BenchmarkCompile(b *testing.B) {
	doc, err := policy.Parse("p.json", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/${aws:username}/*"],"Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_, _ = Compile(doc)
	}
}

// benchLines is a handful of distinct batch lines shaped like loadgen's.
func benchLines(n int) []string {
	lines := make([]string, n)
	for i := range lines {
		lines[i] = fmt.Sprintf(`{"id":"r%d","principal":"arn:aws:sts::111122223333:assumed-role/app-%d/s","action":"s3:GetObject","resource":"arn:aws:s3:::bucket-%d/key","context":{"aws:SourceIp":"10.0.0.1","aws:TagKeys":["a","b"],"aws:PrincipalTag/team":"blue"},"identityPolicies":[{"Version":"2012-10-17","Statement":[{"Sid":"S%d","Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":["arn:aws:s3:::bucket-%d","arn:aws:s3:::bucket-%d/${aws:PrincipalTag/team}/*"],"Condition":{"StringEquals":{"aws:RequestedRegion":["us-east-1","us-west-2"]},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},{"Effect":"Deny","Action":"s3:Delete*","Resource":"*"},{"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:*:111122223333:table/t%d"}]}],"resourcePolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app-%d"},"Action":"s3:GetObject","Resource":"*"}]},"scps":[[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}]]}`, i, i, i, i, i, i, i, i)
	}
	return lines
}

// BenchmarkBatchDecode decodes and compiles lines whose policies are all
// distinct (no cache hits), per line.
func BenchmarkBatchDecode(b *testing.B) {
	lines := benchLines(256)
	w := NewBatchWorker(false)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%len(lines) == 0 {
			clear(w.cache)
		}
		if _, err := w.Decode(lines[i%len(lines)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkBatchDecodeEncodingJSON is the reference point for
// BatchDecode: encoding/json into typed structs, which neither validates
// the policies, keeps positions nor compiles anything.
func BenchmarkBatchDecodeEncodingJSON(b *testing.B) {
	type stmt struct {
		Sid, Effect                              string
		Principal, NotPrincipal                  any
		Action, NotAction, Resource, NotResource any
		Condition                                map[string]map[string]any
	}
	type doc struct {
		Version   string
		Statement []stmt
	}
	type line struct {
		ID               string         `json:"id"`
		Principal        string         `json:"principal"`
		Action           string         `json:"action"`
		Resource         string         `json:"resource"`
		Context          map[string]any `json:"context"`
		IdentityPolicies []doc          `json:"identityPolicies"`
		ResourcePolicy   *doc           `json:"resourcePolicy"`
		SCPs             [][]doc        `json:"scps"`
	}
	lines := benchLines(256)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		var l line
		if err := json.Unmarshal([]byte(lines[i%len(lines)]), &l); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// benchPolicyText is the identity policy of benchLines(1)[0].
func benchPolicyText() string {
	line := benchLines(1)[0]
	return line[strings.Index(line, `{"Version"`):strings.Index(line, `],"resourcePolicy"`)]
}

// BenchmarkPolicyDecode measures the positioned policy decoder the batch
// mode uses (internal/jsontext + policy.Decode) on one policy ...
func BenchmarkPolicyDecode(b *testing.B) {
	src := benchPolicyText()
	dec := jsontext.NewDecoder("")
	b.ReportAllocs()
	for b.Loop() {
		dec.Reset(src)
		if _, err := policy.Decode(dec, "p.json"); err != nil {
			b.Fatal(err)
		}
	}
}

// ... and BenchmarkPolicyDecodeEncodingJSON encoding/json on the same text.
func BenchmarkPolicyDecodeEncodingJSON(b *testing.B) {
	type stmt struct {
		Sid, Effect                              string
		Principal, NotPrincipal                  any
		Action, NotAction, Resource, NotResource any
		Condition                                map[string]map[string]any
	}
	type doc struct {
		Version   string
		Statement []stmt
	}
	src := []byte(benchPolicyText())
	b.ReportAllocs()
	for b.Loop() {
		var d doc
		if err := json.Unmarshal(src, &d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBatchUniqueLine decodes and compiles the lines of
// testdata/bench/unique.jsonl (written by `loadgen -unique`: 3-11 KB
// each, about 50 statements, no policy shared with another line) with
// an empty cache every time, as a unique-policy load sees them; MB/s is
// the per-core decode+compile throughput. The 150 MB/s aim is issue 12's.
func BenchmarkBatchUniqueLine(b *testing.B) {
	lines := uniqueLines(b)
	total := 0
	for _, l := range lines {
		total += len(l)
	}
	w := NewBatchWorker(false)
	b.SetBytes(int64(total / len(lines)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		clear(w.cache)
		clear(w.seen)
		if _, err := w.Decode(lines[i%len(lines)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func uniqueLines(tb testing.TB) []string {
	tb.Helper()
	data, err := os.ReadFile("testdata/bench/unique.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) < 4 {
		tb.Fatalf("testdata/bench/unique.jsonl has %d lines", len(lines))
	}
	return lines
}
