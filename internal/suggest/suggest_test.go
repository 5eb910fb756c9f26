package suggest

import (
	"strings"
	"testing"
)

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"", "abc", 3},
		{"Effect", "effect", 0},
		{"kitten", "sitting", 3},
		{"SoruceArn", "SourceArn", 1}, // a swap is one edit
		{"ab", "ba", 1},
		{"ca", "abc", 3}, // optimal string alignment edits no substring twice
		{"Resources", "Resource", 1},
	}
	for _, tt := range tests {
		var rows [3][]int
		if got := distance(tt.a, tt.b, 100, &rows); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		for bound := 1; bound <= tt.want; bound++ {
			if got := distance(tt.a, tt.b, bound, &rows); got != bound {
				t.Errorf("distance(%q, %q) bounded by %d = %d, want %d", tt.a, tt.b, bound, got, bound)
			}
		}
	}
}

func TestWithin(t *testing.T) {
	keys := []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}
	tests := []struct {
		in      string
		maxDist int
		want    string
	}{
		{"EFFECT", 1, "Effect"},
		{"Actoin", 1, "Action"},
		{"Principle", 2, "Principal"},
		{"Principle", 1, ""},
		{"Foo", 1, ""},
		{"Foo", 3, "Sid"}, // first of the candidates at distance 3
		{"NotActions", 1, "NotAction"},
		{"Resorce", 0, ""},
		{strings.Repeat("x", 1<<16), 3, ""},
	}
	for _, tt := range tests {
		got, ok := Within(keys, tt.in, tt.maxDist)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("Within(%.20q, %d) = %q, %v, want %q", tt.in, tt.maxDist, got, ok, tt.want)
		}
	}
	if got, ok := Within(nil, "x", 3); ok {
		t.Errorf("Within(nil) = %q", got)
	}
}

func TestTiesGoToTheEarlierCandidate(t *testing.T) {
	for _, c := range [][]string{{"cat", "car"}, {"car", "cat"}} {
		if got, _ := Closest(c, "cab"); got != c[0] {
			t.Errorf("Closest(%q, cab) = %q, want %q", c, got, c[0])
		}
	}
}

func TestClosestTolerance(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Sd", "Sid"},                        // one edit allowed for short names
		{"Sx", ""},                           // two are not
		{"GetMemroy", "GetMemory"},           // tolerance 2
		{"GetMmoryRcord", "GetMemoryRecord"}, // tolerance 3
	}
	for _, tt := range tests {
		got, _ := Closest([]string{"Sid", "GetMemory", "GetMemoryRecord"}, tt.in)
		if got != tt.want {
			t.Errorf("Closest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func BenchmarkClosest(b *testing.B) {
	names := strings.Fields("CreateEvent GetEvent ListEvents DeleteEvent ListSessions ListActors GetMemoryRecord ListMemoryRecords RetrieveMemoryRecords DeleteMemoryRecord GetMemory CreateMemory UpdateMemory DeleteMemory ListMemories InvokeAgentRuntime InvokeGateway")
	b.ReportAllocs()
	for b.Loop() {
		Closest(names, "RetreiveMemoryRecord")
	}
}
