package inputs

import (
	"strconv"

	"github.com/agentiam/agentiam/internal/jsontext"
)

// walkJSON reads one value from dec, calling at with the path of every
// value (object keys, and array indexes in decimal) before it is read;
// at returns true when it read the value itself.
func walkJSON(dec *jsontext.Decoder, p []string, at func([]string) (bool, error)) error {
	_, err := walkValues(dec, p, at, nil)
	return err
}

// walkValues is walkJSON that also calls read, when set, after each
// value the walk read itself, with its first token and the offset just
// past its last. It returns that offset for the value at p.
func walkValues(dec *jsontext.Decoder, p []string, at func([]string) (bool, error), read func([]string, jsontext.Token, int)) (int, error) {
	if done, err := at(p); done || err != nil {
		return 0, err
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return 0, err
	}
	end := tok.End
	switch tok.Kind {
	case jsontext.ObjectStart:
		for dec.PeekKind() != jsontext.ObjectEnd {
			key, err := dec.ReadToken()
			if err != nil {
				return 0, err
			}
			if _, err := walkValues(dec, append(p, key.Text), at, read); err != nil {
				return 0, err
			}
		}
		end, err = closeValue(dec)
	case jsontext.ArrayStart:
		for i := 0; dec.PeekKind() != jsontext.ArrayEnd; i++ {
			if _, err := walkValues(dec, append(p, strconv.Itoa(i)), at, read); err != nil {
				return 0, err
			}
		}
		end, err = closeValue(dec)
	}
	if err == nil && read != nil {
		read(p, tok, end)
	}
	return end, err
}

// closeValue reads the '}' or ']' that ends a value.
func closeValue(dec *jsontext.Decoder) (int, error) {
	tok, err := dec.ReadToken()
	return tok.End, err
}
