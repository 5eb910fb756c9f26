package batch

import (
	"hash/maphash"
	"sync"

	"github.com/agentiam/agentiam/eval"
)

// Cache holds compiled policies keyed by their exact JSON text, shared
// by the workers of a run and safe for concurrent use. A policy is
// admitted the second time its text is seen, so that a load in which
// no policy repeats does not fill the cache with ones never asked for
// again. One cache for all workers keeps each repeated policy once
// (a compiled policy with its document takes about ten times its text).
type Cache struct {
	mu       sync.RWMutex
	policies map[string]*eval.Policy
	bytes    int

	seenMu sync.Mutex
	seen   map[uint64]struct{} // hashes of policy texts seen once
	seed   maphash.Seed
}

// The cache is emptied when it holds maxCachedPolicies policies or
// maxCachedBytes of policy text; the set of texts seen once is emptied
// at maxSeenPolicies.
const (
	maxCachedPolicies = 8192
	maxCachedBytes    = 8 << 20
	maxSeenPolicies   = 1 << 16
)

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{policies: map[string]*eval.Policy{}, seen: map[uint64]struct{}{}, seed: maphash.MakeSeed()}
}

// get returns the cached policy of the text, or nil.
func (c *Cache) get(text string) *eval.Policy {
	c.mu.RLock()
	p := c.policies[text]
	c.mu.RUnlock()
	return p
}

// seenBefore records the text and reports whether it was seen before.
func (c *Cache) seenBefore(text string) bool {
	h := maphash.String(c.seed, text)
	c.seenMu.Lock()
	defer c.seenMu.Unlock()
	if _, ok := c.seen[h]; ok {
		return true
	}
	if len(c.seen) >= maxSeenPolicies {
		clear(c.seen)
	}
	c.seen[h] = struct{}{}
	return false
}

// put caches the policy compiled from text (which must not share memory
// with a larger buffer).
func (c *Cache) put(text string, p *eval.Policy) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.policies) >= maxCachedPolicies || c.bytes+len(text) > maxCachedBytes {
		clear(c.policies)
		c.bytes = 0
	}
	if _, ok := c.policies[text]; !ok {
		c.policies[text] = p
		c.bytes += len(text)
	}
}

// reset empties the cache and forgets every text seen.
func (c *Cache) reset() {
	c.mu.Lock()
	clear(c.policies)
	c.bytes = 0
	c.mu.Unlock()
	c.seenMu.Lock()
	clear(c.seen)
	c.seenMu.Unlock()
}
