package batch

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
)

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
	w := NewWorker(false)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%len(lines) == 0 {
			w.cache.reset()
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
// mode uses (policy.Reader) on one policy ...
func BenchmarkPolicyDecode(b *testing.B) {
	src := benchPolicyText()
	var r policy.Reader
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Parse("p.json", src); err != nil {
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
// an empty cache every time, as a unique-policy load sees them (and as
// AppendLine decodes them, into reused memory); MB/s is the per-core
// decode+compile throughput. The 150 MB/s aim is issue 12's.
func BenchmarkBatchUniqueLine(b *testing.B) {
	lines := uniqueLines(b)
	total := 0
	for _, l := range lines {
		total += len(l)
	}
	w := NewWorker(false)
	b.SetBytes(int64(total / len(lines)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		w.cache.reset()
		if _, err := w.decodeLine(lines[i%len(lines)]); err != nil {
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

// BenchmarkCompileUniqueLine compiles the parsed policies of the lines of
// testdata/bench/unique.jsonl, one line's policies per op, into an
// eval.Compiler's reused memory: the compiling part of BatchUniqueLine,
// apart from decoding (MB/s of the line).
func BenchmarkCompileUniqueLine(b *testing.B) {
	lines := uniqueLines(b)
	w := NewWorker(false)
	docs := make([][]*policy.Document, len(lines))
	total := 0
	for i, l := range lines {
		total += len(l)
		c, err := w.Decode(l)
		if err != nil {
			b.Fatal(err)
		}
		s := c.Set
		all := append(append([]*eval.Policy{}, s.Identity...), s.Resource, s.Boundary, s.Session)
		for _, level := range append(s.SCPs, s.RCPs...) {
			all = append(all, level...)
		}
		for _, p := range all {
			if p != nil {
				docs[i] = append(docs[i], p.Document())
			}
		}
	}
	b.SetBytes(int64(total / len(lines)))
	b.ReportAllocs()
	var c eval.Compiler
	i := 0
	for b.Loop() {
		c.Reset()
		for _, doc := range docs[i%len(docs)] {
			if _, err := c.Compile(doc); err != nil {
				b.Fatal(err)
			}
		}
		i++
	}
}

// BenchmarkBatchRepeatLine answers lines whose policies are all cached,
// as most lines of a load with repeating policies are: finding the
// policies in the cache, the request and its context, the decision and
// the output line.
func BenchmarkBatchRepeatLine(b *testing.B) {
	lines := benchLines(64)
	total := 0
	for _, l := range lines {
		total += len(l)
	}
	w := NewWorker(false)
	var out []byte
	for range 2 { // a policy is cached the second time it is seen
		for _, l := range lines {
			out = w.AppendLine(out[:0], l)
		}
	}
	b.SetBytes(int64(total / len(lines)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		out = w.AppendLine(out[:0], lines[i%len(lines)])
		i++
	}
}
