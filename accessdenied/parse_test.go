package accessdenied

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/policy"
)

type corpusCase struct {
	Name              string  `json:"name"`
	Message           string  `json:"message"`
	Principal         string  `json:"principal"`
	Kind              string  `json:"kind"`
	PolicyType        string  `json:"policyType"`
	Explicit          bool    `json:"explicit"`
	Action            string  `json:"action"`
	Resource          string  `json:"resource"`
	PolicyARN         string  `json:"policyArn"`
	FixTarget         string  `json:"fixTarget"`
	StatementResource *string `json:"statementResource"`
	// StatementConditionKeys are the condition keys of the proposed
	// statement (S3 statements pin aws:ResourceAccount).
	StatementConditionKeys []string `json:"statementConditionKeys"`
	AdviceContains         string   `json:"adviceContains"`
	// PermissionSet is the Identity Center permission set the fix names.
	PermissionSet string `json:"permissionSet"`
	// LintCodes are the warnings and errors agentiam lint reports on the
	// proposed statement, sorted; nearly always none.
	LintCodes []string `json:"lintCodes"`
}

func loadCorpus(t *testing.T) []corpusCase {
	t.Helper()
	data, err := os.ReadFile("testdata/messages.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []corpusCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 30 {
		t.Fatalf("corpus has %d messages, want at least 30", len(cases))
	}
	return cases
}

func TestCorpus(t *testing.T) {
	for _, c := range loadCorpus(t) {
		t.Run(c.Name, func(t *testing.T) {
			m, err := Parse(c.Message)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if m.Principal != c.Principal || m.Action != c.Action || m.Resource != c.Resource ||
				m.PolicyType.AWSName() != c.PolicyType || m.Explicit != c.Explicit || m.PolicyARN != c.PolicyARN {
				t.Fatalf("Parse = %+v\nwant principal=%s action=%s resource=%s type=%q explicit=%v policyArn=%s",
					m, c.Principal, c.Action, c.Resource, c.PolicyType, c.Explicit, c.PolicyARN)
			}
			p := ClassifyPrincipal(m.Principal, nil)
			if string(p.Kind) != c.Kind {
				t.Errorf("kind = %q, want %q", p.Kind, c.Kind)
			}
			fix := Propose(m, p)
			if fix.Target != c.FixTarget || fix.PermissionSet != c.PermissionSet {
				t.Errorf("fix target = %q, permission set %q, want %q, %q", fix.Target, fix.PermissionSet, c.FixTarget, c.PermissionSet)
			}
			switch {
			case c.StatementResource == nil && fix.Statement != nil:
				t.Errorf("fix proposes a statement %+v, want none", fix.Statement)
			case c.StatementResource != nil && fix.Statement == nil:
				t.Errorf("fix proposes no statement, want one on %s", *c.StatementResource)
			case c.StatementResource != nil:
				got := fix.Statement.Resource.Strings()
				if len(got) != 1 || got[0] != *c.StatementResource {
					t.Errorf("statement resource = %v, want %s", got, *c.StatementResource)
				}
				if a := fix.Statement.Action.Strings(); len(a) != 1 || !strings.EqualFold(a[0], c.Action) {
					t.Errorf("statement action = %v, want %s", a, c.Action)
				}
				if keys := conditionKeys(fix.Statement); !slices.Equal(keys, c.StatementConditionKeys) {
					t.Errorf("statement condition keys = %v, want %v", keys, c.StatementConditionKeys)
				}
			}
			if c.AdviceContains != "" && !strings.Contains(strings.Join(fix.Advice, " "), c.AdviceContains) {
				t.Errorf("advice %q does not mention %q", fix.Advice, c.AdviceContains)
			}
		})
	}
}

func conditionKeys(st *policy.Statement) []string {
	if st.Condition == nil {
		return nil
	}
	var keys []string
	for _, op := range st.Condition.Operators {
		for _, k := range op.Keys {
			keys = append(keys, k.Name.Value)
		}
	}
	slices.Sort(keys)
	return keys
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{
		"",
		"AccessDenied",
		"An error occurred (AccessDenied) when calling the GetObject operation: Access Denied",
		"User: arn:aws:iam::123456789012:user/x is allowed",
		"User: arn:aws:iam::123456789012:user/x is not authorized to perform: nothing",
		"{not json",
	} {
		if _, err := Parse(in); !errors.Is(err, ErrUnrecognized) {
			t.Errorf("Parse(%q) error = %v, want ErrUnrecognized", in, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, c := range []string{
		"User: arn:aws:iam::1:user/x is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k because no identity-based policy allows the s3:GetObject action",
		"User: a is not authorized to perform: x:y with an explicit deny in a service control policy: arn:aws:organizations::1:policy/p",
		`{"errorMessage":"User: a is not authorized to perform: x:Y"}`,
		`{"DecodedMessage":"{\"allowed\":false,\"explicitDeny\":\"true\",\"context\":{\"principal\":{\"arn\":\"a\"},\"action\":\"x:Y\",\"conditions\":[{\"item\":{\"key\":\"k\",\"values\":[\"v\"]}}]}}"}`,
		"User: a is not authorized to perform: x:Y with an explicit deny in a VPC endpoint policy transitively through a service control policy",
		"You are not authorized to perform this operation. Encoded authorization failure message: abc",
	} {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := Parse(s)
		if err != nil {
			return
		}
		p := ClassifyPrincipal(m.Principal, nil)
		_ = Propose(m, p)
	})
}

// TestParseGuideExamples reads every example of the IAM User Guide's
// "Troubleshoot access denied error messages"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html),
// line breaks as the guide prints them, the policy ARNs as the AWS
// Security Blog's "Enhanced access denied error messages with policy
// ARNs" shows them
// (https://aws.amazon.com/blogs/security/enhanced-access-denied-error-messages-with-policy-arns).
func TestParseGuideExamples(t *testing.T) {
	for _, c := range []struct {
		name, text string
		kind       policy.Kind
		explicit   bool
		resource   string
		through    policy.Kind
		policyARN  string
	}{
		{"SCP", "User: arn:aws:iam::777788889999:user/JohnDoe is not authorized to perform: \ncodecommit:ListRepositories with an explicit deny in a service control policy",
			policy.SCP, true, "", policy.KindUnknown, ""},
		{"SCP implicit", "User: arn:aws:iam::777788889999:user/JohnDoe is not authorized to perform: codecommit:ListRepositories because no service control policy allows the codecommit:ListRepositories action",
			policy.SCP, false, "", policy.KindUnknown, ""},
		{"SCP as the guide's note quotes it", "User: arn:aws:iam::777788889999:user/JohnDoe is not authorized to perform: codecommit:ListRepositories due to an explicit deny in a Service Control Policy",
			policy.SCP, true, "", policy.KindUnknown, ""},
		{"SCP with ARN", "An error occurred (AccessDenied) when calling the ListRoles operation: User: arn:aws:iam::123456789012:user/Matt is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::123456789012:role/* with an explicit deny in a service control policy: arn:aws:organizations::987654321098:policy/o-qv5af4abcd/service_control_policy/p-2kgnabcd",
			policy.SCP, true, "arn:aws:iam::123456789012:role/*", policy.KindUnknown, "arn:aws:organizations::987654321098:policy/o-qv5af4abcd/service_control_policy/p-2kgnabcd"},
		{"RCP", "User: arn:aws:iam::777788889999:user/JohnDoe is not authorized to perform: secretsmanager:GetSecretValue with an explicit deny in a resource control policy",
			policy.RCP, true, "", policy.KindUnknown, ""},
		{"VPC endpoint implicit", "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: \ncodecommit:ListRepositories because no VPC endpoint policy allows the codecommit:ListRepositories action",
			policy.VPCEndpoint, false, "", policy.KindUnknown, ""},
		{"VPC endpoint explicit", "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: \ncodedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* with an explicit deny in a VPC endpoint policy",
			policy.VPCEndpoint, true, "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*", policy.KindUnknown, ""},
		{"boundary implicit", "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: \ncodedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* because no permissions boundary allows the codedeploy:ListDeployments action",
			policy.Boundary, false, "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*", policy.KindUnknown, ""},
		{"boundary explicit", "User: arn:aws:iam::777788889999:user/JohnDoe is not authorized to perform: \nsagemaker:ListModels with an explicit deny in a permissions boundary",
			policy.Boundary, true, "", policy.KindUnknown, ""},
		{"session implicit", "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: \ncodecommit:ListRepositories because no session policy allows the codecommit:ListRepositories action",
			policy.Session, false, "", policy.KindUnknown, ""},
		// The guide's own spelling.
		{"session explicit, sessions policy", "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: \ncodedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* with an explicit deny in a sessions policy",
			policy.Session, true, "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*", policy.KindUnknown, ""},
		{"resource-based implicit", "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: \nsecretsmanager:GetSecretValue because no resource-based policy allows the secretsmanager:GetSecretValue action",
			policy.Resource, false, "", policy.KindUnknown, ""},
		{"resource-based explicit", "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: \nsecretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:* with an explicit deny in a resource-based policy",
			policy.Resource, true, "arn:aws:secretsmanager:us-east-1:123456789012:secret:*", policy.KindUnknown, ""},
		// Under "Implicit denial", the guide prints "because the role
		// trust policy allows".
		{"role trust implicit, as the guide prints it", "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: \nsts:AssumeRole because the role trust policy allows the sts:AssumeRole action",
			policy.Trust, false, "", policy.KindUnknown, ""},
		{"role trust implicit", "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/AppRole because no role trust policy allows the sts:AssumeRole action",
			policy.Trust, false, "arn:aws:iam::123456789012:role/AppRole", policy.KindUnknown, ""},
		{"role trust explicit", "User: arn:aws:iam::777788889999:user/JohnDoe is not authorized to perform: \nsts:AssumeRole with an explicit deny in the role trust policy",
			policy.Trust, true, "", policy.KindUnknown, ""},
		{"identity implicit", "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: \ncodecommit:ListRepositories because no identity-based policy allows the codecommit:ListRepositories action",
			policy.Identity, false, "", policy.KindUnknown, ""},
		{"identity explicit", "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: \ncodedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* with an explicit deny in an identity-based policy",
			policy.Identity, true, "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*", policy.KindUnknown, ""},
		{"identity explicit with ARN", "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: codedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* with an explicit deny in an identity-based policy: arn:aws:iam::123456789012:policy/DenyDeploy",
			policy.Identity, true, "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*", policy.KindUnknown, "arn:aws:iam::123456789012:policy/DenyDeploy"},
		{"VPC request denied by another policy", "User: arn:aws:sts::111122223333:assumed-role/role-name/role-session-name is not authorized to perform: \nSNS:Publish on resource: arn:aws:sns:us-east-1:444455556666:role-name-2 \nwith an explicit deny in a VPC endpoint policy transitively through a service control policy",
			policy.SCP, true, "arn:aws:sns:us-east-1:444455556666:role-name-2", policy.VPCEndpoint, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse(c.text)
			if err != nil {
				t.Fatal(err)
			}
			if m.PolicyType != c.kind || m.Explicit != c.explicit || m.Resource != c.resource || m.Through != c.through || m.PolicyARN != c.policyARN {
				t.Errorf("Parse = type %q explicit %v resource %q through %q policy %q, want %q %v %q %q %q",
					m.PolicyType, m.Explicit, m.Resource, m.Through, m.PolicyARN, c.kind, c.explicit, c.resource, c.through, c.policyARN)
			}
			if !strings.HasPrefix(m.Principal, "arn:aws:") || !strings.Contains(m.Action, ":") {
				t.Errorf("principal %q, action %q", m.Principal, m.Action)
			}
		})
	}
}

// An encoded authorization failure message (EC2's UnauthorizedOperation)
// is to be decoded with sts:DecodeAuthorizationMessage first
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html);
// with the readable message beside it, that one is read.
func TestParseEncoded(t *testing.T) {
	const encoded = "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You are not authorized to perform this operation. Encoded authorization failure message: 4GIOHlTkIaWHQD0Q0m6XSnuUMCm-abc"
	_, err := Parse(encoded)
	if !errors.Is(err, ErrEncoded) || !strings.Contains(err.Error(), "aws sts decode-authorization-message") {
		t.Errorf("Parse(encoded) error = %v, want ErrEncoded with how to decode it", err)
	}
	both := "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You are not authorized to perform this operation. User: arn:aws:sts::123456789012:assumed-role/Dev/s is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-east-1:123456789012:instance/* because no identity-based policy allows the ec2:RunInstances action. Encoded authorization failure message: 4GIOHlTkIaWHQD0Q0m6XSnuUMCm-abc"
	m, err := Parse(both)
	if err != nil || m.Action != "ec2:RunInstances" || m.Resource != "arn:aws:ec2:us-east-1:123456789012:instance/*" || m.PolicyType != policy.Identity || m.Operation != "RunInstances" {
		t.Errorf("Parse(readable and encoded) = %+v, %v", m, err)
	}
}

// TestParseDecoded reads the decoded message in the shape the STS API
// Reference's example prints (booleans as strings, conditions as
// item/key/values) and in the shape the service returns, bare and as
// the output of aws sts decode-authorization-message.
func TestParseDecoded(t *testing.T) {
	reference := `{"allowed": "false", "explicitDeny": "false", "matchedStatements": "", "failures": "",
  "context": {"principal": {"id": "AIDACKCEVSQ6C2EXAMPLE", "name": "Bob", "arn": "arn:aws:iam::123456789012:user/Bob"},
    "action": "ec2:StopInstances", "resource": "arn:aws:ec2:us-east-1:123456789012:instance/i-dd01c9bd",
    "conditions": [{"item": {"key": "ec2:Tenancy", "values": ["default"]}}, {"item": {"key": "ec2:ResourceTag/elasticbeanstalk:environment-name", "values": ["Default-Environment"]}}]}}`
	service := `{"allowed":false,"explicitDeny":true,"matchedStatements":{"items":[]},"failures":{"items":[]},"context":{"principal":{"id":"AROAEXAMPLE:s","arn":"arn:aws:sts::123456789012:assumed-role/Dev/s"},"action":"ec2:RunInstances","resource":"arn:aws:ec2:us-east-1:123456789012:instance/*","conditions":{"items":[{"key":"ec2:InstanceType","values":{"items":[{"value":"t3.micro"}]}},{"key":"aws:Region","values":{"items":[{"value":"us-east-1"}]}}]}}}`
	wrapped, _ := json.Marshal(map[string]string{"DecodedMessage": service})
	for _, c := range []struct {
		name, text        string
		principal, action string
		explicit          bool
		key, value        string
	}{
		{"API reference example", reference, "arn:aws:iam::123456789012:user/Bob", "ec2:StopInstances", false, "ec2:Tenancy", "default"},
		{"service output", service, "arn:aws:sts::123456789012:assumed-role/Dev/s", "ec2:RunInstances", true, "ec2:InstanceType", "t3.micro"},
		{"CLI output", string(wrapped), "arn:aws:sts::123456789012:assumed-role/Dev/s", "ec2:RunInstances", true, "aws:Region", "us-east-1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse(c.text)
			if err != nil {
				t.Fatal(err)
			}
			if !m.Decoded || m.Principal != c.principal || m.Action != c.action || m.Explicit != c.explicit || m.PolicyType != policy.KindUnknown {
				t.Errorf("Parse = %+v", m)
			}
			if got := m.Context[c.key]; len(got) != 1 || got[0] != c.value {
				t.Errorf("context %s = %v, want [%s]", c.key, got, c.value)
			}
		})
	}
	if _, err := Parse(strings.Replace(service, `"allowed":false`, `"allowed":true`, 1)); !errors.Is(err, ErrUnrecognized) {
		t.Errorf("an allowed request: error %v, want ErrUnrecognized", err)
	}
}

// TestProposeGuideCases: what the guide says to check for each example.
func TestProposeGuideCases(t *testing.T) {
	parse := func(s string) Message {
		t.Helper()
		m, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	// "check for a missing Allow statement for sts:AssumeRole in your
	// role trust policy": the role's trust policy, no identity statement.
	m := parse("User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/AppRole because no role trust policy allows the sts:AssumeRole action")
	f := Propose(m, ClassifyPrincipal(m.Principal, nil))
	if f.PolicyType != policy.Trust || f.Target != "arn:aws:iam::123456789012:role/AppRole" || f.Statement != nil || !strings.Contains(f.Advice[0], "trust policy of arn:aws:iam::123456789012:role/AppRole") {
		t.Errorf("trust fix = %+v", f)
	}
	// "When an SCP denies access, the error message can include the
	// phrase due to an explicit deny in a Service Control Policy, even if
	// the denial is implicit."
	m = parse("User: arn:aws:iam::777788889999:user/JohnDoe is not authorized to perform: codecommit:ListRepositories with an explicit deny in a service control policy")
	f = Propose(m, ClassifyPrincipal(m.Principal, nil))
	if f.Statement != nil || !strings.Contains(strings.Join(f.Advice, " "), "even when it is implicit") {
		t.Errorf("SCP fix = %+v", f)
	}
	// "check for an explicit Deny statement for SNS:Publish in your SCPs".
	m = parse("User: arn:aws:sts::111122223333:assumed-role/role-name/role-session-name is not authorized to perform: SNS:Publish on resource: arn:aws:sns:us-east-1:444455556666:role-name-2 with an explicit deny in a VPC endpoint policy transitively through a service control policy")
	f = Propose(m, ClassifyPrincipal(m.Principal, nil))
	if f.PolicyType != policy.SCP || !strings.Contains(f.Advice[0], "the service control policy") || !strings.Contains(strings.Join(f.Advice, " "), "went through a VPC endpoint policy") {
		t.Errorf("transitive fix = %+v", f)
	}
	// A decoded message names no policy type.
	m = parse(`{"allowed":false,"explicitDeny":true,"context":{"principal":{"arn":"arn:aws:iam::123456789012:user/Bob"},"action":"ec2:RunInstances","resource":"*"}}`)
	f = Propose(m, ClassifyPrincipal(m.Principal, nil))
	if f.Statement != nil || !strings.Contains(f.Advice[0], "does not say which") {
		t.Errorf("decoded explicit fix = %+v", f)
	}
}

// AWS KMS names "the resource associated with this ciphertext" instead
// of a key ("User xxxxxxx is not authorized to perform: kms:Decrypt on
// the resource associated with this ciphertext because no identity-based
// policy allows the kms:Decrypt action":
// https://docs.aws.amazon.com/singlesignon/latest/userguide/cmk-related-errors.html).
func TestParseCiphertext(t *testing.T) {
	m, err := Parse("An error occurred (AccessDeniedException) when calling the Decrypt operation: User: arn:aws:sts::123456789012:assumed-role/R/s is not authorized to perform: kms:Decrypt on the resource associated with this ciphertext because no identity-based policy allows the kms:Decrypt action")
	if err != nil {
		t.Fatal(err)
	}
	if !m.Ciphertext || m.Resource != "" || m.PolicyType != policy.Identity || m.Explicit {
		t.Fatalf("Parse = %+v, want the identity-based reason of a ciphertext's key", m)
	}
	f := Propose(m, ClassifyPrincipal(m.Principal, nil))
	if !strings.Contains(strings.Join(f.Advice, " "), "the key that encrypted the data") {
		t.Errorf("advice %q does not say which key", f.Advice)
	}
}
