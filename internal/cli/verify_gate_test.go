package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/render"
	"github.com/agentiam/agentiam/rolegen"
)

// TestGenerationGate: the plan generate is about to write passes the
// verification, and a plan broken on purpose is refused with the failing
// requests named.
func TestGenerationGate(t *testing.T) {
	src, err := os.ReadFile("../../examples/agentiam.yaml")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := agentspec.Parse("agentiam.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := rolegen.Generate(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyPlan(plan); err != nil {
		t.Fatalf("the generated plan fails the gate: %v", err)
	}
	for _, r := range plan.Roles {
		if r.Agent == "support_bot" && r.Purpose == rolegen.PurposeRuntime {
			d := r.InlinePolicies[0].Document
			d.Statements = slices.DeleteFunc(d.Statements, func(st *policy.Statement) bool { return st.Sid.Value == "PullAgentImage" })
		}
	}
	err = verifyPlan(plan)
	if err == nil {
		t.Fatal("the gate accepts a runtime role that cannot pull its image")
	}
	for _, want := range []string{"2 failures", "required request denied: ecr:BatchGetImage on arn:aws:ecr:us-west-2:123456789012:repository/bedrock-agentcore-support_bot (pull its image)", "agentiam verify"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("gate error %q does not say %q", err, want)
		}
	}
}

// TestGenerateRefusesRejectedPlan: when the gate rejects the plan,
// generate exits 1, writes nothing to standard output and leaves the
// output directory's previous file as it was.
func TestGenerateRefusesRejectedPlan(t *testing.T) {
	gate := verifyPlan
	t.Cleanup(func() { verifyPlan = gate })
	verifyPlan = func(*rolegen.Plan) error { return errors.New("1 failures") }

	dir := t.TempDir()
	old := filepath.Join(dir, render.JSON.FileName())
	if err := os.WriteFile(old, []byte("previous plan\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"generate", "-f", "../../examples/agentiam.yaml"},
		{"generate", "-f", "../../examples/agentiam.yaml", "-o", dir},
	} {
		var stdout, stderr bytes.Buffer
		code := Main(args, strings.NewReader(""), &stdout, &stderr)
		if code != ExitFindings || stdout.Len() > 0 {
			t.Errorf("%v: exit %d, %d bytes on stdout; want exit 1 and nothing", args, code, stdout.Len())
		}
		if !strings.Contains(stderr.String(), "failed verification, nothing written: 1 failures") {
			t.Errorf("%v: stderr %q", args, stderr.String())
		}
	}
	entries, _ := os.ReadDir(dir)
	if got, _ := os.ReadFile(old); string(got) != "previous plan\n" || len(entries) != 1 {
		t.Errorf("the output directory changed: %d entries, plan %q", len(entries), got)
	}
}
