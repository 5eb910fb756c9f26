// Package render renders a generated plan in the format asked for: the
// JSON plan (render/json), Terraform (render/terraform) or CloudFormation
// (render/cloudformation). The CLI's generate and the MCP server's
// generate tool both choose the format here.
package render

import (
	"errors"
	"fmt"

	"github.com/agentiam/agentiam/render/cloudformation"
	renderjson "github.com/agentiam/agentiam/render/json"
	"github.com/agentiam/agentiam/render/terraform"
	"github.com/agentiam/agentiam/rolegen"
)

// Format is an output format of a plan.
type Format string

// The formats, and the file each is written to in an output directory.
const (
	JSON           Format = "json"
	Terraform      Format = "terraform"
	CloudFormation Format = "cloudformation"
)

// ErrFormat is returned by ParseFormat for an unknown format, and by
// Plan for variables asked of the JSON plan.
var ErrFormat = errors.New("unsupported format")

// aliases are the short names ParseFormat also accepts.
var aliases = map[string]Format{"tf": Terraform, "cfn": CloudFormation}

// ParseFormat reads json, terraform (or tf) and cloudformation (or cfn).
func ParseFormat(s string) (Format, error) {
	if f, ok := aliases[s]; ok {
		return f, nil
	}
	switch f := Format(s); f {
	case JSON, Terraform, CloudFormation:
		return f, nil
	}
	return "", fmt.Errorf("%w %q: json, terraform (tf) or cloudformation (cfn)", ErrFormat, s)
}

// FileName is the file an output directory receives in this format.
func (f Format) FileName() string {
	switch f {
	case Terraform:
		return "agentiam.tf"
	case CloudFormation:
		return "agentiam.cfn.yaml"
	}
	return "agentiam-plan.json"
}

// Options tune the output.
type Options struct {
	// Variables makes the account and region Terraform variables or
	// CloudFormation pseudo parameters; the JSON plan has none.
	Variables bool
}

// Plan renders the plan in format f.
func Plan(plan *rolegen.Plan, f Format, opts Options) ([]byte, error) {
	switch f {
	case Terraform:
		return terraform.Render(plan, terraform.Options{Variables: opts.Variables})
	case CloudFormation:
		return cloudformation.Render(plan, cloudformation.Options{PseudoParameters: opts.Variables})
	case JSON:
		if opts.Variables {
			return nil, fmt.Errorf("%w: variables apply to terraform and cloudformation", ErrFormat)
		}
		return renderjson.Render(plan)
	}
	return nil, fmt.Errorf("%w %q", ErrFormat, f)
}
