package batch

import (
	"hash/maphash"
	"strings"
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
//
// A policy of prefixLen bytes or more is found from where it starts in a
// line, before its end is known (lookupAt): its first prefixLen bytes
// give a few candidates, and a candidate whose whole text the line holds
// from there is the policy, since a JSON object ends where its text
// ends. The scanner then skips its bytes instead of reading them.
type Cache struct {
	mu    sync.RWMutex
	long  map[prefixKey]*cacheEntry // texts of prefixLen bytes or more
	short map[cacheKey]*eval.Policy // shorter texts
	count int
	bytes int // of memory, see maxCachedBytes

	seenMu sync.Mutex
	seen   map[uint64]struct{} // hashes of policy texts seen once
	seed   maphash.Seed
}

// cacheKey is a policy's field ("identityPolicies[0]") and JSON text.
type cacheKey struct{ field, text string }

// prefixKey is a policy's field and the hash of its first prefixLen bytes.
type prefixKey struct {
	field string
	hash  uint64
}

// cacheEntry is one of the policies that share a prefixKey.
type cacheEntry struct {
	text string
	p    *eval.Policy
	next *cacheEntry
}

// prefixLen is the length of the prefix that keys a long policy. The
// policies of a generated load share their first 64 bytes by the
// hundred ({"Version":"2012-10-17","Statement":[{"Sid":"...), their first
// 128 by two dozen at most.
const prefixLen = 128

// The cache evicts policies (see evict) to hold at most
// maxCachedPolicies policies and maxCachedBytes of memory: the policies'
// texts and what their compiled form and document hold
// (eval.Policy.Bytes), some 7 to 10 times the text on generated loads,
// more for policies of many short values. Bounding the text alone (at
// 8 MB) let the cache hold 70-90 MB of larger policies, which took a
// batch run to 340 MB without the CLI's soft memory limit (issue 12).
// 48 MB holds the repeating generated load whole (some 1,200 policies,
// 30 MB) and one of 800 principals (~55 MB of policies mostly held:
// 0.80 s, as with the text bound, against 1.9 s at 32 MB), and keeps a
// batch run's peak RSS at 140-170 MB on loads that overflow it, with or
// without the soft memory limit (at 64 MB: ~200 MB, held by the limit). The set
// of texts seen once is emptied at maxSeenPolicies.
const (
	maxCachedPolicies = 8192
	maxCachedBytes    = 48 << 20
	maxSeenPolicies   = 1 << 16
)

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{
		long:  map[prefixKey]*cacheEntry{},
		short: map[cacheKey]*eval.Policy{},
		seen:  map[uint64]struct{}{},
		seed:  maphash.MakeSeed(),
	}
}

// lookupAt returns the cached policy of the field whose text starts s,
// with its length, or nil when none does or its text is shorter than
// prefixLen.
func (c *Cache) lookupAt(field, s string) (*eval.Policy, int) {
	if len(s) < prefixLen {
		return nil, 0
	}
	k := prefixKey{field, maphash.String(c.seed, s[:prefixLen])}
	c.mu.RLock()
	defer c.mu.RUnlock()
	for e := c.long[k]; e != nil; e = e.next {
		if strings.HasPrefix(s, e.text) {
			return e.p, len(e.text)
		}
	}
	return nil, 0
}

// get returns the cached policy of the text, or nil.
func (c *Cache) get(field, text string) *eval.Policy {
	if len(text) >= prefixLen {
		if p, n := c.lookupAt(field, text); n == len(text) {
			return p
		}
		return nil
	}
	c.mu.RLock()
	p := c.short[cacheKey{field, text}]
	c.mu.RUnlock()
	return p
}

// seenBefore records the text and reports whether it was seen before.
// A text is known by its field, its length and its first prefixLen and
// last 64 bytes, not all of it: two texts alike in all these only make
// the second one cached at once (the cache itself compares whole texts).
func (c *Cache) seenBefore(field, text string) bool {
	head, tail := text[:min(len(text), prefixLen)], text[max(0, len(text)-64):]
	h := maphash.String(c.seed, head) ^ maphash.String(c.seed, tail)*31 ^
		maphash.String(c.seed, field)*961 ^ uint64(len(text))
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
	n := len(text) + p.Bytes()
	if len(text) < prefixLen {
		k := cacheKey{field, text}
		if c.short[k] == nil {
			c.evict(n)
			c.short[k] = p
			c.count++
			c.bytes += n
		}
		return
	}
	k := prefixKey{field, maphash.String(c.seed, text[:prefixLen])}
	for e := c.long[k]; e != nil; e = e.next {
		if e.text == text {
			return
		}
	}
	c.evict(n)
	c.long[k] = &cacheEntry{text: text, p: p, next: c.long[k]}
	c.count++
	c.bytes += n
}

// evict makes room for one more policy of n bytes, removing cached ones
// picked at random (ranging over a map starts at a random entry), long
// ones first. A load whose repeated policies take more than the cache
// holds keeps part of them cached: emptying the whole cache when full
// kept none of a cycle longer than the cache (each was evicted before
// it came back), which made a generated load of 800 principals (55 MB
// of policies) three times slower than with room for all.
func (c *Cache) evict(n int) {
	room := func() bool { return c.count < maxCachedPolicies && c.bytes+n <= maxCachedBytes }
	for k, e := range c.long {
		if room() {
			return
		}
		delete(c.long, k)
		for ; e != nil; e = e.next {
			c.count--
			c.bytes -= len(e.text) + e.p.Bytes()
		}
	}
	for k, p := range c.short {
		if room() {
			return
		}
		delete(c.short, k)
		c.count--
		c.bytes -= len(k.text) + p.Bytes()
	}
}

// reset empties the cache and forgets every text seen.
func (c *Cache) reset() {
	c.mu.Lock()
	clear(c.long)
	clear(c.short)
	c.count, c.bytes = 0, 0
	c.mu.Unlock()
	c.seenMu.Lock()
	clear(c.seen)
	c.seenMu.Unlock()
}
