// Package accessdenied reads AccessDenied messages as AWS prints them (CLI,
// SDKs, CloudTrail errorMessage) and says who was denied, by which kind of
// policy, for which action and resource.
package accessdenied

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/agentiam/agentiam/policy"
)

// ErrUnrecognized is wrapped when the text holds no AccessDenied message.
var ErrUnrecognized = errors.New("not an AWS AccessDenied message")

var policyTypes = []policy.Kind{policy.Identity, policy.Resource, policy.SCP, policy.RCP, policy.Boundary, policy.Session, policy.VPCEndpoint}

// Message is a parsed AccessDenied message.
type Message struct {
	Principal string // the ARN after "User:"
	Action    string
	Resource  string // "" when the message names none
	// PolicyType is Unknown for the older form that gives no reason.
	PolicyType policy.Kind
	// Explicit is true for "with an explicit deny in ...", false for
	// "because no ... allows ...".
	Explicit bool
	// PolicyARN is the denying policy when AWS names it.
	PolicyARN string
	// Operation and ErrorCode come from an SDK or CLI wrapper when present:
	// "An error occurred (AccessDeniedException) when calling the X operation: ...".
	Operation string
	ErrorCode string
}

var reWrapper = regexp.MustCompile(`An error occurred \(([A-Za-z]+)\) when calling the ([A-Za-z0-9]+) operation`)

const expected = "expected text like \"User: arn:aws:sts::123456789012:assumed-role/Role/session is not authorized to perform: service:Action on resource: arn:... because no identity-based policy allows the service:Action action\""

// Parse extracts the AccessDenied message from text: a bare message, a CLI
// or SDK error line, or a CloudTrail event (JSON with errorMessage).
func Parse(text string) (Message, error) {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "{") {
		if inner, ok := cloudTrailMessage(text); ok {
			text = inner
		}
	}
	var m Message
	if w := reWrapper.FindStringSubmatch(text); w != nil {
		m.ErrorCode, m.Operation = w[1], w[2]
	}
	i := strings.Index(text, "User: ")
	if i < 0 {
		return Message{}, fmt.Errorf("%w: no \"User: \" in the text; %s", ErrUnrecognized, expected)
	}
	rest := text[i+len("User: "):]
	m.Principal, rest = token(rest)
	const notAuth = "is not authorized to perform:"
	rest = strings.TrimSpace(rest)
	if !strings.HasPrefix(rest, notAuth) {
		return Message{}, fmt.Errorf("%w: no %q after the principal; %s", ErrUnrecognized, notAuth, expected)
	}
	m.Action, rest = token(strings.TrimSpace(rest[len(notAuth):]))
	if !strings.Contains(m.Action, ":") {
		return Message{}, fmt.Errorf("%w: %q is not a service:Action name; %s", ErrUnrecognized, m.Action, expected)
	}
	rest = strings.TrimSpace(rest)
	if r, ok := strings.CutPrefix(rest, "on resource:"); ok {
		m.Resource, rest = token(strings.TrimSpace(r))
		rest = strings.TrimSpace(rest)
	}
	rest = strings.TrimPrefix(rest, ", ")
	switch {
	case strings.HasPrefix(rest, "because no "):
		r := strings.TrimPrefix(rest, "because no ")
		j := strings.Index(r, " allows the ")
		if j < 0 {
			return Message{}, fmt.Errorf("%w: cannot read the reason %q", ErrUnrecognized, rest)
		}
		m.PolicyType = policyType(r[:j])
	case strings.HasPrefix(rest, "with an explicit deny in "):
		r := strings.TrimPrefix(rest, "with an explicit deny in ")
		r = strings.TrimPrefix(strings.TrimPrefix(r, "an "), "a ")
		m.Explicit = true
		kind := r
		if j := strings.Index(r, ": arn:"); j >= 0 {
			kind = r[:j]
			m.PolicyARN, _ = token(r[j+2:])
		} else if j := strings.IndexAny(r, ".\"\n"); j >= 0 {
			kind = r[:j]
		}
		m.PolicyType = policyType(kind)
	}
	return m, nil
}

// token returns the first whitespace-delimited word of s without
// surrounding quotes or trailing sentence punctuation, and the rest.
func token(s string) (string, string) {
	end := strings.IndexAny(s, " \t\n")
	if end < 0 {
		end = len(s)
	}
	w := strings.Trim(s[:end], `"'`)
	w = strings.TrimRight(w, ".,;\"")
	return w, s[end:]
}

func policyType(s string) policy.Kind {
	s = strings.TrimSpace(s)
	for _, t := range policyTypes {
		if strings.EqualFold(s, t.AWSName()) {
			return t
		}
	}
	// AWS has used "identity-based policies" and "a permissions boundary policy".
	low := strings.ToLower(s)
	for _, t := range policyTypes {
		if strings.Contains(low, strings.ToLower(t.AWSName())) {
			return t
		}
	}
	return policy.KindUnknown
}

// cloudTrailMessage returns the errorMessage of a CloudTrail event, or of
// the first record of a {"Records":[...]} file.
func cloudTrailMessage(text string) (string, bool) {
	var ev struct {
		ErrorMessage string `json:"errorMessage"`
		Records      []struct {
			ErrorMessage string `json:"errorMessage"`
		}
	}
	if json.Unmarshal([]byte(text), &ev) != nil {
		return "", false
	}
	if ev.ErrorMessage != "" {
		return ev.ErrorMessage, true
	}
	for _, r := range ev.Records {
		if r.ErrorMessage != "" {
			return r.ErrorMessage, true
		}
	}
	return "", false
}
