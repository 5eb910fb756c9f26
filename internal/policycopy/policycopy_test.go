package policycopy

import (
	"testing"

	"github.com/agentiam/agentiam/policy"
)

func TestStatementsLeaveOriginals(t *testing.T) {
	src := policy.NewDocument(policy.NewStatement("A", policy.EffectAllow), policy.NewStatement("B", policy.EffectDeny))
	dst := policy.NewDocument(policy.NewStatement("C", policy.EffectAllow))
	dst.Add(Statements(src.Statements)...)
	if src.Statements[0].Index != 0 || src.Statements[1].Index != 1 {
		t.Errorf("originals renumbered: %d, %d", src.Statements[0].Index, src.Statements[1].Index)
	}
	if dst.Statements[1].Index != 1 || dst.Statements[2].Sid.Value != "B" || dst.Statements[2] == src.Statements[1] {
		t.Errorf("copies: index %d, sid %q, shared %v", dst.Statements[1].Index, dst.Statements[2].Sid.Value, dst.Statements[2] == src.Statements[1])
	}
}
