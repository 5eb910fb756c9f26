package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/catalog/internal/format"
)

const globalKeysFile = "dist/esm/globalConditionKeys.js"

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

func load(files map[string][]byte) (*format.Catalog, error) {
	var pkg struct {
		Version string `json:"version"`
	}
	if err := decodeFile(files, "package.json", &pkg); err != nil {
		return nil, err
	}
	if pkg.Version != dataVersion {
		return nil, fmt.Errorf("package.json version %q, want %q", pkg.Version, dataVersion)
	}
	cat := &format.Catalog{Version: pkg.Version}

	var prefixes []string
	var names map[string]string
	var patterns map[string]map[string]string
	if err := decodeFile(files, "data/services.json", &prefixes); err != nil {
		return nil, err
	}
	if err := decodeFile(files, "data/serviceNames.json", &names); err != nil {
		return nil, err
	}
	if err := decodeFile(files, "data/rcpSupportedServices.json", &cat.RCP); err != nil {
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
	slices.Sort(cat.RCP)
	for _, p := range prefixes {
		s, err := loadService(files, p, names[p], templates)
		if err != nil {
			return nil, err
		}
		cat.Services = append(cat.Services, s)
	}
	for _, p := range cat.RCP {
		if !slices.Contains(prefixes, p) {
			return nil, fmt.Errorf("rcpSupportedServices lists unknown service %q", p)
		}
	}
	cat.Globals, err = globalKeys(files[globalKeysFile])
	if err != nil {
		return nil, err
	}
	return cat, nil
}

func loadService(files map[string][]byte, prefix, name string, templates map[string]string) (*format.Service, error) {
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
	s := &format.Service{Prefix: prefix, Name: name}

	for _, rt := range rts {
		// The catalog compares names with ASCII case folding.
		arnParts := strings.Count(templateVar.ReplaceAllLiteralString(rt.ARN, "v"), ":") + 1
		if rt.Key == "" || !isASCII(rt.Key) || !strings.HasPrefix(rt.ARN, "arn:") || arnParts < 6 {
			return nil, fmt.Errorf("%s: resource type %q has ARN %q", prefix, rt.Key, rt.ARN)
		}
		s.ResourceTypes = append(s.ResourceTypes, format.ResourceType{Name: rt.Key, ARN: rt.ARN, Keys: nonNil(rt.ConditionKeys)})
	}
	slices.SortFunc(s.ResourceTypes, func(a, b format.ResourceType) int { return cmpFold(a.Name, b.Name) })
	rtIndex := map[string]int{}
	for i, rt := range s.ResourceTypes {
		l := strings.ToLower(rt.Name)
		if _, dup := rtIndex[l]; dup {
			return nil, fmt.Errorf("%s: resource types differ only in case: %q", prefix, rt.Name)
		}
		rtIndex[l] = i
	}

	for _, ck := range cks {
		if ck.Key == "" || !isASCII(ck.Key) || ck.Type == "" {
			return nil, fmt.Errorf("%s: condition key %q has type %q", prefix, ck.Key, ck.Type)
		}
		m, err := keyMatch(ck.Key, templates)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", prefix, err)
		}
		s.Keys = append(s.Keys, format.ConditionKey{Key: ck.Key, Type: ck.Type, Match: m})
	}
	slices.SortFunc(s.Keys, func(a, b format.ConditionKey) int { return cmpFold(a.Key, b.Key) })
	for i := 1; i < len(s.Keys); i++ {
		if strings.EqualFold(s.Keys[i-1].Key, s.Keys[i].Key) {
			return nil, fmt.Errorf("%s: condition keys differ only in case: %q", prefix, s.Keys[i].Key)
		}
	}

	for key, ja := range acts {
		if ja.Name == "" || !isASCII(ja.Name) || strings.ToLower(ja.Name) != key || ja.AccessLevel == "" {
			return nil, fmt.Errorf("%s: action %q: bad name %q or access level %q", prefix, key, ja.Name, ja.AccessLevel)
		}
		a := format.Action{Name: ja.Name, Access: ja.AccessLevel, Keys: nonNil(ja.ConditionKeys), Deps: nonNil(ja.DependentActions)}
		for _, r := range ja.ResourceTypes {
			i, ok := rtIndex[strings.ToLower(r.Name)]
			if !ok {
				return nil, fmt.Errorf("%s:%s: unknown resource type %q", prefix, ja.Name, r.Name)
			}
			a.Resources = append(a.Resources, format.ActionResource{ResourceType: i, Required: r.Required, Keys: nonNil(r.ConditionKeys), Deps: nonNil(r.DependentActions)})
		}
		s.Actions = append(s.Actions, a)
	}
	slices.SortFunc(s.Actions, func(a, b format.Action) int { return cmpFold(a.Name, b.Name) })
	return s, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
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
			out[key] = strings.Join(parts, format.VarMark)
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
		return templateVar.ReplaceAllLiteralString(key, format.VarMark), nil
	}
	if strings.ContainsAny(key, "<>{}$") {
		return "", fmt.Errorf("condition key %q has a variable part that conditionPatterns.json does not describe", key)
	}
	return "", nil
}

// globalKeys parses the array literal of dist/esm/globalConditionKeys.js.
// A key with a '/' such as "aws:PrincipalTag/tag-key" stands for any
// non-empty text after the '/', as the package's own lookup treats it.
func globalKeys(js []byte) ([]format.ConditionKey, error) {
	objs, err := parseJSArray(string(js), "export const globalConditionKeys =")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", globalKeysFile, err)
	}
	var keys []format.ConditionKey
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
			m = k[:i+1] + format.VarMark
		}
		keys = append(keys, format.ConditionKey{Key: k, Type: typ, Match: m})
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s: no global condition keys found", globalKeysFile)
	}
	slices.SortFunc(keys, func(a, b format.ConditionKey) int { return cmpFold(a.Key, b.Key) })
	return keys, nil
}
