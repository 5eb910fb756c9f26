package jsontext

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// tokens renders every token of src as "kind:text@line:col", space separated.
func tokens(src string) (string, error) {
	d := NewDecoder(src)
	var parts []string
	for {
		tok, err := d.ReadToken()
		if err == io.EOF {
			return strings.Join(parts, " "), nil
		}
		if err != nil {
			return strings.Join(parts, " "), err
		}
		parts = append(parts, fmt.Sprintf("%c:%s@%s", tok.Kind, tok.Text, tok.Pos))
	}
}

func TestTokens(t *testing.T) {
	tests := []struct{ src, want string }{
		{`{}`, `{:{@1:1 }:}@1:2`},
		{` [ ] `, `[:[@1:2 ]:]@1:4`},
		{`{"a": [1, -2.5e+3, true, false, null, "x"]}`,
			`{:{@1:1 ":a@1:2 [:[@1:7 0:1@1:8 0:-2.5e+3@1:11 t:true@1:20 f:false@1:26 n:null@1:33 ":x@1:39 ]:]@1:42 }:}@1:43`},
		{"{\n  \"k\":\r\n\t\"v\"\n}", `{:{@1:1 ":k@2:3 ":v@3:2 }:}@4:1`},
		{`0 -0 0.0 1E9 12e-3`, `0:0@1:1 0:-0@1:3 0:0.0@1:6 0:1E9@1:10 0:12e-3@1:14`},
		{"1\n{}\n[]", `0:1@1:1 {:{@2:1 }:}@2:2 [:[@3:1 ]:]@3:2`},
		{"\xef\xbb\xbf{}", `{:{@1:1 }:}@1:2`}, // editors do not show the BOM
		{"\xef\xbb\xbf{\n}", `{:{@1:1 }:}@2:1`},
		{``, ``},
		{" \n\t ", ``},
	}
	for _, tt := range tests {
		got, err := tokens(tt.src)
		if err != nil {
			t.Errorf("%q: %v", tt.src, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}

// TestNext: Next and the accessors tell what ReadToken returns, token
// for token and error for error.
func TestNext(t *testing.T) {
	srcs := []string{
		`{"a": [1, -2.5e+3, true, false, null, "x\u00e9\n", "café"]}`,
		"{\n  \"k\":\r\n\t\"v\"\n}\n[]", "\xef\xbb\xbf{\n}", `[1, 2,]`, `{"a" 1}`, `"abc`, ``, requestStream(2),
	}
	for _, src := range srcs {
		checkNext(t, src)
	}
}

func checkNext(t *testing.T, src string) {
	a, b := NewDecoder(src), NewDecoder(src)
	for {
		want, werr := a.ReadToken()
		err := b.Next()
		if fmt.Sprint(err) != fmt.Sprint(werr) {
			t.Fatalf("%.30q: Next = %v, ReadToken = %v", src, err, werr)
		}
		if err != nil {
			return
		}
		got := Token{Kind: b.Kind(), Pos: b.Pos(), End: b.End(), Text: b.Text()}
		if got != want || b.Token() != want {
			t.Fatalf("%.30q: Next gives %+v (Token %+v), ReadToken %+v", src, got, b.Token(), want)
		}
	}
}

func TestStrings(t *testing.T) {
	tests := []struct{ src, want string }{
		{`"plain"`, "plain"},
		{`""`, ""},
		{`"a\"b\\c\/d\be\ff\ng\rh\ti"`, "a\"b\\c/d\be\ff\ng\rh\ti"},
		{`"\u0041\u00e9\u20AC"`, "Aé€"},
		{`"\ud83d\ude00"`, "😀"},
		{`"x\ud83dy"`, "x\uFFFDy"},          // lone high surrogate
		{`"\ude00"`, "\uFFFD"},              // lone low surrogate
		{`"\ud83d\u0041"`, "\uFFFDA"},       // high surrogate then non-surrogate
		{`"\ud83d\ud83d\ude00"`, "\uFFFD😀"}, // high, then a valid pair
		{`"héllo wörld ☃ 😀"`, "héllo wörld ☃ 😀"},
		{`"${aws:username}&<>"`, "${aws:username}&<>"},
	}
	for _, tt := range tests {
		tok, err := NewDecoder(tt.src).ReadToken()
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		if tok.Kind != String || tok.Text != tt.want {
			t.Errorf("%s: got %c %q, want %q", tt.src, tok.Kind, tok.Text, tt.want)
		}
		if tok.End != len(tt.src) {
			t.Errorf("%s: End = %d, want %d", tt.src, tok.End, len(tt.src))
		}
	}
}

func TestSyntaxErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{`[1, 2,]`, `1:7: unexpected ']' after ','; trailing commas are not allowed in JSON`},
		{"{\"a\": 1,\n}", `2:1: unexpected '}' after ','; trailing commas are not allowed in JSON`},
		{`{"a": 1 // c` + "\n}", `1:9: unexpected '/'; comments are not allowed in JSON`},
		{`{// c` + "\n}", `1:2: unexpected '/'; comments are not allowed in JSON`},
		{`[/* c */]`, `1:2: unexpected '/'; comments are not allowed in JSON`},
		{`{'a': 1}`, `1:2: unexpected "'"; object keys must be strings in double quotes`},
		{`["a", 'b']`, `1:7: unexpected "'"; JSON strings must use double quotes`},
		{`{a: 1}`, `1:2: unexpected 'a'; object keys must be strings in double quotes`},
		{`[01]`, `1:3: invalid number: leading zeros are not allowed`},
		{`-01`, `1:3: invalid number: leading zeros are not allowed`},
		{`[-]`, `1:3: invalid number: expected a digit after '-'`},
		{`1.`, `1:3: invalid number: expected a digit after the decimal point`},
		{`1.e5`, `1:3: invalid number: expected a digit after the decimal point`},
		{`1e+`, `1:4: invalid number: expected a digit in the exponent`},
		{`[.5]`, `1:2: unexpected '.'; JSON numbers need a digit before the decimal point`},
		{`[+1]`, `1:2: unexpected '+'; JSON numbers cannot start with '+'`},
		{`[NaN]`, `1:2: NaN is not valid JSON`},
		{`[1, Infinity]`, `1:5: Infinity is not valid JSON`},
		{`[True]`, `1:2: invalid literal "True"; JSON literals are true, false and null in lower case`},
		{`[tru]`, `1:2: invalid literal "tru"; expected true`},
		{`nulll`, `1:1: invalid literal "nulll"; expected null`},
		{`{"Effect": Allow}`, `1:12: unexpected "Allow"; JSON strings must be in double quotes`},
		{"[\"a\tb\"]", `1:4: invalid control character U+0009 in string; escape it as \t`},
		{"[\"a\x01\"]", `1:4: invalid control character U+0001 in string; escape it as \u0001`},
		{"{\"a\": \"b\n\"}", `1:9: unterminated string: a line break cannot appear inside a string (the string starts at 1:7; write \n for a newline)`},
		{`"abc`, `1:5: unexpected end of input in the string starting at 1:1`},
		{`"a\x"`, `1:3: invalid escape: 'x' after '\' in string; valid escapes are \" \\ \/ \b \f \n \r \t and \uXXXX`},
		{`"a\u12"`, `1:3: invalid \u escape: expected 4 hex digits after \u`},
		{`"a\u12G4"`, `1:3: invalid \u escape: expected 4 hex digits after \u`},
		{`"a\`, `1:4: unexpected end of input in escape sequence`},
		{"\"a\xffb\"", `1:3: invalid UTF-8 byte 0xff in string`},
		{"\"\xe2\x82\"", `1:2: invalid UTF-8 byte 0xe2 in string`},
		{"[\xff]", `1:2: unexpected invalid UTF-8 byte 0xff; expected a value`},
		{`{"Effect": “Allow”}`, `1:12: unexpected '“' (U+201C); JSON strings must use straight double quotes (")`},
		{`{"a" 1}`, `1:6: unexpected '1' after object key; expected ':'`},
		{`{"a": 1 "b": 2}`, `1:9: unexpected '"' after object member; expected ',' or '}' (missing ',' between members?)`},
		{`["a" "b"]`, `1:6: unexpected '"' after array element; expected ',' or ']' (missing ',' between elements?)`},
		{"{\"a\": [1}", `1:9: unexpected '}' after array element; expected ',' or ']' to close the array opened at 1:7`},
		{"[{\"a\": 1]", `1:9: unexpected ']' after object member; expected ',' or '}' to close the object opened at 1:2`},
		{`[1,,2]`, `1:4: unexpected ','; expected a value`},
		{`{"a":}`, `1:6: unexpected '}'; expected a value`},
		{`]`, `1:1: unexpected ']'; expected a JSON value`},
		{`{,}`, `1:2: unexpected ','; expected a string key or '}'`},
		{`{"a":1,2}`, `1:8: unexpected '2' after ','; expected a string key`},
		{"{\n\"a\": [\n1,\n", `4:1: unexpected end of input; expected a value (the array opened at 2:6 is not closed)`},
		{`{"a": 1`, `1:8: unexpected end of input; expected ',' or '}' (the object opened at 1:1 is not closed)`},
		{`{"a"`, `1:5: unexpected end of input; expected ':' (the object opened at 1:1 is not closed)`},
		{`{`, `1:2: unexpected end of input; expected a string key or '}' (the object opened at 1:1 is not closed)`},
		{"[\x00]", `1:2: unexpected control character U+0000; expected a value`},
	}
	for _, tt := range tests {
		_, err := tokens(tt.src)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: got %v, want a *SyntaxError", tt.src, err)
			continue
		}
		if se.Error() != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.src, se, tt.want)
		}
	}
}

func TestErrorIsSticky(t *testing.T) {
	d := NewDecoder(`[1,]`)
	var first error
	for range 5 {
		if _, err := d.ReadToken(); err != nil {
			if first == nil {
				first = err
			} else if err != first {
				t.Fatalf("second error %v differs from first %v", err, first)
			}
		}
	}
	if first == nil {
		t.Fatal("no error")
	}
	if d.PeekKind() != Invalid {
		t.Error("PeekKind after an error is not Invalid")
	}
}

func TestDepthLimit(t *testing.T) {
	ok := strings.Repeat("[", 64) + strings.Repeat("]", 64)
	if _, err := tokens(ok); err != nil {
		t.Errorf("depth 64: %v", err)
	}
	_, err := tokens(strings.Repeat("[", 65) + strings.Repeat("]", 65))
	if err == nil || err.Error() != "1:65: nesting depth exceeds the limit of 64" {
		t.Errorf("depth 65: got %v", err)
	}
	d := NewDecoder(`{"a":{"b":1}}`)
	d.SetMaxDepth(1)
	err = d.SkipValue()
	if err == nil || err.Error() != "1:6: nesting depth exceeds the limit of 1" {
		t.Errorf("SetMaxDepth(1): got %v", err)
	}
}

func TestSkipAndReadValue(t *testing.T) {
	d := NewDecoder(`{"skip": {"a": [1, {"b": "\u0041"}], "c": null}, "keep": "v", "raw": [1, 2 ] }`)
	mustKind := func(k Kind) Token {
		t.Helper()
		tok, err := d.ReadToken()
		if err != nil || tok.Kind != k {
			t.Fatalf("got %v %v, want %v", tok, err, k)
		}
		return tok
	}
	mustKind(ObjectStart)
	mustKind(String)
	if err := d.SkipValue(); err != nil {
		t.Fatal(err)
	}
	if tok := mustKind(String); tok.Text != "keep" {
		t.Fatalf("after skip: %q", tok.Text)
	}
	if k := d.PeekKind(); k != String {
		t.Fatalf("PeekKind = %v", k)
	}
	mustKind(String)
	mustKind(String)
	raw, err := d.ReadValue()
	if err != nil || raw != "[1, 2 ]" {
		t.Fatalf("ReadValue = %q, %v", raw, err)
	}
	if err := d.SkipValue(); err == nil {
		t.Fatal("SkipValue before '}' succeeded")
	}
}

func TestFinish(t *testing.T) {
	tests := []struct{ src, want string }{
		{"{} \n", ""},
		{`{} x`, `1:4: unexpected 'x' after the end of the top-level value`},
		{`{}}`, `1:3: unexpected '}' after the end of the top-level value`},
	}
	for _, tt := range tests {
		d := NewDecoder(tt.src)
		if err := d.SkipValue(); err != nil {
			t.Fatal(err)
		}
		got := ""
		if err := d.Finish(); err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestJSONLines(t *testing.T) {
	src := "{\"a\":1}\n{\"a\":2}\n\n{\"a\":3}\n"
	d := NewDecoder(src)
	var got []string
	for {
		raw, err := d.ReadValue()
		if err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, raw)
	}
	if want := []string{`{"a":1}`, `{"a":2}`, `{"a":3}`}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPosAt(t *testing.T) {
	src := "{\n  \"a\": [\n    1\n  ]\n}"
	d := NewDecoder(src)
	check := func(when string) {
		t.Helper()
		for off := 0; off <= len(src); off++ {
			line := 1 + strings.Count(src[:off], "\n")
			col := off - (strings.LastIndexByte(src[:off], '\n') + 1) + 1
			if p := d.PosAt(off); p.Line != line || p.Column != col || p.Offset != off {
				t.Errorf("%s: PosAt(%d) = %+v, want %d:%d", when, off, p, line, col)
			}
		}
	}
	check("before decoding")
	for range 3 {
		if _, err := d.ReadToken(); err != nil {
			t.Fatal(err)
		}
	}
	check("inside the value")
	if err := d.SkipValue(); err != nil {
		t.Fatal(err)
	}
	check("after the value")
}

// TestPosAtAfterBOM: the byte order mark takes no column, before and
// after the decoder has moved past it, and errors agree with tokens.
func TestPosAtAfterBOM(t *testing.T) {
	src := "\xef\xbb\xbf{\"a\": x}"
	d := NewDecoder(src)
	for off, want := range map[int]string{0: "1:1", 3: "1:1", 4: "1:2", 9: "1:7"} {
		if p := d.PosAt(off); p.String() != want || p.Offset != off {
			t.Errorf("PosAt(%d) = %s, want %s", off, p, want)
		}
	}
	var err error
	for err == nil {
		_, err = d.ReadToken()
	}
	var se *SyntaxError
	if !errors.As(err, &se) || se.Pos.String() != "1:7" || se.Pos.Offset != 9 {
		t.Errorf("error %v, want one at 1:7 (offset 9)", err)
	}
	if p := d.PosAt(4); p.String() != "1:2" {
		t.Errorf("PosAt(4) after decoding = %s, want 1:2", p)
	}
}

// decodeAny builds the encoding/json representation of the next value.
func decodeAny(d *Decoder) (any, error) {
	tok, err := d.ReadToken()
	if err != nil {
		return nil, err
	}
	switch tok.Kind {
	case ObjectStart:
		m := map[string]any{}
		for d.PeekKind() != ObjectEnd {
			k, err := d.ReadToken()
			if err != nil {
				return nil, err
			}
			v, err := decodeAny(d)
			if err != nil {
				return nil, err
			}
			m[k.Text] = v
		}
		_, err := d.ReadToken()
		return m, err
	case ArrayStart:
		a := []any{}
		for d.PeekKind() != ArrayEnd {
			v, err := decodeAny(d)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		_, err := d.ReadToken()
		return a, err
	case String:
		return tok.Text, nil
	case Number:
		return json.Number(tok.Text), nil
	case True:
		return true, nil
	case False:
		return false, nil
	case Null:
		return nil, nil
	}
	return nil, fmt.Errorf("unexpected %v", tok.Kind)
}

func depth(s string) int {
	n, m := 0, 0
	for _, c := range []byte(s) {
		switch c {
		case '[', '{':
			n++
			m = max(m, n)
		case ']', '}':
			n--
		}
	}
	return m
}

func FuzzDecoder(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
	}
	for _, s := range []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`,
		`[1, -2.5e+3, true, false, null, "a\"\u00e9\ud83d\ude00"]`,
		`[1,]`, `{"a" 1}`, `"\ud800"`, `01`, "\"\xff\"", `{"a":{"b":[{}]}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		checkNext(t, src)
		d := NewDecoder(src)
		got, err := decodeAny(d)
		if err == nil {
			err = d.Finish()
		}
		// encoding/json disagrees by design on invalid UTF-8 (it accepts
		// it), the BOM (it rejects it) and the depth limit.
		if !utf8.ValidString(src) || strings.HasPrefix(src, "\xef\xbb\xbf") || depth(src) > DefaultMaxDepth {
			return
		}
		valid := json.Valid([]byte(src))
		if valid != (err == nil) {
			t.Fatalf("encoding/json valid=%v, jsontext error=%v", valid, err)
		}
		if !valid {
			var se *SyntaxError
			if !errors.As(err, &se) && err != io.EOF {
				t.Fatalf("error %T %v is not a *SyntaxError", err, err)
			}
			if se != nil && (se.Pos.Offset < 0 || se.Pos.Offset > len(src)) {
				t.Fatalf("error offset %d outside the input", se.Pos.Offset)
			}
			return
		}
		dec := json.NewDecoder(strings.NewReader(src))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("decoded %#v, encoding/json %#v", got, want)
		}
	})
}

// TestPlainRun checks the eight-bytes-at-a-time scan against the plain
// table for every special byte at every position of a window.
func TestPlainRun(t *testing.T) {
	special := []byte{'"', '\\', 0x00, 0x1f, 0x80, 0xff}
	for _, c := range special {
		for at := range 20 {
			b := []byte(strings.Repeat("abcdefghij", 2))
			b[at] = c
			if got := PlainRun(string(b), 0); got != at {
				t.Errorf("byte 0x%02x at %d: PlainRun = %d", c, at, got)
			}
		}
	}
	for c := 0x20; c < 0x80; c++ {
		s := strings.Repeat(string(rune(c)), 17)
		want := 17
		if c == '"' || c == '\\' {
			want = 0
		}
		if got := PlainRun(s, 0); got != want {
			t.Errorf("run of 0x%02x: PlainRun = %d, want %d", c, got, want)
		}
	}
	// Every byte value after every plain one, at every place of an
	// eight-byte block, and a second special byte after it: the first
	// one found must be the first one there is.
	for c := range 256 {
		for p := 0x20; p < 0x80; p++ {
			for at := range 9 {
				b := []byte(strings.Repeat(string(rune(p)), 18))
				b[at] = byte(c)
				b[at+1] = 0x00
				want := 0
				for want < len(b) && plain[b[want]] {
					want++
				}
				if got := PlainRun(string(b), 0); got != want {
					t.Fatalf("byte 0x%02x at %d among 0x%02x: PlainRun = %d, want %d", c, at, p, got, want)
				}
			}
		}
	}
}

// TestResetAtInOrder: resetting at later values of the same text, as a
// reader of a whole file does, gives the positions a fresh decoder gives.
func TestResetAtInOrder(t *testing.T) {
	src := "{\n \"a\": {\"x\": 1},\n\n  \"b\": [\n {\"y\": 2}]\n, \"c\": {}}\n"
	offsets := []int{}
	for i := range len(src) {
		if src[i] == '{' && i > 0 {
			offsets = append(offsets, i)
		}
	}
	reused := NewDecoder("")
	for _, off := range offsets {
		fresh := NewDecoder("")
		fresh.ResetAt(src, off)
		reused.ResetAt(src, off)
		if got, want := reused.PosAt(reused.Offset()), fresh.PosAt(fresh.Offset()); got != want {
			t.Errorf("offset %d: reused decoder at %+v, fresh at %+v", off, got, want)
		}
		if _, err := reused.ReadValue(); err != nil { // moves its line on
			t.Fatal(err)
		}
	}
}
