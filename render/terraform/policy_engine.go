package terraform

import (
	"fmt"
	"strings"

	"github.com/agentiam/agentiam/render/internal/params"
	"github.com/agentiam/agentiam/rolegen"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// policyEngine writes the Cedar policies of a gateway's policy engine as
// a local map, name to statement. The hashicorp/aws provider this output
// is checked with (5.100.0) has no resource for AgentCore policies, so
// none is invented: the comment says how to create them.
func (r *renderer) policyEngine(e *rolegen.PolicyEngine) block {
	return func(body *hclwrite.Body) {
		for _, line := range []string{
			fmt.Sprintf("Cedar policies of gateway %s for its policy engine %s (mode %s).", e.Gateway, e.ID, e.Mode),
			"The AWS provider has no resource for AgentCore policies: create each one with",
			fmt.Sprintf("  aws bedrock-agentcore-control create-policy --policy-engine-id %s --name NAME \\", e.ID),
			"    --validation-mode FAIL_ON_ANY_FINDINGS --definition file://NAME.json",
			"where NAME.json holds jsonencode({cedar = {statement = local." + r.localName(e) + `["NAME"]}}),`,
			"or with the awscc provider's awscc_bedrockagentcore_policy. `agentiam generate` (JSON) lists them too.",
		} {
			body.AppendUnstructuredTokens(comment(r.commentText(line)))
		}
		b := body.AppendNewBlock("locals", nil).Body()
		var toks hclwrite.Tokens
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenOBrace, Bytes: []byte("{")}, newline())
		for _, p := range e.Policies {
			toks = append(toks, key(p.Name)...)
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenEqual, Bytes: []byte("=")})
			toks = append(toks, r.heredoc(p.Statement)...)
			toks = append(toks, newline())
		}
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenCBrace, Bytes: []byte("}")})
		b.SetAttributeRaw(r.localName(e), toks)
	}
}

func (r *renderer) localName(e *rolegen.PolicyEngine) string {
	return strings.ReplaceAll(e.Key, "-", "_")
}

// heredoc writes a multi-line string as <<-CEDAR ... CEDAR, escaping
// template sequences; with Options.Variables the account, region and
// partition become interpolations of the variables.
func (r *renderer) heredoc(s string) hclwrite.Tokens {
	pieces := []params.Piece{{Text: s}}
	if r.opts.Variables {
		pieces = r.values().Split(s)
	}
	toks := hclwrite.Tokens{{Type: hclsyntax.TokenOHeredoc, Bytes: []byte("<<-CEDAR\n")}}
	for _, p := range pieces {
		if v := variableOf(p.Param); v != "" {
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenTemplateInterp, Bytes: []byte("${")})
			toks = append(toks, traversal("var."+v)...)
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenTemplateSeqEnd, Bytes: []byte("}")})
			continue
		}
		text := strings.NewReplacer("${", "$${", "%{", "%%{").Replace(p.Text)
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenStringLit, Bytes: []byte(text)})
	}
	return append(toks,
		&hclwrite.Token{Type: hclsyntax.TokenStringLit, Bytes: []byte("\n")},
		&hclwrite.Token{Type: hclsyntax.TokenCHeredoc, Bytes: []byte("CEDAR")})
}
