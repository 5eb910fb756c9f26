// Package policycopy copies policy statements, so that adding them to
// another document (which renumbers their Index) leaves the originals
// untouched.
package policycopy

import "github.com/agentiam/agentiam/policy"

// Statements returns shallow copies of the statements: each may be added
// to a new document; their elements are shared and must not be changed.
func Statements(in []*policy.Statement) []*policy.Statement {
	out := make([]*policy.Statement, len(in))
	for i, st := range in {
		c := *st
		out[i] = &c
	}
	return out
}
