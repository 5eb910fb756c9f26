package inputs

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/policy"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// ErrTerraformConfig is wrapped by the error for a .tf file that does
// not parse.
var ErrTerraformConfig = errors.New("invalid Terraform configuration")

// isTerraformConfig: Terraform reads *.tf files as HCL.
func isTerraformConfig(file string) bool { return strings.EqualFold(pathExt(file), ".tf") }

func pathExt(file string) string {
	if i := strings.LastIndexByte(file, '.'); i >= 0 && !strings.ContainsAny(file[i:], `/\`) {
		return file[i:]
	}
	return ""
}

// tfReader reads the policies of one .tf file.
type tfReader struct {
	file string
	src  []byte
	ix   *lineIndex
	docs []Document
}

// TerraformConfig returns the policy documents of a Terraform
// configuration file: jsonencode({...}) literals and JSON strings
// (heredocs included) in the policy attributes of AWS resources (as the
// plan reader types them), the statement aws_lambda_permission builds,
// data "aws_iam_policy_document" blocks, and outputs whose value is a
// policy. Findings are at their line in the .tf file; a value known only
// at apply (a reference, a function other than jsonencode) is listed as
// not linted. The error, for a file that does not parse, wraps
// ErrTerraformConfig.
func TerraformConfig(file string, src []byte) ([]Document, error) {
	f, diags := hclsyntax.ParseConfig(src, file, hcl.InitialPos)
	if diags.HasErrors() {
		d := diags[0]
		if d.Subject != nil {
			return nil, fmt.Errorf("%w: %s:%d:%d: %s", ErrTerraformConfig, file, d.Subject.Start.Line, d.Subject.Start.Column, d.Summary)
		}
		return nil, fmt.Errorf("%w: %s: %s", ErrTerraformConfig, file, d.Summary)
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil, fmt.Errorf("%w: %s: not HCL native syntax", ErrTerraformConfig, file)
	}
	r := &tfReader{file: file, src: src, ix: newLineIndex(src)}
	for _, b := range body.Blocks {
		switch {
		case b.Type == "resource" && len(b.Labels) == 2:
			r.resource(b)
		case b.Type == "data" && len(b.Labels) == 2 && b.Labels[0] == "aws_iam_policy_document":
			r.policyDocument("data."+b.Labels[0]+"."+b.Labels[1], b)
		case b.Type == "output" && len(b.Labels) == 1:
			if a, ok := b.Body.Attributes["value"]; ok && looksLikePolicyExpr(a.Expr) {
				r.attribute("output."+b.Labels[0], a, policy.KindUnknown, false)
			}
		}
	}
	return r.docs, nil
}

// looksLikePolicyExpr: an output's value is a policy when it is
// jsonencode of an object with a Statement.
func looksLikePolicyExpr(e hclsyntax.Expression) bool {
	call, ok := e.(*hclsyntax.FunctionCallExpr)
	if !ok || call.Name != "jsonencode" || len(call.Args) != 1 {
		return false
	}
	obj, ok := call.Args[0].(*hclsyntax.ObjectConsExpr)
	return ok && slices.ContainsFunc(obj.Items, func(it hclsyntax.ObjectConsItem) bool { return objectKey(it.KeyExpr) == "Statement" })
}

// resource reads the policy attributes of a resource, typed by the
// resource type as the plan reader types them (resourcePolicies).
func (r *tfReader) resource(b *hclsyntax.Block) {
	typ, addr := b.Labels[0], b.Labels[0]+"."+b.Labels[1]
	attr := func(name string, kind policy.Kind, managed bool) {
		if a, ok := b.Body.Attributes[name]; ok {
			r.attribute(addr+"."+name, a, kind, managed)
		}
	}
	switch typ {
	case "aws_iam_role":
		attr("assume_role_policy", policy.Trust, false)
		i := 0
		for _, ib := range b.Body.Blocks {
			if ib.Type == "inline_policy" {
				if a, ok := ib.Body.Attributes["policy"]; ok {
					r.attribute(fmt.Sprintf("%s.inline_policy[%d].policy", addr, i), a, policy.Identity, false)
				}
				i++
			}
		}
	case "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy":
		attr("policy", policy.Identity, false)
	case "aws_iam_policy":
		attr("policy", policy.Identity, true)
	case "aws_organizations_policy":
		kind := policy.SCP
		if a, ok := b.Body.Attributes["type"]; ok {
			if v, ok := literalString(a.Expr); ok && v == "RESOURCE_CONTROL_POLICY" {
				kind = policy.RCP
			}
		}
		attr("content", kind, false)
	case "aws_lambda_permission":
		r.lambdaPermission(addr, b)
	default:
		names := make([]string, 0, len(b.Body.Attributes))
		for name := range b.Body.Attributes {
			if slices.Contains(policyAttributes, name) {
				names = append(names, name)
			}
		}
		sort.Strings(names)
		for _, name := range names {
			attr(name, policy.Resource, false)
		}
	}
}

// attribute records the document an attribute holds.
func (r *tfReader) attribute(address string, a *hclsyntax.Attribute, kind policy.Kind, managed bool) {
	start := r.pos(a.Expr.Range().Start)
	d := Document{File: r.file, Address: address, Kind: kind, Managed: managed, Src: r.src, Origin: start}
	e := unwrap(a.Expr)
	if call, ok := e.(*hclsyntax.FunctionCallExpr); ok && call.Name == "jsonencode" && len(call.Args) == 1 {
		if obj, ok := unwrap(call.Args[0]).(*hclsyntax.ObjectConsExpr); ok {
			w := &hclWriter{tfReader: r}
			w.document(obj)
			if w.kept == 0 && len(w.skipped) > 0 {
				d.Pending, d.Src = AfterApply, nil
			}
			d.written, d.lines, d.NotLinted = w.b, w.lines, w.skipped
			r.docs = append(r.docs, d)
			return
		}
	}
	if text, ok := literalString(e); ok {
		if !strings.HasPrefix(strings.TrimSpace(text), "{") {
			return // an ARN or a name, not a policy
		}
		r.docs = append(r.docs, r.textDocument(d, e, text))
		return
	}
	if isPolicyDocumentRef(e) {
		return // the data block is read itself
	}
	d.Pending, d.Src = AfterApply, nil
	d.NotLinted = []NotLinted{{Pos: start, Function: exprName(e), Statement: -1, When: AfterApply}}
	r.docs = append(r.docs, d)
}

// textDocument is a policy written as a string: verbatim in the file
// when the string's text is the file's (a heredoc without escapes), so
// positions are in the file; otherwise positions are within the text.
func (r *tfReader) textDocument(d Document, e hclsyntax.Expression, text string) Document {
	if t, ok := e.(*hclsyntax.TemplateExpr); ok && len(t.Parts) == 1 {
		rg := t.Parts[0].Range()
		if rg.Start.Byte >= 0 && rg.End.Byte <= len(r.src) && rg.Start.Byte <= rg.End.Byte && string(r.src[rg.Start.Byte:rg.End.Byte]) == text {
			d.InFile, d.Origin, d.End = true, r.pos(rg.Start), rg.End.Byte
			return d
		}
	}
	d.Src = []byte(text)
	return d
}

// isPolicyDocumentRef: data.aws_iam_policy_document.NAME.json.
func isPolicyDocumentRef(e hclsyntax.Expression) bool {
	t, ok := e.(*hclsyntax.ScopeTraversalExpr)
	return ok && len(t.Traversal) >= 2 && t.Traversal.RootName() == "data" &&
		bytes.HasPrefix([]byte(tfTraversal(t.Traversal)), []byte("data.aws_iam_policy_document."))
}

// pos is a position of the HCL parser as a diag.Pos (byte columns).
func (r *tfReader) pos(p hcl.Pos) diag.Pos {
	if p.Byte < 0 || p.Byte > len(r.src) || p.Line < 1 || p.Line > len(r.ix.starts) {
		return diag.Pos{}
	}
	return diag.Pos{Line: p.Line, Column: p.Byte - r.ix.starts[p.Line-1] + 1, Offset: p.Byte}
}

// span is where an expression is, exact when its text in the file is
// the JSON token written for it.
func (r *tfReader) span(rg hcl.Range, json string) tokenSpan {
	sp := tokenSpan{start: r.pos(rg.Start), end: r.pos(rg.End)}
	if sp.start.IsValid() && sp.end.IsValid() && sp.end.Line == sp.start.Line {
		sp.exact = string(r.src[sp.start.Offset:sp.end.Offset]) == json
	}
	return sp
}

// unwrap removes parentheses.
func unwrap(e hclsyntax.Expression) hclsyntax.Expression {
	for {
		p, ok := e.(*hclsyntax.ParenthesesExpr)
		if !ok {
			return e
		}
		e = p.Expression
	}
}

// literalString returns the value of a string written without
// references or functions.
func literalString(e hclsyntax.Expression) (string, bool) {
	v, ok := literalValue(e)
	if !ok || v.Type() != cty.String || v.IsNull() || !v.IsKnown() {
		return "", false
	}
	return v.AsString(), true
}

// literalValue evaluates a literal (a string, a number, a boolean, null,
// a template without interpolation); false for anything else.
func literalValue(e hclsyntax.Expression) (cty.Value, bool) {
	switch e := unwrap(e).(type) {
	case *hclsyntax.LiteralValueExpr:
		return e.Val, true
	case *hclsyntax.TemplateExpr:
		if len(e.Variables()) > 0 {
			return cty.NilVal, false
		}
		for _, p := range e.Parts {
			if _, ok := p.(*hclsyntax.LiteralValueExpr); !ok {
				return cty.NilVal, false
			}
		}
		v, diags := e.Value(nil)
		if diags.HasErrors() || !v.IsKnown() {
			return cty.NilVal, false
		}
		return v, true
	}
	return cty.NilVal, false
}

// objectKey is the key of an object item: a bare name or a literal string.
func objectKey(e hclsyntax.Expression) string {
	v, diags := e.Value(nil)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

// exprName says what a value known only at apply is, for the report.
func exprName(e hclsyntax.Expression) string {
	switch e := unwrap(e).(type) {
	case *hclsyntax.ScopeTraversalExpr:
		return "reference " + tfTraversal(e.Traversal)
	case *hclsyntax.FunctionCallExpr:
		return e.Name + "()"
	case *hclsyntax.TemplateExpr, *hclsyntax.TemplateWrapExpr:
		return "an interpolation"
	case *hclsyntax.ConditionalExpr:
		return "a conditional"
	case *hclsyntax.ForExpr:
		return "a for expression"
	}
	return "an expression"
}

// tfTraversal writes a traversal as Terraform does: var.x, aws_s3_bucket.b.arn.
func tfTraversal(t hcl.Traversal) string {
	var b strings.Builder
	for i, step := range t {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + s.Name)
		case hcl.TraverseIndex:
			b.WriteString("[...]")
		default:
			if i > 0 {
				b.WriteString("...")
			}
		}
	}
	return b.String()
}
