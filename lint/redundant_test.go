package lint

import (
	"fmt"
	"strings"
	"testing"
)

// TestCoveredTogether checks which statements the others cover together:
// those reported can all be removed at once.
func TestCoveredTogether(t *testing.T) {
	st := func(action string, resources ...string) string {
		return fmt.Sprintf(`{"Effect":"Allow","Action":%s,"Resource":["arn:aws:s3:::b/%s"]}`, action, strings.Join(resources, `","arn:aws:s3:::b/`))
	}
	get, put, both := `"s3:GetObject"`, `"s3:PutObject"`, `["s3:GetObject","s3:PutObject"]`
	tests := []struct {
		name  string
		sts   []string
		lines []int // of the statements reported (the first statement is on line 2)
	}{
		// Each of the three is covered by the two others, but only one can go.
		{"cycle", []string{st(get, "r1/*", "r2/*"), st(get, "r2/*", "r3/*"), st(get, "r1/*", "r3/*")}, []int{4}},
		{"two cover one", []string{st(get, "*"), st(put, "*"), st(both, "x/*")}, []int{4}},
		{"one region left", []string{st(get, "*"), st(put, "y/*"), st(both, "x/*")}, nil},
		{"deny on its actions", []string{st(get, "*"), st(put, "*"), st(both, "x/*"), `{"Effect":"Deny","Action":"s3:PutObject","Resource":"arn:aws:s3:::c/*"}`}, nil},
		{"variables used differently", []string{st(get, "${aws:username}/*"), st(put, "*"), st(both, "${aws:userid}/*")}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := `{"Version":"2012-10-17","Statement":[` + "\n" + strings.Join(tt.sts, ",\n") + "\n]}"
			var lines []int
			for _, d := range Source("p.json", []byte(src), Options{}) {
				if d.Code == CodeRedundantStatement {
					lines = append(lines, d.Pos.Line)
				}
			}
			if fmt.Sprint(lines) != fmt.Sprint(tt.lines) {
				t.Errorf("reported on lines %v, want %v", lines, tt.lines)
			}
		})
	}
}
