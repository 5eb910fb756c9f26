package inputs

import (
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/policy"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// hclWriter writes a policy of a .tf file as JSON (see jsonWriter). A
// statement holding a value known only at apply is left out and listed
// in skipped, as policyWriter does for templates.
type hclWriter struct {
	jsonWriter
	*tfReader
	statementFilter
}

// document writes the object jsonencode is given.
func (w *hclWriter) document(obj *hclsyntax.ObjectConsExpr) {
	brace := w.span(obj.Range(), "")
	w.token("{", brace)
	for i, it := range obj.Items {
		if i > 0 {
			w.comma()
		}
		key := objectKey(it.KeyExpr)
		w.key(key, w.span(it.KeyExpr.Range(), ""))
		if key == "Statement" {
			w.statements(unwrap(it.ValueExpr))
			continue
		}
		if name, at := w.unknown(it.ValueExpr); name != "" {
			// Version or Id known only at apply: written as null.
			w.skipped = append(w.skipped, NotLinted{Pos: at, Function: name, Statement: -1, When: AfterApply})
			w.token("null", w.span(it.ValueExpr.Range(), ""))
			continue
		}
		w.value(it.ValueExpr)
	}
	w.token("}", brace)
}

// statements writes the statement list (or single statement), leaving
// out those with values known only at apply.
func (w *hclWriter) statements(e hclsyntax.Expression) {
	tuple, ok := e.(*hclsyntax.TupleConsExpr)
	if !ok {
		if name, at := w.unknown(e); name != "" {
			w.skipped = append(w.skipped, NotLinted{Pos: at, Function: name, When: AfterApply})
			w.token("[]", w.span(e.Range(), ""))
			return
		}
		w.kept++
		w.value(e)
		return
	}
	w.token("[", w.span(tuple.Range(), ""))
	writeStatements(&w.jsonWriter, &w.statementFilter, tuple.Exprs, AfterApply, w.unknown, w.value)
	w.token("]", w.span(tuple.Range(), ""))
}

// unknown returns what in e is known only at apply, and where.
func (w *hclWriter) unknown(e hclsyntax.Expression) (string, diag.Pos) {
	switch e := unwrap(e).(type) {
	case *hclsyntax.ObjectConsExpr:
		for _, it := range e.Items {
			if objectKey(it.KeyExpr) == "" {
				return exprName(it.KeyExpr), w.pos(it.KeyExpr.Range().Start)
			}
			if name, at := w.unknown(it.ValueExpr); name != "" {
				return name, at
			}
		}
		return "", diag.Pos{}
	case *hclsyntax.TupleConsExpr:
		for _, el := range e.Exprs {
			if name, at := w.unknown(el); name != "" {
				return name, at
			}
		}
		return "", diag.Pos{}
	}
	if _, ok := literalValue(e); ok {
		return "", diag.Pos{}
	}
	return exprName(e), w.pos(e.Range().Start)
}

// value writes a literal value, an object or a tuple of them.
func (w *hclWriter) value(e hclsyntax.Expression) {
	switch e := unwrap(e).(type) {
	case *hclsyntax.ObjectConsExpr:
		brace := w.span(e.Range(), "")
		w.token("{", brace)
		for i, it := range e.Items {
			if i > 0 {
				w.comma()
			}
			w.key(objectKey(it.KeyExpr), w.span(it.KeyExpr.Range(), ""))
			w.value(it.ValueExpr)
		}
		w.token("}", brace)
	case *hclsyntax.TupleConsExpr:
		w.token("[", w.span(e.Range(), ""))
		for i, el := range e.Exprs {
			if i > 0 {
				w.comma()
			}
			w.value(el)
		}
		w.token("]", w.span(e.Range(), ""))
	default:
		v, _ := literalValue(e) // unknown values were left out with their statement
		w.literal(v, e.Range())
	}
}

// literal writes a cty value of a literal.
func (w *hclWriter) literal(v cty.Value, rg hcl.Range) {
	switch {
	case v.Type() == cty.NilType || v.IsNull():
		w.token("null", w.span(rg, "null"))
	case v.Type() == cty.String:
		q := quoted(v.AsString())
		w.token(q, w.span(rg, q))
	case v.Type() == cty.Number:
		n := v.AsBigFloat().Text('f', -1)
		w.token(n, w.span(rg, n))
	case v.Type() == cty.Bool:
		b := fmt.Sprint(v.True())
		w.token(b, w.span(rg, b))
	default:
		w.token("null", w.span(rg, ""))
	}
}

// lambdaPermission builds the statement AWS Lambda adds for an
// aws_lambda_permission (AddPermission's Principal, Action, function,
// SourceArn, SourceAccount, PrincipalOrgID, FunctionUrlAuthType, and the
// statement id as Sid, whose Lambda rules the linter applies).
func (r *tfReader) lambdaPermission(addr string, b *hclsyntax.Block) {
	blk := r.span(b.TypeRange, "")
	d := Document{File: r.file, Address: addr, Kind: policy.Resource, Src: r.src, Origin: blk.start}
	attrs := b.Body.Attributes
	for _, name := range []string{"statement_id", "action", "function_name", "principal", "source_arn", "source_account", "principal_org_id", "function_url_auth_type"} {
		if a, ok := attrs[name]; ok {
			if _, known := literalString(a.Expr); !known {
				d.Pending, d.Src = AfterApply, nil
				d.NotLinted = []NotLinted{{Pos: r.pos(a.Expr.Range().Start), Function: exprName(a.Expr), Statement: -1, When: AfterApply}}
				r.docs = append(r.docs, d)
				return
			}
		}
	}
	w := &hclWriter{tfReader: r}
	str := func(name string) (string, hcl.Range, bool) {
		a, ok := attrs[name]
		if !ok {
			return "", hcl.Range{}, false
		}
		s, _ := literalString(a.Expr)
		return s, a.Expr.Range(), true
	}
	member := func(key, value string, rg hcl.Range) {
		w.comma()
		w.key(key, w.span(rg, ""))
		w.literal(cty.StringVal(value), rg)
	}
	w.token("{", blk)
	w.key("Version", blk)
	w.str("2012-10-17", blk)
	w.comma()
	w.key("Statement", blk)
	w.token("[{", blk)
	w.key("Effect", blk)
	w.str("Allow", blk)
	if s, rg, ok := str("statement_id"); ok {
		member("Sid", s, rg)
	}
	if s, rg, ok := str("principal"); ok {
		w.comma()
		w.key("Principal", w.span(rg, ""))
		switch {
		case s == "*":
			w.literal(cty.StringVal(s), rg)
		case strings.HasSuffix(s, ".amazonaws.com"):
			w.token("{", w.span(rg, ""))
			w.key("Service", w.span(rg, ""))
			w.literal(cty.StringVal(s), rg)
			w.token("}", w.span(rg, ""))
		default:
			w.token("{", w.span(rg, ""))
			w.key("AWS", w.span(rg, ""))
			w.literal(cty.StringVal(s), rg)
			w.token("}", w.span(rg, ""))
		}
	}
	if s, rg, ok := str("action"); ok {
		member("Action", s, rg)
	}
	if s, rg, ok := str("function_name"); ok {
		if !strings.HasPrefix(s, "arn:") {
			// A name or partial ARN: represented in an account and region,
			// as CloudFormation's pseudo parameters are.
			prefix := "arn:aws:lambda:" + pseudoValues["AWS::Region"] + ":"
			if !strings.Contains(s, ":function:") {
				prefix += pseudoValues["AWS::AccountId"] + ":function:"
			}
			s = prefix + s
		}
		member("Resource", s, rg)
	}
	w.permissionConditions(str)
	w.token("}]", blk)
	w.token("}", blk)
	d.written, d.lines = w.b, w.lines
	r.docs = append(r.docs, d)
}

// permissionConditions writes the conditions of a Lambda permission.
func (w *hclWriter) permissionConditions(str func(string) (string, hcl.Range, bool)) {
	type cond struct {
		key, value string
		rg         hcl.Range
	}
	byOp := map[string][]cond{}
	for _, c := range []struct{ attr, op, key string }{
		{"source_arn", "ArnLike", "aws:SourceArn"},
		{"source_account", "StringEquals", "aws:SourceAccount"},
		{"principal_org_id", "StringEquals", "aws:PrincipalOrgID"},
		{"function_url_auth_type", "StringEquals", "lambda:FunctionUrlAuthType"},
	} {
		if s, rg, ok := str(c.attr); ok {
			byOp[c.op] = append(byOp[c.op], cond{c.key, s, rg})
		}
	}
	if len(byOp) == 0 {
		return
	}
	w.comma()
	w.key("Condition", tokenSpan{})
	w.token("{", tokenSpan{})
	first := true
	for _, op := range []string{"ArnLike", "StringEquals"} {
		if len(byOp[op]) == 0 {
			continue
		}
		if !first {
			w.comma()
		}
		first = false
		w.key(op, tokenSpan{})
		w.token("{", tokenSpan{})
		for i, c := range byOp[op] {
			if i > 0 {
				w.comma()
			}
			w.key(c.key, w.span(c.rg, ""))
			w.literal(cty.StringVal(c.value), c.rg)
		}
		w.token("}", tokenSpan{})
	}
	w.token("}", tokenSpan{})
}
