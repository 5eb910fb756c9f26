package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/internal/jsontext"
)

// ParseError lists every diagnostic of a failed Parse, sorted by
// position. It unwraps to ErrSyntax or ErrGrammar.
type ParseError struct {
	Diags diag.List
	// Err is ErrSyntax or ErrGrammar.
	Err error
}

func (e *ParseError) Error() string { return e.Diags.Error() }

func (e *ParseError) Unwrap() error { return e.Err }

// Parse parses and validates one policy document. On invalid JSON it
// returns a nil document and an error wrapping ErrSyntax. On grammar
// errors it returns the document (as far as it could be built) and an
// error wrapping ErrGrammar. Either error is a *ParseError listing every
// positioned diagnostic; filename is used in them.
func Parse(filename string, src []byte) (*Document, error) {
	if len(src) > MaxSize {
		return nil, &ParseError{Err: ErrSyntax, Diags: diag.List{{
			File: filename, Pos: diag.Pos{Line: 1, Column: 1}, Severity: diag.Error, Code: CodeSyntaxError,
			Message: fmt.Sprintf("input is %d bytes, over the %d KiB limit for a policy document", len(src), MaxSize>>10),
		}}}
	}
	if bytes.HasPrefix(src, []byte{0xff, 0xfe}) || bytes.HasPrefix(src, []byte{0xfe, 0xff}) {
		// What PowerShell's > writes; JSON must be UTF-8.
		return nil, &ParseError{Err: ErrSyntax, Diags: diag.List{{
			File: filename, Pos: diag.Pos{Line: 1, Column: 1}, Severity: diag.Error, Code: CodeSyntaxError,
			Message: "the file is UTF-16 text (it starts with a UTF-16 byte order mark); JSON policies must be UTF-8, so convert it (PowerShell: Out-File -Encoding utf8)",
		}}}
	}
	r := readers.Get().(*Reader)
	defer readers.Put(r)
	return r.Parse(filename, string(src))
}

// readers keeps the scratch space of Parse from one call to the next.
var readers = sync.Pool{New: func() any { return new(Reader) }}

// A Reader parses policy documents one after another, reusing its
// buffers. The zero value is ready to use; a Reader is not safe for
// concurrent use. It is the seam for callers that frame documents
// themselves (the batch protocol finds each policy in a JSON line): no
// type of the tokenizer underneath is part of the API.
type Reader struct {
	dec *jsontext.Decoder
	mem arena
}

// Parse parses src as one policy document with the validation and
// errors of the package-level Parse, but without its checks of size and
// encoding. Strings in the document share memory with src.
func (r *Reader) Parse(filename, src string) (*Document, error) {
	if r.dec == nil {
		r.dec = jsontext.NewDecoder(src)
	} else {
		r.dec.Reset(src)
	}
	dec := r.dec
	doc, err := decode(dec, filename, &r.mem)
	if err == io.EOF {
		return nil, syntaxError(filename, &jsontext.SyntaxError{Pos: dec.PosAt(len(src)), Msg: "empty input; expected a policy document (a JSON object)"})
	}
	var pe *ParseError
	if errors.As(err, &pe) && pe.Err == ErrSyntax {
		return nil, err
	}
	if ferr := dec.Finish(); ferr != nil {
		return nil, syntaxError(filename, ferr)
	}
	return doc, err
}

// ParseAt parses the JSON value that starts at byte offset in src (a whole
// file, say) as one policy document, with the validation and errors of
// Parse; positions are those of src, and end is the offset just after the
// value. Text after the value is not looked at.
func (r *Reader) ParseAt(filename, src string, offset int) (doc *Document, end int, err error) {
	if r.dec == nil {
		r.dec = jsontext.NewDecoder("")
	}
	r.dec.ResetAt(src, offset)
	doc, err = decode(r.dec, filename, &r.mem)
	if err == io.EOF {
		return nil, offset, syntaxError(filename, &jsontext.SyntaxError{Pos: r.dec.PosAt(len(src)), Msg: "empty input; expected a policy document (a JSON object)"})
	}
	return doc, r.dec.Offset(), err
}

// decode reads the next JSON value from dec as a policy document; positions
// are those of the stream. It returns io.EOF when the stream holds no
// further value. After a grammar error the decoder stands after the
// document; after a syntax error it is unusable.
func decode(dec *jsontext.Decoder, filename string, mem *arena) (*Document, error) {
	mem.reset()
	p := parser{dec: dec, file: filename, stmt: -1, mem: mem}
	doc, err := p.document()
	if err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, syntaxError(filename, err)
	}
	if len(p.diags) > 0 {
		p.diags.Sort()
		return doc, &ParseError{Diags: p.diags, Err: ErrGrammar}
	}
	return doc, nil
}

// Format prints the document canonically: fixed key order, 2-space
// indent, trailing newline. Parse(Format(d)) yields a document Equal to d.
func Format(d *Document) []byte {
	var p printer
	p.document(d)
	return p.b
}
