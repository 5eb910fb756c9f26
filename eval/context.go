package eval

import (
	"slices"
	"strings"
)

// Context holds the request context keys and their values. Keys are
// case-insensitive, as in policies; values are case-sensitive strings,
// as AWS sends them (a multivalued key such as aws:TagKeys has several).
// The zero value is an empty context.
type Context struct {
	entries []contextEntry
}

type contextEntry struct {
	key    string // lowercase
	values []string
}

// ContextOf builds a context from a map; later keys that differ only in
// case from earlier ones (in sorted order) replace them.
func ContextOf(m map[string][]string) Context {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var c Context
	c.entries = make([]contextEntry, 0, len(m))
	for _, k := range keys {
		c.Set(k, m[k]...)
	}
	return c
}

// Set gives key the values, replacing any earlier values of the key.
// An empty list is kept: the key is present with no value, which the
// set operators treat as an empty set.
func (c *Context) Set(key string, values ...string) {
	key = lowerASCII(key)
	for i := range c.entries {
		if c.entries[i].key == key {
			c.entries[i].values = values
			return
		}
	}
	c.entries = append(c.entries, contextEntry{key: key, values: values})
}

// Grow makes room for n more keys, so that setting them allocates once.
func (c *Context) Grow(n int) { c.entries = slices.Grow(c.entries, n) }

// Reset empties the context, keeping its memory for the keys set next
// (a batch fills one context per request).
func (c *Context) Reset() {
	clear(c.entries)
	c.entries = c.entries[:0]
}

// Get returns the values of key (case-insensitive) and whether it is present.
func (c *Context) Get(key string) ([]string, bool) {
	return c.get(lowerASCII(key))
}

// Len is the number of keys.
func (c *Context) Len() int { return len(c.entries) }

// Keys returns the keys in lowercase, in insertion order.
func (c *Context) Keys() []string {
	out := make([]string, len(c.entries))
	for i, e := range c.entries {
		out[i] = e.key
	}
	return out
}

func (c *Context) get(lowerKey string) ([]string, bool) {
	for i := range c.entries {
		if c.entries[i].key == lowerKey {
			return c.entries[i].values, true
		}
	}
	return nil, false
}

// lowerASCII lowercases ASCII letters, allocating only when s has any.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
