package inputs_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentiam/agentiam/inputs"
	"github.com/agentiam/agentiam/lint"
	"github.com/agentiam/agentiam/lint/report"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestFormats reads each file of testdata/formats, lints its documents
// and compares the text report (or the reader's error) with FILE.golden,
// rewritten with -update.
func TestFormats(t *testing.T) {
	files, err := filepath.Glob("testdata/formats/*.*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		if strings.HasSuffix(file, ".golden") {
			continue
		}
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			docs, err := inputs.Read(filepath.Base(file), src)
			if err != nil {
				b.WriteString("error: " + err.Error() + "\n")
			}
			var results []lint.Result
			for _, d := range docs {
				b.WriteString("document " + d.Address + " " + d.Kind.String() + "\n")
				results = append(results, lint.Run(d, lint.Options{}))
			}
			if err := report.Text(&b, results); err != nil {
				t.Fatal(err)
			}
			golden := file + ".golden"
			if *update {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("got\n%s\nwant\n%s", b.Bytes(), want)
			}
		})
	}
}

// TestOwnOutputLintsClean: the CloudFormation templates and Terraform
// configurations agentiam generates (the goldens of render/cloudformation
// and render/terraform) are read with every policy in them and lint
// without a finding. Everything is linted but in the Terraform files
// written with variables (*.vars.tf), whose interpolations are known
// only after apply.
func TestOwnOutputLintsClean(t *testing.T) {
	for _, glob := range []string{"../render/cloudformation/testdata/*.yaml", "../render/terraform/testdata/*.tf"} {
		files, err := filepath.Glob(glob)
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no files (%v)", glob, err)
		}
		for _, file := range files {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			docs, err := inputs.Read(file, src)
			if err != nil {
				t.Fatal(err)
			}
			if len(docs) < 2 {
				t.Errorf("%s: %d documents", file, len(docs))
			}
			for _, d := range docs {
				if (d.Pending != inputs.Known || len(d.NotLinted) > 0) && !strings.HasSuffix(file, ".vars.tf") {
					t.Errorf("%s(%s): not linted", file, d.Address)
				}
				if r := lint.Run(d, lint.Options{}); len(r.Diags) > 0 {
					t.Errorf("%s(%s): %v", file, d.Address, r.Diags)
				}
			}
		}
	}
}

// FuzzTemplate: any text given as a template yields documents or an
// error, never a panic, and every document lints with positions in the
// file.
func FuzzTemplate(f *testing.F) {
	for _, file := range []string{"testdata/formats/cloudformation.yaml", "testdata/formats/cloudformation.json", "../render/cloudformation/testdata/minimal.pseudo.yaml"} {
		if src, err := os.ReadFile(file); err == nil {
			f.Add(src)
		}
	}
	f.Add([]byte("Resources: {R: {Type: AWS::IAM::Policy, Properties: {PolicyDocument: {Statement: [!Ref X, *a]}}}}"))
	f.Add([]byte("Resources:\n  P:\n    Type: AWS::Lambda::Permission\n    Properties: {Principal: '*', FunctionName: !GetAtt F.Arn}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		docs, err := inputs.Read("t.yaml", src)
		if err != nil {
			return
		}
		for _, d := range docs {
			r := lint.Run(d, lint.Options{})
			for _, dg := range r.Diags {
				if dg.Pos.Offset < 0 || dg.Pos.Offset > len(d.Src) {
					t.Fatalf("%s: %v outside the file", d.Address, dg)
				}
			}
		}
	})
}

// FuzzTerraformConfig: any text given as a .tf file yields documents or
// an error wrapping ErrTerraformConfig, never a panic, and every
// document lints with positions in the file.
func FuzzTerraformConfig(f *testing.F) {
	for _, file := range []string{"testdata/formats/terraform.tf", "../render/terraform/testdata/minimal.vars.tf"} {
		if src, err := os.ReadFile(file); err == nil {
			f.Add(src)
		}
	}
	f.Add([]byte("resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({Statement = [{Action = (\"s3:*\"), Resource = [var.x]}]})\n}\n"))
	f.Add([]byte("data \"aws_iam_policy_document\" \"d\" {\n  statement {\n    condition {\n      test = \"StringEquals\"\n    }\n  }\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		docs, err := inputs.Read("main.tf", src)
		if err != nil {
			if !errors.Is(err, inputs.ErrTerraformConfig) {
				t.Fatalf("error %v does not wrap ErrTerraformConfig", err)
			}
			return
		}
		for _, d := range docs {
			r := lint.Run(d, lint.Options{})
			for _, dg := range r.Diags {
				if dg.Pos.Offset < 0 || dg.Pos.Offset > len(d.Src) {
					t.Fatalf("%s: %v outside the file", d.Address, dg)
				}
			}
		}
	})
}
