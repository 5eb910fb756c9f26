package eval

import (
	"strings"
	"testing"
	"time"
)

// slowParseDate is parseDate without the four-digit-year shortcut.
func slowParseDate(s string) (int64, bool) {
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixNano(), true
		}
	}
	return 0, false
}

// TestParseDateShortcut holds parseDate's early refusal to what the
// layouts themselves answer, for values that are not epoch numbers.
func TestParseDateShortcut(t *testing.T) {
	for _, s := range []string{
		"not-a-date", "x", "202", "2020", "20201", "+2020-01-01", "-2020-01-01", " 2020-01-01", "2020-01-01 ",
		"2020-01", "2020-01-02", "2020-01-02T03:04", "2020-01-02T03:04:05", "2020-01-02T03:04:05Z", "2020-01-02T03:04:05.123456789+02:00",
		"2020-01-02T03:04Z", "2020-01-02T03:04:05+0100", "١٢٣٤-01-01", "0x10-01-01", "2O20-01-01", "9999-12-31T23:59:59Z", "0000-01-01",
	} {
		if s[0] >= '0' && s[0] <= '9' && !strings.ContainsAny(s, "-:T") {
			continue // epoch seconds: another path
		}
		got, ok := parseDate(s)
		want, wantOK := slowParseDate(s)
		if got != want || ok != wantOK {
			t.Errorf("parseDate(%q) = %d, %v; the layouts say %d, %v", s, got, ok, want, wantOK)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"not-a-date", "2020-01-02T03:04:05Z", "2020", "+2020", "2020-1-2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 64 || s != "" && s[0] >= '0' && s[0] <= '9' && !strings.ContainsAny(s, "-:T") {
			return
		}
		got, ok := parseDate(s)
		want, wantOK := slowParseDate(s)
		if got != want || ok != wantOK {
			t.Errorf("parseDate(%q) = %d, %v; the layouts say %d, %v", s, got, ok, want, wantOK)
		}
	})
}
