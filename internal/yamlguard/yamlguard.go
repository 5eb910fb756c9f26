// Package yamlguard bounds how deeply YAML nests before goccy/go-yaml
// parses it. The parser takes time quadratic in the nesting depth
// (100,000 unclosed '[' in .agentiam.yaml took 36 s), while the files
// agentiam reads (agentiam.yaml, .agentiam.yaml, the starter toolkit's
// configuration) need a few levels. Callers tokenize, ask TooDeep, and
// parse the same tokens only when it finds nothing.
package yamlguard

import "github.com/goccy/go-yaml/token"

// TooDeep returns the first token nested deeper than limit, or nil.
// Flow collections ([...], {...}) count one level each, as do entries
// that start on the same line ("- - -", "? ? ?"), which nest without
// indentation. Block nesting needs indentation, so its depth is bounded
// by the line length and costs the parser no more than the text's size.
func TooDeep(tokens token.Tokens, limit int) *token.Token {
	depth, line, run := 0, 0, 0
	for _, t := range tokens {
		switch t.Type {
		case token.SequenceStartType, token.MappingStartType:
			depth++
			if depth > limit {
				return t
			}
		case token.SequenceEndType, token.MappingEndType:
			depth = max(depth-1, 0)
		case token.SequenceEntryType, token.MappingKeyType:
			if t.Position.Line != line {
				line, run = t.Position.Line, 0
			}
			if run++; run > limit {
				return t
			}
		}
	}
	return nil
}
