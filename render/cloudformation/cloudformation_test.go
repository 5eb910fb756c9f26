package cloudformation

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/policy"
	"github.com/agentiam/agentiam/render/internal/testspecs"
	"github.com/agentiam/agentiam/rolegen"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestGolden(t *testing.T) {
	cases, err := testspecs.Cases()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		for _, opts := range []Options{{}, {PseudoParameters: true}} {
			name := c.Name
			if opts.PseudoParameters {
				name += ".pseudo"
			}
			t.Run(name, func(t *testing.T) {
				got := testspecs.Golden(t, filepath.Join("testdata", name+".yaml"), *update, func() ([]byte, error) { return Render(c.Plan, opts) })
				checkSemantics(t, c.Plan, got)
			})
		}
	}
}

// checkSemantics parses the template, resolves !Sub and !Ref of the
// pseudo parameters as CloudFormation would, and compares every policy
// and Lambda permission with the plan.
func checkSemantics(t *testing.T, p *rolegen.Plan, src []byte) {
	t.Helper()
	f, err := parser.ParseBytes(src, 0)
	if err != nil {
		t.Fatalf("invalid YAML: %v", err)
	}
	tpl, ok := toValue(t, f.Docs[0].Body, p).(map[string]any)
	if !ok {
		t.Fatal("template is not a mapping")
	}
	resources := tpl["Resources"].(map[string]any)
	outputs := tpl["Outputs"].(map[string]any)
	docs := map[string]*policy.Document{}
	parse := func(key string, v any) {
		b, _ := json.Marshal(v)
		d, err := policy.Parse(key, b)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		docs[key] = d
	}
	var permissions []map[string]any
	policies := map[string]string{} // Cedar policies by "engine name mode"
	agentCore := 0
	for id, r := range resources {
		res := r.(map[string]any)
		props := res["Properties"].(map[string]any)
		switch res["Type"] {
		case "AWS::IAM::Role":
			name := props["RoleName"].(string)
			parse("role "+name, props["AssumeRolePolicyDocument"])
			for _, ip := range list(props["Policies"]) {
				m := ip.(map[string]any)
				parse("inline "+m["PolicyName"].(string)+" "+name, m["PolicyDocument"])
			}
			if _, ok := outputs[id+"Arn"]; !ok {
				t.Errorf("no output for role %s", id)
			}
		case "AWS::IAM::ManagedPolicy":
			parse("policy "+props["ManagedPolicyName"].(string), props["PolicyDocument"])
		case "AWS::Lambda::Permission":
			permissions = append(permissions, props)
		case "AWS::BedrockAgentCore::Policy":
			cedar := props["Definition"].(map[string]any)["Cedar"].(map[string]any)
			policies[fmt.Sprint(props["PolicyEngineId"], " ", props["Name"], " ", props["EnforcementMode"])] = cedar["Statement"].(string)
		case "AWS::BedrockAgentCore::ResourcePolicy":
			parse("resource policy "+fmt.Sprint(props["ResourceArn"]), json.RawMessage(props["Policy"].(string)))
			agentCore++
		default:
			t.Errorf("unexpected resource type %v", res["Type"])
		}
	}
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
	var lambda []*rolegen.ResourcePolicy
	for _, rp := range p.ResourcePolicies {
		if rp.Kind == rolegen.KindAgentCoreResourcePolicy {
			// ResourceArn is the parameter of the created resource's ARN.
			want["resource policy ref:"+logicalID(rp.Key+"_arn")] = rp.Document
			continue
		}
		lambda = append(lambda, rp)
	}
	if len(docs) != len(want) || agentCore != len(p.ResourcePolicies)-len(lambda) {
		t.Errorf("%d policies in the template (%d AgentCore resource policies), %d in the plan", len(docs), agentCore, len(want))
	}
	for key, w := range want {
		if !policy.Equal(docs[key], w) {
			t.Errorf("%s differs from the plan:\n%s", key, policy.Format(docs[key]))
		}
	}
	wantCedar := map[string]string{}
	for _, e := range p.PolicyEngines {
		for _, cp := range e.Policies {
			wantCedar[e.ID+" "+cp.Name+" "+e.Mode] = cp.Statement
		}
	}
	if !maps.Equal(policies, wantCedar) {
		t.Errorf("Cedar policies in the template:\n%v\nin the plan:\n%v", policies, wantCedar)
	}
	if len(permissions) != len(lambda) {
		t.Fatalf("%d Lambda permissions, want %d", len(permissions), len(lambda))
	}
	for _, rp := range lambda {
		found := false
		for _, props := range permissions {
			found = found || props["FunctionName"] == rp.ResourceARN && props["SourceArn"] == rp.SourceARN &&
				props["SourceAccount"] == rp.SourceAccount && props["Principal"] == rp.Principal && props["Action"] == rp.Action
		}
		if !found {
			t.Errorf("no Lambda permission for %+v", rp)
		}
	}
}

// logicalID is the renderer's logical id of a key that is used once.
func logicalID(key string) string { return (&renderer{ids: map[string]bool{}}).logicalID(key) }

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

// toValue converts YAML to Go values, resolving the intrinsic functions
// the renderer writes.
func toValue(t *testing.T, n ast.Node, p *rolegen.Plan) any {
	switch v := n.(type) {
	case *ast.MappingNode:
		m := map[string]any{}
		for _, kv := range v.Values {
			m[fmt.Sprint(toValue(t, kv.Key, p))] = toValue(t, kv.Value, p)
		}
		return m
	case *ast.MappingValueNode:
		return map[string]any{fmt.Sprint(toValue(t, v.Key, p)): toValue(t, v.Value, p)}
	case *ast.SequenceNode:
		out := []any{}
		for _, e := range v.Values {
			out = append(out, toValue(t, e, p))
		}
		return out
	case *ast.TagNode:
		arg := fmt.Sprint(toValue(t, v.Value, p))
		switch v.Start.Value {
		case "!Sub":
			r := strings.NewReplacer("${AWS::AccountId}", p.Spec.Account, "${AWS::Region}", p.Spec.Region, "${AWS::Partition}", p.Spec.Partition, "${!", "${")
			return r.Replace(arg)
		case "!Ref":
			switch arg {
			case "AWS::AccountId":
				return p.Spec.Account
			case "AWS::Region":
				return p.Spec.Region
			case "AWS::Partition":
				return p.Spec.Partition
			}
			return "ref:" + arg
		case "!GetAtt":
			return "getatt:" + arg
		case "!Not", "!Equals": // conditions: kept as written
			return v.Start.Value + " " + arg
		}
		t.Fatalf("unexpected tag %s", v.Start.Value)
	case *ast.StringNode:
		return v.Value
	case *ast.NullNode:
		return nil
	}
	t.Fatalf("unexpected YAML node %T %s (strings must be quoted)", n, n)
	return nil
}

// TestPseudoParametersLeaveNoLiteral: with pseudo parameters, the same
// spec for two accounts and regions renders the same template.
func TestPseudoParametersLeaveNoLiteral(t *testing.T) {
	written, moved, err := testspecs.Relocated()
	if err != nil {
		t.Fatal(err)
	}
	for i := range written {
		a, err := Render(written[i].Plan, Options{PseudoParameters: true})
		if err != nil {
			t.Fatal(err)
		}
		b, err := Render(moved[i].Plan, Options{PseudoParameters: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, lit := range []string{"123456789012", "us-west-2", "arn:aws:"} {
			if bytes.Contains(a, []byte(lit)) {
				t.Errorf("%s: the literal %s remains", written[i].Name, lit)
			}
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: the template depends on the account or region", written[i].Name)
		}
	}
}
