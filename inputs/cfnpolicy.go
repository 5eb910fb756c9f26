package inputs

import (
	"strconv"
	"strings"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/policy"
	"github.com/goccy/go-yaml/ast"
)

// policyWriter writes a policy document of a template as JSON (see
// jsonWriter). A statement holding a value known only at deploy (an
// intrinsic function other than a !Sub or !Ref of pseudo parameters) is
// left out and listed in skipped: linting what remains of it would
// report a missing Resource or condition that the stack has.
type policyWriter struct {
	jsonWriter
	ix *lineIndex
	statementFilter
}

// document writes the policy; Statement is read element by element.
func (w *policyWriter) document(doc ast.Node) {
	open := w.ix.nodeSpan(doc)
	w.token("{", tokenSpan{start: open.start, end: open.start})
	first := true
	for _, mv := range pairs(doc) {
		if !first {
			w.comma()
		}
		first = false
		w.key(keyText(mv), w.ix.nodeSpan(mv.Key))
		if keyText(mv) == "Statement" {
			w.statements(mv.Value)
			continue
		}
		w.value(mv.Value)
	}
	w.token("}", tokenSpan{start: open.start, end: open.start})
}

// statements writes the statement list (or single statement), leaving
// out those with values known only at deploy.
func (w *policyWriter) statements(n ast.Node) {
	seq, isSeq := n.(*ast.SequenceNode)
	if !isSeq {
		if fn, at := w.unknown(n); fn != "" {
			w.skipped = append(w.skipped, NotLinted{Pos: at, Function: fn, When: AtDeploy})
			w.token("[]", w.ix.nodeSpan(n))
			return
		}
		w.kept++
		w.value(n)
		return
	}
	w.token("[", w.ix.nodeSpan(n))
	writeStatements(&w.jsonWriter, &w.statementFilter, seq.Values, AtDeploy, w.unknown, w.value)
	w.token("]", w.ix.nodeSpan(n))
}

// unknown returns the first intrinsic function in n that the reader
// cannot resolve, and where it is.
func (w *policyWriter) unknown(n ast.Node) (string, diag.Pos) {
	if fn, arg := intrinsic(n); fn != "" {
		if _, ok := resolve(fn, arg); ok {
			return "", diag.Pos{}
		}
		return fn, w.ix.nodeSpan(n).start
	}
	switch v := n.(type) {
	case *ast.SequenceNode:
		for _, el := range v.Values {
			if fn, at := w.unknown(el); fn != "" {
				return fn, at
			}
		}
	case *ast.MappingNode, *ast.MappingValueNode:
		for _, mv := range pairs(v) {
			if fn, at := w.unknown(mv.Value); fn != "" {
				return fn, at
			}
		}
	}
	return "", diag.Pos{}
}

// resolve returns the value of an intrinsic function the reader can
// evaluate: !Sub of a string whose variables are pseudo parameters, and
// !Ref of a pseudo parameter.
func resolve(fn string, arg ast.Node) (string, bool) {
	switch fn {
	case "!Sub", "Fn::Sub":
		if s, ok := arg.(*ast.StringNode); ok {
			return substitute(s.Value)
		}
	case "!Ref", "Ref":
		return refValue(arg)
	}
	return "", false
}

// value writes any value of the document.
func (w *policyWriter) value(n ast.Node) {
	span := w.ix.nodeSpan(n)
	if fn, arg := intrinsic(n); fn != "" {
		v, _ := resolve(fn, arg) // unknown values were left out with their statement
		span.exact = false
		w.str(v, span)
		return
	}
	switch v := n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		w.token("{", tokenSpan{start: span.start, end: span.start})
		for i, mv := range pairs(v) {
			if i > 0 {
				w.comma()
			}
			w.key(keyText(mv), w.ix.nodeSpan(mv.Key))
			w.value(mv.Value)
		}
		w.token("}", tokenSpan{start: span.start, end: span.start})
	case *ast.SequenceNode:
		w.token("[", span)
		for i, el := range v.Values {
			if i > 0 {
				w.comma()
			}
			w.value(el)
		}
		w.token("]", span)
	default:
		w.scalar(n, span)
	}
}

// scalar writes a scalar as JSON: strings as strings (exactly mapped
// when the template writes them without escapes), numbers and booleans
// as such, null as null.
func (w *policyWriter) scalar(n ast.Node, span tokenSpan) {
	switch v := n.(type) {
	case *ast.BoolNode:
		w.token(strconv.FormatBool(v.Value), span)
	case *ast.NullNode:
		w.token("null", span)
	case *ast.IntegerNode, *ast.FloatNode:
		if num, ok := unquoteNumber(v.GetToken().Value); ok {
			span.exact = true
			w.token(num, span)
			return
		}
		w.str(v.GetToken().Value, span)
	default:
		s, _ := scalarText(n)
		q := quoted(s)
		// The JSON token is the file's when the text needs no escapes and
		// the file writes it plainly or in quotes of its own.
		span.exact = span.end.Offset-span.start.Offset == len(s)+2*boolInt(!span.plain) && len(q) == len(s)+2
		w.token(q, span)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// lambdaPermission builds the resource policy statement AWS Lambda adds
// for an AWS::Lambda::Permission (see the AddPermission API: Principal,
// Action, FunctionName, SourceArn, SourceAccount, PrincipalOrgID,
// FunctionUrlAuthType), each element mapped to its property in the
// template.
func (r *templateReader) lambdaPermission(id string, res, props ast.Node) {
	w := &policyWriter{ix: r.ix}
	typeSpan := w.ix.nodeSpan(member(res, "Type"))
	d := Document{File: r.file, Address: id, Kind: policy.Resource, Src: r.src, Origin: typeSpan.start}
	for _, p := range []string{"Principal", "Action", "FunctionName", "SourceArn", "SourceAccount", "PrincipalOrgID", "FunctionUrlAuthType"} {
		if v := member(props, p); v != nil {
			if fn, at := w.unknown(v); fn != "" {
				d.Pending = AtDeploy
				d.NotLinted = []NotLinted{{Pos: at, Function: fn, Statement: -1, When: AtDeploy}}
				d.Src = nil
				r.docs = append(r.docs, d)
				return
			}
		}
	}
	w.token("{", typeSpan)
	w.key("Version", typeSpan)
	w.str("2012-10-17", typeSpan)
	w.comma()
	w.key("Statement", typeSpan)
	w.token("[{", typeSpan)
	w.key("Effect", typeSpan)
	w.str("Allow", typeSpan)
	if p := member(props, "Principal"); p != nil {
		w.comma()
		w.key("Principal", typeSpan)
		w.lambdaPrincipal(p)
	}
	if v := member(props, "Action"); v != nil {
		w.comma()
		w.key("Action", w.ix.nodeSpan(v))
		w.value(v)
	}
	if v := member(props, "FunctionName"); v != nil {
		w.comma()
		w.key("Resource", w.ix.nodeSpan(v))
		w.functionARN(v)
	}
	w.lambdaConditions(props, typeSpan)
	w.token("}]", typeSpan)
	w.token("}", typeSpan)
	d.written, d.lines = w.b, w.lines
	r.docs = append(r.docs, d)
}

// functionARN writes the function a permission is on: FunctionName may
// be an ARN, a partial ARN (ACCOUNT:function:NAME) or a name, which
// AWS Lambda expands in the stack's account and region (represented as
// pseudoValues do).
func (w *policyWriter) functionARN(v ast.Node) {
	s, _ := scalarText(v)
	if fn, arg := intrinsic(v); fn != "" {
		s, _ = resolve(fn, arg)
	}
	if strings.HasPrefix(s, "arn:") {
		w.value(v)
		return
	}
	span := w.ix.nodeSpan(v)
	span.exact = false
	prefix := "arn:aws:lambda:" + pseudoValues["AWS::Region"] + ":"
	if !strings.Contains(s, ":function:") {
		prefix += pseudoValues["AWS::AccountId"] + ":function:"
	}
	w.str(prefix+s, span)
}

// lambdaPrincipal writes the Principal of a permission: a service
// (ends in .amazonaws.com), "*", or an account or ARN.
func (w *policyWriter) lambdaPrincipal(p ast.Node) {
	span := w.ix.nodeSpan(p)
	s, _ := scalarText(p)
	if fn, arg := intrinsic(p); fn != "" {
		s, _ = resolve(fn, arg)
	}
	switch {
	case s == "*":
		w.value(p)
		return
	case strings.HasSuffix(s, ".amazonaws.com"):
		w.token("{", span)
		w.key("Service", span)
	default:
		w.token("{", span)
		w.key("AWS", span)
	}
	w.value(p)
	w.token("}", span)
}

// lambdaConditions writes the conditions AddPermission derives from the
// permission's properties.
func (w *policyWriter) lambdaConditions(props ast.Node, typeSpan tokenSpan) {
	var conds []struct {
		op, key string
		v       ast.Node
	}
	for _, c := range []struct{ prop, op, key string }{
		{"SourceArn", "ArnLike", "aws:SourceArn"},
		{"SourceAccount", "StringEquals", "aws:SourceAccount"},
		{"PrincipalOrgID", "StringEquals", "aws:PrincipalOrgID"},
		{"FunctionUrlAuthType", "StringEquals", "lambda:FunctionUrlAuthType"},
	} {
		if v := member(props, c.prop); v != nil {
			conds = append(conds, struct {
				op, key string
				v       ast.Node
			}{c.op, c.key, v})
		}
	}
	if len(conds) == 0 {
		return
	}
	w.comma()
	w.key("Condition", typeSpan)
	w.token("{", typeSpan)
	firstOp := true
	for _, op := range []string{"ArnLike", "StringEquals"} {
		var keys []int
		for j, c := range conds {
			if c.op == op {
				keys = append(keys, j)
			}
		}
		if len(keys) == 0 {
			continue
		}
		if !firstOp {
			w.comma()
		}
		firstOp = false
		w.key(op, typeSpan)
		w.token("{", typeSpan)
		for k, j := range keys {
			if k > 0 {
				w.comma()
			}
			w.key(conds[j].key, w.ix.nodeSpan(conds[j].v))
			w.value(conds[j].v)
		}
		w.token("}", typeSpan)
	}
	w.token("}", typeSpan)
}
