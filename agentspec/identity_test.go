package agentspec

import (
	"strings"
	"testing"
)

// TestProviderEntries: a credential provider is a name, or
// {name, secret_arn} for one that references a customer-owned secret;
// mistakes are reported at their position.
func TestProviderEntries(t *testing.T) {
	const secret = "arn:aws:secretsmanager:us-west-2:123456789012:secret:team/jira-AbCdEf"
	s, err := Parse("t.yaml", []byte(header+`  a:
    identity:
      oauth2_providers: [github, {name: jira, secret_arn: "`+secret+`"}]
      api_key_providers:
        - name: serper
`))
	if err != nil {
		t.Fatal(err)
	}
	id := s.Agents[0].Identity
	if strings.Join(id.OAuth2Providers, ",") != "github,jira" || id.OAuth2Secrets["jira"] != secret || len(id.OAuth2Secrets) != 1 {
		t.Errorf("oauth2 providers %v, secrets %v", id.OAuth2Providers, id.OAuth2Secrets)
	}
	if strings.Join(id.APIKeyProviders, ",") != "serper" || id.APIKeySecrets != nil {
		t.Errorf("api key providers %v, secrets %v", id.APIKeyProviders, id.APIKeySecrets)
	}
	if got := string(Marshal(s, "")); !strings.Contains(got, `- {name: jira, secret_arn: "`+secret+`"}`) || !strings.Contains(got, "- github\n") {
		t.Errorf("Marshal lost the secret:\n%s", got)
	}

	tests := []struct{ name, entry, want string }{
		{"unknown key", `{name: jira, secret: x}`, "8:23 unknown-key unknown key \"secret\" in credential provider of oauth2_providers"},
		{"no name", `{secret_arn: "` + secret + `"}`, "8:10 missing-key credential provider of oauth2_providers needs \"name\""},
		{"not a secret", `{name: jira, secret_arn: "arn:aws:s3:::bucket"}`, "8:35 malformed-arn secret_arn"},
		{"duplicate", `github, {name: github}`, "8:25 duplicate \"github\" is listed twice in oauth2_providers"},
		{"bad name", `{name: "a b"}`, "8:17 invalid-name credential provider name"},
		{"a list", `[x]`, "8:10 wrong-type entries of oauth2_providers must be provider names or {name: ..., secret_arn: ...}, found a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(header+"  a:\n    identity:\n      oauth2_providers:\n        ["+tt.entry+"]\n"))
			se, ok := err.(*Error)
			if !ok {
				t.Fatalf("err = %v, want a spec error", err)
			}
			var got []string
			for _, d := range se.Diagnostics {
				got = append(got, d.Pos.String()+" "+d.Code+" "+d.Message)
			}
			if len(got) != 1 || !strings.HasPrefix(got[0], tt.want) {
				t.Errorf("diagnostics %q, want one starting %q", got, tt.want)
			}
		})
	}
}
