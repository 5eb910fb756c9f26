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

// TestCoveredTogetherMinimal: the message names a minimal set of the
// statements that cover the redundant one: the syntactic test picks
// every statement that overlaps it, some needlessly. No statement here
// is covered by one other alone, so only D is reported.
func TestCoveredTogetherMinimal(t *testing.T) {
	tests := []struct {
		name string
		sts  []string
		want string // the message's list of covering statements
	}{
		// C overlaps D, but A and B cover D without it.
		{"superfluous overlap left out", []string{
			`{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/x/*","arn:aws:s3:::b/w/*"]}`,
			`{"Sid":"B","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}`,
			`{"Sid":"C","Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/x/a/*","arn:aws:s3:::b/z/*"]}`,
			`{"Sid":"D","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/x/*"}`,
		}, "statements A and B together;"},
		// A and C each cover D's reads: one of them is named (the first
		// is dropped, the second then needed), never both.
		{"one of two alternatives", []string{
			`{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/x/*","arn:aws:s3:::b/w/*"]}`,
			`{"Sid":"B","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}`,
			`{"Sid":"C","Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/x/*","arn:aws:s3:::b/z/*"]}`,
			`{"Sid":"D","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/x/*"}`,
		}, "statements B and C together;"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := `{"Version":"2012-10-17","Statement":[` + "\n" + strings.Join(tt.sts, ",\n") + "\n]}"
			var msgs []string
			for _, d := range Source("p.json", []byte(src), Options{}) {
				if d.Code == CodeRedundantStatement {
					msgs = append(msgs, d.Message)
				}
			}
			if len(msgs) != 1 || !strings.Contains(msgs[0], "already allowed by "+tt.want) {
				t.Errorf("messages %q, want one naming %s", msgs, tt.want)
			}
		})
	}
}

// TestCoveredTogetherBudget: making the covering sets minimal does not
// take from the proofs that find redundant statements: a policy with
// more covered statements than maxCoverProofs gets that many findings,
// each naming the three statements that cover it.
func TestCoveredTogetherBudget(t *testing.T) {
	var sts []string
	for _, act := range []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"} {
		sts = append(sts, fmt.Sprintf(`{"Sid":%q,"Effect":"Allow","Action":%q,"Resource":"arn:aws:s3:::bucket/*"}`, act[3:], act))
	}
	for i := range 12 {
		sts = append(sts, fmt.Sprintf(`{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::bucket/p%d/*"}`, i))
	}
	src := `{"Version":"2012-10-17","Statement":[` + strings.Join(sts, ",") + `]}`
	n := 0
	for _, d := range Source("p.json", []byte(src), Options{}) {
		if d.Code != CodeRedundantStatement {
			continue
		}
		n++
		if !strings.Contains(d.Message, "statements GetObject, PutObject and DeleteObject together") {
			t.Errorf("message %q", d.Message)
		}
	}
	if n != maxCoverProofs {
		t.Errorf("%d findings, want %d", n, maxCoverProofs)
	}
}
