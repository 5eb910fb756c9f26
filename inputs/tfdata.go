package inputs

import (
	"github.com/agentiam/agentiam/diag"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// policyDocument reads a data "aws_iam_policy_document" block into the
// document the AWS provider renders: version, policy_id, and one
// statement per statement block (sid, effect, actions, not_actions,
// resources, not_resources, principals and not_principals blocks by
// type, condition blocks by test and variable). A statement with a value
// known only at apply, or made by a dynamic block, is listed as not
// linted; source_policy_documents and override_policy_documents, which
// merge other documents, are not read.
//
// Choice: principals { type = "*", identifiers = ["*"] } is written as
// "Principal": "*", as the provider documents it for "every principal"
// (registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document).
func (r *tfReader) policyDocument(address string, b *hclsyntax.Block) {
	w := &hclWriter{tfReader: r}
	blk := r.span(b.TypeRange, "")
	d := Document{File: r.file, Address: address, Src: r.src, Origin: blk.start}
	w.token("{", blk)
	w.key("Version", blk)
	if a, ok := b.Body.Attributes["version"]; ok {
		w.value(a.Expr)
	} else {
		w.str("2012-10-17", blk)
	}
	if a, ok := b.Body.Attributes["policy_id"]; ok {
		w.comma()
		w.key("Id", w.span(a.NameRange, ""))
		w.value(a.Expr)
	}
	w.comma()
	w.key("Statement", blk)
	w.token("[", blk)
	writeStatements(&w.jsonWriter, &w.statementFilter, statementBlocks(b), AfterApply, w.unknownStatement, w.statementBlock)
	w.token("]", blk)
	w.token("}", blk)
	if w.kept == 0 && len(w.skipped) > 0 {
		d.Pending, d.Src = AfterApply, nil
	}
	d.written, d.lines, d.NotLinted = w.b, w.lines, w.skipped
	r.docs = append(r.docs, d)
}

// statementBlocks returns the statement blocks, and dynamic "statement"
// blocks, in order.
func statementBlocks(b *hclsyntax.Block) []*hclsyntax.Block {
	var out []*hclsyntax.Block
	for _, sb := range b.Body.Blocks {
		if sb.Type == "statement" || sb.Type == "dynamic" && len(sb.Labels) == 1 && sb.Labels[0] == "statement" {
			out = append(out, sb)
		}
	}
	return out
}

// unknownStatement says what in a statement block is known only at apply.
func (w *hclWriter) unknownStatement(sb *hclsyntax.Block) (string, diag.Pos) {
	if sb.Type == "dynamic" {
		return "a dynamic block", w.pos(sb.TypeRange.Start)
	}
	for _, a := range sb.Body.Attributes {
		if name, at := w.unknown(a.Expr); name != "" {
			return name, at
		}
	}
	for _, nb := range sb.Body.Blocks {
		if nb.Type == "dynamic" {
			return "a dynamic block", w.pos(nb.TypeRange.Start)
		}
		for _, a := range nb.Body.Attributes {
			if name, at := w.unknown(a.Expr); name != "" {
				return name, at
			}
		}
	}
	return "", diag.Pos{}
}

// statementElements maps the attributes of a statement block to the
// elements of the statement.
var statementElements = []struct{ attr, element string }{
	{"sid", "Sid"}, {"effect", "Effect"}, {"actions", "Action"}, {"not_actions", "NotAction"},
	{"resources", "Resource"}, {"not_resources", "NotResource"},
}

// statementBlock writes one statement.
func (w *hclWriter) statementBlock(sb *hclsyntax.Block) {
	blk := w.span(sb.TypeRange, "")
	w.token("{", blk)
	first := true
	sep := func() {
		if !first {
			w.comma()
		}
		first = false
	}
	if _, ok := sb.Body.Attributes["effect"]; !ok {
		sep()
		w.key("Effect", blk)
		w.str("Allow", blk) // the provider's default
	}
	for _, el := range statementElements {
		if a, ok := sb.Body.Attributes[el.attr]; ok {
			sep()
			w.key(el.element, w.span(a.NameRange, ""))
			w.value(a.Expr)
		}
	}
	for _, p := range []struct{ block, element string }{{"principals", "Principal"}, {"not_principals", "NotPrincipal"}} {
		if blocks := nestedBlocks(sb, p.block); len(blocks) > 0 {
			sep()
			w.key(p.element, w.span(blocks[0].TypeRange, ""))
			w.principals(blocks)
		}
	}
	if conds := nestedBlocks(sb, "condition"); len(conds) > 0 {
		sep()
		w.key("Condition", w.span(conds[0].TypeRange, ""))
		w.conditions(conds)
	}
	w.token("}", blk)
}

func nestedBlocks(b *hclsyntax.Block, typ string) []*hclsyntax.Block {
	var out []*hclsyntax.Block
	for _, nb := range b.Body.Blocks {
		if nb.Type == typ {
			out = append(out, nb)
		}
	}
	return out
}

// principals writes principals blocks grouped by type.
func (w *hclWriter) principals(blocks []*hclsyntax.Block) {
	if len(blocks) == 1 {
		if t, ok := blocks[0].Body.Attributes["type"]; ok {
			if s, _ := literalString(t.Expr); s == "*" {
				w.str("*", w.span(t.Expr.Range(), `"*"`))
				return
			}
		}
	}
	w.groups(blocks, "type", "identifiers")
}

// conditions writes condition blocks grouped by test, then variable.
func (w *hclWriter) conditions(blocks []*hclsyntax.Block) {
	tests, byTest := groupBlocks(blocks, "test")
	brace := w.span(blocks[0].TypeRange, "")
	w.token("{", brace)
	for i, t := range tests {
		if i > 0 {
			w.comma()
		}
		w.key(t, w.span(attrExpr(byTest[t][0], "test").Range(), quoted(t)))
		w.groups(byTest[t], "variable", "values")
	}
	w.token("}", brace)
}

// groups writes {KEY: VALUES, ...} from blocks with a key attribute and
// a list attribute; blocks with the same key have their lists joined.
func (w *hclWriter) groups(blocks []*hclsyntax.Block, keyAttr, listAttr string) {
	keys, byKey := groupBlocks(blocks, keyAttr)
	brace := w.span(blocks[0].TypeRange, "")
	w.token("{", brace)
	for i, k := range keys {
		if i > 0 {
			w.comma()
		}
		w.key(k, w.span(attrExpr(byKey[k][0], keyAttr).Range(), quoted(k)))
		w.token("[", brace)
		n := 0
		for _, b := range byKey[k] {
			list, ok := unwrap(attrExpr(b, listAttr)).(*hclsyntax.TupleConsExpr)
			if !ok {
				continue
			}
			for _, el := range list.Exprs {
				if n > 0 {
					w.comma()
				}
				n++
				w.value(el)
			}
		}
		w.token("]", brace)
	}
	w.token("}", brace)
}

// attrExpr is the expression of an attribute of a block, or a null
// literal when the block does not set it.
func attrExpr(b *hclsyntax.Block, name string) hclsyntax.Expression {
	if a, ok := b.Body.Attributes[name]; ok {
		return a.Expr
	}
	return &hclsyntax.LiteralValueExpr{Val: cty.NullVal(cty.String), SrcRange: b.TypeRange}
}

// groupBlocks groups blocks by the literal value of their attribute attr,
// keeping the order in which the values first appear.
func groupBlocks(blocks []*hclsyntax.Block, attr string) ([]string, map[string][]*hclsyntax.Block) {
	var keys []string
	by := map[string][]*hclsyntax.Block{}
	for _, b := range blocks {
		k, _ := literalString(attrExpr(b, attr))
		if _, seen := by[k]; !seen {
			keys = append(keys, k)
		}
		by[k] = append(by[k], b)
	}
	return keys, by
}
