package policy

import (
	"errors"
	"testing"
)

func TestKind(t *testing.T) {
	tests := []struct {
		in      string
		want    Kind
		aws     string
		quota   int
		managed int
	}{
		{"identity", Identity, "identity-based policy", MaxInlineSize, MaxManagedSize},
		{"Resource", Resource, "resource-based policy", 0, 0},
		{"trust", Trust, "resource-based policy", MaxTrustSize, MaxTrustSize},
		{"boundary", Boundary, "permissions boundary", MaxManagedSize, MaxManagedSize},
		{"session", Session, "session policy", MaxSessionSize, MaxSessionSize},
		{"scp", SCP, "service control policy", MaxOrganizationsSize, MaxOrganizationsSize},
		{"rcp", RCP, "resource control policy", MaxOrganizationsSize, MaxOrganizationsSize},
		{"vpc-endpoint", VPCEndpoint, "VPC endpoint policy", 0, 0},
		{"service control policy", SCP, "service control policy", MaxOrganizationsSize, MaxOrganizationsSize},
	}
	for _, tt := range tests {
		k, err := ParseKind(tt.in)
		if err != nil || k != tt.want {
			t.Errorf("ParseKind(%q) = %v, %v; want %v", tt.in, k, err, tt.want)
			continue
		}
		if k.AWSName() != tt.aws || k.Quota(false) != tt.quota || k.Quota(true) != tt.managed {
			t.Errorf("%v: AWSName %q quota %d/%d", k, k.AWSName(), k.Quota(false), k.Quota(true))
		}
		var back Kind
		text, _ := k.MarshalText()
		if err := back.UnmarshalText(text); err != nil || back != k {
			t.Errorf("%v round trip: %v, %v", k, back, err)
		}
	}
	if _, err := ParseKind("identiy"); !errors.Is(err, ErrUnknownKind) {
		t.Errorf("ParseKind(identiy) error = %v, want ErrUnknownKind", err)
	}
	if Trust.ResourceBased() != true || Identity.ResourceBased() {
		t.Error("ResourceBased: trust and resource policies name principals, identity policies do not")
	}
}
