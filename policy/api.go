package policy

import (
	"bytes"
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
	return r.parse(filename, src, false)
}

// ParseTransient is Parse, except that the document is built in memory
// the Reader keeps and reuses instead of memory of its own: it and
// everything in it (statements, lists, strings, positions) are valid
// only until the next call of Release, which lets the Reader overwrite
// them. It costs no allocation once the Reader has grown to the size of
// the documents between two releases, and is meant for callers that
// drop each document before a point they can name: the batch mode
// answers a request line, then forgets its policies. Documents from
// Parse and ParseAt are never affected by Release.
func (r *Reader) ParseTransient(filename, src string) (*Document, error) {
	return r.parse(filename, src, true)
}

// Release ends the life of every document ParseTransient returned since
// the last Release: the Reader reuses their memory for the next ones,
// so they must no longer be used, nor anything taken from them but
// strings.
func (r *Reader) Release() { r.mem.release() }

func (r *Reader) parse(filename, src string, transient bool) (*Document, error) {
	if r.dec == nil {
		r.dec = jsontext.NewDecoder(src)
	} else {
		r.dec.Reset(src)
	}
	dec := r.dec
	doc, err := decode(dec, filename, &r.mem, transient)
	if err == io.EOF {
		return nil, syntaxError(filename, &jsontext.SyntaxError{Pos: dec.PosAt(len(src)), Msg: "empty input; expected a policy document (a JSON object)"})
	}
	if pe, ok := err.(*ParseError); ok && pe.Err == ErrSyntax { // decode's errors are not wrapped
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
	doc, err = decode(r.dec, filename, &r.mem, false)
	if err == io.EOF {
		return nil, offset, syntaxError(filename, &jsontext.SyntaxError{Pos: r.dec.PosAt(len(src)), Msg: "empty input; expected a policy document (a JSON object)"})
	}
	return doc, r.dec.Offset(), err
}

// decode reads the next JSON value from dec as a policy document; positions
// are those of the stream. It returns io.EOF when the stream holds no
// further value. After a grammar error the decoder stands after the
// document; after a syntax error it is unusable.
func decode(dec *jsontext.Decoder, filename string, mem *arena, transient bool) (*Document, error) {
	mem.begin(transient)
	p := parser{dec: dec, file: filename, stmt: -1, mem: mem}
	doc, err := p.document()
	mem.end(err == nil)
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
