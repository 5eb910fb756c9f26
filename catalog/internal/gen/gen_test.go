package main

import (
	"bytes"
	"crypto/sha512"
	"encoding/base64"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/agentiam/agentiam/catalog/internal/format"
)

func TestParseJSArray(t *testing.T) {
	const marker = "export const keys ="
	for _, c := range []struct {
		src     string
		want    []map[string]string
		wantErr bool
	}{
		{marker + ` [ { key: 'aws:A', type: 'String', description: '' }, ];`,
			[]map[string]string{{"key": "aws:A", "type": "String", "description": ""}}, false},
		{"import x;\n" + marker + " [\n {\n  key: 'aws:B', // note\n  type: \"Bool\" /* c */\n },\n {'key': 'it\\'s', type: 'x\\u0041'}\n];",
			[]map[string]string{{"key": "aws:B", "type": "Bool"}, {"key": "it's", "type": "xA"}}, false},
		{marker + " []", nil, false},
		{"no marker", nil, true},
		{marker + " [ { key: 1 } ]", nil, true},
		{marker + " [ { key: 'a' ", nil, true},
		{marker + " [ { key: 'a', key: 'b' } ]", nil, true},
		{marker + " [ { key: 'unterminated } ]", nil, true},
		{marker + " [ { 'a' 'b' } ]", nil, true},
	} {
		got, err := parseJSArray(c.src, marker)
		if (err != nil) != c.wantErr || !c.wantErr && !reflect.DeepEqual(got, c.want) {
			t.Errorf("parseJSArray(%q) = %v, %v; want %v (error %v)", c.src, got, err, c.want, c.wantErr)
		}
	}
}

func FuzzParseJSArray(f *testing.F) {
	f.Add("export const globalConditionKeys = [ { key: 'aws:A', type: 'String' } ];")
	f.Add("export const globalConditionKeys = [ { a: '\\u00")
	f.Fuzz(func(t *testing.T, src string) {
		parseJSArray(src, "export const globalConditionKeys =")
	})
}

func TestGlobalKeys(t *testing.T) {
	js := []byte(`export const globalConditionKeys = [
	{ key: 'aws:SourceArn', category: 'x', type: 'ARN', description: '' },
	{ key: 'aws:PrincipalTag/tag-key', category: 'x', type: 'String', description: '' },
	{ key: 'aws:CalledVia', category: 'x', type: 'ArrayOfString', description: '' }];`)
	got, err := globalKeys(js)
	if err != nil {
		t.Fatal(err)
	}
	want := []format.ConditionKey{
		{Key: "aws:CalledVia", Type: "ArrayOfString"},
		{Key: "aws:PrincipalTag/tag-key", Type: "String", Match: "aws:PrincipalTag/" + format.VarMark},
		{Key: "aws:SourceArn", Type: "ARN"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("globalKeys = %+v, want %+v", got, want)
	}
	for _, bad := range []string{
		`export const globalConditionKeys = [];`,
		`export const globalConditionKeys = [{ key: 'aws:A' }];`,
		`export const globalConditionKeys = [{ key: 'aws:A', type: 'String' }, { key: 'AWS:a', type: 'String' }];`,
	} {
		if _, err := globalKeys([]byte(bad)); err == nil {
			t.Errorf("globalKeys(%q) succeeded", bad)
		}
	}
}

func TestKeyMatch(t *testing.T) {
	templates, err := keyTemplates(map[string]map[string]string{
		"s3": {"s3:ExistingObjectTag/.+?": "s3:ExistingObjectTag/<key>"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key, want string
		wantErr   bool
	}{
		{"s3:ExistingObjectTag/<key>", "s3:ExistingObjectTag/\x00", false},
		{"aws:ResourceTag/${TagKey}", "aws:ResourceTag/\x00", false},
		{"agent.${Domain}.buildkite.dev:cluster_id", "agent.\x00.buildkite.dev:cluster_id", false},
		{"s3:prefix", "", false},
		{"s3:RequestObjectTag/<key>", "", true},
	} {
		got, err := keyMatch(c.key, templates)
		if got != c.want || (err != nil) != c.wantErr {
			t.Errorf("keyMatch(%q) = %q, %v; want %q (error %v)", c.key, got, err, c.want, c.wantErr)
		}
	}
	for _, bad := range []string{"s3:(a|b)/.+?", "s3:plain"} {
		if _, err := keyTemplates(map[string]map[string]string{"s3": {bad: "s3:x"}}); err == nil {
			t.Errorf("keyTemplates accepted %q", bad)
		}
	}
}

func TestVerifyIntegrity(t *testing.T) {
	data := []byte("tarball bytes")
	sum := sha512.Sum512(data)
	good := "sha512-" + base64.StdEncoding.EncodeToString(sum[:])
	if err := verifyIntegrity(data, good); err != nil {
		t.Error(err)
	}
	if err := verifyIntegrity(append(data, '!'), good); err == nil {
		t.Error("altered data accepted")
	}
	if err := verifyIntegrity(data, "sha1-abc"); err == nil {
		t.Error("sha1 integrity accepted")
	}
}

// TestReproducible regenerates catalog.bin from the pinned tarball and
// compares it with the committed file. It needs the tarball:
//
//	AGENTIAM_IAMDATA_TARBALL=/path/to/iam-data-0.21.202609261.tgz go test ./catalog/internal/gen -run Reproducible
func TestReproducible(t *testing.T) {
	tarball := os.Getenv("AGENTIAM_IAMDATA_TARBALL")
	if tarball == "" {
		t.Skip("set AGENTIAM_IAMDATA_TARBALL to the pinned npm tarball")
	}
	out := filepath.Join(t.TempDir(), "catalog.bin")
	if err := run(tarball, out); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"catalog.bin", "catalog.bin.sha256"} {
		got, err := os.ReadFile(filepath.Join(filepath.Dir(out), name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("..", "..", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("regenerated %s differs from the committed one", name)
		}
	}
}
