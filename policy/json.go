package policy

// MarshalJSON prints the document canonically (see Format), so a Document
// can be a field of any struct that encoding/json writes.
func (d *Document) MarshalJSON() ([]byte, error) { return Format(d), nil }

// UnmarshalJSON parses the document strictly, as Parse does (the error is
// a *ParseError); positions are relative to the value's own text.
func (d *Document) UnmarshalJSON(b []byte) error {
	doc, err := Parse(d.Source, b)
	if err != nil {
		return err
	}
	*d = *doc
	return nil
}

// MarshalJSON prints the statement as the canonical printer writes it
// inside a document (encoding/json compacts it where it is embedded).
func (s *Statement) MarshalJSON() ([]byte, error) {
	var p printer
	p.statement(s)
	return p.b, nil
}
