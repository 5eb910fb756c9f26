package expect

import (
	"slices"
	"strings"

	"github.com/agentiam/agentiam/policy"
)

// Statements turns the grants of checks into as few statements as keep
// them exact: actions that share resource and conditions are merged,
// then resources that share actions and conditions. Statements are named
// sid (made unique), or after their first action when sid is "".
func Statements(checks []*Check, sid string) []*policy.Statement {
	type group struct {
		principal string
		actions   []string
		resources []string
		conds     []Cond
	}
	var byRes []*group
	index := map[string]*group{}
	for _, c := range checks {
		g := c.Grant
		if g == nil {
			g = &Grant{Resource: c.Resource}
		}
		key := g.Principal + "\x00" + g.Resource + "\x00" + condKey(g.Conditions)
		gr, ok := index[key]
		if !ok {
			gr = &group{principal: g.Principal, resources: []string{g.Resource}, conds: g.Conditions}
			index[key] = gr
			byRes = append(byRes, gr)
		}
		if !slices.Contains(gr.actions, c.Action) {
			gr.actions = append(gr.actions, c.Action)
		}
	}
	var merged []*group
	index = map[string]*group{}
	for _, gr := range byRes {
		key := gr.principal + "\x00" + strings.Join(gr.actions, ",") + "\x00" + condKey(gr.conds)
		if m, ok := index[key]; ok {
			for _, r := range gr.resources {
				if !slices.Contains(m.resources, r) {
					m.resources = append(m.resources, r)
				}
			}
			continue
		}
		index[key] = gr
		merged = append(merged, gr)
	}
	used := map[string]bool{}
	out := make([]*policy.Statement, 0, len(merged))
	for _, gr := range merged {
		base := sid
		if base == "" {
			base = "Allow" + alnum(gr.actions[0][strings.IndexByte(gr.actions[0], ':')+1:])
		}
		name := uniqueName(base, func(n string) bool { return used[n] })
		used[name] = true
		st := policy.NewStatement(name, policy.EffectAllow)
		if gr.principal != "" {
			st.Principal = grantPrincipal(gr.principal)
		}
		st.Action = policy.NewStringList(gr.actions...)
		if len(gr.resources) > 0 && gr.resources[0] != "" {
			st.Resource = policy.NewStringList(gr.resources...)
		}
		for _, c := range gr.conds {
			st.AddCondition(c.Op, c.Key, c.Values...)
		}
		out = append(out, st)
	}
	return out
}

func condKey(conds []Cond) string {
	parts := make([]string, len(conds))
	for i, c := range conds {
		parts[i] = c.Op + "|" + c.Key + "|" + strings.Join(c.Values, ",")
	}
	slices.Sort(parts)
	return strings.Join(parts, ";")
}

func alnum(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
