package catalog

import (
	"errors"
	"testing"
)

func TestFind(t *testing.T) {
	tests := []struct {
		patterns   []string
		actions    int // at least
		unknown    string
		suggestion string
	}{
		{[]string{"s3:GetObject", "S3:getobject"}, 1, "", ""},
		{[]string{"bedrock-agentcore:*Memory*"}, 3, "", ""},
		{[]string{"bedrock-agentcore:InvokeAgent"}, 0, "unknown action bedrock-agentcore:InvokeAgent", "bedrock-agentcore:InvokeAgentRuntime"},
		{[]string{"lamda:InvokeFunctoin"}, 0, `unknown service prefix "lamda" in lamda:InvokeFunctoin`, "lambda:InvokeFunction"},
		{[]string{"s3:Nothing*"}, 0, "pattern s3:Nothing* matches no action", ""},
	}
	for _, tt := range tests {
		got, err := Find(tt.patterns)
		if err != nil {
			t.Fatalf("Find(%q): %v", tt.patterns, err)
		}
		if len(got.Actions) < tt.actions || tt.actions == 0 && len(got.Actions) > 0 {
			t.Errorf("Find(%q): %d actions, want at least %d", tt.patterns, len(got.Actions), tt.actions)
		}
		if tt.patterns[0] == "s3:GetObject" && len(got.Actions) != 1 {
			t.Errorf("Find(%q): the same action twice: %d", tt.patterns, len(got.Actions))
		}
		if tt.unknown == "" {
			if len(got.Unknown) > 0 {
				t.Errorf("Find(%q): unknown %v", tt.patterns, got.Unknown)
			}
			continue
		}
		if len(got.Unknown) != 1 || got.Unknown[0].Message != tt.unknown || got.Unknown[0].Suggestion != tt.suggestion {
			t.Errorf("Find(%q): unknown %+v, want %q (did you mean %q)", tt.patterns, got.Unknown, tt.unknown, tt.suggestion)
		}
	}
	if _, err := Find([]string{"GetObject"}); !errors.Is(err, ErrBadPattern) {
		t.Errorf("Find(GetObject): %v, want ErrBadPattern", err)
	}
}

func TestSearch(t *testing.T) {
	got, n := Search("agentcore create memory", 0)
	if n != len(got) {
		t.Errorf("limit 0: %d of %d", len(got), n)
	}
	names := map[string]bool{}
	for _, a := range got {
		names[a.FullName()] = true
	}
	if !names["bedrock-agentcore:CreateMemory"] {
		t.Errorf(`Search("agentcore create memory") = %v, want bedrock-agentcore:CreateMemory`, names)
	}
	if names["s3:GetObject"] {
		t.Error("s3:GetObject matches agentcore create memory")
	}
	few, total := Search("s3 get", 2)
	if len(few) != 2 || total <= 2 {
		t.Errorf(`Search("s3 get", 2): %d of %d`, len(few), total)
	}
	if got, n := Search("  ,; ", 0); got != nil || n != 0 {
		t.Errorf("Search of no words: %v, %d", got, n)
	}
}

func TestActionInfo(t *testing.T) {
	a, err := LookupAction("s3:GetObject")
	if err != nil {
		t.Fatal(err)
	}
	info := a.Info()
	if info.Action != "s3:GetObject" || info.AccessLevel != "Read" || len(info.ResourceTypes) == 0 || info.DependentActions == nil {
		t.Errorf("Info() = %+v", info)
	}
}
