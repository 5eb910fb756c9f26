// Package arn parses Amazon Resource Names and matches IAM wildcard
// patterns against ARNs and action names the way AWS does.
package arn

import (
	"errors"
	"fmt"
	"strings"
)

// ErrMalformed is wrapped by every error from Parse.
var ErrMalformed = errors.New("malformed ARN")

// Partitions AWS knows; Parse accepts any non-empty partition text so
// that new partitions do not break parsing, KnownPartition says which are real.
var partitions = map[string]bool{"aws": true, "aws-cn": true, "aws-us-gov": true, "aws-iso": true, "aws-iso-b": true, "aws-iso-e": true, "aws-iso-f": true, "aws-eusc": true}

// KnownPartition reports whether p is an AWS partition name.
func KnownPartition(p string) bool { return partitions[p] }

// ARN is a parsed ARN: arn:partition:service:region:account:resource.
type ARN struct {
	Partition string
	Service   string
	Region    string
	Account   string
	// Resource is everything after the fifth colon, colons included.
	Resource string
}

// Parse splits s into its six components. The resource part may itself
// contain colons and slashes.
func Parse(s string) (ARN, error) {
	if !strings.HasPrefix(s, "arn:") {
		return ARN{}, fmt.Errorf("%w: %q does not start with \"arn:\"", ErrMalformed, s)
	}
	var parts [5]string
	rest := s[4:]
	for i := 0; i < 4; i++ {
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return ARN{}, fmt.Errorf("%w: %q has %d of the 6 colon-separated parts (arn:partition:service:region:account:resource)", ErrMalformed, s, i+1)
		}
		parts[i] = rest[:j]
		rest = rest[j+1:]
	}
	parts[4] = rest
	a := ARN{Partition: parts[0], Service: parts[1], Region: parts[2], Account: parts[3], Resource: parts[4]}
	switch {
	case a.Partition == "":
		return ARN{}, fmt.Errorf("%w: %q has an empty partition", ErrMalformed, s)
	case a.Service == "":
		return ARN{}, fmt.Errorf("%w: %q has an empty service", ErrMalformed, s)
	case a.Resource == "":
		return ARN{}, fmt.Errorf("%w: %q has an empty resource", ErrMalformed, s)
	}
	return a, nil
}

// String reassembles the ARN.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

// ResourceType returns the part of Resource before the first '/' or ':'
// ("function" in "function:name", "role" in "role/path/name"), or "" when
// the resource has no type prefix (an S3 bucket name).
func (a ARN) ResourceType() string {
	if i := strings.IndexAny(a.Resource, "/:"); i >= 0 {
		return a.Resource[:i]
	}
	return ""
}

// Match reports whether the IAM resource pattern matches the ARN value,
// as the Resource element and the Arn* condition operators do: the
// partition, service, region and account segments are matched separately
// (a wildcard there never crosses a colon), and the resource segment is
// matched as a whole, where '*' may span ':' and '/'. Matching is case-sensitive.
func Match(pattern, value string) bool {
	if pattern == "*" {
		return true
	}
	for i := 0; i < 5; i++ {
		pi := strings.IndexByte(pattern, ':')
		vi := strings.IndexByte(value, ':')
		if pi < 0 {
			// The pattern has fewer segments than an ARN: its last segment
			// may still end in '*', which then covers the rest of the value.
			return strings.HasSuffix(pattern, "*") && Wildcard(pattern, value)
		}
		if vi < 0 {
			return false
		}
		if !Wildcard(pattern[:pi], value[:vi]) {
			return false
		}
		pattern, value = pattern[pi+1:], value[vi+1:]
	}
	return Wildcard(pattern, value)
}

// Wildcard reports whether s matches pattern, where '*' matches any run
// of characters (including none) and '?' exactly one. Case-sensitive.
func Wildcard(pattern, s string) bool {
	return wildcard(pattern, s, false)
}

// WildcardFold is Wildcard ignoring ASCII case, as action names are matched.
func WildcardFold(pattern, s string) bool {
	return wildcard(pattern, s, true)
}

func wildcard(p, s string, fold bool) bool {
	// Iterative glob with single-star backtracking: linear in practice,
	// O(len(p)*len(s)) worst case, no recursion.
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		if pi < len(p) {
			c := p[pi]
			switch {
			case c == '*':
				star, mark = pi, si
				pi++
				continue
			case c == '?' || c == s[si] || (fold && lower(c) == lower(s[si])):
				pi++
				si++
				continue
			}
		}
		if star < 0 {
			return false
		}
		pi = star + 1
		mark++
		si = mark
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
