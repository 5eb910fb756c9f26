package inputs

import (
	"errors"
	"testing"

	"github.com/agentiam/agentiam/policy"
)

// TestAuthorizationDetailsPositions: documents are read in place, so two
// roles with the same inline policy each get their own lines (a search
// for the text would find the first copy twice).
func TestAuthorizationDetailsPositions(t *testing.T) {
	src := []byte(`{"RoleDetailList": [
 {"RoleName": "a", "Arn": "arn:aws:iam::1:role/a", "RolePolicyList": [{"PolicyName": "p", "PolicyDocument":
  {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}]},
 {"RoleName": "b", "Arn": "arn:aws:iam::1:role/b", "RolePolicyList": [{"PolicyName": "p", "PolicyDocument":
  {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}],
  "AssumeRolePolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22lambda.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D"}
]}`)
	d, err := AuthorizationDetails("authz.json", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Roles) != 2 {
		t.Fatalf("%d roles", len(d.Roles))
	}
	for i, want := range []policy.Pos{{Line: 3, Column: 43}, {Line: 5, Column: 43}} {
		got := d.Roles[i].Inline[0].Document.Statements[0].Pos
		if got.Line != want.Line || got.Column != want.Column || src[got.Offset] != '{' {
			t.Errorf("role %d: statement at %+v, want line %d column %d", i, got, want.Line, want.Column)
		}
	}
	if tr := d.Roles[1].Trust; tr == nil || len(tr.Statements) != 1 || tr.Statements[0].Pos.IsValid() {
		t.Errorf("URL-encoded trust policy: %+v", tr)
	}
	for _, bad := range []string{
		`{"RoleDetailList":[{"RoleName":"r","Arn":"a","RolePolicyList":[{"PolicyName":"p"}]}]}`,
		`{"RoleDetailList":[{"RoleName":"r","Arn":"a","AssumeRolePolicyDocument":5}]}`,
	} {
		if _, err := AuthorizationDetails("bad.json", []byte(bad)); !errors.Is(err, ErrAuthorizationDetails) {
			t.Errorf("%s: %v, want ErrAuthorizationDetails", bad, err)
		}
	}
}
