package verify

import (
	"errors"
	"strings"
	"testing"
)

func TestGateErrorMessage(t *testing.T) {
	e := &GateError{Failures: []string{"a", "b"}, Total: 5}
	want := "5 failures (`agentiam verify` shows the traces and fixes):\n  a\n  b\n  and 3 more"
	if got := e.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if len(e.Failures) != 2 {
		t.Errorf("Error() changed Failures: %q", e.Failures)
	}
	if !errors.Is(e, ErrNotVerified) {
		t.Error("a GateError is not ErrNotVerified")
	}
	if got := (&GateError{Failures: []string{"a"}, Total: 1}).Error(); strings.Contains(got, "more") {
		t.Errorf("one failure: %q", got)
	}
}
