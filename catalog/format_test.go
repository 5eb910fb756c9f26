package catalog

import (
	"errors"
	"slices"
	"testing"

	"github.com/agentiam/agentiam/catalog/internal/format"
)

// sampleService uses every field of the format, including the dependent
// actions and resource-level condition keys that the pinned data leaves empty.
func sampleService() *format.Service {
	return &format.Service{
		Prefix: "demo",
		Name:   "Demo Service",
		ResourceTypes: []format.ResourceType{
			{Name: "thing", ARN: "arn:${Partition}:demo:${Region}:${Account}:thing/${ThingId}", Keys: []string{"aws:ResourceTag/${TagKey}"}},
			{Name: "Widget", ARN: "arn:${Partition}:demo:::widget/${WidgetId}", Keys: []string{}},
		},
		Keys: []format.ConditionKey{
			{Key: "aws:ResourceTag/${TagKey}", Type: "String", Match: "aws:ResourceTag/" + format.VarMark},
			{Key: "demo:Colors", Type: "ArrayOfString"},
		},
		Actions: []format.Action{
			{Name: "CreateThing", Access: "Write", Keys: []string{"demo:Colors"}, Deps: []string{"iam:PassRole"}},
			{Name: "TagThing", Access: "Tagging, Write", Resources: []format.ActionResource{
				{ResourceType: 0, Required: true, Keys: []string{"aws:ResourceTag/${TagKey}"}, Deps: []string{"demo:CreateThing"}},
				{ResourceType: 1, Required: false, Keys: []string{}, Deps: []string{}},
			}, Keys: []string{}, Deps: []string{}},
		},
	}
}

func TestServiceRoundTrip(t *testing.T) {
	s, err := parseService("demo", string(format.EncodeService(sampleService())))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "Demo Service" || len(s.Actions) != 2 || len(s.ResourceTypes) != 2 || len(s.ConditionKeys) != 2 || len(s.templateKeys) != 1 {
		t.Fatalf("decoded %+v", s)
	}
	create, _ := s.Action("creatething")
	if !slices.Equal(create.ConditionKeys, []string{"demo:Colors"}) || !slices.Equal(create.DependentActions, []string{"iam:PassRole"}) || create.Resources != nil {
		t.Errorf("CreateThing = %+v", create)
	}
	tag, _ := s.Action("TagThing")
	if !tag.HasAccess(Tagging) || len(tag.Resources) != 2 {
		t.Fatalf("TagThing = %+v", tag)
	}
	r0, r1 := tag.Resources[0], tag.Resources[1]
	if r0.Type.Name != "thing" || !r0.Required || !slices.Equal(r0.DependentActions, []string{"demo:CreateThing"}) || !slices.Equal(r0.ConditionKeys, []string{"aws:ResourceTag/${TagKey}"}) {
		t.Errorf("TagThing resource 0 = %+v", r0)
	}
	if r1.Type.Name != "Widget" || r1.Required || len(r1.ConditionKeys) != 0 {
		t.Errorf("TagThing resource 1 = %+v", r1)
	}
	// Appending to one decoded list must not overwrite its neighbour.
	_ = append(r0.ConditionKeys, "x")
	if !slices.Equal(r0.DependentActions, []string{"demo:CreateThing"}) {
		t.Error("decoded lists share capacity")
	}
	if k, ok := s.ConditionKey("aws:resourcetag/Team"); !ok || k.Key != "aws:ResourceTag/${TagKey}" {
		t.Errorf("template key lookup = %v, %v", k, ok)
	}
	if k, _ := s.ConditionKey("demo:colors"); !k.Multivalued {
		t.Error("ArrayOfString key not multivalued")
	}
	if w, _ := s.ResourceType("widget"); !w.Matches("arn:aws:demo:::widget/w1") || w.Matches("arn:aws:demo:us-east-1::widget/w1") {
		t.Error("Widget template matching")
	}
}

func TestTemplateKeyFits(t *testing.T) {
	k := newConditionKey("demo:${A}/x/${B}", "String", "demo:"+format.VarMark+"/x/"+format.VarMark)
	for key, want := range map[string]bool{
		"demo:a/x/b":     true,
		"DEMO:a/X/b":     true,
		"demo:a/x/x/x/b": true,
		"demo:/x/b":      false,
		"demo:a/x/":      false,
		"demo:a/x":       false,
		"demo:ab":        false,
		"other:a/x/b":    false,
		"":               false,
	} {
		if got := k.fits(key); got != want {
			t.Errorf("fits(%q) = %v", key, got)
		}
	}
}

func TestCorruptData(t *testing.T) {
	raw := string(format.EncodeService(sampleService()))
	for n := range len(raw) {
		if _, err := parseService("demo", raw[:n]); !errors.Is(err, errCorrupt) {
			t.Fatalf("truncated to %d bytes: err = %v", n, err)
		}
	}
	if _, err := parseService("demo", raw+"\x00"); !errors.Is(err, errCorrupt) {
		t.Errorf("trailing byte: err = %v", err)
	}
	for n := range len(format.Magic) + 3 {
		if _, err := parseIndex(embedded[:n]); !errors.Is(err, errCorrupt) {
			t.Errorf("index truncated to %d bytes: err = %v", n, err)
		}
	}
	if err := verifyData(embedded[:len(embedded)-10]); !errors.Is(err, errCorrupt) {
		t.Errorf("truncated file: err = %v", err)
	}
}

func FuzzParseService(f *testing.F) {
	f.Add([]byte(format.EncodeService(sampleService())))
	f.Add([]byte{0})
	f.Add([]byte{1, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := parseService("fuzz", string(data))
		if err == nil {
			for _, a := range s.Actions {
				s.Action(a.Name)
				for _, r := range a.Resources {
					r.Type.MayMatch("*")
				}
			}
		}
	})
}

func FuzzParseIndex(f *testing.F) {
	f.Add([]byte(embedded[:min(len(embedded), 20000)]))
	f.Add([]byte(format.Magic + "\x01\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		idx, err := parseIndex(string(data))
		if err == nil {
			for _, e := range idx.entries {
				e.service(idx.blobs)
			}
		}
	})
}

func FuzzMayMatch(f *testing.F) {
	for _, p := range []string{"*", "arn:aws:s3:::b/*", "arn:aws:logs:*:*:log-group:/aws/*:log-stream:*", "arn:${aws:partition}:s3:::${aws:username}/${*}", "arn:*", "arn:aws:iam::*", "?:?:?:?:?:?", "${", "arn:aws:s3:::a${"} {
		f.Add(p)
	}
	obj := resourceType(f, "s3", "object")
	stream := resourceType(f, "logs", "log-stream")
	fm := resourceType(f, "bedrock", "foundation-model")
	f.Fuzz(func(t *testing.T, pattern string) {
		if len(pattern) > 512 {
			return
		}
		for _, rt := range []*ResourceType{obj, stream, fm} {
			rt.MayMatch(pattern)
			// A concrete ARN the type fits must be reported as possible.
			if rt.Matches(pattern) && !rt.MayMatch(pattern) {
				t.Errorf("%s matches %q but MayMatch says no", rt.Name, pattern)
			}
		}
	})
}

func FuzzClassifyARN(f *testing.F) {
	for _, a := range []string{"arn:aws:s3:::b/k", "arn:aws:lambda:us-east-1:1:function:f:1", "arn:aws:bedrock:r::foundation-model/a:0", "arn:::::", "arn:a:b:c:d:e"} {
		f.Add(a)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 512 {
			return
		}
		for _, rt := range ClassifyARN(s) {
			if !rt.Matches(s) {
				t.Errorf("ClassifyARN(%q) returned %s, which does not match it", s, rt.Name)
			}
		}
	})
}

func FuzzLookups(f *testing.F) {
	for _, s := range []string{"s3:GetObject", "*:List*", "aws:PrincipalTag/x", "bedrock-agentcor:GetMemory", "s3:ExistingObjectTag/", "?", ":"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 256 {
			return
		}
		LookupAction(s)
		FindConditionKey(s)
		if got, ok := SuggestAction(s); ok {
			if _, err := LookupAction(got); err != nil {
				t.Errorf("SuggestAction(%q) = %q: %v", s, got, err)
			}
		}
		for _, a := range ExpandActions(s) {
			if a == nil {
				t.Fatal("nil action")
			}
		}
	})
}
