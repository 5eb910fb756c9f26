package eval

import "net/netip"

// ParseDate reads a Date condition value the way the Date operators do
// (ISO 8601 in the W3C profile AWS documents, or epoch seconds) and
// returns Unix nanoseconds.
func ParseDate(s string) (int64, bool) { return parseDate(s) }

// ParseIPPrefix reads an IpAddress condition value the way the IP
// operators do: a CIDR block (masked) or a single address.
func ParseIPPrefix(s string) (netip.Prefix, bool) { return parsePrefix(s) }
