package explain

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/eval"
	"github.com/agentiam/agentiam/policy"
)

func mustParse(t testing.TB, src string) *policy.Document {
	t.Helper()
	doc, err := policy.Parse("test.json", []byte(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return doc
}

func TestExplain(t *testing.T) {
	tests := []struct {
		name     string
		docs     func(t *testing.T) eval.Documents
		req      eval.Request
		decision eval.Decision
		element  string // failed element of the first statement of the first policy
		reason   string // substring of that statement's reason
		why      string // substring of the decision's reason
	}{
		{
			name: "condition detail",
			docs: func(t *testing.T) eval.Documents {
				return eval.Documents{Resource: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"bedrock-agentcore.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:bedrock-agentcore:us-west-2:111122223333:*"}}}]}`)}
			},
			req:      eval.Request{Principal: "bedrock-agentcore.amazonaws.com", Action: "sts:AssumeRole", Resource: "arn:aws:iam::111122223333:role/exec", Context: eval.ContextOf(map[string][]string{"aws:SourceArn": {"arn:aws:bedrock-agentcore:eu-west-1:111122223333:runtime/x"}})},
			decision: eval.ImplicitlyDenied,
			element:  "Condition",
			reason:   `condition aws:SourceArn ArnLike failed: value "arn:aws:bedrock-agentcore:eu-west-1:111122223333:runtime/x" vs pattern "arn:aws:bedrock-agentcore:us-west-2:111122223333:*"`,
			why:      "only a resource policy can grant",
		},
		{
			name: "action",
			docs: func(t *testing.T) eval.Documents {
				return eval.Documents{Identity: []*policy.Document{mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}]}`)}}
			},
			req:      eval.Request{Principal: "arn:aws:iam::111122223333:role/app", Action: "s3:PutObject", Resource: "arn:aws:s3:::b/k"},
			decision: eval.ImplicitlyDenied,
			element:  "Action",
			reason:   "action s3:PutObject does not match s3:Get*, s3:List*",
			why:      "no identity policy allows it",
		},
		{
			name: "resource with variable",
			docs: func(t *testing.T) eval.Documents {
				return eval.Documents{Identity: []*policy.Document{mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}`)}}
			},
			req:      eval.Request{Principal: "arn:aws:iam::111122223333:role/app", Action: "s3:GetObject", Resource: "arn:aws:s3:::home/app/k"},
			decision: eval.ImplicitlyDenied,
			element:  "Resource",
			reason:   "(variable has no value)",
		},
		{
			name: "explicit deny",
			docs: func(t *testing.T) eval.Documents {
				return eval.Documents{Identity: []*policy.Document{mustParse(t, `{"Version":"2012-10-17","Statement":[{"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}`)}}
			},
			req:      eval.Request{Principal: "arn:aws:iam::111122223333:role/app", Action: "s3:DeleteObject", Resource: "arn:aws:s3:::b/k"},
			decision: eval.ExplicitlyDenied,
			why:      `statement "NoDelete" (#0) in the identity policy`,
		},
		{
			name: "principal",
			docs: func(t *testing.T) eval.Documents {
				return eval.Documents{Resource: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/other"},"Action":"s3:GetObject","Resource":"*"}]}`)}
			},
			req:      eval.Request{Principal: "arn:aws:iam::111122223333:role/app", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"},
			decision: eval.ImplicitlyDenied,
			element:  "Principal",
			reason:   "is not named by Principal",
		},
		{
			name: "scp skipped for service principal",
			docs: func(t *testing.T) eval.Documents {
				return eval.Documents{
					Resource: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"*"}]}`),
					SCPs:     [][]*policy.Document{{mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`)}},
				}
			},
			req:      eval.Request{Principal: "sns.amazonaws.com", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:111122223333:q"},
			decision: eval.Allowed,
			why:      "the resource policy grants sqs:SendMessage to service principal sns.amazonaws.com",
		},
		{
			name: "federated user without session policy",
			docs: func(t *testing.T) eval.Documents {
				return eval.Documents{Identity: []*policy.Document{mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)}}
			},
			req:      eval.Request{Principal: "arn:aws:sts::111122223333:federated-user/bob", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"},
			decision: eval.ImplicitlyDenied,
			why:      "a federated user session without a session policy has no identity-based permissions",
		},
		{
			name: "wildcard principal within the account",
			docs: func(t *testing.T) eval.Documents {
				return eval.Documents{
					Resource: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`),
					Boundary: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`),
				}
			},
			req:      eval.Request{Principal: "arn:aws:sts::111122223333:assumed-role/app/s", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"},
			decision: eval.Allowed,
			why:      `grants s3:GetObject to every principal ("*")`,
		},
		{
			name: "role ARN limited by boundary",
			docs: func(t *testing.T) eval.Documents {
				return eval.Documents{
					Resource: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:GetObject","Resource":"*"}]}`),
					Boundary: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`),
				}
			},
			req:      eval.Request{Principal: "arn:aws:sts::111122223333:assumed-role/app/s", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"},
			decision: eval.ImplicitlyDenied,
			why:      "grants the role ARN, but the permissions boundary does not allow s3:GetObject",
		},
		{
			name: "allow with NotPrincipal listing the role",
			docs: func(t *testing.T) eval.Documents {
				return eval.Documents{Resource: mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:GetObject","Resource":"*"}]}`)}
			},
			req:      eval.Request{Principal: "arn:aws:sts::111122223333:assumed-role/app/s", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"},
			decision: eval.ImplicitlyDenied,
			element:  "NotPrincipal",
			reason:   "(or its role or account) is listed in NotPrincipal",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := eval.NewSet(tt.docs(t))
			if err != nil {
				t.Fatal(err)
			}
			d, err := set.Evaluate(&tt.req)
			if err != nil || d != tt.decision {
				t.Fatalf("Evaluate = %v, %v; want %v", d, err, tt.decision)
			}
			tr, err := Explain(set, &tt.req)
			if err != nil || tr.Decision != tt.decision {
				t.Fatalf("Explain = %+v, %v", tr, err)
			}
			if !strings.Contains(tr.Reason, tt.why) {
				t.Errorf("reason %q does not contain %q", tr.Reason, tt.why)
			}
			if tt.element != "" {
				st := tr.Policies[0].Statements[0]
				if st.Applied || st.FailedElement.String() != tt.element || !strings.Contains(st.Reason, tt.reason) {
					t.Errorf("statement trace = %+v, want element %s with reason containing %q", st, tt.element, tt.reason)
				}
			}
			if _, err := json.Marshal(tr); err != nil {
				t.Errorf("trace does not marshal: %v", err)
			}
		})
	}
}
