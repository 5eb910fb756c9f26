// Package inputs reads the files people hold policies in, one reader per
// format shared by every command: a policy document, Terraform plans and
// state (terraform show -json), agentiam plans (agentiam generate) and
// the output of `aws iam get-account-authorization-details`, get-role,
// get-role-policy and get-policy-version. Each reader
// returns the documents of a file with where they are in it (an address
// and a position in the original file) and the policy kind the file
// says they are.
package inputs

import (
	"github.com/agentiam/agentiam/diag"
	"github.com/agentiam/agentiam/policy"
)

// Document is one policy document of an input file.
type Document struct {
	// File is the path as given ("-" for standard input).
	File string
	// Address locates a document inside a file that holds several: a
	// Terraform address such as "aws_iam_role.agent.assume_role_policy",
	// or an agentiam plan path such as "roles[NAME].inlinePolicies[POLICY]";
	// empty for a file that is one policy.
	Address string
	// Origin is where the document starts in the file, when known: the
	// string holding it in a Terraform plan, the object itself in an
	// agentiam plan.
	Origin diag.Pos
	// InFile marks a document written verbatim in the file, as the JSON
	// objects of an agentiam plan are: Src is then the whole file, the
	// document is Src[Origin.Offset:End], and positions in the document
	// are positions in the file (see Text and FilePos). Otherwise Src is
	// the document and positions are within it.
	InFile bool
	End    int
	// Kind says what the file says the document is (a role's trust
	// policy, a bucket policy ...); KindUnknown means detect it.
	Kind policy.Kind
	// Managed marks an identity policy with the quota of a customer
	// managed policy (6,144 characters) rather than an inline one.
	Managed bool
	Src     []byte
	// Pending marks a document known only when it is applied or
	// deployed: it cannot be linted (Text has nothing to read).
	Pending Pending
	// NotLinted lists the statements the linter is not given because a
	// value in them is known only at deploy time (a CloudFormation
	// intrinsic function such as !GetAtt); the rest of the document is
	// linted.
	NotLinted []NotLinted

	// written is the JSON a reader wrote for a document that is not JSON
	// in the file (YAML); lines maps each of its lines to the file.
	written []byte
	lines   []tokenSpan
}

// Pending says why a document is not known yet.
type Pending uint8

const (
	Known Pending = iota
	// AfterApply: a document of a Terraform plan known only after apply.
	AfterApply
	// AtDeploy: a document of a CloudFormation template made by an
	// intrinsic function (!Sub with parameters, !If, !GetAtt ...).
	AtDeploy
)

// NotLinted is a value known only when the configuration is applied or
// deployed.
type NotLinted struct {
	// Pos is where the value is in the file.
	Pos diag.Pos
	// Function is the intrinsic function, as the template spells it
	// ("!GetAtt", "Fn::Join"), or "alias" for a YAML alias.
	Function string
	// Statement is the 0-based index of the statement left out, in the
	// document as the file writes it; -1 for a value outside statements
	// (written as null).
	Statement int
	// When the value is known: AfterApply (Terraform) or AtDeploy
	// (CloudFormation).
	When Pending
}

// Text returns the document's own text and whether it is one: false for
// a pending document, or a span that is not within the file.
func (d Document) Text() ([]byte, bool) {
	switch {
	case d.Pending != Known:
		return nil, false
	case d.written != nil:
		return d.written, true
	case !d.InFile:
		return d.Src, true
	case d.Origin.Offset < 0 || d.Origin.Offset > d.End || d.End > len(d.Src):
		return nil, false
	}
	return d.Src[d.Origin.Offset:d.End], true
}

// FileRange turns the range of a finding in the document's text (see
// Text) into a range in the file, for a document written verbatim in the
// file (InFile) or written as JSON by its reader from YAML; other
// positions are returned as they are.
func (d Document) FileRange(pos, end diag.Pos) (diag.Pos, diag.Pos) {
	if d.lines != nil {
		return mapPos(d.lines, pos, false), mapPos(d.lines, end, true)
	}
	return d.FilePos(pos), d.FilePos(end)
}

// FilePos turns a position in the document's text (see Text) into a
// position in the file, for a document written verbatim in the file
// (InFile); other positions are returned as they are.
func (d Document) FilePos(p diag.Pos) diag.Pos {
	if d.lines != nil {
		return mapPos(d.lines, p, false)
	}
	if !d.InFile || !p.IsValid() {
		return p
	}
	if p.Line == 1 {
		p.Column += d.Origin.Column - 1
	}
	p.Line += d.Origin.Line - 1
	p.Offset += d.Origin.Offset
	return p
}

// Read returns the policy documents of one file: the file itself, or
// every policy in it when it is a Terraform plan or state in JSON
// (terraform show -json), an agentiam plan (agentiam generate) or the
// output of aws iam get-role-policy, get-policy-version or get-role, a
// CloudFormation template, or a Terraform configuration (*.tf). An error
// means such a file that cannot be read; it wraps ErrPlan, ErrAgentPlan,
// ErrCLIResponse or ErrTerraformConfig.
func Read(file string, src []byte) ([]Document, error) {
	if isTerraformConfig(file) {
		return TerraformConfig(file, src)
	}
	for _, plan := range []struct {
		looksLike func([]byte) bool
		extract   func(string, []byte) ([]Document, bool, error)
	}{{looksLikePlan, extractPlan}, {looksLikeAgentPlan, extractAgentPlan}, {looksLikeCLIResponse, extractCLIResponse}, {looksLikeTemplate, extractTemplate}} {
		if !plan.looksLike(src) {
			continue
		}
		docs, ok, err := plan.extract(file, src)
		if err != nil {
			return nil, err
		}
		if ok {
			return docs, nil
		}
	}
	return []Document{{File: file, Src: src}}, nil
}
