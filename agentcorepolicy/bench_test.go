package agentcorepolicy

import (
	"testing"

	"github.com/agentiam/agentiam/agentcorepolicy/internal/perfdata"
)

// BenchmarkSchemaAndValidate: the figure, schema plus validation
// and analysis (as cedar validate runs them) of 200 policies over a
// gateway with 200 tools (the whole process is timed
// with agentcorepolicy/testdata/perf; see the README's Development table).
func BenchmarkSchemaAndValidate(b *testing.B) {
	orders, billing := perfdata.Manifests(200)
	policies := perfdata.Policies(200, 200)
	b.ReportAllocs()
	for b.Loop() {
		t1, err := ReadManifest("orders.json", "Orders", orders)
		if err != nil {
			b.Fatal(err)
		}
		t2, err := ReadManifest("billing.json", "Billing", billing)
		if err != nil {
			b.Fatal(err)
		}
		v, err := NewValidator(&Gateway{ARN: perfdata.GatewayARN, Auth: AuthOAuth, Tools: append(t1, t2...)})
		if err != nil {
			b.Fatal(err)
		}
		ps := NewPolicySet()
		if err := ps.AddFile("policies.cedar", policies); err != nil {
			b.Fatal(err)
		}
		if ds := append(v.Validate(ps), v.Analyze(ps)...); len(ds) > 0 {
			b.Fatalf("generated policies have findings: %v", ds[0])
		}
	}
}
