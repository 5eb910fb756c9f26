package audit

import (
	"fmt"
	"sync"

	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
)

// compiled is a policy with its name and, built on first use, its loose
// form: the Allow statements alone, without conditions, which say what
// the policy would grant if no deny, boundary or condition stood in the way.
type compiled struct {
	name string
	kind policy.Kind
	doc  *policy.Document
	pol  *eval.Policy
	// synthetic: a policy the audit supplies for the other side of a
	// request (a key policy, an outsider's identity policy), not one of
	// the account's, so never named as granting a finding.
	synthetic bool

	once  sync.Once
	loose *eval.Policy
	err   error
}

func compile(name string, kind policy.Kind, doc *policy.Document) (*compiled, error) {
	p, err := eval.Compile(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInput, name, err)
	}
	return &compiled{name: name, kind: kind, doc: doc, pol: p}, nil
}

// strict reports whether the policy has a Deny statement or a condition,
// which its loose form drops.
func strict(doc *policy.Document) bool {
	for _, st := range doc.Statements {
		if st.Effect.Value != policy.EffectAllow || st.Condition != nil {
			return true
		}
	}
	return false
}

// loosened returns the loose form (the policy itself when it has
// nothing to drop).
func (c *compiled) loosened() (*eval.Policy, error) {
	c.once.Do(func() {
		if !strict(c.doc) {
			c.loose = c.pol
			return
		}
		d := policy.NewDocument()
		for _, st := range c.doc.Statements {
			if st.Effect.Value != policy.EffectAllow {
				continue
			}
			cl := st.Clone()
			cl.Condition = nil
			d.Add(cl)
		}
		c.loose, c.err = eval.Compile(d)
	})
	return c.loose, c.err
}

// sharedPolicies holds the compiled AWS managed policies, by ARN and
// version, across the accounts of an organization: they are the same
// documents in every account.
type sharedPolicies struct {
	mu sync.Mutex
	m  map[string]*compiled
}

func (s *sharedPolicies) get(key string, build func() (*compiled, error)) (*compiled, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.m[key]; ok {
		return c, nil
	}
	c, err := build()
	if err != nil {
		return nil, err
	}
	if s.m == nil {
		s.m = map[string]*compiled{}
	}
	s.m[key] = c
	return c, nil
}
