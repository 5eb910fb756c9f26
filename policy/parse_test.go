package policy

import (
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/internal/jsontext"
)

// dump renders the model with every position, one element per line.
func dump(d *Document) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	str := func(s *String) string {
		if s == nil {
			return "-"
		}
		return fmt.Sprintf("%q@%s", s.Value, s.Pos)
	}
	list := func(name string, l *StringList) {
		if l == nil {
			return
		}
		vals := make([]string, len(l.Values))
		for i := range l.Values {
			vals[i] = str(&l.Values[i])
		}
		w("  %s key@%s val@%s single=%v %s", name, l.KeyPos, l.Pos, l.Single, strings.Join(vals, " "))
	}
	principal := func(name string, p *Principal) {
		if p == nil {
			return
		}
		w("  %s key@%s val@%s wildcard=%v", name, p.KeyPos, p.Pos, p.Wildcard)
		for _, e := range p.Entries {
			list("  "+e.Type.Value+"@"+e.Type.Pos.String(), &e.Values)
		}
	}
	w("doc@%s version=%s id=%s statement@%s single=%v", d.Pos, str(d.Version), str(d.ID), d.StatementPos, d.StatementSingle)
	for _, st := range d.Statements {
		w(" stmt %d@%s sid=%s effect=%s", st.Index, st.Pos, str(st.Sid), str(&st.Effect))
		principal("Principal", st.Principal)
		principal("NotPrincipal", st.NotPrincipal)
		list("Action", st.Action)
		list("NotAction", st.NotAction)
		list("Resource", st.Resource)
		list("NotResource", st.NotResource)
		if c := st.Condition; c != nil {
			w("  Condition key@%s val@%s", c.KeyPos, c.Pos)
			for _, op := range c.Operators {
				w("   %s", str(&op.Name))
				for _, k := range op.Keys {
					vals := make([]string, len(k.Values))
					for i, v := range k.Values {
						vals[i] = fmt.Sprintf("%d:%q@%s", v.Kind, v.Value, v.Pos)
					}
					w("    %s val@%s single=%v %s", str(&k.Name), k.Pos, k.Single, strings.Join(vals, " "))
				}
			}
		}
	}
	return b.String()
}

// trimLines strips the common indentation of a raw-string table entry.
func trimLines(s string) string {
	lines := strings.Split(strings.Trim(s, "\n\t"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(strings.TrimLeft(l, "\t"), "|")
	}
	return strings.Join(lines, "\n") + "\n"
}

func TestParseElements(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"minimal", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, `
			doc@1:1 version="2012-10-17"@1:12 id=- statement@1:25 single=false
			| stmt 0@1:38 sid=- effect="Allow"@1:48
			|  Action key@1:56 val@1:65 single=true "s3:GetObject"@1:65
			|  Resource key@1:80 val@1:91 single=true "*"@1:91
		`},
		{"single statement object, 2008 version, Id", "{\n \"Id\": \"p1\",\n \"Version\": \"2008-10-17\",\n \"Statement\": {\"Sid\": \"S\", \"Effect\": \"Deny\", \"NotAction\": [\"iam:*\", \"sts:*\"], \"NotResource\": [\"arn:aws:s3:::b\"]}\n}", `
			doc@1:1 version="2008-10-17"@3:13 id="p1"@2:8 statement@4:2 single=true
			| stmt 0@4:15 sid="S"@4:23 effect="Deny"@4:38
			|  NotAction key@4:46 val@4:59 single=false "iam:*"@4:60 "sts:*"@4:69
			|  NotResource key@4:79 val@4:94 single=false "arn:aws:s3:::b"@4:95
		`},
		{"principals", `{"Statement":[{"Effect":"Allow","Principal":"*"},{"Effect":"Allow","Principal":{"Service":["a.amazonaws.com","b.amazonaws.com"],"AWS":"arn:aws:iam::123456789012:root","Federated":"cognito-identity.amazonaws.com","CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}},{"Effect":"Deny","NotPrincipal":{"AWS":["*"]}}]}`, `
			doc@1:1 version=- id=- statement@1:2 single=false
			| stmt 0@1:15 sid=- effect="Allow"@1:25
			|  Principal key@1:33 val@1:45 wildcard=true
			| stmt 1@1:50 sid=- effect="Allow"@1:60
			|  Principal key@1:68 val@1:80 wildcard=false
			|    Service@1:81 key@1:81 val@1:91 single=false "a.amazonaws.com"@1:92 "b.amazonaws.com"@1:110
			|    AWS@1:129 key@1:129 val@1:135 single=true "arn:aws:iam::123456789012:root"@1:135
			|    Federated@1:168 key@1:168 val@1:180 single=true "cognito-identity.amazonaws.com"@1:180
			|    CanonicalUser@1:213 key@1:213 val@1:229 single=true "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"@1:229
			| stmt 2@1:298 sid=- effect="Deny"@1:308
			|  NotPrincipal key@1:315 val@1:330 wildcard=false
			|    AWS@1:331 key@1:331 val@1:337 single=false "*"@1:338
		`},
		{"conditions", "{\"Statement\":[{\"Effect\":\"Allow\",\"Condition\":{\n\"StringEquals\":{\"aws:SourceAccount\":\"1\",\"s3:prefix\":[\"a\",\"\"]},\n\"NumericLessThan\":{\"s3:max-keys\":10,\"x:y\":[1.5,-2e3]},\n\"Bool\":{\"aws:SecureTransport\":true,\"aws:MultiFactorAuthPresent\":[false,\"true\"]}}}]}", `
			doc@1:1 version=- id=- statement@1:2 single=false
			| stmt 0@1:15 sid=- effect="Allow"@1:25
			|  Condition key@1:33 val@1:45
			|   "StringEquals"@2:1
			|    "aws:SourceAccount"@2:17 val@2:37 single=true 0:"1"@2:37
			|    "s3:prefix"@2:41 val@2:53 single=false 0:"a"@2:54 0:""@2:58
			|   "NumericLessThan"@3:1
			|    "s3:max-keys"@3:20 val@3:34 single=true 1:"10"@3:34
			|    "x:y"@3:37 val@3:43 single=false 1:"1.5"@3:44 1:"-2e3"@3:48
			|   "Bool"@4:1
			|    "aws:SecureTransport"@4:9 val@4:31 single=true 2:"true"@4:31
			|    "aws:MultiFactorAuthPresent"@4:36 val@4:65 single=false 2:"false"@4:66 0:"true"@4:72
		`},
		{"escapes decode", `{"Statement":[{"Effect":"Allow","Action":"s3:\u0047et*","Resource":"arn:aws:s3:::b/${aws:username}/\ud83d\ude00"}]}`, `
			doc@1:1 version=- id=- statement@1:2 single=false
			| stmt 0@1:15 sid=- effect="Allow"@1:25
			|  Action key@1:33 val@1:42 single=true "s3:Get*"@1:42
			|  Resource key@1:57 val@1:68 single=true "arn:aws:s3:::b/${aws:username}/😀"@1:68
		`},
		{"no Action, Resource or Principal is fine", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny"}]}`, `
			doc@1:1 version="2012-10-17"@1:12 id=- statement@1:25 single=false
			| stmt 0@1:38 sid=- effect="Deny"@1:48
		`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse("p.json", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if doc.Source != "p.json" {
				t.Errorf("Source = %q", doc.Source)
			}
			if got, want := dump(doc), trimLines(tt.want); got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// diagLine renders the parts of a diagnostic the tables pin down.
func diagLine(d diag.Diagnostic) string {
	stmt := -1 // the tables' spelling of "no statement"
	if i, ok := d.StatementIndex(); ok {
		stmt = i
	}
	s := fmt.Sprintf("%s %s stmt=%d", d.Pos, d.Code, stmt)
	if d.Sid != "" {
		s += " sid=" + d.Sid
	}
	if d.Suggestion != "" {
		s += " suggest=" + d.Suggestion
	}
	return s
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // diagLine of each diagnostic
		message   string   // Error() of the first diagnostic, when pinned
	}{
		{"trailing comma", "{\"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\",]}\n]}",
			[]string{"2:49 syntax-error stmt=-1"},
			"p.json:2:49: unexpected ']' after ','; trailing commas are not allowed in JSON"},
		{"UTF-16", "\xff\xfe{\x00}\x00", []string{"1:1 syntax-error stmt=-1"},
			"p.json:1:1: the file is UTF-16 text (it starts with a UTF-16 byte order mark); JSON policies must be UTF-8, so convert it (PowerShell: Out-File -Encoding utf8)"},
		{"comment", "{\n  // allow all\n  \"Statement\": []\n}", []string{"2:3 syntax-error stmt=-1"},
			"p.json:2:3: unexpected '/'; comments are not allowed in JSON"},
		{"empty input", "  \n", []string{"2:1 syntax-error stmt=-1"},
			"p.json:2:1: empty input; expected a policy document (a JSON object)"},
		{"trailing data", `{"Statement":{"Effect":"Allow"}} {}`, []string{"1:34 syntax-error stmt=-1"},
			"p.json:1:34: unexpected '{' after the end of the top-level value"},
		{"syntax error hides grammar errors", `{"Version":"1","Statement":[{"effect":"Allow"}],}`, []string{"1:49 syntax-error stmt=-1"}, ""},
		{"too deep", `{"Statement":[{"Effect":"Allow","Condition":{"A":{"b":[` + strings.Repeat("[", 60) + strings.Repeat("]", 60) + `]}}}]}`,
			[]string{"1:114 syntax-error stmt=-1"}, "p.json:1:114: nesting depth exceeds the limit of 64"},
		{"not an object", `["Statement"]`, []string{"1:1 invalid-type stmt=-1"},
			"p.json:1:1: a policy document must be a JSON object, found array"},
		{"duplicate key", "{\"Statement\": [{\n\"Effect\": \"Allow\",\n\"Effect\": \"Deny\"}]}", []string{"3:1 duplicate-key stmt=0"},
			`p.json:3:1: duplicate key "Effect" in the statement; the first is on line 2`},
		{"duplicate top-level and condition keys", "{\"Statement\": {\"Effect\": \"Allow\", \"Condition\": {\"StringEquals\": {\"a\": \"1\", \"a\": \"2\"}}},\n\"Statement\": []}",
			[]string{"1:76 duplicate-key stmt=0", "2:1 duplicate-key stmt=-1"}, `p.json:1:76: duplicate key "a" in condition operator StringEquals; the first is at column 66 of this line`},
		{"unknown elements with suggestions", `{"version":"2012-10-17","Statement":[{"effect":"Allow","Actions":"s3:*","Resources":"*","Princpal":"*","Foo":1,"Sid":"X"}]}`,
			[]string{"1:2 unknown-element stmt=-1 suggest=Version", "1:39 unknown-element stmt=0 sid=X suggest=Effect",
				"1:56 unknown-element stmt=0 sid=X suggest=Action", "1:73 unknown-element stmt=0 sid=X suggest=Resource",
				"1:89 unknown-element stmt=0 sid=X suggest=Principal", "1:104 unknown-element stmt=0 sid=X"},
			`p.json:1:2: unknown top-level element "version" (did you mean Version?)`},
		{"misspelled Statement reports no empty-statement", `{"Statements":[]}`, []string{"1:2 unknown-element stmt=-1 suggest=Statement"}, ""},
		{"statement element at top level", `{"Effect":"Allow","Statement":{"Effect":"Allow","Version":"2012-10-17"}}`,
			[]string{"1:2 unknown-element stmt=-1", "1:49 unknown-element stmt=0"},
			`p.json:1:2: unknown top-level element "Effect"; statement elements belong inside "Statement"`},
		{"invalid effect", `{"Statement":[{"Effect":"allow"},{"Effect":"DENY"},{"Effect":"Permit","Sid":"P"}]}`,
			[]string{"1:25 invalid-effect stmt=0 suggest=Allow", "1:44 invalid-effect stmt=1 suggest=Deny", "1:62 invalid-effect stmt=2 sid=P"},
			`p.json:1:25: Effect must be "Allow" or "Deny", found "allow" (did you mean Allow?)`},
		{"missing effect", "{\"Statement\":[\n  {\"Sid\":\"NoEffect\",\"Action\":\"s3:*\"}]}", []string{"2:3 missing-effect stmt=0 sid=NoEffect"},
			`p.json:2:3: the statement has no Effect; add "Effect": "Allow" or "Deny"`},
		{"invalid version", `{"Version":"2012-10-18","Statement":{"Effect":"Allow"}}`, []string{"1:12 invalid-version stmt=-1 suggest=2012-10-17"},
			`p.json:1:12: Version must be "2012-10-17" or "2008-10-17", found "2012-10-18" (did you mean 2012-10-17?)`},
		{"version as a number", `{"Version":2012,"Statement":{"Effect":"Allow"}}`, []string{"1:12 invalid-type stmt=-1"},
			`p.json:1:12: Version must be a string, found number`},
		{"no statement", `{"Version":"2012-10-17"}`, []string{"1:1 empty-statement stmt=-1"}, "p.json:1:1: the policy has no Statement element"},
		{"empty statement array", `{"Statement": []}`, []string{"1:15 empty-statement stmt=-1"}, "p.json:1:15: Statement is an empty array"},
		{"empty statement object", `{"Statement": {}}`, []string{"1:15 empty-statement stmt=-1"}, "p.json:1:15: Statement is an empty object"},
		{"statement of wrong types", `{"Statement": [1, "x", null, {"Effect":"Allow"}]}`,
			[]string{"1:16 invalid-type stmt=0", "1:19 invalid-type stmt=1", "1:24 invalid-type stmt=2"}, "p.json:1:16: each statement must be a JSON object, found number"},
		{"statement is a string", `{"Statement": "Allow"}`, []string{"1:15 invalid-type stmt=-1"}, "p.json:1:15: Statement must be an object or an array of objects, found string"},
		{"conflicting elements", "{\"Statement\":{\"Effect\":\"Allow\",\n\"NotAction\":\"a\",\"Action\":\"b\",\n\"Resource\":\"*\",\"NotResource\":\"*\",\n\"NotPrincipal\":\"*\",\"Principal\":\"*\"}}",
			[]string{"2:17 conflicting-elements stmt=0", "3:16 conflicting-elements stmt=0", "4:20 conflicting-elements stmt=0"},
			"p.json:2:17: a statement cannot have both NotAction and Action (NotAction is on line 2)"},
		{"invalid types", `{"Id":1,"Statement":{"Sid":true,"Effect":null,"Action":5,"Resource":{"a":1},"Condition":[],"Principal":["*"]}}`,
			[]string{"1:7 invalid-type stmt=-1", "1:28 invalid-type stmt=0", "1:42 invalid-type stmt=0", "1:56 invalid-type stmt=0",
				"1:69 invalid-type stmt=0", "1:89 invalid-type stmt=0", "1:104 invalid-type stmt=0"}, "p.json:1:7: Id must be a string, found number"},
		{"list elements of wrong type", `{"Statement":{"Effect":"Allow","Action":["a",1,["b"],null],"Resource":[{}]}}`,
			[]string{"1:46 invalid-type stmt=0", "1:48 invalid-type stmt=0", "1:54 invalid-type stmt=0", "1:72 invalid-type stmt=0"},
			"p.json:1:46: each value of Action must be a string, found number"},
		{"condition of wrong types", `{"Statement":{"Effect":"Allow","Condition":{"StringEquals":"x","Bool":{"a":null,"b":{"c":1},"d":[true,[1],{},null]}}}}`,
			[]string{"1:60 invalid-type stmt=0", "1:76 invalid-type stmt=0", "1:85 invalid-type stmt=0", "1:103 invalid-type stmt=0",
				"1:107 invalid-type stmt=0", "1:110 invalid-type stmt=0"},
			`p.json:1:60: condition operator "StringEquals" must be an object of condition keys, found string`},
		{"condition key value an object", `{"Statement":{"Effect":"Allow","Condition":{"StringEquals":{"aws:x":{}}}}}`,
			[]string{"1:69 invalid-type stmt=0"},
			`p.json:1:69: condition key "aws:x" must have a string, number, boolean or an array of them, found object`},
		{"invalid principals", `{"Statement":[{"Effect":"Allow","Principal":{}},{"Effect":"Allow","Principal":{"aws":"1","Users":"x"}},{"Effect":"Allow","Principal":"arn:aws:iam::1:root"},{"Effect":"Allow","NotPrincipal":"lambda.amazonaws.com"}]}`,
			[]string{"1:45 invalid-principal stmt=0", "1:80 invalid-principal stmt=1 suggest=AWS", "1:90 invalid-principal stmt=1",
				`1:134 invalid-principal stmt=2 suggest={"AWS": "arn:aws:iam::1:root"}`, `1:190 invalid-principal stmt=3 suggest={"Service": "lambda.amazonaws.com"}`},
			"p.json:1:45: Principal must not be an empty object"},
		{"duplicate principal type", "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"a\",\n\"AWS\":\"b\"}}}", []string{"2:1 duplicate-key stmt=0"},
			`p.json:2:1: duplicate key "AWS" in Principal; the first is on line 1`},
		{"empty values", `{"Statement":{"Effect":"Allow","Action":"","NotResource":[],"Resource":["a",""],"Principal":{"Service":[],"AWS":""},"Condition":{"StringLike":{"k":[]}}}}`,
			[]string{"1:41 empty-value stmt=0", "1:58 empty-value stmt=0", "1:61 conflicting-elements stmt=0", "1:77 empty-value stmt=0", "1:104 empty-value stmt=0",
				"1:113 empty-value stmt=0", "1:148 empty-value stmt=0"},
			"p.json:1:41: Action must not be an empty string"},
		{"empty principal values message", `{"Statement":{"Effect":"Allow","Principal":{"Service":[]}}}`, []string{"1:55 empty-value stmt=0"},
			"p.json:1:55: Principal Service must not be an empty array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("p.json", []byte(tt.src))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *ParseError", err)
			}
			var got []string
			for _, d := range pe.Diags {
				got = append(got, diagLine(d))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if tt.message != "" && pe.Diags[0].Error() != tt.message {
				t.Errorf("message\n got %s\nwant %s", pe.Diags[0].Error(), tt.message)
			}
		})
	}
}

var kebab = regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)

func TestParseErrorContract(t *testing.T) {
	tests := []struct {
		src     string
		want    error
		nilDoc  bool
		ndiags  int
		endCols []int // End.Column of each diagnostic
	}{
		{`{"Statement":[1,]}`, ErrSyntax, true, 1, []int{18}},
		{`{"Statement":[{"Effect":"allow"}],"Foo":1}`, ErrGrammar, false, 2, []int{32, 40}},
	}
	for _, tt := range tests {
		doc, err := Parse("f.json", []byte(tt.src))
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: error %v does not wrap %v", tt.src, err, tt.want)
		}
		if (doc == nil) != tt.nilDoc {
			t.Errorf("%s: doc = %v", tt.src, doc)
		}
		var pe *ParseError
		if !errors.As(err, &pe) || len(pe.Diags) != tt.ndiags {
			t.Fatalf("%s: %#v", tt.src, err)
		}
		if err.Error() != pe.Diags.Error() {
			t.Errorf("Error() = %q", err.Error())
		}
		for i, d := range pe.Diags {
			if d.File != "f.json" || d.Severity != diag.Error || !kebab.MatchString(d.Code) || !d.Pos.IsValid() || d.Message == "" {
				t.Errorf("%s: incomplete diagnostic %+v", tt.src, d)
			}
			if d.End.Column != tt.endCols[i] || d.End.Line != d.Pos.Line {
				t.Errorf("%s: diagnostic %d ends at %s, want column %d", tt.src, i, d.End, tt.endCols[i])
			}
		}
	}
}

func TestParseSizeLimit(t *testing.T) {
	src := []byte(`{"Statement":{"Effect":"Allow","Sid":"` + strings.Repeat("a", MaxSize) + `"}}`)
	doc, err := Parse("big.json", src)
	if doc != nil || !errors.Is(err, ErrSyntax) {
		t.Fatalf("got %v, %v", doc, err)
	}
	want := fmt.Sprintf("big.json:1:1: input is %d bytes, over the 256 KiB limit for a policy document", len(src))
	if err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
	ok := []byte(`{"Statement":{"Effect":"Allow","Sid":"` + strings.Repeat("a", MaxSize-100) + `"}}`)
	if _, err := Parse("ok.json", ok); err != nil {
		t.Errorf("just under the limit: %v", err)
	}
}

func TestDecodeStream(t *testing.T) {
	stream := `{"id": 1, "policy": {"Statement": {"Effect": "Allow", "Action": "s3:*"}}}` + "\n" +
		`{"id": 2, "policy": {"Statement": {"Effect": "Alow"}}}` + "\n" +
		`{"id": 3, "policy": {"Statement": {"Effect": "Deny"}}}` + "\n"
	dec := jsontext.NewDecoder(stream)
	var got []string
	for {
		tok, err := dec.ReadToken()
		if err == io.EOF {
			break
		}
		if err != nil || tok.Kind != jsontext.ObjectStart {
			t.Fatalf("%v %v", tok, err)
		}
		for dec.PeekKind() != jsontext.ObjectEnd {
			key, _ := dec.ReadToken()
			if key.Text != "policy" {
				if err := dec.SkipValue(); err != nil {
					t.Fatal(err)
				}
				continue
			}
			doc, err := decode(dec, "requests.jsonl", &arena{}, false)
			switch {
			case errors.Is(err, ErrGrammar):
				got = append(got, err.Error())
			case err != nil:
				t.Fatal(err)
			default:
				got = append(got, fmt.Sprintf("effect %s at %s", doc.Statements[0].Effect.Value, doc.Statements[0].Effect.Pos))
			}
		}
		if _, err := dec.ReadToken(); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{
		"effect Allow at 1:46",
		`requests.jsonl:2:46: Effect must be "Allow" or "Deny", found "Alow"`,
		"effect Deny at 3:46",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := decode(dec, "requests.jsonl", &arena{}, false); err != io.EOF {
		t.Errorf("decode at the end of the stream = %v, want io.EOF", err)
	}
}

func TestClosestName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"effect", "Effect"}, {"EFFECT", "Effect"}, {"Resources", "Resource"}, {"Actions", "Action"},
		{"NotActions", "NotAction"}, {"Principle", "Principal"}, {"Conditions", "Condition"}, {"SID", "Sid"},
		{"Sd", "Sid"}, {"Foo", ""}, {"Statement", ""}, {"Effects", "Effect"},
	}
	for _, tt := range tests {
		if got := closestName(tt.in, statementKeys); got != tt.want {
			t.Errorf("closestName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReaderParse(t *testing.T) {
	var r Reader
	docs := []string{
		`{"Statement": {"Effect": "Allow", "Action": "s3:*"}}`,
		`{"Statement": {"Effect": "Alow", "Action": "s3:*"}}`,
		`{"Statement": {"Effect": "Deny", "Action": "s3:*"}} x`,
		``,
		`{"Statement": {"Effect": "Deny", "Action": "s3:*"}}`,
	}
	want := []string{
		"effect Allow at 1:26",
		`p.json:1:26: Effect must be "Allow" or "Deny", found "Alow"`,
		"p.json:1:53: unexpected 'x' after the end of the top-level value",
		"p.json:1:1: empty input; expected a policy document (a JSON object)",
		"effect Deny at 1:26",
	}
	for i, src := range docs {
		doc, err := r.Parse("p.json", src)
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got = fmt.Sprintf("effect %s at %s", doc.Statements[0].Effect.Value, doc.Statements[0].Effect.Pos)
		}
		if got != want[i] {
			t.Errorf("Parse(%q) = %s, want %s", src, got, want[i])
		}
	}
}

// TestReaderParseAt: a document inside a larger file is parsed in place,
// with the file's positions, and the text after it is left alone.
func TestReaderParseAt(t *testing.T) {
	src := "{\"Roles\": [\n  {\"Doc\": {\"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]}}, 42]}"
	off := strings.Index(src, `{"Statement"`)
	var r Reader
	doc, end, err := r.ParseAt("f.json", src, off)
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Statements[0].Pos; got.Line != 3 || got.Column != 5 {
		t.Errorf("statement at %d:%d, want 3:5", got.Line, got.Column)
	}
	if src[end-1] != '}' || !strings.HasPrefix(src[end:], "}, 42]}") {
		t.Errorf("end %d stands at %q", end, src[end:])
	}
	_, _, err = r.ParseAt("f.json", src, strings.Index(src, "42"))
	if err == nil {
		t.Error("a number is not a policy document")
	}
	bad := "[\n {\"Statement\": {\"Effect\": \"Alow\", \"Action\": \"*\", \"Resource\": \"*\"}}]"
	_, _, err = r.ParseAt("f.json", bad, 3)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Diags[0].Pos.Line != 2 {
		t.Errorf("grammar error %v, want one on line 2", err)
	}
}

// TestParseTransient: a transient document is the document Parse
// builds, and stays so while the Reader parses more documents of either
// kind, until Release; documents from Parse survive any number of
// releases.
func TestParseTransient(t *testing.T) {
	srcs := transientSources(t)
	fresh := func(src string) *Document {
		var r Reader
		doc, _ := r.Parse("p.json", src)
		return doc
	}
	var r Reader
	var owned []*Document
	var ownedSrc []string
	for gen := range 4 {
		var docs []*Document
		for i, src := range srcs {
			doc, err := r.ParseTransient("p.json", src)
			if _, want := r.Parse("p.json", src); fmt.Sprint(err) != fmt.Sprint(want) {
				t.Fatalf("ParseTransient(%.40q) error %v, Parse's %v", src, err, want)
			}
			docs = append(docs, doc)
			if (i+gen)%5 == 0 { // owned documents in between
				d, _ := r.Parse("p.json", srcs[len(srcs)-1-i])
				owned, ownedSrc = append(owned, d), append(ownedSrc, srcs[len(srcs)-1-i])
			}
		}
		for i, doc := range docs {
			if want := fresh(srcs[i]); !reflect.DeepEqual(doc, want) {
				t.Fatalf("generation %d: transient document %d (%.40q) changed before Release:\n%s\nwant\n%s", gen, i, srcs[i], dump(doc), dump(want))
			}
		}
		r.Release()
	}
	for i, doc := range owned {
		if want := fresh(ownedSrc[i]); !reflect.DeepEqual(doc, want) {
			t.Fatalf("document %d from Parse (%.40q) changed after Release", i, ownedSrc[i])
		}
	}
}

// transientSources returns valid documents, documents with grammar errors
// and invalid JSON.
func transientSources(t *testing.T) []string {
	srcs := testdataPolicies(t)
	for i, path := range srcs {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		srcs[i] = string(b)
	}
	b, err := os.ReadFile("testdata/bench/unique-docs.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	srcs = append(srcs, strings.Split(strings.TrimSpace(string(b)), "\n")[:12]...)
	return append(srcs,
		`{"Statement":[{"Effect":"Alow","Action":[],"Resource":"","Principal":{"AWS":["a",1],"aws":"x"},"Condition":{"A":{"k":[]},"B":1}}]}`,
		`{"Version":"2012-10-17","Id":"x","Statement":{"Sid":"s","Effect":"Deny","NotAction":"a","Action":"b","Condition":{"StringEquals":{"k":["v",2,true]}}}}`,
		`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},]}`,
		`[]`, ``, `{"Statement":{}}`, `{"Statement":[1,{"Effect":"Allow","NotPrincipal":"*","Principal":{}}]}`,
		"{\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"a\\u00e9\\n\"}}")
}

// TestParseTransientAllocs: once the Reader has grown, a transient parse
// of a document without escapes allocates nothing.
func TestParseTransientAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes what allocates")
	}
	b, err := os.ReadFile("testdata/bench/unique-docs.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	srcs := strings.Split(strings.TrimSpace(string(b)), "\n")[:6]
	var r Reader
	allocs := testing.AllocsPerRun(20, func() {
		for _, src := range srcs {
			if _, err := r.ParseTransient("p.json", src); err != nil {
				t.Fatal(err)
			}
		}
		r.Release()
	})
	if allocs != 0 {
		t.Errorf("%v allocations per run of %d transient documents, want 0", allocs, len(srcs))
	}
}
