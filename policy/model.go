// Package policy is the IAM policy document model: a strict parser that
// keeps the source position of every element, grammar validation, and a
// canonical printer.
package policy

import (
	"errors"

	"github.com/agentiam/agentiam/diag"
)

// Pos is a source position (1-based line and byte column).
type Pos = diag.Pos

// Versions of the policy language.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Sentinel errors; errors returned by Parse wrap one of them.
var (
	// ErrSyntax: the input is not valid JSON (or is too large / too deep).
	ErrSyntax = errors.New("invalid JSON")
	// ErrGrammar: valid JSON that breaks the IAM policy grammar.
	ErrGrammar = errors.New("invalid policy")
)

// String is a JSON string value with the position of its opening quote.
type String struct {
	Value string
	Pos   Pos
}

// StringList is an element that AWS accepts as a string or an array of
// strings (Action, Resource, principal values). Single records that the
// source used the bare-string form, so printing preserves the shape.
type StringList struct {
	Values []String
	Single bool
	Pos    Pos // position of the value (the string or the '[')
	KeyPos Pos // position of the element's key
}

// Strings returns the plain values.
func (l *StringList) Strings() []string {
	if l == nil {
		return nil
	}
	out := make([]string, len(l.Values))
	for i, v := range l.Values {
		out[i] = v.Value
	}
	return out
}

// Principal types as they appear as keys of a Principal map.
const (
	PrincipalAWS           = "AWS"
	PrincipalService       = "Service"
	PrincipalFederated     = "Federated"
	PrincipalCanonicalUser = "CanonicalUser"
)

// Principal is a Principal or NotPrincipal element: either the bare "*"
// or a map from principal type to one or more values, in source order.
type Principal struct {
	Wildcard bool // "Principal": "*"
	Entries  []PrincipalEntry
	Pos      Pos // position of the value
	KeyPos   Pos // position of the "Principal"/"NotPrincipal" key
}

// PrincipalEntry is one "AWS": [...] / "Service": ... member.
type PrincipalEntry struct {
	Type   String // AWS, Service, Federated or CanonicalUser
	Values StringList
}

// ValueKind says how a condition value was written in JSON.
type ValueKind uint8

const (
	KindString ValueKind = iota
	KindNumber
	KindBool
)

// ConditionValue is one value in a condition. Value holds the text:
// the string contents, or the literal number / true / false.
type ConditionValue struct {
	Value string
	Kind  ValueKind
	Pos   Pos
}

// ConditionKey is one "key": value(s) pair under an operator.
type ConditionKey struct {
	Name   String
	Values []ConditionValue
	Single bool // written as a scalar rather than an array
	Pos    Pos  // position of the value
}

// ConditionOperator is one operator block, e.g. "StringEquals": {...}.
type ConditionOperator struct {
	Name String
	Keys []ConditionKey
}

// Condition is the Condition element.
type Condition struct {
	Operators []ConditionOperator
	Pos       Pos
	KeyPos    Pos
}

// Statement is one policy statement. Absent optional elements are nil
// (or Present == false for Sid).
type Statement struct {
	Index        int // 0-based position in the Statement array
	Sid          *String
	Effect       String
	Principal    *Principal
	NotPrincipal *Principal
	Action       *StringList
	NotAction    *StringList
	Resource     *StringList
	NotResource  *StringList
	Condition    *Condition
	Pos          Pos // position of the statement's '{'
}

// Document is a parsed policy document.
type Document struct {
	Version *String
	ID      *String
	// Statements in source order. StatementSingle records that the source
	// gave a single statement object instead of an array.
	Statements      []*Statement
	StatementSingle bool
	StatementPos    Pos // position of the "Statement" key
	Pos             Pos // position of the document's '{'
	// Source is the file name given to Parse, used in diagnostics.
	Source string
}

// EffectiveVersion returns the Version value, or "" when absent.
func (d *Document) EffectiveVersion() string {
	if d == nil || d.Version == nil {
		return ""
	}
	return d.Version.Value
}

// VariablesEnabled reports whether policy variables are substituted:
// only under Version 2012-10-17; otherwise ${...} is literal text.
func (d *Document) VariablesEnabled() bool {
	return d.EffectiveVersion() == Version2012
}
