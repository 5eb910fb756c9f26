// Package format defines the catalog's embedded binary format and its
// encoder: internal/gen fills the model from the npm package and the
// catalog package decodes what Encode writes (see catalog/decode.go for
// the layout).
package format

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
)

// Magic and Version open the file; VarMark stands for a variable part of
// a condition key template in ConditionKey.Match and cannot occur in a key.
const (
	Magic   = "AGIAMCAT"
	Version = 2
	VarMark = "\x00"
)

type writer struct{ bytes.Buffer }

func (w *writer) uvarint(v int) {
	w.Write(binary.AppendUvarint(nil, uint64(v)))
}

func (w *writer) str(s string) {
	w.uvarint(len(s))
	w.WriteString(s)
}

// Encode writes the whole catalog file.
func Encode(cat *Catalog) ([]byte, error) {
	var blobs bytes.Buffer
	var index writer
	index.str(cat.Version)
	index.uvarint(len(cat.Services))
	svcIndex := map[string]int{}
	for i, s := range cat.Services {
		index.str(s.Prefix)
		if err := writeBlob(&index, &blobs, EncodeService(s)); err != nil {
			return nil, err
		}
		svcIndex[s.Prefix] = i
	}

	index.uvarint(len(cat.Globals))
	for _, k := range cat.Globals {
		index.str(k.Key)
		index.str(k.Type)
		index.str(k.Match)
	}

	index.uvarint(len(cat.RCP))
	for _, p := range cat.RCP {
		i, ok := svcIndex[p]
		if !ok {
			return nil, fmt.Errorf("RCP-supported service %q is not in the catalog", p)
		}
		index.uvarint(i)
	}

	writeGroups(&index, arnServiceIndex(cat))
	groups, err := keyPrefixIndex(cat)
	if err != nil {
		return nil, err
	}
	writeGroups(&index, groups)

	// The outlines come after every service, so that decoding all of
	// them reads one contiguous stretch of the file.
	index.uvarint(len(cat.Services))
	for _, s := range cat.Services {
		if err := writeBlob(&index, &blobs, EncodeOutline(s)); err != nil {
			return nil, err
		}
	}

	var out writer
	out.WriteString(Magic)
	out.WriteByte(Version)
	out.uvarint(index.Len())
	out.Write(index.Bytes())
	out.Write(blobs.Bytes())
	return out.Bytes(), nil
}

// writeBlob compresses raw into blobs and records where in the index:
// offset, compressed length, raw length.
func writeBlob(index *writer, blobs *bytes.Buffer, raw []byte) error {
	var z bytes.Buffer
	fw, err := flate.NewWriter(&z, flate.BestCompression)
	if err != nil {
		return err
	}
	if _, err := fw.Write(raw); err != nil {
		return err
	}
	if err := fw.Close(); err != nil {
		return err
	}
	index.uvarint(blobs.Len())
	index.uvarint(z.Len())
	index.uvarint(len(raw))
	blobs.Write(z.Bytes())
	return nil
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
func arnServiceIndex(cat *Catalog) []group {
	m := map[string][]int{}
	for i, s := range cat.Services {
		for _, rt := range s.ResourceTypes {
			seg := strings.ToLower(strings.SplitN(rt.ARN, ":", 4)[2])
			if seg != s.Prefix && !strings.Contains(seg, "${") {
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
func keyPrefixIndex(cat *Catalog) ([]group, error) {
	m := map[string][]int{}
	for i, s := range cat.Services {
		for _, k := range s.Keys {
			kp, _, _ := strings.Cut(strings.ToLower(k.Key), ":")
			switch {
			case kp == "aws":
				if !globalCovers(cat.Globals, k.Key) {
					return nil, fmt.Errorf("%s: key %q is not a global condition key", s.Prefix, k.Key)
				}
				continue
			case strings.Contains(kp, "${"):
				kp = ""
			case kp == s.Prefix:
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
func globalCovers(globals []ConditionKey, key string) bool {
	for _, g := range globals {
		if strings.EqualFold(g.Key, key) {
			return true
		}
		if g.Match != "" {
			lit := strings.TrimSuffix(g.Match, VarMark)
			if i := strings.Index(key, "${"); i >= 0 && strings.EqualFold(key[:i], lit) {
				return true
			}
		}
	}
	return false
}

// EncodeService returns one service, uncompressed: a string table followed by the body,
// which refers to strings by table index.
func EncodeService(s *Service) []byte {
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

	ref(s.Name)
	body.uvarint(len(s.ResourceTypes))
	for _, rt := range s.ResourceTypes {
		ref(rt.Name)
		ref(rt.ARN)
		list(rt.Keys)
	}
	body.uvarint(len(s.Keys))
	for _, k := range s.Keys {
		ref(k.Key)
		ref(k.Type)
		ref(k.Match)
	}
	body.uvarint(len(s.Actions))
	resources := 0
	for _, a := range s.Actions {
		ref(a.Name)
		ref(a.Access)
		body.uvarint(len(a.Resources))
		resources += len(a.Resources)
		for _, r := range a.Resources {
			body.uvarint(r.ResourceType)
			if r.Required {
				body.WriteByte(1)
			} else {
				body.WriteByte(0)
			}
			list(r.Keys)
			list(r.Deps)
		}
		list(a.Keys)
		list(a.Deps)
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

// EncodeOutline returns a service's outline, uncompressed: the ARN
// templates of its resource types and, for each action in order, its
// name and the indexes of its resource types, so that the actions can
// be told apart by name and resource without decoding the service.
func EncodeOutline(s *Service) []byte {
	var w writer
	w.uvarint(len(s.ResourceTypes))
	for _, rt := range s.ResourceTypes {
		w.str(rt.ARN)
	}
	w.uvarint(len(s.Actions))
	refs := 0
	for _, a := range s.Actions {
		refs += len(a.Resources)
	}
	w.uvarint(refs) // lets the decoder allocate the lists' backing array once
	for _, a := range s.Actions {
		w.str(a.Name)
		w.uvarint(len(a.Resources))
		for _, r := range a.Resources {
			w.uvarint(r.ResourceType)
		}
	}
	return w.Bytes()
}

// Catalog is what the catalog keeps of the npm package; descriptions are dropped.
type Catalog struct {
	Version  string
	Services []*Service     // sorted by prefix
	Globals  []ConditionKey // sorted by lowercase key
	RCP      []string       // sorted
}

type Service struct {
	Prefix, Name  string
	Actions       []Action       // sorted by lowercase name
	ResourceTypes []ResourceType // sorted by lowercase name
	Keys          []ConditionKey // sorted by lowercase key
}

type Action struct {
	Name, Access string
	Resources    []ActionResource // source order
	Keys, Deps   []string
}

type ActionResource struct {
	ResourceType int // index into Service.ResourceTypes
	Required     bool
	Keys, Deps   []string
}

type ResourceType struct {
	Name, ARN string
	Keys      []string
}

type ConditionKey struct {
	Key, Type string
	// Match is Key with each variable part replaced by VarMark, or ""
	// when the key has no variable part.
	Match string
}
