package agentspec

import "bytes"

// runtimeOptions reads the switches of an AgentCore runtime's execution
// role that are not about one resource.
func (l *loader) runtimeOptions(a *Agent, fs map[string]field) {
	if f, ok := fs["marketplace"]; ok {
		on, _ := l.boolean(f)
		a.MarketplaceOff = !on
	}
	if f, ok := fs["user_id_tokens"]; ok {
		a.UserIDTokens, _ = l.boolean(f)
	}
}

// marshalRuntimeOptions writes what runtimeOptions reads, where it
// differs from the default.
func marshalRuntimeOptions(b *bytes.Buffer, in string, a *Agent) {
	if a.MarketplaceOff {
		b.WriteString(in + "marketplace: false\n")
	}
	if a.UserIDTokens {
		b.WriteString(in + "user_id_tokens: true\n")
	}
}
