package eval

import (
	"errors"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/policy"
)

func TestCompileAs(t *testing.T) {
	const (
		plain       = `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
		noResource  = `{"Statement":[{"Effect":"Allow","Action":"s3:*"}]}`
		notResource = `{"Statement":[{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::b"}]}`
		principal   = `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`
		notPrinc    = `{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}]}`
		trust       = `{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
		mixed       = `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"s3:Put*"}]}`
	)
	tests := []struct {
		kind policy.Kind
		src  string
		want string // "" when it compiles, else a part of the error
	}{
		{policy.Identity, plain, ""},
		{policy.Identity, notResource, ""},
		{policy.Identity, noResource, "neither Resource nor NotResource, which an identity-based policy requires"},
		{policy.Identity, principal, "an identity-based policy cannot name a Principal"},
		{policy.Identity, notPrinc, "cannot name a Principal or NotPrincipal"},
		{policy.Boundary, noResource, "which a permissions boundary requires"},
		{policy.Session, principal, "a session policy cannot name"},
		{policy.Resource, principal, ""},
		{policy.Resource, notPrinc, ""},
		{policy.Resource, trust, ""},
		{policy.Resource, plain, "must name a Principal or NotPrincipal"},
		{policy.Resource, mixed, "statement 1: cannot compile policy: the statement has neither Resource nor NotResource"},
		{policy.Trust, trust, ""},
		{policy.SCP, plain, ""},
		{policy.SCP, noResource, ""},
		{policy.RCP, principal, ""},
		{policy.VPCEndpoint, principal, ""},
	}
	for _, tt := range tests {
		_, err := CompileAs(mustParse(t, tt.src), tt.kind)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s %s: %v", tt.kind, tt.src, err)
		case tt.want != "" && (err == nil || !errors.Is(err, ErrCompile) || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s %s: error %v, want one wrapping ErrCompile with %q", tt.kind, tt.src, err, tt.want)
		}
	}
}

func TestNewSetChecksPlacement(t *testing.T) {
	doc := mustParse(t, `{"Statement":[{"Effect":"Allow","Action":"s3:*"}]}`)
	if _, err := NewSet(Documents{Identity: []*policy.Document{doc}}); !errors.Is(err, ErrCompile) {
		t.Errorf("NewSet with an identity policy without Resource: %v, want ErrCompile", err)
	}
	if _, err := NewSet(Documents{SCPs: [][]*policy.Document{{doc}}}); err != nil {
		t.Errorf("NewSet with the same statement as an SCP: %v", err)
	}
}
