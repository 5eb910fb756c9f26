package inputs

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/agentiam/agentiam/internal/jsontext"
	"github.com/agentiam/agentiam/policy"
)

// ErrCLIResponse is wrapped by the error for an AWS CLI response whose
// policy document cannot be read.
var ErrCLIResponse = errors.New("invalid AWS CLI response")

// cliDocument is where a command of the AWS CLI puts a policy document
// in its JSON output, and what the document is.
type cliDocument struct {
	path    []string
	kind    policy.Kind
	managed bool
}

// cliDocuments: aws iam get-role-policy (and get-user-policy,
// get-group-policy) print PolicyDocument; get-policy-version prints
// PolicyVersion.Document; get-role prints Role.AssumeRolePolicyDocument.
// The API returns documents URL-encoded (RFC 3986); the CLI decodes them
// to objects, but SDKs and older CLIs leave text.
var cliDocuments = []cliDocument{
	{[]string{"PolicyDocument"}, policy.Identity, false},
	{[]string{"PolicyVersion", "Document"}, policy.Identity, true},
	{[]string{"Role", "AssumeRolePolicyDocument"}, policy.Trust, false},
}

// looksLikeCLIResponse is a cheap test run before decoding.
func looksLikeCLIResponse(src []byte) bool {
	head := src[:min(len(src), 4096)]
	for _, key := range []string{`"PolicyDocument"`, `"PolicyVersion"`, `"AssumeRolePolicyDocument"`} {
		if bytes.Contains(head, []byte(key)) {
			return true
		}
	}
	return false
}

// extractCLIResponse returns the policy document of the JSON output of
// aws iam get-role-policy, get-policy-version or get-role; ok is false
// when src is not one (a policy has a Statement at its top level). An
// object document is linted in place; a URL-encoded one is decoded and
// its positions are within the decoded text, its Origin the string.
func extractCLIResponse(file string, src []byte) (docs []Document, ok bool, err error) {
	dec := jsontext.NewDecoder(string(src))
	statement := false
	werr := walkJSON(dec, nil, func(p []string) (bool, error) {
		if len(p) == 1 && p[0] == "Statement" {
			statement = true
		}
		for _, cd := range cliDocuments {
			if slices.Equal(p, cd.path) {
				d, err := cliDocumentAt(dec, file, src, cd)
				if d != nil {
					docs = append(docs, *d)
				}
				return true, err
			}
		}
		return false, nil
	})
	if statement || len(docs) == 0 {
		return nil, false, nil // a policy, or not JSON: the policy parser reports it
	}
	if werr != nil {
		var se *jsontext.SyntaxError
		if errors.As(werr, &se) {
			return nil, false, nil
		}
		return nil, true, werr
	}
	return docs, true, nil
}

// cliDocumentAt reads the document the decoder is at.
func cliDocumentAt(dec *jsontext.Decoder, file string, src []byte, cd cliDocument) (*Document, error) {
	tok, end, err := valueSpan(dec)
	if err != nil {
		return nil, err
	}
	d := &Document{File: file, Address: strings.Join(cd.path, "."), Origin: tok.Pos, Kind: cd.kind, Managed: cd.managed}
	switch tok.Kind {
	case jsontext.String:
		text := strings.TrimSpace(tok.Text)
		if !strings.HasPrefix(text, "{") {
			u, err := url.PathUnescape(text)
			if err != nil {
				return nil, fmt.Errorf("%w: %s:%d:%d: %s is neither JSON nor URL-encoded JSON: %v", ErrCLIResponse, file, tok.Pos.Line, tok.Pos.Column, d.Address, err)
			}
			text = u
		}
		d.Src = []byte(text)
	default: // an object, or a value the policy parser reports as not one
		d.InFile, d.End, d.Src = true, end, src
	}
	return d, nil
}
