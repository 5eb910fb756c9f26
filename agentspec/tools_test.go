package agentspec

import (
	"fmt"
	"strings"
	"testing"
)

// TestToolRef: a custom tool is named by id or, before it is created,
// by name: exactly one of the two, the name as AgentCore names are;
// errors at the value's position; the round trip through Marshal.
func TestToolRef(t *testing.T) {
	tests := []struct {
		name, tool string
		id, tname  string
		at, code   string
	}{
		{name: "id", tool: `code_interpreter: {id: ci_one-AbCdEf1234, execution_role: true}`, id: "ci_one-AbCdEf1234"},
		{name: "name", tool: `code_interpreter: {name: ci_one, execution_role: true}`, tname: "ci_one"},
		{name: "browser name", tool: `browser: {name: br_one, recording: {bucket: rec-bucket}}`, tname: "br_one"},
		{name: "both", tool: `code_interpreter: {id: ci_one-AbCdEf1234, name: ci_one}`, at: "ci_one}", code: CodeInvalidValue},
		{name: "neither", tool: `browser: {recording: {bucket: rec-bucket}}`, at: "{recording", code: CodeMissingKey},
		{name: "name with dash", tool: `code_interpreter: {name: ci-one}`, at: "ci-one", code: CodeInvalidName},
		{name: "name starts with digit", tool: `browser: {name: 1br}`, at: "1br", code: CodeInvalidName},
		{name: "name too long", tool: `browser: {name: b` + strings.Repeat("r", 48) + `}`, at: "brr", code: CodeInvalidName},
		{name: "name of 48", tool: `browser: {name: b` + strings.Repeat("r", 47) + `, recording: {bucket: rec-bucket}}`, tname: "b" + strings.Repeat("r", 47)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := "  a: {" + tt.tool + "}\n"
			s, err := Parse("t.yaml", []byte(header+line))
			if tt.code != "" {
				se, ok := err.(*Error)
				if !ok || len(se.Diagnostics) != 1 {
					t.Fatalf("err = %v, want one %s error", err, tt.code)
				}
				d := se.Diagnostics[0]
				want := fmt.Sprintf("5:%d %s", strings.Index(line, tt.at)+1, tt.code)
				if got := d.Pos.String() + " " + d.Code; got != want {
					t.Errorf("error %q (%s), want %q", got, d.Message, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			check := func(s *Spec) {
				t.Helper()
				tool := s.Agents[0].CodeInterpreter
				if tool == nil {
					tool = s.Agents[0].Browser
				}
				if tool == nil || tool.ID != tt.id || tool.Name != tt.tname {
					t.Errorf("tool %+v, want id %q name %q", tool, tt.id, tt.tname)
				}
				if u := s.ToolRoles(); len(u) != 1 || u[0].ID != tt.id || u[0].Name != tt.tname {
					t.Errorf("ToolRoles %+v", u)
				}
			}
			check(s)
			again, err := Parse("m.yaml", Marshal(s, ""))
			if err != nil {
				t.Fatalf("round trip: %v\n%s", err, Marshal(s, ""))
			}
			check(again)
		})
	}
}
