package agentspec

import (
	"errors"
	"strings"
	"testing"
)

func TestCodeLocation(t *testing.T) {
	const key = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	tests := []struct {
		name    string
		agent   string
		bucket  string
		prefix  string
		zip     string
		kmsKey  string
		wantErr string // "line:col code fragment"
	}{
		{name: "toolkit default bucket", agent: "{deployment: direct_code_deploy}",
			bucket: "bedrock-agentcore-codebuild-sources-123456789012-us-west-2", zip: "a/deployment.zip"},
		{name: "bucket name", agent: "{deployment: direct_code_deploy, code_bucket: team-code}",
			bucket: "team-code", zip: "a/deployment.zip"},
		{name: "s3 URI with prefix", agent: "{deployment: direct_code_deploy, code_bucket: \"s3://team-code/agents/prod/\"}",
			bucket: "team-code", prefix: "agents/prod", zip: "agents/prod/a/deployment.zip"},
		{name: "bucket/prefix as the toolkit's s3_path", agent: "{deployment: direct_code_deploy, code_bucket: team-code/agents}",
			bucket: "team-code", prefix: "agents", zip: "agents/a/deployment.zip"},
		{name: "customer managed key", agent: "{deployment: direct_code_deploy, code_bucket_kms_key: \"" + key + "\"}",
			bucket: "bedrock-agentcore-codebuild-sources-123456789012-us-west-2", zip: "a/deployment.zip", kmsKey: key},
		{name: "container agent", agent: "{code_bucket: team-code}", wantErr: "5:7 invalid-value code_bucket needs deployment: direct_code_deploy"},
		{name: "bad bucket", agent: "{deployment: direct_code_deploy, code_bucket: \"s3://Team_Code/x\"}", wantErr: "5:52 invalid-name code_bucket \"s3://Team_Code/x\" must be an S3 bucket name"},
		{name: "pattern prefix", agent: "{deployment: direct_code_deploy, code_bucket: \"s3://team-code/*\"}", wantErr: "5:52 invalid-value code_bucket \"s3://team-code/*\": the prefix is a key prefix"},
		{name: "alias for a key", agent: "{deployment: direct_code_deploy, code_bucket_kms_key: \"arn:aws:kms:us-west-2:123456789012:alias/code\"}", wantErr: "5:60 malformed-arn code_bucket_kms_key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := header + "  a: " + tc.agent + "\n"
			s, err := Parse("t.yaml", []byte(src))
			if tc.wantErr != "" {
				var se *Error
				if !errors.As(err, &se) || len(se.Diagnostics) != 1 {
					t.Fatalf("err = %v, want one diagnostic %s", err, tc.wantErr)
				}
				d := se.Diagnostics[0]
				if got := d.Pos.String() + " " + d.Code + " " + d.Message; !strings.HasPrefix(got, tc.wantErr) {
					t.Errorf("diagnostic %q, want %q", got, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c := s.Agents[0].Code
			if c == nil || c.Bucket != tc.bucket || c.Prefix != tc.prefix || c.Key("a") != tc.zip || c.KMSKey != tc.kmsKey {
				t.Fatalf("code location %+v (zip %s), want bucket %s prefix %s zip %s key %s", c, c.Key("a"), tc.bucket, tc.prefix, tc.zip, tc.kmsKey)
			}
			back, err := Parse("t.yaml", Marshal(s, ""))
			if err != nil {
				t.Fatal(err)
			}
			if got := *back.Agents[0].Code; got != *c {
				t.Errorf("round trip: %+v, want %+v", got, *c)
			}
		})
	}
}
