// Package params finds the spec's account, region and partition in the
// strings a renderer writes, so that Terraform (variables) and
// CloudFormation (pseudo parameters) output leaves none of them literal:
// ARNs, bucket names, role names and descriptions that embed them alike.
package params

import "strings"

// Param is a deployment parameter a string may embed.
type Param int

const (
	None      Param = iota // literal text
	Account                // the spec's 12-digit account
	Region                 // the spec's default region
	Partition              // the spec's partition, where an ARN names it
)

// Piece is a run of literal text, or one parameter.
type Piece struct {
	Text  string // the literal text, or the value the parameter stands for
	Param Param
}

// Values are the spec's account, region and partition.
type Values struct{ Account, Region, Partition string }

// Split cuts s into literal runs and parameters, left to right. The
// partition is a parameter only as an ARN's second field ("arn:aws:"),
// so the word "aws" elsewhere stays literal. A string with no parameter
// is one literal piece.
func (v Values) Split(s string) []Piece {
	var out []Piece
	lit := 0
	for i := 0; i < len(s); {
		p, n := v.at(s, i)
		if p == None {
			i++
			continue
		}
		if p == Partition {
			i += len("arn:") // the "arn:" stays literal
		}
		if lit < i {
			out = append(out, Piece{Text: s[lit:i]})
		}
		out = append(out, Piece{Text: s[i : i+n], Param: p})
		i += n
		lit = i
	}
	if lit < len(s) || len(out) == 0 {
		out = append(out, Piece{Text: s[lit:]})
	}
	return out
}

// at reports the parameter that starts at s[i] and its length in s. For
// the partition it is the length of the partition alone, found after
// "arn:".
func (v Values) at(s string, i int) (Param, int) {
	rest := s[i:]
	switch {
	case v.Partition != "" && strings.HasPrefix(rest, "arn:"+v.Partition+":") && (i == 0 || !isWordByte(s[i-1])):
		return Partition, len(v.Partition)
	case v.Account != "" && strings.HasPrefix(rest, v.Account) && bounded(s, i, len(v.Account), isDigit):
		return Account, len(v.Account)
	case v.Region != "" && strings.HasPrefix(rest, v.Region) && bounded(s, i, len(v.Region), isRegionByte):
		return Region, len(v.Region)
	}
	return None, 0
}

// bounded reports whether s[i:i+n] is not part of a longer run of bytes
// of the same class (an account inside a longer number, us-east-1 inside
// us-east-1a or us-east-10).
func bounded(s string, i, n int, class func(byte) bool) bool {
	return (i == 0 || !class(s[i-1])) && (i+n == len(s) || !class(s[i+n]))
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isRegionByte(c byte) bool { return c >= 'a' && c <= 'z' || isDigit(c) }

func isWordByte(c byte) bool { return isRegionByte(c) || c >= 'A' && c <= 'Z' || c == '_' }

// Rewrite returns s with each parameter written as name(param), for
// text where no interpolation exists (comments, descriptions).
func (v Values) Rewrite(s string, name func(Param) string) string {
	var b strings.Builder
	for _, p := range v.Split(s) {
		if n := name(p.Param); n != "" {
			b.WriteString(n)
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}
