package agentspec

import "strings"

// CodeLocation is where direct code deployment (deployment:
// direct_code_deploy) uploads an agent's code zip, and where
// CreateAgentRuntime reads it from with the deployer's credentials.
type CodeLocation struct {
	// Bucket defaults to the starter toolkit's source bucket,
	// bedrock-agentcore-codebuild-sources-{account}-{region}.
	Bucket string
	// Prefix is the key prefix of code_bucket: s3://bucket/prefix; the
	// zip is {prefix}/{agent}/deployment.zip, as the toolkit lays out
	// its s3_path, or {agent}/deployment.zip without one.
	Prefix string
	// KMSKey is the ARN of the customer managed key the bucket encrypts
	// objects with (code_bucket_kms_key); empty for SSE-S3.
	KMSKey string
}

// Key is the object key of an agent's code zip.
func (c *CodeLocation) Key(agent string) string {
	if c.Prefix == "" {
		return agent + "/deployment.zip"
	}
	return c.Prefix + "/" + agent + "/deployment.zip"
}

// codeKeys are the agent keys of direct code deployment.
var codeKeys = []string{"code_bucket", "code_bucket_kms_key"}

// codeLocation reads code_bucket and code_bucket_kms_key of a
// direct_code_deploy agent: code_bucket is a bucket name or
// s3://bucket/prefix (bucket/prefix too, as the toolkit's s3_path).
func (l *loader) codeLocation(s *Spec, a *Agent, fs map[string]field) *CodeLocation {
	if a.Deployment != DirectCodeDeploy {
		for _, k := range codeKeys {
			if f, ok := fs[k]; ok {
				l.errorAt(f.keyPos, CodeInvalidValue, "%s needs deployment: direct_code_deploy (a container image is pulled from ECR)", k)
			}
		}
		return nil
	}
	c := &CodeLocation{Bucket: DefaultSourceBucket(s.Account, a.Region)}
	if f, ok := fs["code_bucket"]; ok {
		if v, ok := l.str(f); ok {
			c.Bucket, c.Prefix = l.codeBucket(positioned{v, nodePos(f.value)}, "code_bucket")
		}
	}
	if f, ok := fs["code_bucket_kms_key"]; ok {
		if v, ok := l.str(f); ok && l.checkARN(positioned{v, nodePos(f.value)}, "code_bucket_kms_key", "kms", "key") {
			c.KMSKey = v
		}
	}
	return c
}

// codeBucket reads a bucket name, s3://bucket/prefix or bucket/prefix
// (code_bucket, or the toolkit's aws.s3_path).
func (r *reader) codeBucket(p positioned, what string) (bucket, prefix string) {
	bucket, prefix, _ = strings.Cut(strings.TrimPrefix(p.value, "s3://"), "/")
	prefix = strings.Trim(prefix, "/")
	if !bucketRE.MatchString(bucket) || strings.Contains(bucket, "..") {
		r.errorAt(p.pos, CodeInvalidName, "%s %q must be an S3 bucket name or s3://bucket/prefix (3 to 63 lowercase letters, digits, '.' and '-')", what, p.value)
	}
	if strings.ContainsAny(prefix, "*?") {
		r.errorAt(p.pos, CodeInvalidValue, "%s %q: the prefix is a key prefix, not a pattern", what, p.value)
	}
	return bucket, prefix
}

// codeBucketValue is code_bucket as the spec writes it, empty for the
// default bucket without prefix.
func codeBucketValue(s *Spec, a *Agent) string {
	c := a.Code
	switch {
	case c == nil:
		return ""
	case c.Prefix != "":
		return "s3://" + c.Bucket + "/" + c.Prefix
	case c.Bucket != DefaultSourceBucket(s.Account, a.Region):
		return c.Bucket
	}
	return ""
}
