package prove

import (
	"errors"
	"testing"

	"github.com/agentiam/agentiam/policy"
)

// TestProveRefusesWhatIAMRejects: a policy IAM would not save for its
// kind (eval.CompileAs: an identity policy, boundary or session policy
// naming a Principal or lacking Resource; a resource policy without
// Principal) is an input error, as simulate and simulate --batch make
// it, not a proof about statements AWS never evaluates.
func TestProveRefusesWhatIAMRejects(t *testing.T) {
	noResource := `{"Effect":"Allow","Action":"s3:PutObject"}`
	principal := `{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"*"}`
	noPrincipal := `{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}`
	for _, tt := range []struct {
		name string
		kind policy.Kind
		new  string
	}{
		{"identity policy without Resource", policy.Identity, allowS3Get + "," + noResource},
		{"identity policy with Principal", policy.Identity, allowS3Get + "," + principal},
		{"session policy without Resource", policy.Session, noResource},
		{"resource policy without Principal", policy.Resource, noPrincipal},
		{"trust policy without Principal", policy.Trust, `{"Effect":"Allow","Action":"sts:AssumeRole"}`},
	} {
		old := doc(t, "old.json", allowS3Get)
		if tt.kind == policy.Resource || tt.kind == policy.Trust {
			old = doc(t, "old.json", `{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"*"}`)
		}
		if _, err := Prove(old, doc(t, "new.json", tt.new), Options{Kind: tt.kind}); !errors.Is(err, ErrInput) {
			t.Errorf("%s: error %v, want ErrInput", tt.name, err)
		}
	}
	bad := Permissions{Identity: []*policy.Document{doc(t, "new.json", allowS3Get)}, Boundary: doc(t, "boundary.json", noResource)}
	good := Permissions{Identity: []*policy.Document{doc(t, "old.json", allowS3Get)}}
	if _, err := ProvePermissions(good, bad, Options{}); !errors.Is(err, ErrInput) {
		t.Errorf("boundary without Resource: error %v, want ErrInput", err)
	}
}
