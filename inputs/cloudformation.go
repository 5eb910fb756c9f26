package inputs

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/agentiam/agentiam/internal/jsontext"
	"github.com/agentiam/agentiam/internal/yamlguard"
	"github.com/agentiam/agentiam/policy"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
)

// ErrTemplate is wrapped by the error for a CloudFormation template that
// cannot be read.
var ErrTemplate = errors.New("invalid CloudFormation template")

// maxTemplateNesting bounds the nesting of a template's flow
// collections before it is parsed (see yamlguard); policies in
// templates nest about ten levels.
const maxTemplateNesting = 128

// looksLikeTemplate is a cheap test run before parsing: a template has
// Resources and names AWS resource types.
// LooksLikeTemplate reports whether src may be a CloudFormation template
// (a Resources section and AWS:: resource types), for walkers that meet
// YAML files of every kind.
func LooksLikeTemplate(src []byte) bool { return looksLikeTemplate(src) }

func looksLikeTemplate(src []byte) bool {
	return bytes.Contains(src, []byte("Resources")) && bytes.Contains(src, []byte("AWS::"))
}

// templatePolicy says where a resource type holds policies and what they
// are. AWS::IAM::Role is read apart (trust policy and a list).
var templatePolicies = map[string]struct {
	property string
	kind     policy.Kind
	managed  bool
}{
	"AWS::IAM::Policy":                      {"PolicyDocument", policy.Identity, false},
	"AWS::IAM::ManagedPolicy":               {"PolicyDocument", policy.Identity, true},
	"AWS::S3::BucketPolicy":                 {"PolicyDocument", policy.Resource, false},
	"AWS::SQS::QueuePolicy":                 {"PolicyDocument", policy.Resource, false},
	"AWS::SNS::TopicPolicy":                 {"PolicyDocument", policy.Resource, false},
	"AWS::KMS::Key":                         {"KeyPolicy", policy.Resource, false},
	"AWS::BedrockAgentCore::ResourcePolicy": {"Policy", policy.Resource, false},
}

// templateReader reads the policies of one template.
type templateReader struct {
	file string
	src  []byte
	ix   *lineIndex
	docs []Document
}

// extractTemplate returns the policy documents of a CloudFormation
// template, YAML or JSON; ok is false when src is not one (no Resources
// mapping whose entries have a Type).
func extractTemplate(file string, src []byte) (docs []Document, ok bool, err error) {
	body, perr := parseTemplate(src)
	if perr != nil {
		return nil, false, nil // not YAML: another reader's, or the policy parser's to report
	}
	resources := member(body, "Resources")
	entries := pairs(resources)
	if len(entries) == 0 {
		return nil, false, nil
	}
	for _, e := range entries {
		if _, ok := scalarText(member(e.Value, "Type")); !ok {
			return nil, false, nil
		}
	}
	r := &templateReader{file: file, src: src, ix: newLineIndex(src)}
	for _, e := range entries {
		r.resource(keyText(e), e.Value)
	}
	return r.docs, true, nil
}

// parseTemplate parses the template's single YAML document (JSON is
// YAML), guarding against deep nesting and go-yaml's panics.
func parseTemplate(src []byte) (body ast.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			body, err = nil, fmt.Errorf("%w: %v", ErrTemplate, r)
		}
	}()
	tokens := lexer.Tokenize(string(src))
	if t := yamlguard.TooDeep(tokens, maxTemplateNesting); t != nil {
		return nil, fmt.Errorf("%w: nested too deep", ErrTemplate)
	}
	f, err := parser.Parse(tokens, 0)
	if err != nil {
		return nil, err
	}
	if len(f.Docs) != 1 || f.Docs[0] == nil || f.Docs[0].Body == nil {
		return nil, fmt.Errorf("%w: not one document", ErrTemplate)
	}
	return f.Docs[0].Body, nil
}

// resource reads the policies of one resource.
func (r *templateReader) resource(id string, res ast.Node) {
	typ, _ := scalarText(member(res, "Type"))
	props := member(res, "Properties")
	switch typ {
	case "AWS::IAM::Role":
		if doc := member(props, "AssumeRolePolicyDocument"); doc != nil {
			r.add(id+".AssumeRolePolicyDocument", doc, policy.Trust, false)
		}
		list, _ := member(props, "Policies").(*ast.SequenceNode)
		if list == nil {
			return
		}
		names := make([]string, len(list.Values))
		for i, p := range list.Values {
			names[i], _ = scalarText(member(p, "PolicyName"))
		}
		for i, label := range labels(len(names), func(i int) string { return names[i] }) {
			if doc := member(list.Values[i], "PolicyDocument"); doc != nil {
				r.add(id+".Policies"+label, doc, policy.Identity, false)
			}
		}
	case "AWS::Lambda::Permission":
		r.lambdaPermission(id, res, props)
	default:
		if tp, ok := templatePolicies[typ]; ok {
			if doc := member(props, tp.property); doc != nil {
				r.add(id+"."+tp.property, doc, tp.kind, tp.managed)
			}
		}
	}
}

// add records one policy document: a mapping written as JSON with a map
// of its lines, or a string holding JSON (as AWS::BedrockAgentCore::ResourcePolicy
// takes it), linted as its text.
func (r *templateReader) add(address string, doc ast.Node, kind policy.Kind, managed bool) {
	d := Document{File: r.file, Address: address, Kind: kind, Managed: managed, Src: r.src}
	span := r.ix.nodeSpan(doc)
	d.Origin = span.start
	if text, fn, ok := r.stringPolicy(doc); ok {
		d.Src = []byte(text)
		r.docs = append(r.docs, d)
		return
	} else if fn != "" {
		d.Pending, d.Src = AtDeploy, nil
		r.docs = append(r.docs, d)
		return
	}
	if fn, _ := intrinsic(doc); fn != "" {
		d.Pending, d.Src = AtDeploy, nil
		r.docs = append(r.docs, d)
		return
	}
	w := &policyWriter{ix: r.ix}
	w.document(doc)
	if w.kept == 0 && len(w.skipped) > 0 {
		d.Pending, d.Src = AtDeploy, nil
	}
	d.written, d.lines, d.NotLinted = w.b, w.lines, w.skipped
	r.docs = append(r.docs, d)
}

// stringPolicy returns the JSON text of a policy given as a string (or
// a !Sub of one whose only variables are pseudo parameters); fn names
// the intrinsic function when the string is known only at deploy.
func (r *templateReader) stringPolicy(n ast.Node) (text, fn string, ok bool) {
	if s, isStr := n.(*ast.StringNode); isStr {
		return s.Value, "", true
	}
	if name, arg := intrinsic(n); name == "!Sub" || name == "Fn::Sub" {
		if s, isStr := arg.(*ast.StringNode); isStr && strings.HasPrefix(strings.TrimSpace(s.Value), "{") {
			if v, known := substitute(s.Value); known {
				return v, "", true
			}
			return "", name, false
		}
	}
	return "", "", false
}

// intrinsic returns the name of the intrinsic function a node is (the
// short form's tag, or the long form's single key: Ref, Fn::*,
// Condition) and its argument; "" for other nodes. A YAML alias is
// reported as "alias".
func intrinsic(n ast.Node) (string, ast.Node) {
	switch v := n.(type) {
	case *ast.TagNode:
		tag := v.Start.Value
		if strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!") {
			return tag, v.Value
		}
	case *ast.AliasNode:
		return "alias", nil
	case *ast.MappingNode, *ast.MappingValueNode:
		ps := pairs(n)
		if len(ps) == 1 {
			if k := keyText(ps[0]); k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::") {
				return k, ps[0].Value
			}
		}
	}
	return "", nil
}

// pseudoValues are representative values of the pseudo parameters: each
// has one value per stack, and these keep an ARN's shape and breadth (an
// account, a partition, a region) without naming a real one. A !Sub whose
// variables are all pseudo parameters is linted with them; findings stay
// at the !Sub string in the template.
var pseudoValues = map[string]string{
	"AWS::AccountId": "123456789012", "AWS::Partition": "aws", "AWS::Region": "us-east-1",
	"AWS::URLSuffix": "amazonaws.com",
}

var subVariable = regexp.MustCompile(`\$\{([^}]*)\}`)

// substitute resolves a !Sub template whose variables are all pseudo
// parameters (and ${!Literal} escapes); known is false when a variable
// names a parameter, a resource or an attribute.
func substitute(tmpl string) (out string, known bool) {
	known = true
	out = subVariable.ReplaceAllStringFunc(tmpl, func(m string) string {
		name := m[2 : len(m)-1]
		if strings.HasPrefix(name, "!") {
			return "${" + name[1:] + "}"
		}
		if v, ok := pseudoValues[strings.TrimSpace(name)]; ok {
			return v
		}
		known = false
		return m
	})
	return out, known
}

// refValue resolves !Ref of a pseudo parameter.
func refValue(arg ast.Node) (string, bool) {
	s, ok := scalarText(arg)
	if !ok {
		return "", false
	}
	v, ok := pseudoValues[s]
	return v, ok
}

// quoted is s as a JSON string.
func quoted(s string) string { return string(jsontext.AppendQuoted(nil, s)) }
