package agentspec

import "strings"

// strategyModels reads a memory entry's strategy_models.
func (l *loader) strategyModels(a *Agent, fs map[string]field) []Model {
	f, ok := fs["strategy_models"]
	if !ok {
		return nil
	}
	var out []Model
	for _, p := range l.strList(f) {
		if m, ok := l.model(a, p); ok {
			out = append(out, m)
		}
	}
	return out
}

// strategyModelsFlow is ", strategy_models: [...]" for a memory entry
// written in flow style, or nothing.
func strategyModelsFlow(m MemoryGrant) string {
	if len(m.StrategyModels) == 0 {
		return ""
	}
	ids := make([]string, len(m.StrategyModels))
	for i, sm := range m.StrategyModels {
		ids[i] = flowScalar(sm.ID)
	}
	return ", strategy_models: [" + strings.Join(ids, ", ") + "]"
}

// MemoryUse is one AgentCore memory whose strategies invoke models,
// with what every agent of the spec says about it.
type MemoryUse struct {
	ID                string
	Region, Partition string
	Agents            []string
	// StrategyModels are the models its strategies invoke, in spec order.
	StrategyModels []Model
}

// Memories lists the memories of the spec that name strategy models,
// merged by region and id, in spec order.
func (s *Spec) Memories() []*MemoryUse {
	var out []*MemoryUse
	byKey := map[string]*MemoryUse{}
	for _, a := range s.Agents {
		for _, m := range a.Memory {
			if len(m.StrategyModels) == 0 {
				continue
			}
			key := a.Region + "/" + m.ID
			u, ok := byKey[key]
			if !ok {
				u = &MemoryUse{ID: m.ID, Region: a.Region, Partition: a.Partition}
				byKey[key] = u
				out = append(out, u)
			}
			u.Agents = append(u.Agents, a.Name)
			for _, sm := range m.StrategyModels {
				if !containsModel(u.StrategyModels, sm.ID) {
					u.StrategyModels = append(u.StrategyModels, sm)
				}
			}
		}
	}
	return out
}

func containsModel(models []Model, id string) bool {
	for _, m := range models {
		if m.ID == id {
			return true
		}
	}
	return false
}
