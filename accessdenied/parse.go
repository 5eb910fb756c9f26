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

// ErrEncoded is wrapped when the text is an encoded authorization
// failure message without the readable form: it must be decoded first.
var ErrEncoded = errors.New("the AccessDenied message is encoded")

// policyTypes are the kinds a message names, in the order their names
// are looked for in a reason that does not name one exactly.
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
	// Ciphertext is true when the message names "the resource associated
	// with this ciphertext" (AWS KMS) instead of a key ARN.
	Ciphertext bool
	// Through is the policy type a transitive denial went through ("with
	// an explicit deny in a VPC endpoint policy transitively through a
	// service control policy": PolicyType SCP, Through VPCEndpoint).
	Through policy.Kind
	// PolicyARN is the denying policy when AWS names it.
	PolicyARN string
	// Decoded is true for a message read from a decoded authorization
	// message, which says whether the deny was explicit but not which
	// policy type denied; Context holds its request's condition keys.
	Decoded bool
	Context map[string][]string
	// Operation and ErrorCode come from an SDK or CLI wrapper when present:
	// "An error occurred (AccessDeniedException) when calling the X operation: ...".
	Operation string
	ErrorCode string
}

var reWrapper = regexp.MustCompile(`An error occurred \(([A-Za-z]+)\) when calling the ([A-Za-z0-9]+) operation`)

const expected = "expected text like \"User: arn:aws:sts::123456789012:assumed-role/Role/session is not authorized to perform: service:Action on resource: arn:... because no identity-based policy allows the service:Action action\""

// Parse extracts the AccessDenied message from text: a bare message, a CLI
// or SDK error line, a CloudTrail event (JSON with errorMessage), or an
// authorization message decoded with aws sts decode-authorization-message
// (see parseDecoded). An encoded authorization message alone (EC2's
// UnauthorizedOperation) is an error wrapping ErrEncoded that says how
// to decode it.
func Parse(text string) (Message, error) {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "{") {
		if m, ok, err := parseDecoded(text); ok {
			return m, err
		}
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
		if strings.Contains(text, encodedMarker) {
			return Message{}, fmt.Errorf("%w: %s", ErrEncoded, decodeAdvice)
		}
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
	} else if r, ok := strings.CutPrefix(rest, ciphertextResource); ok {
		// AWS KMS names no key for a ciphertext's operation: "... is not
		// authorized to perform: kms:Decrypt on the resource associated
		// with this ciphertext because no identity-based policy allows
		// the kms:Decrypt action" (IAM Identity Center User Guide,
		// Troubleshoot customer managed keys,
		// https://docs.aws.amazon.com/singlesignon/latest/userguide/cmk-related-errors.html).
		m.Ciphertext, rest = true, strings.TrimSpace(r)
	}
	if err := m.readReason(strings.TrimPrefix(rest, ", ")); err != nil {
		return Message{}, err
	}
	return m, nil
}

// ciphertextResource is how AWS KMS names the key of a ciphertext it was
// asked to decrypt.
const ciphertextResource = "on the resource associated with this ciphertext"

// readReason reads the context AWS gives after the action and resource
// (IAM User Guide, Troubleshoot access denied error messages,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html):
// "because no TYPE allows the ACTION action" for an implicit deny,
// "with an explicit deny in a TYPE" for an explicit one, the latter
// followed by ": ARN" of the denying policy where AWS names it (same
// account or organization only). Nothing is the older form that gives
// no reason.
func (m *Message) readReason(rest string) error {
	switch {
	case hasPrefixFold(rest, "because no "), hasPrefixFold(rest, "because the "):
		// The guide's example of a role trust policy's implicit deny reads
		// "because the role trust policy allows the sts:AssumeRole action"
		// under the heading "Implicit denial"; it is read as one.
		r := rest[len("because "):]
		r = r[strings.Index(r, " ")+1:]
		j := strings.Index(r, " allows the ")
		if j < 0 {
			return fmt.Errorf("%w: cannot read the reason %q", ErrUnrecognized, rest)
		}
		m.PolicyType, _ = policyType(r[:j])
	case hasPrefixFold(rest, "with an explicit deny in "), hasPrefixFold(rest, "due to an explicit deny in "):
		// "due to ..." is how the guide quotes an SCP's denial.
		_, r, _ := strings.Cut(rest, " explicit deny in ")
		for _, article := range []string{"an ", "a ", "the "} {
			if hasPrefixFold(r, article) {
				r = r[len(article):]
				break
			}
		}
		m.Explicit = true
		kind := r
		if j := strings.Index(r, ": arn:"); j >= 0 {
			kind = r[:j]
			m.PolicyARN, _ = token(r[j+2:])
		} else if j := strings.IndexAny(r, ".\"\n"); j >= 0 {
			kind = r[:j]
		}
		m.PolicyType, m.Through = policyType(kind)
	}
	return nil
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
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

// policyType reads the policy type of a message's reason: AWS's words
// for it (policy.Kind.AWSName), "role trust policy" for a role's trust
// policy, and the variants the guide itself prints ("sessions policy").
// "X transitively through Y" (a request through a VPC endpoint denied by
// another policy: "with an explicit deny in a VPC endpoint policy
// transitively through a service control policy", whose fix the guide
// looks for in the SCPs) is Y, with X as through.
func policyType(s string) (kind, through policy.Kind) {
	s = strings.TrimSpace(s)
	if before, after, ok := strings.Cut(strings.ToLower(s), " transitively through "); ok {
		kind, _ = policyType(after)
		through, _ = policyType(before)
		return kind, through
	}
	for _, t := range policyTypes {
		if strings.EqualFold(s, t.AWSName()) {
			return t, policy.KindUnknown
		}
	}
	low := strings.ToLower(s)
	if strings.Contains(low, "trust policy") {
		return policy.Trust, policy.KindUnknown
	}
	// The guide's explicit session policy example says "a sessions policy".
	low = strings.ReplaceAll(low, "sessions policy", "session policy")
	// AWS has used "identity-based policies" and "a permissions boundary policy".
	for _, t := range policyTypes {
		if strings.Contains(low, strings.ToLower(t.AWSName())) {
			return t, policy.KindUnknown
		}
	}
	return policy.KindUnknown, policy.KindUnknown
}

// KindName is a policy kind in the words of an AccessDenied message: a
// role's trust policy is the "role trust policy" (policy.Kind.AWSName
// calls it a resource-based policy, which it is), KindUnknown "" as in
// AWSName.
func KindName(k policy.Kind) string {
	if k == policy.Trust {
		return "role trust policy"
	}
	return k.AWSName()
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
