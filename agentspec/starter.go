package agentspec

import (
	_ "embed"
	"strings"
)

//go:embed starter.yaml
var starterTemplate string

// Starter returns a commented starter agentiam.yaml for the account and
// region, explaining every key.
func Starter(account, region string) []byte {
	return []byte(strings.NewReplacer("{{account}}", account, "{{region}}", region).Replace(starterTemplate))
}
