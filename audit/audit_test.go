package audit_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/audit"
	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/internal/batch"
)

var update = flag.Bool("update", false, "rewrite golden files")

func auditFile(t testing.TB, file string) *audit.Report {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	acct, err := audit.ReadDetails(file, src)
	if err != nil {
		t.Fatal(err)
	}
	r, err := audit.New(audit.Options{}).Audit(acct)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./audit -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./audit -update to refresh):\n%s", name, got)
	}
}

// TestFixture pins every finding of the fixture account: one role per
// category, the generated roles and the deployer policy (clean), and the
// decoys a boundary, an explicit deny or a condition defeats.
func TestFixture(t *testing.T) {
	r := auditFile(t, "testdata/account.json")
	var b strings.Builder
	for _, f := range r.Findings {
		b.WriteString(f.Severity.String() + " " + string(f.Code) + " " + f.Principal)
		if f.Target != "" {
			b.WriteString(" -> " + f.Target)
		}
		b.WriteByte('\n')
	}
	golden(t, "account.findings", []byte(b.String()))

	categories := map[audit.Category]bool{}
	for _, f := range r.Findings {
		categories[f.Category] = true
		for _, clean := range []string{"bounded-agent", "denied-agent", "tagged-agent", "AmazonBedrock", "AgentCoreGateway", "user/alice"} {
			if strings.Contains(f.Principal, clean) {
				t.Errorf("%s is reported (%s: %s), but it must not be", f.Principal, f.Code, f.Message)
			}
		}
	}
	for _, c := range []audit.Category{audit.ConfusedDeputy, audit.OverPrivilegedAgent, audit.PrivilegeEscalation, audit.DataExfiltration, audit.CredentialExposure, audit.PublicAccess} {
		if !categories[c] {
			t.Errorf("no finding of category %s", c)
		}
	}
	for _, why := range []string{"explicit-deny", "permissions-boundary", "condition"} {
		if r.Summary.SuppressedBy[why] == 0 {
			t.Errorf("summary counts no candidate suppressed by %s: %+v", why, r.Summary.SuppressedBy)
		}
	}
}

// TestExamplesReplay replays every finding's example through the
// `simulate --batch` protocol: each is allowed, as the finding says.
func TestExamplesReplay(t *testing.T) {
	r := auditFile(t, "testdata/account.json")
	w := batch.NewWorker(false)
	for _, f := range r.Findings {
		line, err := f.Example.Line()
		if err != nil {
			t.Fatal(err)
		}
		c, err := w.Decode(string(line))
		if err != nil {
			t.Fatalf("%s: %v\n%s", f.Code, err, line)
		}
		d, err := c.Set.Evaluate(&c.Request)
		if err != nil || d != eval.Allowed {
			t.Errorf("%s %s: example decided %v (%v), want Allowed", f.Code, f.Principal, d, err)
		}
		if len(f.Statements) == 0 {
			t.Errorf("%s %s: no statement named as granting the example", f.Code, f.Principal)
		}
	}
}
