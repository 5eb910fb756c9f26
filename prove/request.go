package prove

import (
	"slices"
	"strings"

	"github.com/agentiam/agentiam/eval"
)

// Request is a concrete authorization request in the schema of
// `agentiam simulate --batch` (without the policies): every context key
// the decisions depend on is set explicitly, derived keys included.
type Request struct {
	Principal string `json:"principal"`
	Action    string `json:"action"`
	Resource  string `json:"resource"`
	// ResourceAccount is set for resource policies, whose requests are
	// made cross-account so that the resource policy alone decides.
	ResourceAccount string              `json:"resourceAccount,omitempty"`
	Context         map[string][]string `json:"context"`
}

// Eval returns the request for package eval.
func (r *Request) Eval() *eval.Request {
	return &eval.Request{
		Principal:       r.Principal,
		Action:          r.Action,
		Resource:        r.Resource,
		ResourceAccount: r.ResourceAccount,
		Context:         eval.ContextOf(r.Context),
	}
}

// identityAccount is the account of the principal ("" for a service or
// web identity principal).
func (r *Request) identityAccount() string {
	if isAccount(r.Principal) {
		return r.Principal
	}
	if rest, ok := strings.CutPrefix(r.Principal, "arn:"); ok {
		if account, ok := field(rest, 3); ok && strings.Count(rest, ":") >= 4 {
			return account
		}
	}
	return ""
}

// field returns the i-th of the colon-separated fields of s, without
// splitting s; false when s has fewer.
func field(s string, i int) (string, bool) {
	for ; i > 0; i-- {
		j := strings.IndexByte(s, ':')
		if j < 0 {
			return "", false
		}
		s = s[j+1:]
	}
	f, _, _ := strings.Cut(s, ":")
	return f, true
}

// ContextKeys returns the context's keys, sorted.
func (r *Request) ContextKeys() []string {
	keys := make([]string, 0, len(r.Context))
	for k := range r.Context {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// arnAccount is the account segment of an ARN, "" when there is none.
func arnAccount(s string) string {
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok || strings.Count(rest, ":") < 4 {
		return ""
	}
	account, _ := field(rest, 3)
	return account
}
