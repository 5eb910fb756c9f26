package agentspec

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestInvokers(t *testing.T) {
	const agents = header + "  bot: {gateway: {name: bot-tools}}\n  faq: {type: bedrock-agent, models: [\"anthropic.claude-3-haiku-20240307-v1:0\"]}\ncallers:\n"
	tests := []struct {
		name    string
		callers string
		want    []Invoker
		wantErr string // "line:col code fragment [suggestion]"
	}{
		{name: "plain", callers: "  invokers:\n    web: {agents: [bot, faq]}\n",
			want: []Invoker{{Name: "web", Agents: []string{"bot", "faq"}}}},
		{name: "for user, principal ARN", callers: "  invokers:\n    web: {agents: [bot], for_user: true, principal: \"arn:aws:iam::999988887777:role/App\"}\n",
			want: []Invoker{{Name: "web", Agents: []string{"bot"}, ForUser: true, Principal: "arn:aws:iam::999988887777:role/App"}}},
		{name: "account id is its root", callers: "  invokers:\n    web: {agents: [bot], principal: \"999988887777\"}\n",
			want: []Invoker{{Name: "web", Agents: []string{"bot"}, Principal: "arn:aws:iam::999988887777:root"}}},
		{name: "beside deploying callers", callers: "  ci: {}\n  invokers:\n    web: {agents: [bot]}\n",
			want: []Invoker{{Name: "web", Agents: []string{"bot"}}}},
		{name: "gateway", callers: "  invokers:\n    web: {gateways: [bot-tools]}\n",
			want: []Invoker{{Name: "web", Gateways: []string{"bot-tools"}}}},
		{name: "unknown gateway", callers: "  invokers:\n    web: {gateways: [bot-tool]}\n", wantErr: "9:22 unknown-agent invoker web refers to unknown gateway \"bot-tool\" [bot-tools]"},
		{name: "unknown agent", callers: "  invokers:\n    web: {agents: [bto]}\n", wantErr: "9:20 unknown-agent invoker web refers to unknown agent \"bto\" [bot]"},
		{name: "no agents", callers: "  invokers:\n    web: {for_user: true}\n", wantErr: "9:5 missing-key invoker web needs \"agents\" (or \"gateways\")"},
		{name: "unknown key", callers: "  invokers:\n    web: {agents: [bot], for_users: true}\n", wantErr: "9:26 unknown-key unknown key \"for_users\" in invoker web [for_user]"},
		{name: "principal not IAM", callers: "  invokers:\n    web: {agents: [bot], principal: \"arn:aws:s3:::bucket\"}\n", wantErr: "9:37 malformed-arn principal \"arn:aws:s3:::bucket\" must be an IAM role or user ARN"},
		{name: "principal pattern", callers: "  invokers:\n    web: {agents: [bot], principal: \"arn:aws:iam::999988887777:role/*\"}\n", wantErr: "9:37 malformed-arn principal"},
		{name: "name of a caller", callers: "  web: {}\n  invokers:\n    web: {agents: [bot]}\n", wantErr: "10:5 duplicate invoker web has the name of a caller"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse("t.yaml", []byte(agents+tc.callers))
			if tc.wantErr != "" {
				var se *Error
				if !errors.As(err, &se) || len(se.Diagnostics) != 1 {
					t.Fatalf("err = %v, want one diagnostic %s", err, tc.wantErr)
				}
				d := se.Diagnostics[0]
				got := d.Pos.String() + " " + d.Code + " " + d.Message
				if d.Suggestion != "" {
					got += " [" + d.Suggestion + "]"
				}
				prefix, suffix, _ := strings.Cut(tc.wantErr, " [")
				if !strings.HasPrefix(got, prefix) || suffix != "" && !strings.HasSuffix(got, "["+suffix) {
					t.Errorf("diagnostic %q, want %q", got, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			check := func(s *Spec) {
				t.Helper()
				if len(s.Invokers) != len(tc.want) {
					t.Fatalf("%d invokers, want %d", len(s.Invokers), len(tc.want))
				}
				for i, inv := range s.Invokers {
					got := *inv
					got.Pos = tc.want[i].Pos
					if !reflect.DeepEqual(got, tc.want[i]) {
						t.Errorf("invoker %+v, want %+v", got, tc.want[i])
					}
				}
				for _, c := range s.Callers {
					if c.Name == invokersKey {
						t.Errorf("invokers read as a caller")
					}
				}
			}
			check(s)
			back, err := Parse("t.yaml", Marshal(s, ""))
			if err != nil {
				t.Fatalf("round trip: %v\n%s", err, Marshal(s, ""))
			}
			check(back)
		})
	}
}

func TestInvokerCrossAccount(t *testing.T) {
	tests := []struct {
		principal string
		cross     bool
	}{
		{"", false},
		{"arn:aws:iam::123456789012:role/App", false},
		{"arn:aws:iam::999988887777:role/App", true},
		{"arn:aws:iam::999988887777:root", true},
	}
	for _, tc := range tests {
		inv := &Invoker{Principal: tc.principal}
		if got := inv.CrossAccount("123456789012"); got != tc.cross {
			t.Errorf("%q: cross-account %v, want %v", tc.principal, got, tc.cross)
		}
	}
}

func TestCallerTool(t *testing.T) {
	const agents = header + "  bot: {}\ncallers:\n"
	s, err := Parse("t.yaml", []byte(agents+"  cli: {tool: agentcore-cli}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Callers[0].Tool != ToolAgentCoreCLI {
		t.Fatalf("tool %q", s.Callers[0].Tool)
	}
	back, err := Parse("t.yaml", Marshal(s, ""))
	if err != nil || back.Callers[0].Tool != ToolAgentCoreCLI {
		t.Fatalf("round trip: %v %+v", err, back)
	}
	_, err = Parse("t.yaml", []byte(agents+"  cli: {tool: agentcore-clj}\n"))
	var se *Error
	if !errors.As(err, &se) || len(se.Diagnostics) != 1 || se.Diagnostics[0].Suggestion != ToolAgentCoreCLI || se.Diagnostics[0].Pos.String() != "7:15" {
		t.Fatalf("err = %v, want one diagnostic at 7:15 suggesting %s", err, ToolAgentCoreCLI)
	}
}
