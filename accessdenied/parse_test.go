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
