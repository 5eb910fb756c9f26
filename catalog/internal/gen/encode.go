package main

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
)

// The binary format; catalog/decode.go reads it and documents it in full.
const (
	magic         = "AGIAMCAT"
	formatVersion = 1
)

type writer struct{ bytes.Buffer }

func (w *writer) uvarint(v int) {
	w.Write(binary.AppendUvarint(nil, uint64(v)))
}

func (w *writer) str(s string) {
	w.uvarint(len(s))
	w.WriteString(s)
}

func encode(cat *catalog) ([]byte, error) {
	var blobs bytes.Buffer
	var index writer
	index.str(cat.version)
	index.uvarint(len(cat.services))
	svcIndex := map[string]int{}
	for i, s := range cat.services {
		raw := encodeService(s)
		var z bytes.Buffer
		fw, err := flate.NewWriter(&z, flate.BestCompression)
		if err != nil {
			return nil, err
		}
		if _, err := fw.Write(raw); err != nil {
			return nil, err
		}
		if err := fw.Close(); err != nil {
			return nil, err
		}
		index.str(s.prefix)
		index.uvarint(blobs.Len())
		index.uvarint(z.Len())
		index.uvarint(len(raw))
		blobs.Write(z.Bytes())
		svcIndex[s.prefix] = i
	}

	index.uvarint(len(cat.globals))
	for _, k := range cat.globals {
		index.str(k.key)
		index.str(k.typ)
		index.str(k.match)
	}

	index.uvarint(len(cat.rcp))
	for _, p := range cat.rcp {
		index.uvarint(svcIndex[p])
	}

	writeGroups(&index, arnServiceIndex(cat))
	groups, err := keyPrefixIndex(cat)
	if err != nil {
		return nil, err
	}
	writeGroups(&index, groups)

	var out writer
	out.WriteString(magic)
	out.WriteByte(formatVersion)
	out.uvarint(index.Len())
	out.Write(index.Bytes())
	out.Write(blobs.Bytes())
	return out.Bytes(), nil
}

// group maps a lowercase name to service indexes.
type group struct {
	name     string
	services []int
}

func writeGroups(w *writer, groups []group) {
	w.uvarint(len(groups))
	for _, g := range groups {
		w.str(g.name)
		w.uvarint(len(g.services))
		for _, i := range g.services {
			w.uvarint(i)
		}
	}
}

func addToGroup(m map[string][]int, name string, svc int) {
	if !slices.Contains(m[name], svc) {
		m[name] = append(m[name], svc)
	}
}

func sortedGroups(m map[string][]int) []group {
	var out []group
	for name, svcs := range m {
		slices.Sort(svcs)
		out = append(out, group{name, svcs})
	}
	slices.SortFunc(out, func(a, b group) int { return strings.Compare(a.name, b.name) })
	return out
}

// arnServiceIndex lists, per ARN service segment, the services whose
// resource types use that segment although it is not their own prefix
// (ssm's "bucket" is an s3 ARN). Templates whose service segment is a
// variable (backup's recoveryPoint) are left out: they fit nearly any ARN.
func arnServiceIndex(cat *catalog) []group {
	m := map[string][]int{}
	for i, s := range cat.services {
		for _, rt := range s.resTypes {
			seg := strings.ToLower(strings.SplitN(rt.arn, ":", 4)[2])
			if seg != s.prefix && !strings.Contains(seg, "${") {
				addToGroup(m, seg, i)
			}
		}
	}
	return sortedGroups(m)
}

// keyPrefixIndex lists, per condition-key prefix (text before the first
// ':'), the services that define such keys although the prefix is not
// their own (sts defines "accounts.google.com:aud"). The name "" collects
// keys whose prefix has a variable part. "aws:" keys are left out: every
// one of them that a service lists is also a global key, checked here.
func keyPrefixIndex(cat *catalog) ([]group, error) {
	m := map[string][]int{}
	for i, s := range cat.services {
		for _, k := range s.keys {
			kp, _, _ := strings.Cut(strings.ToLower(k.key), ":")
			switch {
			case kp == "aws":
				if !globalCovers(cat.globals, k.key) {
					return nil, fmt.Errorf("%s: key %q is not a global condition key", s.prefix, k.key)
				}
				continue
			case strings.Contains(kp, "${"):
				kp = ""
			case kp == s.prefix:
				continue
			}
			addToGroup(m, kp, i)
		}
	}
	return sortedGroups(m), nil
}

// globalCovers reports whether a global key (or global template) has the
// same shape as the service key: same text, or both templates with the
// same text before the variable part.
func globalCovers(globals []condKey, key string) bool {
	for _, g := range globals {
		if strings.EqualFold(g.key, key) {
			return true
		}
		if g.match != "" {
			lit := strings.TrimSuffix(g.match, varMark)
			if i := strings.Index(key, "${"); i >= 0 && strings.EqualFold(key[:i], lit) {
				return true
			}
		}
	}
	return false
}

// encodeService writes one service: a string table followed by the body,
// which refers to strings by table index.
func encodeService(s *service) []byte {
	var body writer
	table := map[string]int{}
	var strs []string
	ref := func(v string) {
		i, ok := table[v]
		if !ok {
			i = len(strs)
			table[v] = i
			strs = append(strs, v)
		}
		body.uvarint(i)
	}
	refs := 0
	list := func(vs []string) {
		body.uvarint(len(vs))
		refs += len(vs)
		for _, v := range vs {
			ref(v)
		}
	}

	ref(s.name)
	body.uvarint(len(s.resTypes))
	for _, rt := range s.resTypes {
		ref(rt.name)
		ref(rt.arn)
		list(rt.keys)
	}
	body.uvarint(len(s.keys))
	for _, k := range s.keys {
		ref(k.key)
		ref(k.typ)
		ref(k.match)
	}
	body.uvarint(len(s.actions))
	resources := 0
	for _, a := range s.actions {
		ref(a.name)
		ref(a.access)
		body.uvarint(len(a.resources))
		resources += len(a.resources)
		for _, r := range a.resources {
			body.uvarint(r.resType)
			if r.required {
				body.WriteByte(1)
			} else {
				body.WriteByte(0)
			}
			list(r.keys)
			list(r.deps)
		}
		list(a.keys)
		list(a.deps)
	}

	var out writer
	out.uvarint(len(strs))
	for _, v := range strs {
		out.str(v)
	}
	// Totals let the decoder allocate each kind of backing array once.
	out.uvarint(resources)
	out.uvarint(refs)
	out.Write(body.Bytes())
	return out.Bytes()
}
