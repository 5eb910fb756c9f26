package policy

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.json"))
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, s := range []string{
		`{"Statement":[{"Effect":"allow","Actions":"s3:*","Principal":{"aws":[]}}]}`,
		`{"Statement":{"Effect":"Allow","Condition":{"A":{"k":[1,true,"s"]},"A":{}}}}`,
		`{"Statement":[1,]}`, `[]`, ``, `{"Version":"2012-10-17","Statement":{}}`,
	} {
		f.Add([]byte(s))
	}
	var transient Reader // its documents pile up over eight inputs
	calls := 0
	f.Fuzz(func(t *testing.T, src []byte) {
		if calls++; calls%8 == 0 {
			transient.Release()
		}
		tdoc, terr := transient.ParseTransient("fuzz.json", string(src))
		var r Reader
		odoc, oerr := r.Parse("fuzz.json", string(src))
		if !reflect.DeepEqual(tdoc, odoc) || fmt.Sprint(terr) != fmt.Sprint(oerr) {
			t.Fatalf("ParseTransient = %v, %v; Parse = %v, %v", tdoc, terr, odoc, oerr)
		}
		doc, err := Parse("fuzz.json", src)
		if err == nil {
			checkRoundTrip(t, doc)
			return
		}
		var pe *ParseError
		if !errors.As(err, &pe) || len(pe.Diags) == 0 {
			t.Fatalf("error %T %v is not a *ParseError with diagnostics", err, err)
		}
		if errors.Is(err, ErrSyntax) != (doc == nil) || errors.Is(err, ErrSyntax) == errors.Is(err, ErrGrammar) {
			t.Fatalf("doc %v with error %v", doc, err)
		}
		for _, d := range pe.Diags {
			if d.Code == "" || !d.Pos.IsValid() || d.Pos.Offset > len(src) {
				t.Fatalf("bad diagnostic %+v", d)
			}
		}
		Format(doc) // must not panic on partial documents
	})
}
