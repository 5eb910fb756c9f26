package eval

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/policy"
)

// TestPolicyBytes: the memory Policy.Bytes reports for policies and
// their documents is the memory they keep live, within a quarter, for
// policies of long and of many short values, with and without
// principals, conditions and variables (batch simulation bounds its
// cache by it).
func TestPolicyBytes(t *testing.T) {
	many := func(n int, stmt func(i int) string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = stmt(i)
		}
		return `{"Version":"2012-10-17","Statement":[` + strings.Join(parts, ",") + `]}`
	}
	tests := []struct{ name, src string }{
		{"small", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`},
		{"short values", many(20, func(i int) string {
			acts := make([]string, 30)
			for j := range acts {
				acts[j] = fmt.Sprintf(`"s%d:A%d"`, j%7, j)
			}
			return fmt.Sprintf(`{"Sid":"S%d","Effect":"Allow","Action":[%s],"Resource":["*","a","b"]}`, i, strings.Join(acts, ","))
		})},
		{"conditions and variables", many(30, func(i int) string {
			return fmt.Sprintf(`{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"arn:aws:s3:::b-%d/${aws:username}/*","Condition":{"StringEquals":{"aws:PrincipalTag/T%d":["x","${aws:username}"],"aws:RequestedRegion":["us-east-1","eu-west-1"]},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.%d.0/24"]}}}`, i, i, i)
		})},
		{"principals", many(15, func(i int) string {
			return fmt.Sprintf(`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/R%d","444455556666"],"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}`, i)
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const n = 400
			var r policy.Reader
			if _, err := r.Parse("p", tt.src); err != nil { // grows the reader's scratch memory
				t.Fatal(err)
			}
			keep := make([]*Policy, 0, n)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			est := 0
			for range n {
				doc, err := r.Parse("p", tt.src)
				if err != nil {
					t.Fatal(err)
				}
				p, err := Compile(doc)
				if err != nil {
					t.Fatal(err)
				}
				keep = append(keep, p)
				est += p.Bytes()
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			runtime.KeepAlive(keep)
			live := int(after.HeapAlloc) - int(before.HeapAlloc)
			t.Logf("live %d, Bytes %d", live, est)
			if ratio := float64(live) / float64(est); ratio < 0.8 || ratio > 1.25 {
				t.Errorf("%d policies keep %d bytes live, Bytes says %d (ratio %.2f)", n, live, est, ratio)
			}
			var c Compiler
			doc, _ := r.Parse("p", tt.src)
			if p, err := c.Compile(doc); err != nil {
				t.Fatal(err)
			} else if p.Bytes() != 0 {
				t.Errorf("a Compiler's policy: Bytes %d, want 0: its memory is the Compiler's", p.Bytes())
			}
		})
	}
}
