package terraform

import (
	"bytes"
	"flag"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/render/internal/testspecs"
	"github.com/agentiam/agentiam/rolegen"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestGolden(t *testing.T) {
	cases, err := testspecs.Cases()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		for _, opts := range []Options{{}, {Variables: true}} {
			name := c.Name
			if opts.Variables {
				name += ".vars"
			}
			t.Run(name, func(t *testing.T) {
				got := testspecs.Golden(t, filepath.Join("testdata", name+".tf"), *update, func() ([]byte, error) { return Render(c.Plan, opts) })
				if !bytes.Equal(hclwrite.Format(got), got) {
					t.Error("output is not formatted as terraform fmt would")
				}
				checkSemantics(t, c.Plan, got, opts)
			})
		}
	}
}

// checkSemantics parses the HCL, evaluates every jsonencode() policy and
// attribute the way Terraform would, and compares them with the plan.
func checkSemantics(t *testing.T, p *rolegen.Plan, src []byte, opts Options) {
	t.Helper()
	file, diags := hclsyntax.ParseConfig(src, "main.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("invalid HCL: %v", diags)
	}
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{
			AccountVariable:   cty.StringVal(p.Spec.Account),
			RegionVariable:    cty.StringVal(p.Spec.Region),
			PartitionVariable: cty.StringVal(p.Spec.Partition),
		})},
		Functions: map[string]function.Function{"jsonencode": stdlib.JSONEncodeFunc},
	}
	eval := func(b *hclsyntax.Block, name string) string {
		attr, ok := b.Body.Attributes[name]
		if !ok {
			t.Fatalf("%s %v has no %s", b.Type, b.Labels, name)
		}
		v, diags := attr.Expr.Value(ctx)
		if diags.HasErrors() || v.Type() != cty.String {
			t.Fatalf("%s %v %s: %v", b.Type, b.Labels, name, diags)
		}
		return v.AsString()
	}
	docs := map[string]*policy.Document{}
	want := map[string]*policy.Document{}
	for _, r := range p.Roles {
		want["role "+r.Name] = r.TrustPolicy
		for _, ip := range r.InlinePolicies {
			want["inline "+ip.Name+" "+r.Name] = ip.Document
		}
		for _, mp := range r.ManagedPolicies {
			want["policy "+mp.Name] = mp.Document
		}
	}
	for _, cp := range p.CallerPolicies {
		want["policy "+cp.Name] = cp.Document
	}
	roleNames := map[string]string{}
	permissions := 0
	parse := func(key, text string) {
		d, err := policy.Parse(key, []byte(text))
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		docs[key] = d
	}
	var lambda []*rolegen.ResourcePolicy
	for _, rp := range p.ResourcePolicies {
		if rp.Kind == rolegen.KindAgentCoreResourcePolicy {
			want["resource policy "+rp.Key+"_resource_policy"] = rp.Document
		} else {
			lambda = append(lambda, rp)
		}
	}
	for _, b := range file.Body.(*hclsyntax.Body).Blocks {
		if b.Type == "output" && strings.HasSuffix(b.Labels[0], "_resource_policy") {
			parse("resource policy "+b.Labels[0], eval(b, "value"))
		}
		if b.Type != "resource" {
			continue
		}
		switch b.Labels[0] {
		case "aws_iam_role":
			name := eval(b, "name")
			roleNames[b.Labels[1]] = name
			parse("role "+name, eval(b, "assume_role_policy"))
		case "aws_iam_role_policy":
			role := roleNames[b.Labels[1]]
			parse("inline "+eval(b, "name")+" "+role, eval(b, "policy"))
		case "aws_iam_policy":
			parse("policy "+eval(b, "name"), eval(b, "policy"))
		case "aws_lambda_permission":
			rp := lambda[permissions]
			permissions++
			for attr, value := range map[string]string{"statement_id": rp.StatementID, "action": rp.Action, "function_name": rp.ResourceARN, "principal": rp.Principal, "source_account": rp.SourceAccount, "source_arn": rp.SourceARN} {
				if got := eval(b, attr); got != value {
					t.Errorf("lambda permission %s: %s = %q, want %q", b.Labels[1], attr, got, value)
				}
			}
		}
	}
	if permissions != len(lambda) {
		t.Errorf("%d lambda permissions, want %d", permissions, len(lambda))
	}
	if len(docs) != len(want) {
		t.Errorf("%d policies in HCL, %d in the plan", len(docs), len(want))
	}
	for key, w := range want {
		if !policy.Equal(docs[key], w) {
			t.Errorf("%s differs from the plan:\n%s", key, policy.Format(docs[key]))
		}
	}
}

// TestVariablesLeaveNoLiteral: with --variables, the same spec for two
// accounts and regions renders the same file but for the variables'
// defaults.
func TestVariablesLeaveNoLiteral(t *testing.T) {
	written, moved, err := testspecs.Relocated()
	if err != nil {
		t.Fatal(err)
	}
	defaults := regexp.MustCompile(`(?m)^(\s*default\s*=\s*)"[^"]*"$`)
	for i := range written {
		a, err := Render(written[i].Plan, Options{Variables: true})
		if err != nil {
			t.Fatal(err)
		}
		b, err := Render(moved[i].Plan, Options{Variables: true})
		if err != nil {
			t.Fatal(err)
		}
		a, b = defaults.ReplaceAll(a, []byte(`${1}"DEFAULT"`)), defaults.ReplaceAll(b, []byte(`${1}"DEFAULT"`))
		for _, lit := range []string{"123456789012", "us-west-2", "arn:aws:"} {
			if bytes.Contains(a, []byte(lit)) {
				t.Errorf("%s: the literal %s remains", written[i].Name, lit)
			}
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: output differs beyond the variables' defaults:\n%s", written[i].Name, firstDiff(a, b))
		}
	}
}

// firstDiff shows the first line where a and b differ.
func firstDiff(a, b []byte) string {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range min(len(la), len(lb)) {
		if !bytes.Equal(la[i], lb[i]) {
			return fmt.Sprintf("line %d:\n  %s\n  %s", i+1, la[i], lb[i])
		}
	}
	return "lengths differ"
}
