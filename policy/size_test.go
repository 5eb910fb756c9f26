package policy

import (
	"testing"
	"unicode"
)

func TestSizeOfJSON(t *testing.T) {
	tests := []struct {
		src  string
		want int
	}{
		{``, 0},
		{`{}`, 2},
		{"[ ]", 2},
		{"{\n  \"a\" : [ 1 , 2 ]\n}\n", 11},
		{"{\n  \"a\": \"b c\"\n}\n", len(`{"a":"b c"}`)},
		{`{"a b": "c d"}`, 13},                 // spaces inside strings count
		{`{"a\"": " "}`, len(`{"a\"":" "}`)},   // an escaped quote does not end the string
		{`{"\"x y\"": "é"}`, 15},               // escapes and runes
		{"\ufeff{ \"Version\" :\t\"x\" }", 15}, // BOM and tabs do not
	}
	for _, tt := range tests {
		if got := SizeOfJSON([]byte(tt.src)); got != tt.want {
			t.Errorf("SizeOfJSON(%q) = %d, want %d", tt.src, got, tt.want)
		}
	}
}

func TestSize(t *testing.T) {
	d := NewDocument()
	const empty = `{"Version":"2012-10-17","Statement":[]}`
	if got := Size(d); got != len(empty) {
		t.Errorf("Size(empty document) = %d, want %d", got, len(empty))
	}
	d.Statements = append(d.Statements, &Statement{Effect: String{Value: "Allow"}})
	if got := Size(d); got != SizeOfJSON(Format(d)) || got <= len(empty) {
		t.Errorf("Size = %d, SizeOfJSON(Format) = %d", got, SizeOfJSON(Format(d)))
	}
}

// FuzzSizeOfJSON checks SizeOfJSON against counting rune by rune.
func FuzzSizeOfJSON(f *testing.F) {
	for _, s := range []string{`{"a\"": " é"}`, "\ufeff{ \"a\\", "\"\\\xc3", "{\"a\":\u00a0\"\\\\\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		want, inString, escaped := 0, false, false
		for _, r := range string(src) {
			switch {
			case inString:
				want++
				inString = escaped || r != '"'
				escaped = !escaped && r == '\\'
			case r == '"':
				want++
				inString = true
			case !unicode.IsSpace(r) && r != '\uFEFF':
				want++
			}
		}
		if got := SizeOfJSON(src); got != want {
			t.Fatalf("SizeOfJSON(%q) = %d, want %d", src, got, want)
		}
	})
}
