package catalog

import (
	"errors"
	"slices"
	"testing"

	"github.com/agentiam/agentiam/catalog/internal/format"
)

func TestOutlineRoundTrip(t *testing.T) {
	o, err := parseOutline("demo", string(format.EncodeOutline(sampleService())))
	if err != nil {
		t.Fatal(err)
	}
	if o.Prefix != "demo" || len(o.Actions) != 2 {
		t.Fatalf("decoded %+v", o)
	}
	create, tag := &o.Actions[0], &o.Actions[1]
	if create.FullName() != "demo:CreateThing" || create.Types != nil {
		t.Errorf("CreateThing = %+v", create)
	}
	if tag.FullName() != "demo:TagThing" || len(tag.Types) != 2 ||
		tag.Types[0].ARN != "arn:${Partition}:demo:${Region}:${Account}:thing/${ThingId}" || tag.Types[1].ARN != "arn:${Partition}:demo:::widget/${WidgetId}" {
		t.Fatalf("TagThing = %+v", tag)
	}
	if !tag.Types[1].MayMatch("arn:aws:demo:::widget/*") || tag.Types[1].MayMatch("arn:aws:demo:::thing/*") {
		t.Error("outline template matching")
	}
	s, err := parseService("demo", string(format.EncodeService(sampleService())))
	if err != nil {
		t.Fatal(err)
	}
	if err := o.agrees(s); err != nil {
		t.Errorf("outline and service disagree: %v", err)
	}
	o.Actions[1].Types = o.Actions[1].Types[:1]
	if err := o.agrees(s); err == nil {
		t.Error("an outline missing a resource type agrees with its service")
	}
}

func TestOutlineCorrupt(t *testing.T) {
	raw := string(format.EncodeOutline(sampleService()))
	for n := range len(raw) {
		if _, err := parseOutline("demo", raw[:n]); !errors.Is(err, errCorrupt) {
			t.Fatalf("truncated to %d bytes: err = %v", n, err)
		}
	}
	if _, err := parseOutline("demo", raw+"\x00"); !errors.Is(err, errCorrupt) {
		t.Errorf("trailing byte: err = %v", err)
	}
}

func FuzzParseOutline(f *testing.F) {
	f.Add([]byte(format.EncodeOutline(sampleService())))
	f.Add([]byte{0, 0, 0})
	f.Add([]byte{1, 1, 'a', 1, 1, 1, 'b', 1, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := parseOutline("fuzz", string(data))
		if err != nil {
			return
		}
		for i := range o.Actions {
			for _, tp := range o.Actions[i].Types {
				tp.MayMatch("*")
				tp.Automaton()
			}
		}
	})
}

// TestExpandOutline holds ExpandOutline to ExpandActions: the same
// actions, in the same order, with the same resource types.
func TestExpandOutline(t *testing.T) {
	for _, p := range []string{"s3:Get*", "S3:getobject", "*:List*", "*", "**", "s3*:*", "s3", "", ":", "iam:Pass?ole", "nosuch:*", "s3:nosuch", "sts:*", "*:*Memory*", "bedrock-agentcore:*"} {
		want := ExpandActions(p)
		got := ExpandOutline(p)
		if len(got) != len(want) {
			t.Errorf("%q: %d outline actions, %d actions", p, len(got), len(want))
			continue
		}
		for i, a := range want {
			o := got[i]
			types := make([]string, len(o.Types))
			for j, tp := range o.Types {
				types[j] = tp.ARN
			}
			var wantTypes []string
			for _, r := range a.Resources {
				wantTypes = append(wantTypes, r.Type.ARN)
			}
			if o.FullName() != a.FullName() || !slices.Equal(types, wantTypes) {
				t.Errorf("%q: #%d is %s %v, want %s %v", p, i, o.FullName(), types, a.FullName(), wantTypes)
				break
			}
		}
	}
}

func TestOutlineDecodesNoService(t *testing.T) {
	resetAll()
	o, ok := LookupOutline("S3")
	if !ok || o.Prefix != "s3" || len(o.Actions) == 0 {
		t.Fatalf("LookupOutline(S3) = %v, %v", o, ok)
	}
	if again, _ := LookupOutline("s3"); again != o {
		t.Error("a second LookupOutline decoded again")
	}
	if ExpandOutline("*:Get*"); decodes.Load() != 0 {
		t.Errorf("outlines decoded %d services", decodes.Load())
	}
	if _, ok := LookupOutline("nosuch"); ok {
		t.Error("LookupOutline(nosuch) found a service")
	}
	s := mustService(t, "s3")
	if err := o.agrees(s); err != nil {
		t.Error(err)
	}
	for _, rt := range s.ResourceTypes {
		if rt.Template().ARN != rt.ARN {
			t.Errorf("%s: Template().ARN = %q", rt.ARN, rt.Template().ARN)
		}
	}
}
