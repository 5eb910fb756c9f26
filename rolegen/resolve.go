package rolegen

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/catalog"
	"github.com/agentiam/agentiam/policy"
)

// resolver turns feature names, resource types and condition keys into
// catalog-checked text. The first failure is kept in err; it means the
// generator and the catalog disagree, which the tests catch.
type resolver struct {
	err     error
	actions map[feature][]string
	arns    catalog.Filler
	keys    map[string]string
}

func newResolver() *resolver {
	return &resolver{actions: map[feature][]string{}, keys: map[string]string{}}
}

func (r *resolver) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", ErrCatalog, fmt.Sprintf(format, args...))
	}
}

// actionsOf returns the feature's actions with the catalog's casing.
func (r *resolver) actionsOf(f feature) []string {
	if out, ok := r.actions[f]; ok {
		return out
	}
	names, ok := actionSets[f]
	if !ok {
		r.fail("no action set for feature %q", f)
	}
	out := make([]string, 0, len(names))
	for _, n := range names {
		a, err := catalog.LookupAction(n)
		if err != nil {
			r.fail("feature %s: %v", f, err)
			continue
		}
		out = append(out, a.FullName())
	}
	r.actions[f] = out
	return out
}

// where is the partition, region and account of a resource.
type where struct{ partition, region, account string }

// arn formats the catalog's ARN template of service/resourceType; ids
// fill the template's own variables (MemoryId, BucketName ...) in order.
func (r *resolver) arn(w where, service, resourceType string, ids ...string) string {
	s, err := r.arns.ARN(w.partition, w.region, w.account, service, resourceType, ids...)
	if err != nil {
		r.fail("%v", err)
	}
	return s
}

// key checks a condition key against the catalog and returns it with the
// catalog's casing.
func (r *resolver) key(k string) string {
	if out, ok := r.keys[k]; ok {
		return out
	}
	ck, ok := catalog.FindConditionKey(k)
	if !ok {
		r.fail("unknown condition key %q", k)
		return k
	}
	out := k
	if !strings.Contains(ck.Key, "${") {
		out = ck.Key
	}
	r.keys[k] = out
	return out
}

// stmt is a statement under construction.
type stmt struct {
	sid       string
	principal string // service principal, for trust and resource policies
	actions   []string
	resources []string
	conds     []cond

	// principalAWS is an AWS principal (an account's root, a role or a
	// user), for the resource policies of AgentCore resources.
	principalAWS string
}

type cond struct {
	op, key string
	values  []string
}

// allow starts a statement granting a feature's actions on resources.
func (r *resolver) allow(sid string, f feature, resources ...string) *stmt {
	return &stmt{sid: sid, actions: r.actionsOf(f), resources: dedupe(resources)}
}

// when adds a condition; the key is checked against the catalog.
func (r *resolver) when(s *stmt, op, key string, values ...string) *stmt {
	s.conds = append(s.conds, cond{op: op, key: r.key(key), values: values})
	return s
}

func dedupe(values []string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// statement converts to the policy model.
func (s *stmt) statement() *policy.Statement {
	st := policy.NewStatement(s.sid, policy.EffectAllow)
	if s.principal != "" {
		st.Principal = policy.NewPrincipal(policy.PrincipalService, s.principal)
	}
	if s.principalAWS != "" {
		st.Principal = policy.NewPrincipal(policy.PrincipalAWS, s.principalAWS)
	}
	st.Action = policy.NewStringList(s.actions...)
	if len(s.resources) > 0 {
		st.Resource = policy.NewStringList(s.resources...)
	}
	for _, c := range s.conds {
		st.AddCondition(c.op, c.key, c.values...)
	}
	return st
}

// sids hands out unique statement ids within one document.
type sids map[string]bool

// take returns base, or base with the smallest number appended that is
// still free. Sids are alphanumeric, as IAM requires.
func (u sids) take(base string) string {
	sid := base
	for n := 2; u[sid]; n++ {
		sid = fmt.Sprintf("%s%d", base, n)
	}
	u[sid] = true
	return sid
}

// camel turns a name into an alphanumeric CamelCase fragment for a Sid:
// "support-kb-docs" -> "SupportKbDocs".
func camel(name string) string {
	var b strings.Builder
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		isAlnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !isAlnum {
			upper = true
			continue
		}
		if upper && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		upper = false
		b.WriteByte(c)
	}
	return b.String()
}
