package mcpserver

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"github.com/agentiam/agentiam/agentspec"
	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/lint/driver"
)

// ErrInput is wrapped by the errors of arguments that name no input, or
// two.
var ErrInput = errors.New("invalid arguments")

// maxInputSize bounds a file a tool reads, as lint bounds a policy file.
const maxInputSize = driver.MaxFileSize

// source reads a tool's input: the text given inline, named textName in
// positions, or the file at path; exactly one of them.
func source(what, text, textName, path string) (name string, src []byte, err error) {
	switch {
	case text != "" && path != "":
		return "", nil, fmt.Errorf("%w: give the %s as text or as a path, not both", ErrInput, what)
	case text != "":
		return textName, []byte(text), nil
	case path == "":
		return "", nil, fmt.Errorf("%w: the %s is missing: give its text or its path", ErrInput, what)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return "", nil, err
	}
	if fi.Size() > maxInputSize {
		return "", nil, fmt.Errorf("%s: %w (%d bytes, at most %d)", path, driver.ErrFileTooLarge, fi.Size(), maxInputSize)
	}
	src, err = os.ReadFile(path)
	return path, src, err
}

// specName names a spec given as text in diagnostics.
const specName = "<spec>"

// readSpec reads and validates a spec given as YAML text or a path. An
// invalid spec's error lists every problem as the CLI prints it:
// file:line:column: severity code: message, the line and a caret.
func readSpec(text, path string) (*agentspec.Spec, error) {
	name, src, err := source("spec", text, specName, path)
	if err != nil {
		return nil, err
	}
	spec, err := agentspec.Parse(name, src)
	if err != nil {
		var se *agentspec.Error
		if !errors.As(err, &se) {
			return nil, err
		}
		return nil, fmt.Errorf("%s%s is not a valid spec", diagnostics(name, src, se.Diagnostics), name)
	}
	return spec, nil
}

// diagnostics renders positioned diagnostics as `agentiam lint` prints
// them.
func diagnostics(name string, src []byte, diags diag.List) string {
	var b bytes.Buffer
	_ = diag.Text(&b, name, src, diags)
	fmt.Fprintf(&b, "%s in 1 document\n", diags.Count())
	return b.String()
}
