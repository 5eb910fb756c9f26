package audit_test

import (
	"bytes"
	"testing"

	"github.com/agentiam/agentiam/audit"
	"github.com/agentiam/agentiam/audit/internal/synth"
)

func synthetic(b *testing.B, roles, policies int) []byte {
	var buf bytes.Buffer
	if err := synth.Write(&buf, "111122223333", roles, policies); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkRead reads a synthetic account of 5,000 roles and 2,000
// managed policies.
func BenchmarkRead(b *testing.B) {
	src := synthetic(b, 5000, 2000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := audit.ReadDetails("synthetic.json", src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAudit audits a synthetic account of 5,000 roles and 2,000
// managed policies, read once (acceptance, reading included: under 10 s,
// under 500 MB).
func BenchmarkAudit(b *testing.B) {
	acct, err := audit.ReadDetails("synthetic.json", synthetic(b, 5000, 2000))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := audit.New(audit.Options{}).Audit(acct); err != nil {
			b.Fatal(err)
		}
	}
}
