package render

import (
	"errors"
	"testing"
)

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"json": JSON, "terraform": Terraform, "tf": Terraform, "cloudformation": CloudFormation, "cfn": CloudFormation} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseFormat("hcl"); !errors.Is(err, ErrFormat) {
		t.Errorf("ParseFormat(hcl): %v, want ErrFormat", err)
	}
	for f, want := range map[Format]string{JSON: "agentiam-plan.json", Terraform: "agentiam.tf", CloudFormation: "agentiam.cfn.yaml"} {
		if got := f.FileName(); got != want {
			t.Errorf("%s.FileName() = %q, want %q", f, got, want)
		}
	}
	if _, err := Plan(nil, JSON, Options{Variables: true}); !errors.Is(err, ErrFormat) {
		t.Errorf("Plan(json, variables): %v, want ErrFormat", err)
	}
}
