package rolegen

import (
	"testing"
)

// TestProviderSecrets: the execution role reads the secret of each
// credential provider, as AgentCore Identity names it in its token
// vault (with or without a suffix after the provider's name, always with
// Secrets Manager's six characters), or the customer-owned secret a
// provider references, and no other provider's.
func TestProviderSecrets(t *testing.T) {
	const own = "arn:aws:secretsmanager:us-west-2:123456789012:secret:team/jira-AbCdEf"
	p := generate(t, header+`  bot:
    identity:
      oauth2_providers: [github, {name: jira, secret_arn: "`+own+`"}]
      api_key_providers: [serper]
`)
	patterns := siblingPatterns(t, p, "bot", "ReadCredentialProviderSecrets")
	const vault = "arn:aws:secretsmanager:us-west-2:123456789012:secret:bedrock-agentcore-identity!default/"
	tests := []struct {
		secret string
		want   bool
	}{
		{vault + "oauth2/github-AbCdEf", true},
		{vault + "oauth2/github-0e976f98-AbCdEf", true},
		{vault + "apikey/serper-0e976f98-AbCdEf", true},
		{own, true},
		{vault + "oauth2/github2-AbCdEf", false},
		{vault + "oauth2/jira-AbCdEf", false},
		{vault + "apikey/github-AbCdEf", false},
		{vault + "oauth2/serper-AbCdEf", false},
	}
	for _, tt := range tests {
		if got := anyMatch(patterns, tt.secret); got != tt.want {
			t.Errorf("%v match %s: %v, want %v", patterns, tt.secret, got, tt.want)
		}
	}
}
