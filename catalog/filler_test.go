package catalog

import "testing"

func TestFillerARN(t *testing.T) {
	var f Filler
	tests := []struct {
		service, resourceType string
		ids                   []string
		want                  string // "" when an error is expected
	}{
		{"bedrock-agentcore", "memory", []string{"m-AbCdEf1234"}, "arn:aws:bedrock-agentcore:us-west-2:123456789012:memory/m-AbCdEf1234"},
		{"bedrock-agentcore", "workload-identity", []string{"default", "a-*"}, "arn:aws:bedrock-agentcore:us-west-2:123456789012:workload-identity-directory/default/workload-identity/a-*"},
		{"s3", "object", []string{"bucket", "faq/*"}, "arn:aws:s3:::bucket/faq/*"},
		{"iam", "role", []string{"R"}, "arn:aws:iam::123456789012:role/R"},
		{"bedrock", "foundation-model", []string{"m"}, "arn:aws:bedrock:us-west-2::foundation-model/m"},
		{"bedrock-agentcore", "memory", nil, ""},                // too few ids
		{"bedrock-agentcore", "memory", []string{"a", "b"}, ""}, // too many
		{"bedrock-agentcore", "memroy", []string{"a"}, ""},      // no such type
		{"bedrock-agentcor", "memory", []string{"a"}, ""},       // no such service
		{"bedrock-agentcore", "memory", []string{""}, ""},       // empty id
	}
	for _, tt := range tests {
		for range 2 { // the second time from the cache
			got, err := f.ARN("aws", "us-west-2", "123456789012", tt.service, tt.resourceType, tt.ids...)
			if tt.want == "" {
				if err == nil {
					t.Errorf("%s %s %v = %q, want an error", tt.service, tt.resourceType, tt.ids, got)
				}
				continue
			}
			if err != nil || got != tt.want {
				t.Errorf("%s %s %v = %q, %v; want %q", tt.service, tt.resourceType, tt.ids, got, err, tt.want)
			}
		}
	}
}
