package catalog

//go:generate go run ./internal/gen

import (
	"compress/flate"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/agentiam/agentiam/catalog/internal/format"
)

// catalog.bin layout (written by internal/format). All integers are
// uvarints; str is a uvarint length followed by the bytes.
//
//	file    = format.Magic format.Version(byte) indexLen index blobs
//	index   = str(dataVersion)
//	          n { str(prefix) offset compressedLen rawLen }   services, sorted
//	          n { str(key) str(type) str(match) }             global keys
//	          n { serviceIndex }                              RCP-supported
//	          groups                                          foreign ARN service segments (literal ones)
//	          groups                                          foreign condition-key prefixes
//	          n { offset compressedLen rawLen }               outlines, parallel to services
//	groups  = n { str(name) n { serviceIndex } }
//	blobs   = one raw DEFLATE stream per service, then one per outline, at offset within blobs
//
// A service, inflated, is a string table followed by records that refer
// to it by index (ref):
//
//	service = n { str }  totalResources totalRefs  ref(name)
//	          n { ref(name) ref(arn) list(keys) }              resource types
//	          n { ref(key) ref(type) ref(match) }              condition keys
//	          n { ref(name) ref(access)                        actions
//	              n { resourceTypeIndex required(byte) list(keys) list(deps) }
//	              list(keys) list(deps) }
//	list    = n { ref }
//
// A match is the key with each variable part replaced by format.VarMark, or "".
//
// An outline, inflated, is what tells a service's actions apart by name
// and resource, for decoding without the rest of the service:
//
//	outline = n { str(arn) }                                  the resource types' templates
//	          n totalTypes { str(name) n { resourceTypeIndex } }   actions, in the service's order

//go:embed catalog.bin
var embedded string

// errCorrupt is wrapped by every decoding error; the embedded data is
// checked by the tests, so users only see it if the binary was tampered with.
var errCorrupt = errors.New("catalog: corrupt embedded data")

type entry struct {
	prefix            string
	off, clen, rawLen int
	once              sync.Once
	svc               atomic.Pointer[Service]
	err               error
}

// outlineEntry is where a service's outline is, and the outline once decoded.
type outlineEntry struct {
	off, clen, rawLen int
	once              sync.Once
	outline           atomic.Pointer[Outline]
	err               error
}

type index struct {
	version   string
	prefixes  []string // sorted
	entries   []*entry // parallel to prefixes
	byPrefix  map[string]int
	globals   []*ConditionKey // sorted by lowercase key
	globalTmp []*ConditionKey // the globals with a variable part
	rcp       []bool          // by service index
	arnGroups map[string][]int
	keyGroups map[string][]int
	outlines  []outlineEntry // parallel to entries
	blobs     string

	orderOnce sync.Once
	order     []int // see fullNameOrder
}

var (
	indexOnce sync.Once
	theIndex  *index
	indexErr  error
	// decodes counts service decodings, for tests.
	decodes atomic.Int64
)

// loadIndex parses the index on first use; a failure leaves an empty catalog.
func loadIndex() *index {
	indexOnce.Do(func() {
		theIndex, indexErr = parseIndex(embedded)
		if indexErr != nil {
			theIndex = &index{byPrefix: map[string]int{}}
		}
	})
	return theIndex
}

// reader decodes uvarints and strings with a sticky error; it never reads
// out of bounds, whatever the input.
type reader struct {
	s   string
	pos int
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s at offset %d", errCorrupt, what, r.pos)
	}
}

func (r *reader) uvarint() int {
	if r.err != nil {
		return 0
	}
	var v uint64
	for shift := 0; shift < 64; shift += 7 {
		if r.pos >= len(r.s) {
			r.fail("truncated number")
			return 0
		}
		b := r.s[r.pos]
		r.pos++
		v |= uint64(b&0x7f) << shift
		if b < 0x80 {
			if v > 1<<31 {
				r.fail("number out of range")
				return 0
			}
			return int(v)
		}
	}
	r.fail("number too long")
	return 0
}

// count reads an element count; each element takes at least a byte, so a
// count above the remaining length is corrupt (and would over-allocate).
func (r *reader) count() int {
	n := r.uvarint()
	if n > len(r.s)-r.pos {
		r.fail("count exceeds data")
		return 0
	}
	return n
}

func (r *reader) str() string {
	n := r.count()
	if r.err != nil {
		return ""
	}
	s := r.s[r.pos : r.pos+n]
	r.pos += n
	return s
}

func (r *reader) readByte() byte {
	if r.err == nil && r.pos >= len(r.s) {
		r.fail("truncated")
	}
	if r.err != nil {
		return 0
	}
	r.pos++
	return r.s[r.pos-1]
}

func (r *reader) ref(table []string) string {
	i := r.uvarint()
	if i >= len(table) {
		r.fail("string reference out of range")
		return ""
	}
	return table[i]
}

func parseIndex(data string) (*index, error) {
	if !strings.HasPrefix(data, format.Magic) || len(data) <= len(format.Magic) || data[len(format.Magic)] != format.Version {
		return nil, fmt.Errorf("%w: bad header", errCorrupt)
	}
	r := &reader{s: data, pos: len(format.Magic) + 1}
	n := r.count()
	if r.err != nil {
		return nil, r.err
	}
	idx := &index{blobs: data[r.pos+n:]}
	r = &reader{s: data[r.pos : r.pos+n]}
	idx.version = r.str()
	// Every command that reads the catalog parses the index: its arrays
	// and map are sized once, the entries share one backing array.
	services := r.count()
	backing := make([]entry, services)
	idx.byPrefix = make(map[string]int, services)
	idx.prefixes = make([]string, 0, services)
	idx.entries = make([]*entry, 0, services)
	for i := range services {
		e := &backing[i]
		e.prefix, e.off, e.clen, e.rawLen = r.str(), r.uvarint(), r.uvarint(), r.uvarint()
		if e.off+e.clen > len(idx.blobs) || e.off+e.clen < e.off || e.rawLen > 64<<20 {
			r.fail("service blob out of range")
		}
		if len(idx.prefixes) > 0 && e.prefix <= idx.prefixes[len(idx.prefixes)-1] {
			r.fail("services out of order")
		}
		if r.err != nil {
			return nil, r.err
		}
		idx.byPrefix[e.prefix] = len(idx.entries)
		idx.prefixes = append(idx.prefixes, e.prefix)
		idx.entries = append(idx.entries, e)
	}
	for range r.count() {
		k := newConditionKey(r.str(), r.str(), r.str())
		idx.globals = append(idx.globals, k)
		if k.parts != nil {
			idx.globalTmp = append(idx.globalTmp, k)
		}
	}
	idx.rcp = make([]bool, len(idx.entries))
	for range r.count() {
		if i := r.uvarint(); i < len(idx.rcp) {
			idx.rcp[i] = true
		} else {
			r.fail("service index out of range")
		}
	}
	idx.arnGroups = readGroups(r, len(idx.entries))
	idx.keyGroups = readGroups(r, len(idx.entries))
	if n := r.count(); n != len(idx.entries) {
		r.fail("outline count differs from service count")
	}
	idx.outlines = make([]outlineEntry, len(idx.entries))
	for i := range idx.outlines {
		o := &idx.outlines[i]
		o.off, o.clen, o.rawLen = r.uvarint(), r.uvarint(), r.uvarint()
		if o.off+o.clen > len(idx.blobs) || o.off+o.clen < o.off || o.rawLen > 64<<20 {
			r.fail("outline blob out of range")
		}
		if r.err != nil {
			return nil, r.err
		}
	}
	if r.err == nil && r.pos != len(r.s) {
		r.fail("trailing index data")
	}
	return idx, r.err
}

func readGroups(r *reader, services int) map[string][]int {
	n := r.count()
	m := make(map[string][]int, n)
	for range n {
		name := r.str()
		n := r.count()
		svcs := make([]int, 0, n)
		for range n {
			i := r.uvarint()
			if i >= services {
				r.fail("service index out of range")
				return m
			}
			svcs = append(svcs, i)
		}
		m[name] = svcs
	}
	return m
}

func newConditionKey(key, typ, match string) *ConditionKey {
	k := &ConditionKey{Key: key, Type: typ, Multivalued: strings.HasPrefix(typ, "ArrayOf")}
	if match != "" {
		k.parts = strings.Split(match, format.VarMark)
	}
	return k
}

// service returns the decoded service of an entry, decoding it once.
func (e *entry) service(blobs string) (*Service, error) {
	if s := e.svc.Load(); s != nil {
		return s, nil
	}
	e.once.Do(func() {
		s, err := decodeService(e.prefix, blobs[e.off:e.off+e.clen], e.rawLen)
		if err != nil {
			e.err = fmt.Errorf("service %s: %w", e.prefix, err)
			return
		}
		decodes.Add(1)
		e.svc.Store(s)
	})
	return e.svc.Load(), e.err
}

var inflaters = sync.Pool{New: func() any { return flate.NewReader(nil) }}

// inflate returns the rawLen bytes that compressed inflates to.
func inflate(compressed string, rawLen int) (string, error) {
	src := strings.NewReader(compressed)
	fr := inflaters.Get().(io.ReadCloser)
	defer inflaters.Put(fr)
	if err := fr.(flate.Resetter).Reset(src, nil); err != nil {
		return "", err
	}
	raw := make([]byte, rawLen)
	if _, err := io.ReadFull(fr, raw); err != nil {
		return "", fmt.Errorf("%w: %v", errCorrupt, err)
	}
	// The stream must end exactly at rawLen.
	var one [1]byte
	if n, _ := fr.Read(one[:]); n != 0 {
		return "", fmt.Errorf("%w: service data longer than recorded", errCorrupt)
	}
	// Decoded strings are substrings of raw, which nothing writes again:
	// it becomes a string without a copy.
	return unsafe.String(unsafe.SliceData(raw), len(raw)), nil
}

func decodeService(prefix, compressed string, rawLen int) (*Service, error) {
	raw, err := inflate(compressed, rawLen)
	if err != nil {
		return nil, err
	}
	return parseService(prefix, raw)
}

// outline returns the decoded outline of service i, decoding it once.
func (idx *index) outline(i int) (*Outline, error) {
	e := &idx.outlines[i]
	if o := e.outline.Load(); o != nil {
		return o, nil
	}
	e.once.Do(func() {
		o, err := decodeOutline(idx.prefixes[i], idx.blobs[e.off:e.off+e.clen], e.rawLen)
		if err != nil {
			e.err = fmt.Errorf("outline of %s: %w", idx.prefixes[i], err)
			return
		}
		e.outline.Store(o)
	})
	return e.outline.Load(), e.err
}

func decodeOutline(prefix, compressed string, rawLen int) (*Outline, error) {
	raw, err := inflate(compressed, rawLen)
	if err != nil {
		return nil, err
	}
	return parseOutline(prefix, raw)
}

// parseOutline builds an Outline from its inflated form: names are
// substrings of data, and actions, type lists and templates each live in
// one backing array.
func parseOutline(prefix, data string) (*Outline, error) {
	r := &reader{s: data}
	templates := make([]Template, r.count())
	for i := range templates {
		templates[i] = newTemplate(r.str())
	}
	o := &Outline{Prefix: prefix, Actions: make([]OutlineAction, r.count())}
	types := make([]*Template, 0, r.count())
	for i := range o.Actions {
		a := &o.Actions[i]
		a.Outline, a.Name = o, r.str()
		start := len(types)
		for range r.count() {
			j := r.uvarint()
			if j >= len(templates) || len(types) == cap(types) {
				r.fail("outline resource type out of range")
				break
			}
			types = append(types, &templates[j])
		}
		if len(types) > start {
			a.Types = types[start:len(types):len(types)]
		}
	}
	if r.err == nil && r.pos != len(data) {
		r.fail("trailing outline data")
	}
	if r.err != nil {
		return nil, r.err
	}
	return o, nil
}

// parseService builds a Service from its inflated form. Strings are
// substrings of data, and each kind of record lives in one backing array,
// so a service costs a handful of allocations.
func parseService(prefix, data string) (*Service, error) {
	r := &reader{s: data}
	table := make([]string, r.count())
	for i := range table {
		table[i] = r.str()
	}
	refs := make([]string, 0, r.count())
	resources := make([]ActionResource, 0, r.count())
	list := func() []string {
		start := len(refs)
		for range r.count() {
			refs = append(refs, r.ref(table))
		}
		return refs[start:len(refs):len(refs)]
	}
	s := &Service{Prefix: prefix, Name: r.ref(table)}

	rts := make([]ResourceType, r.count())
	s.ResourceTypes = make([]*ResourceType, len(rts))
	for i := range rts {
		rt := &rts[i]
		rt.Service, rt.Name, rt.ARN, rt.ConditionKeys = s, r.ref(table), r.ref(table), list()
		rt.template = newTemplate(rt.ARN)
		s.ResourceTypes[i] = rt
	}

	s.ConditionKeys = make([]*ConditionKey, r.count())
	for i := range s.ConditionKeys {
		k := newConditionKey(r.ref(table), r.ref(table), r.ref(table))
		s.ConditionKeys[i] = k
		if k.parts != nil {
			s.templateKeys = append(s.templateKeys, k)
		}
	}

	acts := make([]Action, r.count())
	s.Actions = make([]*Action, len(acts))
	for i := range acts {
		a := &acts[i]
		a.Service, a.Name, a.Access = s, r.ref(table), AccessLevel(r.ref(table))
		if n := r.count(); n > 0 {
			start := len(resources)
			for range n {
				j := r.uvarint()
				if j >= len(rts) {
					r.fail("resource type index out of range")
					break
				}
				req := r.readByte() == 1
				resources = append(resources, ActionResource{Type: &rts[j], Required: req, ConditionKeys: list(), DependentActions: list()})
			}
			a.Resources = resources[start:len(resources):len(resources)]
		}
		a.ConditionKeys, a.DependentActions = list(), list()
		s.Actions[i] = a
	}
	if r.err == nil && r.pos != len(data) {
		r.fail("trailing service data")
	}
	if r.err != nil {
		return nil, r.err
	}
	return s, nil
}

// verifyData decodes the index and every service, for Verify.
func verifyData(data string) error {
	idx, err := parseIndex(data)
	if err != nil {
		return err
	}
	for i, e := range idx.entries {
		s, err := decodeService(e.prefix, idx.blobs[e.off:e.off+e.clen], e.rawLen)
		if err != nil {
			return fmt.Errorf("service %s: %w", e.prefix, err)
		}
		o := &idx.outlines[i]
		outline, err := decodeOutline(e.prefix, idx.blobs[o.off:o.off+o.clen], o.rawLen)
		if err != nil {
			return fmt.Errorf("outline of %s: %w", e.prefix, err)
		}
		if err := outline.agrees(s); err != nil {
			return fmt.Errorf("%w: outline of %s: %w", errCorrupt, e.prefix, err)
		}
	}
	return nil
}

// agrees reports the first difference between the outline and the
// service it outlines.
func (o *Outline) agrees(s *Service) error {
	if len(o.Actions) != len(s.Actions) {
		return fmt.Errorf("%d actions, the service has %d", len(o.Actions), len(s.Actions))
	}
	for i, a := range s.Actions {
		oa := &o.Actions[i]
		if oa.Name != a.Name || len(oa.Types) != len(a.Resources) {
			return fmt.Errorf("action %d is %s with %d resource types, the service's %s has %d", i, oa.Name, len(oa.Types), a.Name, len(a.Resources))
		}
		for j, r := range a.Resources {
			if oa.Types[j].ARN != r.Type.ARN {
				return fmt.Errorf("%s: resource type %d is %s, the service's is %s", a.Name, j, oa.Types[j].ARN, r.Type.ARN)
			}
		}
	}
	return nil
}
