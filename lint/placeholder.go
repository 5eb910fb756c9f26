package lint

import (
	"strings"

	"github.com/agentiam/agentiam/arn"
	"github.com/agentiam/agentiam/policy"
)

// accountKeys are condition keys whose values are account ids.
var accountKeys = []string{"aws:SourceAccount", "aws:ResourceAccount", "aws:PrincipalAccount", "kms:CallerAccount"}

// checkPlaceholders reports values copied from documentation that still
// hold a placeholder (YOUR_ACCOUNT_ID, region, <bucket>, {{ name }}).
// It is a warning: the policy is valid JSON and valid IAM, but it grants
// nothing real until the value is filled in.
func checkPlaceholders(c *checker) {
	for _, st := range c.statements() {
		for _, l := range []*policy.StringList{st.Resource, st.NotResource} {
			if l != nil {
				for _, v := range l.Values {
					c.placeholder(st, v.Value, v.Pos, false)
				}
			}
		}
		for _, p := range []*policy.Principal{st.Principal, st.NotPrincipal} {
			if p == nil {
				continue
			}
			for _, e := range p.Entries {
				for _, v := range e.Values.Values {
					c.placeholder(st, v.Value, v.Pos, e.Type.Value == policy.PrincipalAWS)
				}
			}
		}
		if st.Condition == nil {
			continue
		}
		for _, op := range st.Condition.Operators {
			for _, k := range op.Keys {
				isAccount := false
				for _, a := range accountKeys {
					isAccount = isAccount || strings.EqualFold(k.Name.Value, a)
				}
				for _, v := range k.Values {
					if v.Kind == policy.KindString {
						c.placeholder(st, v.Value, v.Pos, isAccount)
					}
				}
			}
		}
	}
}

// placeholder reports s when it holds a placeholder. account says that
// s, when not an ARN, should be an account id.
func (c *checker) placeholder(st *policy.Statement, s string, pos policy.Pos, account bool) {
	if p := placeholderIn(s, account); p != "" {
		c.report(CodePlaceholderValue, st, pos, "", "%q is a documentation placeholder, not a real value; replace it before using this policy", p)
	}
}

// placeholderIn returns the placeholder part of s, or "".
func placeholderIn(s string, account bool) string {
	if strings.HasPrefix(s, "arn:") {
		if a, err := arn.Parse(s); err == nil {
			switch {
			case placeholderRegion(a.Region):
				return a.Region
			case placeholderAccount(a.Account):
				return a.Account
			}
		}
	} else if account && placeholderAccount(s) {
		return s
	}
	return placeholderWord(s)
}

// placeholderWord finds YOUR_X / your-x words, <x> and {{ x }} markers.
func placeholderWord(s string) string {
	// ASCII-only lowering keeps byte offsets valid in s ('İ' lowers to
	// three bytes).
	lowerBytes := []byte(s)
	for i, c := range lowerBytes {
		if 'A' <= c && c <= 'Z' {
			lowerBytes[i] = c + 'a' - 'A'
		}
	}
	lower := string(lowerBytes)
	for _, marker := range []string{"your_", "your-", "replace_me", "replace-me", "changeme"} {
		if i := strings.Index(lower, marker); i >= 0 && (i == 0 || !isWordByte(s[i-1])) {
			j := i
			for j < len(s) && (isWordByte(s[j]) || s[j] == '-') {
				j++
			}
			return s[i:j]
		}
	}
	if i := strings.Index(s, "{{"); i >= 0 {
		if j := strings.Index(s[i:], "}}"); j >= 0 {
			return s[i : i+j+2]
		}
	}
	if i := strings.IndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 1 {
			return s[i : i+j+1]
		}
	}
	return ""
}

func isWordByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '_'
}

// placeholderRegion: not a region, and shaped like a placeholder
// (capitals, underscores, brackets, or no digit at all: "region").
func placeholderRegion(s string) bool {
	return !validRegion(s) && (strings.ContainsAny(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_<{") || !strings.ContainsAny(s, "0123456789"))
}

// placeholderAccount: not an account id, and containing letters or
// brackets ("YOUR_ACCOUNT_ID", "account-id", "<account>").
func placeholderAccount(s string) bool {
	if validAccount(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || b == '<' || b == '{' || b == '_' {
			return true
		}
	}
	return false
}
