package batch

import (
	"hash/maphash"
	"sync"

	"github.com/agentiam/agentiam/eval"
)

// Cache holds compiled policies keyed by their exact JSON text and the
// field that holds them (a compiled policy names its field in traces, so
// the same text under another field is another entry: --explain output
// must not depend on which line or worker compiled a policy first), shared
// by the workers of a run and safe for concurrent use. A policy is
// admitted the second time its text is seen, so that a load in which
// no policy repeats does not fill the cache with ones never asked for
// again. One cache for all workers keeps each repeated policy once
// (a compiled policy with its document takes about ten times its text).
type Cache struct {
	mu       sync.RWMutex
	policies map[cacheKey]*eval.Policy
	bytes    int

	seenMu sync.Mutex
	seen   map[uint64]struct{} // hashes of policy texts seen once
	seed   maphash.Seed
}

// cacheKey is a policy's field ("identityPolicies[0]") and JSON text.
type cacheKey struct{ field, text string }

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
	return &Cache{policies: map[cacheKey]*eval.Policy{}, seen: map[uint64]struct{}{}, seed: maphash.MakeSeed()}
}

// get returns the cached policy of the text, or nil.
func (c *Cache) get(field, text string) *eval.Policy {
	c.mu.RLock()
	p := c.policies[cacheKey{field, text}]
	c.mu.RUnlock()
	return p
}

// seenBefore records the text and reports whether it was seen before.
func (c *Cache) seenBefore(field, text string) bool {
	h := maphash.String(c.seed, text) ^ maphash.String(c.seed, field)
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
func (c *Cache) put(field, text string, p *eval.Policy) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.policies) >= maxCachedPolicies || c.bytes+len(text) > maxCachedBytes {
		clear(c.policies)
		c.bytes = 0
	}
	if k := (cacheKey{field, text}); c.policies[k] == nil {
		c.policies[k] = p
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
