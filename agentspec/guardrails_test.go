package agentspec

import "testing"

func TestParseGuardrail(t *testing.T) {
	tests := []struct {
		in   string
		want Guardrail
		ok   bool
	}{
		{"gr1abc2def3g", Guardrail{ID: "gr1abc2def3g"}, true},
		{"arn:aws:bedrock:us-west-2:123456789012:guardrail/gr1abc2def3g", Guardrail{ID: "gr1abc2def3g", ARN: "arn:aws:bedrock:us-west-2:123456789012:guardrail/gr1abc2def3g"}, true},
		{"us.guardrail.v1:0", Guardrail{ID: "us.guardrail.v1:0", Profile: true, Geography: "us"}, true},
		{"arn:aws:bedrock:us-east-1:123456789012:guardrail-profile/eu.guardrail.v1:0",
			Guardrail{ID: "eu.guardrail.v1:0", ARN: "arn:aws:bedrock:us-east-1:123456789012:guardrail-profile/eu.guardrail.v1:0", Profile: true, Geography: "eu"}, true},
		{"Not-An-Id", Guardrail{}, false},
		{"arn:aws:bedrock:us-west-2:123456789012:agent/ABCDEFGHIJ", Guardrail{}, false},
		{"arn:aws:s3:::bucket/guardrail/x", Guardrail{}, false},
		{"arn:aws:bedrock:us-west-2:123456789012:guardrail-profile/nope", Guardrail{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseGuardrail(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseGuardrail(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestGuardrailErrors(t *testing.T) {
	tests := []struct{ entry, want string }{
		{"Bad_Id", "5:20 invalid-value"},
		{`"arn:aws:bedrock:us-west-2:123456789012:agent/ABCDEFGHIJ"`, "5:20 malformed-arn"},
		{`"eu.guardrail.v1:0"`, "5:20 invalid-value"},
	}
	for _, tt := range tests {
		_, err := Parse("t.yaml", []byte(header+"  a: {guardrails: ["+tt.entry+"]}\n"))
		se, ok := err.(*Error)
		if !ok || len(se.Diagnostics) != 1 {
			t.Errorf("%s: err = %v, want one error", tt.entry, err)
			continue
		}
		if got := se.Diagnostics[0].Pos.String() + " " + se.Diagnostics[0].Code; got != tt.want {
			t.Errorf("%s: error %s (%s), want %s", tt.entry, got, se.Diagnostics[0].Message, tt.want)
		}
	}
}
