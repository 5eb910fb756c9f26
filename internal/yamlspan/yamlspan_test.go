package yamlspan

import "testing"

func TestScalarEnd(t *testing.T) {
	tests := []struct {
		src  string
		want string // the scalar ScalarEnd spans from offset 0
	}{
		{`plain value  # comment`, `plain value`},
		{`plain#not-a-comment`, `plain#not-a-comment`},
		{"key: value", `key`},
		{"arn:aws:iam::1:role/x", "arn:aws:iam::1:role/x"},
		{`"quoted, with: all" rest`, `"quoted, with: all"`},
		{`"esc \" quote" x`, `"esc \" quote"`},
		{`'single' x`, `'single'`},
		{"\"unclosed\nnext", "\"unclosed"},
		{"a, b", "a"},
		{"in [flow]", "in [flow"},
		{"tab\t# c", "tab"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := tt.src[:ScalarEnd([]byte(tt.src), 0)]; got != tt.want {
			t.Errorf("ScalarEnd(%q) spans %q, want %q", tt.src, got, tt.want)
		}
	}
	if ScalarEnd([]byte("abc"), 7) != 7 {
		t.Error("an offset outside the text is returned unchanged")
	}
}
