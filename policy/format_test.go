package policy

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/internal/jsontext"
)

var update = flag.Bool("update", false, "rewrite golden files")

func testdataPolicies(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "format", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata policies: %v", err)
	}
	return files
}

func TestFormatGolden(t *testing.T) {
	for _, file := range testdataPolicies(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := Parse(file, src)
			if err != nil {
				t.Fatal(err)
			}
			got := Format(doc)
			golden := strings.TrimSuffix(file, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Format differs from %s (run go test -update):\n%s", golden, got)
			}
			checkRoundTrip(t, doc)
		})
	}
}

// checkRoundTrip asserts that doc prints, re-parses to an equal document,
// and prints identically again.
func checkRoundTrip(t *testing.T, doc *Document) {
	t.Helper()
	out := Format(doc)
	again, err := Parse("formatted.json", out)
	if err != nil {
		t.Fatalf("Format output does not parse: %v\n%s", err, out)
	}
	if !Equal(doc, again) {
		t.Fatalf("round trip changed the document:\n%s\n%s", dump(doc), dump(again))
	}
	if out2 := Format(again); !bytes.Equal(out, out2) {
		t.Fatalf("Format is not idempotent:\n%s\n%s", out, out2)
	}
	if !json.Valid(out) {
		t.Fatalf("Format output is not valid JSON:\n%s", out)
	}
}

func TestFormatShapes(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"single statement and bare strings stay",
			`{"Statement":{"Effect":"Allow","Action":"a","Resource":["r"]}}`,
			"{\n  \"Statement\": {\n    \"Effect\": \"Allow\",\n    \"Action\": \"a\",\n    \"Resource\": [\n      \"r\"\n    ]\n  }\n}\n"},
		{"empty condition and numbers",
			`{"Statement":[{"Effect":"Allow","Condition":{"NumericEquals":{"k":[1.50,2E+3]},"Bool":{}}}]}`,
			"{\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Condition\": {\n        \"Bool\": {},\n        \"NumericEquals\": {\n          \"k\": [\n            1.50,\n            2E+3\n          ]\n        }\n      }\n    }\n  ]\n}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse("p.json", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if got := string(Format(doc)); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			checkRoundTrip(t, doc)
		})
	}
}

// TestAppendStringMatchesEncodingJSON pins the escaping to encoding/json
// with SetEscapeHTML(false), for every ASCII byte and the special runes.
func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	var inputs []string
	for c := range 0x80 {
		inputs = append(inputs, "a"+string(rune(c))+"z")
	}
	inputs = append(inputs, "", "é☃😀", "\u2028\u2029", "x\xffy", "\xed\xa0\x80", "&<>", "${aws:username}")
	for _, s := range inputs {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSuffix(buf.String(), "\n")
		if got := string(jsontext.AppendQuoted(nil, s)); got != want {
			t.Errorf("jsontext.AppendQuoted(%q) = %s, want %s", s, got, want)
		}
	}
}

func TestFormatNil(t *testing.T) {
	if got := string(Format(nil)); got != "{}\n" {
		t.Errorf("Format(nil) = %q", got)
	}
	doc := &Document{Statements: []*Statement{nil}}
	if got := string(Format(doc)); got != "{\n  \"Statement\": [\n    {}\n  ]\n}\n" {
		t.Errorf("Format with a nil statement = %q", got)
	}
}

func TestConstructors(t *testing.T) {
	trust := NewStatement("AssumeRole", EffectAllow)
	trust.Principal = NewPrincipal(PrincipalService, "bedrock-agentcore.amazonaws.com")
	trust.Action = NewStringList("sts:AssumeRole")
	trust.AddCondition("StringEquals", "aws:SourceAccount", "123456789012")
	trust.AddCondition("ArnLike", "aws:SourceArn", "arn:aws:bedrock-agentcore:us-east-1:123456789012:*")
	trust.AddCondition("StringEquals", "aws:SourceAccount", "210987654321")

	deny := NewStatement("", EffectDeny)
	deny.Principal = WildcardPrincipal()
	deny.NotAction = NewStringList("a", "b")
	deny.Resource = NewStringList()

	doc := NewDocument(trust)
	doc.Add(deny)
	if doc.Statements[1].Index != 1 {
		t.Errorf("Add numbered the statement %d", doc.Statements[1].Index)
	}
	want := `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AssumeRole",
      "Effect": "Allow",
      "Principal": {
        "Service": "bedrock-agentcore.amazonaws.com"
      },
      "Action": "sts:AssumeRole",
      "Condition": {
        "ArnLike": {
          "aws:SourceArn": "arn:aws:bedrock-agentcore:us-east-1:123456789012:*"
        },
        "StringEquals": {
          "aws:SourceAccount": [
            "123456789012",
            "210987654321"
          ]
        }
      }
    },
    {
      "Effect": "Deny",
      "Principal": "*",
      "NotAction": [
        "a",
        "b"
      ],
      "Resource": []
    }
  ]
}
`
	if got := string(Format(doc)); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	p := NewPrincipal(PrincipalAWS, "arn:aws:iam::1:root")
	p.Add(PrincipalAWS, "arn:aws:iam::2:root")
	p.Add(PrincipalService, "s.amazonaws.com")
	if len(p.Entries) != 2 || p.Entries[0].Values.Single || !p.Entries[1].Values.Single {
		t.Errorf("Principal.Add: %+v", p.Entries)
	}
}

func TestEqual(t *testing.T) {
	base := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"a","Service":"s"},"Action":["x"],"Condition":{"A":{"k":"1","j":1},"B":{"k":true}}}]}`
	same := "{\"Statement\":[{\"Condition\":{\"B\":{\"k\":true},\"A\":{\"j\":1,\"k\":\"1\"}},\n\"Action\":[\"x\"],\"Principal\":{\"Service\":\"s\",\"AWS\":\"a\"},\"Effect\":\"Allow\"}],\"Version\":\"2012-10-17\"}"
	different := []string{
		strings.Replace(base, `"Action":["x"]`, `"Action":"x"`, 1),
		strings.Replace(base, `"j":1`, `"j":"1"`, 1),
		strings.Replace(base, `"k":true`, `"k":[true]`, 1),
		strings.Replace(base, `"Version":"2012-10-17",`, ``, 1),
		strings.Replace(strings.TrimSuffix(base, "]}")+"}", `"Statement":[{`, `"Statement":{`, 1),
		strings.Replace(base, `"AWS":"a"`, `"AWS":"b"`, 1),
		strings.Replace(base, `"Allow"`, `"Deny"`, 1),
		strings.Replace(base, `,"B":{"k":true}`, ``, 1),
	}
	parse := func(s string) *Document {
		t.Helper()
		d, err := Parse("p.json", []byte(s))
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		return d
	}
	a := parse(base)
	if !Equal(a, parse(same)) {
		t.Error("reordered members compare unequal")
	}
	for _, s := range different {
		if Equal(a, parse(s)) {
			t.Errorf("Equal to %s", s)
		}
	}
	if Equal(a, nil) || !Equal(nil, nil) {
		t.Error("nil handling")
	}
}
