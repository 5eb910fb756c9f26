package policy

import (
	"encoding/json"
	"testing"
)

const cloneSrc = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root"]}, "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b/*"],
     "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}},
    {"Effect": "Deny", "NotAction": "s3:*", "NotResource": "*"}
  ]
}`

func TestClone(t *testing.T) {
	doc, err := Parse("p.json", []byte(cloneSrc))
	if err != nil {
		t.Fatal(err)
	}
	c := doc.Clone()
	if !Equal(doc, c) {
		t.Fatalf("clone differs:\n%s", Format(c))
	}
	// Changing every element of the copy leaves the original untouched.
	st := c.Statements[0]
	st.Sid.Value = "B"
	st.Principal.Entries[0].Values.Values[0].Value = "*"
	st.Action.Values[0].Value = "s3:PutObject"
	st.Condition.Operators[0].Keys[0].Values[0].Value = "x"
	NewDocument(c.Statements[1])
	if string(Format(doc)) != string(Format(mustParse(t, cloneSrc))) || doc.Statements[1].Index != 1 {
		t.Errorf("changing the clone changed the original:\n%s", Format(doc))
	}
	if s := CloneStatements(doc.Statements); s[0] == doc.Statements[0] || !Equal(NewDocument(s...), NewDocument(CloneStatements(doc.Statements)...)) {
		t.Error("CloneStatements must copy")
	}
}

func TestDocumentJSON(t *testing.T) {
	doc := mustParse(t, cloneSrc)
	var wrapper struct {
		Policy *Document `json:"policy"`
	}
	wrapper.Policy = doc
	b, err := json.Marshal(wrapper)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Policy *Document `json:"policy"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !Equal(doc, back.Policy) {
		t.Errorf("round trip through encoding/json differs:\n%s", b)
	}
	if err := json.Unmarshal([]byte(`{"policy":{"Statement":[{"Effect":"Alow","Action":"*","Resource":"*"}]}}`), &back); err == nil {
		t.Error("UnmarshalJSON accepted an invalid effect")
	}
	st, _ := json.Marshal(doc.Statements[1])
	if want := `{"Effect":"Deny","NotAction":"s3:*","NotResource":"*"}`; string(st) != want {
		t.Errorf("statement JSON = %s, want %s", st, want)
	}
}

func mustParse(t *testing.T, src string) *Document {
	t.Helper()
	doc, err := Parse("p.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
