package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

const globalKeysFile = "dist/esm/globalConditionKeys.js"

// Model of what the catalog keeps; descriptions are dropped.
type catalog struct {
	version  string
	services []*service // sorted by prefix
	globals  []condKey  // sorted by lowercase key
	rcp      []string   // sorted
}

type service struct {
	prefix, name string
	actions      []action  // sorted by lowercase name
	resTypes     []resType // sorted by lowercase name
	keys         []condKey // sorted by lowercase key
}

type action struct {
	name, access string
	resources    []actionRes // source order
	keys, deps   []string
}

type actionRes struct {
	resType    int // index into service.resTypes
	required   bool
	keys, deps []string
}

type resType struct {
	name, arn string
	keys      []string
}

type condKey struct {
	key, typ string
	// match is key with each variable part replaced by varMark, or ""
	// when the key has no variable part.
	match string
}

// varMark stands for a variable part of a condition key template in
// condKey.match; it cannot occur in a key.
const varMark = "\x00"

// JSON shapes of data/*.
type (
	jsonAction struct {
		Name          string `json:"name"`
		AccessLevel   string `json:"accessLevel"`
		ResourceTypes []struct {
			Name             string   `json:"name"`
			Required         bool     `json:"required"`
			ConditionKeys    []string `json:"conditionKeys"`
			DependentActions []string `json:"dependentActions"`
		} `json:"resourceTypes"`
		ConditionKeys    []string `json:"conditionKeys"`
		DependentActions []string `json:"dependentActions"`
	}
	jsonResType struct {
		Key           string   `json:"key"`
		ARN           string   `json:"arn"`
		ConditionKeys []string `json:"conditionKeys"`
	}
	jsonCondKey struct {
		Key  string `json:"key"`
		Type string `json:"type"`
	}
)

func decodeFile(files map[string][]byte, name string, v any) error {
	b, ok := files[name]
	if !ok {
		return fmt.Errorf("tarball has no %s", name)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func load(files map[string][]byte) (*catalog, error) {
	var pkg struct {
		Version string `json:"version"`
	}
	if err := decodeFile(files, "package.json", &pkg); err != nil {
		return nil, err
	}
	if pkg.Version != dataVersion {
		return nil, fmt.Errorf("package.json version %q, want %q", pkg.Version, dataVersion)
	}
	cat := &catalog{version: pkg.Version}

	var prefixes []string
	var names map[string]string
	var patterns map[string]map[string]string
	if err := decodeFile(files, "data/services.json", &prefixes); err != nil {
		return nil, err
	}
	if err := decodeFile(files, "data/serviceNames.json", &names); err != nil {
		return nil, err
	}
	if err := decodeFile(files, "data/rcpSupportedServices.json", &cat.rcp); err != nil {
		return nil, err
	}
	if err := decodeFile(files, "data/conditionPatterns.json", &patterns); err != nil {
		return nil, err
	}
	templates, err := keyTemplates(patterns)
	if err != nil {
		return nil, err
	}
	slices.Sort(prefixes)
	slices.Sort(cat.rcp)
	for _, p := range prefixes {
		s, err := loadService(files, p, names[p], templates)
		if err != nil {
			return nil, err
		}
		cat.services = append(cat.services, s)
	}
	for _, p := range cat.rcp {
		if !slices.Contains(prefixes, p) {
			return nil, fmt.Errorf("rcpSupportedServices lists unknown service %q", p)
		}
	}
	cat.globals, err = globalKeys(files[globalKeysFile])
	if err != nil {
		return nil, err
	}
	return cat, nil
}

func loadService(files map[string][]byte, prefix, name string, templates map[string]string) (*service, error) {
	if prefix == "" || prefix != strings.ToLower(prefix) {
		return nil, fmt.Errorf("service prefix %q is not lowercase", prefix)
	}
	if name == "" {
		return nil, fmt.Errorf("service %s has no name in serviceNames.json", prefix)
	}
	var (
		acts map[string]jsonAction
		rts  map[string]jsonResType
		cks  map[string]jsonCondKey
	)
	if err := decodeFile(files, "data/actions/"+prefix+".json", &acts); err != nil {
		return nil, err
	}
	if err := decodeFile(files, "data/resourceTypes/"+prefix+".json", &rts); err != nil {
		return nil, err
	}
	if err := decodeFile(files, "data/conditionKeys/"+prefix+".json", &cks); err != nil {
		return nil, err
	}
	s := &service{prefix: prefix, name: name}

	for _, rt := range rts {
		if rt.Key == "" || !strings.HasPrefix(rt.ARN, "arn:") {
			return nil, fmt.Errorf("%s: resource type %q has ARN %q", prefix, rt.Key, rt.ARN)
		}
		s.resTypes = append(s.resTypes, resType{name: rt.Key, arn: rt.ARN, keys: nonNil(rt.ConditionKeys)})
	}
	slices.SortFunc(s.resTypes, func(a, b resType) int { return cmpFold(a.name, b.name) })
	rtIndex := map[string]int{}
	for i, rt := range s.resTypes {
		l := strings.ToLower(rt.name)
		if _, dup := rtIndex[l]; dup {
			return nil, fmt.Errorf("%s: resource types differ only in case: %q", prefix, rt.name)
		}
		rtIndex[l] = i
	}

	for _, ck := range cks {
		if ck.Key == "" || ck.Type == "" {
			return nil, fmt.Errorf("%s: condition key %q has type %q", prefix, ck.Key, ck.Type)
		}
		m, err := keyMatch(ck.Key, templates)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", prefix, err)
		}
		s.keys = append(s.keys, condKey{key: ck.Key, typ: ck.Type, match: m})
	}
	slices.SortFunc(s.keys, func(a, b condKey) int { return cmpFold(a.key, b.key) })
	for i := 1; i < len(s.keys); i++ {
		if strings.EqualFold(s.keys[i-1].key, s.keys[i].key) {
			return nil, fmt.Errorf("%s: condition keys differ only in case: %q", prefix, s.keys[i].key)
		}
	}

	for key, ja := range acts {
		if ja.Name == "" || strings.ToLower(ja.Name) != key || ja.AccessLevel == "" {
			return nil, fmt.Errorf("%s: action %q: bad name %q or access level %q", prefix, key, ja.Name, ja.AccessLevel)
		}
		a := action{name: ja.Name, access: ja.AccessLevel, keys: nonNil(ja.ConditionKeys), deps: nonNil(ja.DependentActions)}
		for _, r := range ja.ResourceTypes {
			i, ok := rtIndex[strings.ToLower(r.Name)]
			if !ok {
				return nil, fmt.Errorf("%s:%s: unknown resource type %q", prefix, ja.Name, r.Name)
			}
			a.resources = append(a.resources, actionRes{resType: i, required: r.Required, keys: nonNil(r.ConditionKeys), deps: nonNil(r.DependentActions)})
		}
		s.actions = append(s.actions, a)
	}
	slices.SortFunc(s.actions, func(a, b action) int { return cmpFold(a.name, b.name) })
	return s, nil
}

// cmpFold orders by lowercase text, the order the catalog binary-searches.
func cmpFold(a, b string) int {
	return cmp.Or(strings.Compare(strings.ToLower(a), strings.ToLower(b)), strings.Compare(a, b))
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// keyTemplates turns conditionPatterns.json ({group: {regex: templateKey}})
// into templateKey -> match form. The regexes only use ".+?" for a variable
// part; anything else is refused so that a new upstream form is noticed.
func keyTemplates(patterns map[string]map[string]string) (map[string]string, error) {
	out := map[string]string{}
	for _, group := range patterns {
		for re, key := range group {
			if _, err := regexp.Compile(re); err != nil {
				return nil, fmt.Errorf("conditionPatterns: %q: %w", re, err)
			}
			parts := strings.Split(re, ".+?")
			for _, p := range parts {
				if strings.ContainsAny(p, `\^$*+?()[]{}|`) {
					return nil, fmt.Errorf("conditionPatterns: unsupported regex %q for %q", re, key)
				}
			}
			if len(parts) < 2 {
				return nil, fmt.Errorf("conditionPatterns: regex %q for %q has no variable part", re, key)
			}
			out[key] = strings.Join(parts, varMark)
		}
	}
	return out, nil
}

var templateVar = regexp.MustCompile(`\$\{[^}]*\}`)

// keyMatch returns the match form of a condition key: from
// conditionPatterns when listed there, else from its ${Var} parts.
func keyMatch(key string, templates map[string]string) (string, error) {
	if m, ok := templates[key]; ok {
		return m, nil
	}
	if strings.Contains(key, "${") {
		return templateVar.ReplaceAllLiteralString(key, varMark), nil
	}
	if strings.ContainsAny(key, "<>{}$") {
		return "", fmt.Errorf("condition key %q has a variable part that conditionPatterns.json does not describe", key)
	}
	return "", nil
}

// globalKeys parses the array literal of dist/esm/globalConditionKeys.js.
// A key with a '/' such as "aws:PrincipalTag/tag-key" stands for any
// non-empty text after the '/', as the package's own lookup treats it.
func globalKeys(js []byte) ([]condKey, error) {
	objs, err := parseJSArray(string(js), "export const globalConditionKeys =")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", globalKeysFile, err)
	}
	var keys []condKey
	seen := map[string]bool{}
	for _, o := range objs {
		k, typ := o["key"], o["type"]
		if k == "" || typ == "" || !strings.Contains(k, ":") {
			return nil, fmt.Errorf("%s: entry %v lacks key or type", globalKeysFile, o)
		}
		if seen[strings.ToLower(k)] {
			return nil, fmt.Errorf("%s: duplicate key %q", globalKeysFile, k)
		}
		seen[strings.ToLower(k)] = true
		m := ""
		if i := strings.IndexByte(k, '/'); i >= 0 {
			m = k[:i+1] + varMark
		}
		keys = append(keys, condKey{key: k, typ: typ, match: m})
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s: no global condition keys found", globalKeysFile)
	}
	slices.SortFunc(keys, func(a, b condKey) int { return cmpFold(a.key, b.key) })
	return keys, nil
}
