package inputs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/agentiam/agentiam/internal/jsontext"
	"github.com/agentiam/agentiam/policy"
)

// ErrAuthorizationDetails is wrapped by the errors of AuthorizationDetails.
var ErrAuthorizationDetails = errors.New("unreadable authorization details")

// detailsError is an error of AuthorizationDetails: its text is the
// message alone, so that a caller's own sentinel can lead it.
type detailsError struct{ msg string }

func (e *detailsError) Error() string { return e.msg }
func (e *detailsError) Unwrap() error { return ErrAuthorizationDetails }

func detailsErrorf(format string, args ...any) error {
	return &detailsError{fmt.Sprintf(format, args...)}
}

// Details is what `aws iam get-account-authorization-details` says of
// the roles, users and groups of an account.
type Details struct {
	Roles  []RoleDetails
	Users  []UserDetails
	Groups []GroupDetails
	// Managed holds the default version of each managed policy of the
	// file's Policies list, by ARN; Versions the id of that version.
	Managed  map[string]*policy.Document
	Versions map[string]string
}

// UserDetails is one user of UserDetailList.
type UserDetails struct {
	Name, ARN   string
	Inline      []NamedDocument
	Attached    []AttachedPolicy
	BoundaryARN string
	// Groups names the groups the user is in.
	Groups []string
}

// GroupDetails is one group of GroupDetailList.
type GroupDetails struct {
	Name, ARN string
	Inline    []NamedDocument
	Attached  []AttachedPolicy
}

// RoleDetails is one role of RoleDetailList.
type RoleDetails struct {
	Name, ARN string
	// Trust is nil when the file has no AssumeRolePolicyDocument.
	Trust    *policy.Document
	Inline   []NamedDocument
	Attached []AttachedPolicy
	// BoundaryARN is the permissions boundary's ARN, "" for none.
	BoundaryARN string
}

// NamedDocument is a policy document with its name in IAM.
type NamedDocument struct {
	Name     string
	Document *policy.Document
}

// AttachedPolicy is a managed policy attached to a role.
type AttachedPolicy struct{ Name, ARN string }

// authorizationDetails is the part of the output the reader decodes for
// names and ARNs; the documents are read with positions by detailsSpans.
type authorizationDetails struct {
	UserDetailList []struct {
		UserName       string
		Arn            string
		UserPolicyList []struct {
			PolicyName string
		}
		GroupList               []string
		AttachedManagedPolicies []struct {
			PolicyName string
			PolicyArn  string
		}
		PermissionsBoundary *struct {
			PermissionsBoundaryArn string
		}
	}
	GroupDetailList []struct {
		GroupName       string
		Arn             string
		GroupPolicyList []struct {
			PolicyName string
		}
		AttachedManagedPolicies []struct {
			PolicyName string
			PolicyArn  string
		}
	}
	RoleDetailList []struct {
		RoleName       string
		Arn            string
		RolePolicyList []struct {
			PolicyName string
		}
		AttachedManagedPolicies []struct {
			PolicyName string
			PolicyArn  string
		}
		PermissionsBoundary *struct {
			PermissionsBoundaryArn string
		}
	}
	Policies []struct {
		PolicyName        string
		Arn               string
		PolicyVersionList []struct {
			VersionId        string
			IsDefaultVersion bool
		}
	}
}

// AuthorizationDetails reads the JSON output of `aws iam
// get-account-authorization-details`: every role with its trust policy,
// inline policies, attached managed policies and permissions boundary,
// and the default version of each managed policy. Documents may be
// objects (as the AWS CLI prints them), whose positions are their
// positions in the file, or URL-encoded JSON strings (as the API returns
// them), whose statements have no position. Errors wrap
// ErrAuthorizationDetails, or are the *policy.ParseError of a document.
func AuthorizationDetails(filename string, src []byte) (*Details, error) {
	var ad authorizationDetails
	if err := json.NewDecoder(bytes.NewReader(src)).Decode(&ad); err != nil {
		return nil, detailsErrorf("%s: not the JSON of `aws iam get-account-authorization-details`: %v", filename, err)
	}
	if ad.RoleDetailList == nil {
		return nil, detailsErrorf("%s has no RoleDetailList: expected the JSON of `aws iam get-account-authorization-details` (run it with --filter Role LocalManagedPolicy AWSManagedPolicy)", filename)
	}
	docs, err := detailsDocuments(filename, src, &ad)
	var pe *policy.ParseError
	if err != nil && !errors.As(err, &pe) && !errors.Is(err, ErrAuthorizationDetails) {
		err = detailsErrorf("%s: %v", filename, err)
	}
	if err != nil {
		return nil, err
	}
	out := &Details{Managed: map[string]*policy.Document{}, Versions: map[string]string{}}
	for i, p := range ad.Policies {
		for j, v := range p.PolicyVersionList {
			if d := docs[path("Policies", i, "PolicyVersionList", j, "Document")]; v.IsDefaultVersion && d != nil {
				out.Managed[p.Arn] = d
				out.Versions[p.Arn] = v.VersionId
			}
		}
	}
	if err := detailsPrincipals(filename, &ad, docs, out); err != nil {
		return nil, err
	}
	for i, r := range ad.RoleDetailList {
		if r.Arn == "" || r.RoleName == "" {
			return nil, detailsErrorf("%s: a role in RoleDetailList has no RoleName or Arn", filename)
		}
		rd := RoleDetails{Name: r.RoleName, ARN: r.Arn, Trust: docs[path("RoleDetailList", i, "AssumeRolePolicyDocument")]}
		for j, ip := range r.RolePolicyList {
			rd.Inline = append(rd.Inline, NamedDocument{Name: ip.PolicyName, Document: docs[path("RoleDetailList", i, "RolePolicyList", j, "PolicyDocument")]})
		}
		for _, mp := range r.AttachedManagedPolicies {
			rd.Attached = append(rd.Attached, AttachedPolicy{Name: mp.PolicyName, ARN: mp.PolicyArn})
		}
		if b := r.PermissionsBoundary; b != nil {
			rd.BoundaryARN = b.PermissionsBoundaryArn
		}
		out.Roles = append(out.Roles, rd)
	}
	return out, nil
}

// detailsPrincipals fills the users and groups of out.
func detailsPrincipals(filename string, ad *authorizationDetails, docs map[string]*policy.Document, out *Details) error {
	for i, u := range ad.UserDetailList {
		if u.Arn == "" || u.UserName == "" {
			return detailsErrorf("%s: a user in UserDetailList has no UserName or Arn", filename)
		}
		ud := UserDetails{Name: u.UserName, ARN: u.Arn, Groups: u.GroupList}
		for j, ip := range u.UserPolicyList {
			ud.Inline = append(ud.Inline, NamedDocument{Name: ip.PolicyName, Document: docs[path("UserDetailList", i, "UserPolicyList", j, "PolicyDocument")]})
		}
		for _, mp := range u.AttachedManagedPolicies {
			ud.Attached = append(ud.Attached, AttachedPolicy{Name: mp.PolicyName, ARN: mp.PolicyArn})
		}
		if b := u.PermissionsBoundary; b != nil {
			ud.BoundaryARN = b.PermissionsBoundaryArn
		}
		out.Users = append(out.Users, ud)
	}
	for i, g := range ad.GroupDetailList {
		if g.Arn == "" || g.GroupName == "" {
			return detailsErrorf("%s: a group in GroupDetailList has no GroupName or Arn", filename)
		}
		gd := GroupDetails{Name: g.GroupName, ARN: g.Arn}
		for j, ip := range g.GroupPolicyList {
			gd.Inline = append(gd.Inline, NamedDocument{Name: ip.PolicyName, Document: docs[path("GroupDetailList", i, "GroupPolicyList", j, "PolicyDocument")]})
		}
		for _, mp := range g.AttachedManagedPolicies {
			gd.Attached = append(gd.Attached, AttachedPolicy{Name: mp.PolicyName, ARN: mp.PolicyArn})
		}
		out.Groups = append(out.Groups, gd)
	}
	return nil
}

// path joins the keys and indexes of a JSON path with '/'.
func path(parts ...any) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('/')
		}
		fmt.Fprint(&b, p)
	}
	return b.String()
}

// detailsDocuments reads the documents of the file with positions, by
// path, parsing each with the name the errors give it.
func detailsDocuments(filename string, src []byte, ad *authorizationDetails) (map[string]*policy.Document, error) {
	names := map[string]string{}
	var required []string // every document but a trust policy must be there
	for i, p := range ad.Policies {
		for j, v := range p.PolicyVersionList {
			if v.IsDefaultVersion { // only default versions are read, as IAM applies only them
				key := path("Policies", i, "PolicyVersionList", j, "Document")
				names[key] = fmt.Sprintf("%s: managed policy %s %s", filename, p.PolicyName, v.VersionId)
				required = append(required, key)
			}
		}
	}
	for i, u := range ad.UserDetailList {
		for j, ip := range u.UserPolicyList {
			key := path("UserDetailList", i, "UserPolicyList", j, "PolicyDocument")
			names[key] = fmt.Sprintf("%s: user %s inline policy %s", filename, u.UserName, ip.PolicyName)
			required = append(required, key)
		}
	}
	for i, g := range ad.GroupDetailList {
		for j, ip := range g.GroupPolicyList {
			key := path("GroupDetailList", i, "GroupPolicyList", j, "PolicyDocument")
			names[key] = fmt.Sprintf("%s: group %s inline policy %s", filename, g.GroupName, ip.PolicyName)
			required = append(required, key)
		}
	}
	for i, r := range ad.RoleDetailList {
		names[path("RoleDetailList", i, "AssumeRolePolicyDocument")] = fmt.Sprintf("%s: role %s trust policy", filename, r.RoleName)
		for j, ip := range r.RolePolicyList {
			key := path("RoleDetailList", i, "RolePolicyList", j, "PolicyDocument")
			names[key] = fmt.Sprintf("%s: role %s inline policy %s", filename, r.RoleName, ip.PolicyName)
			required = append(required, key)
		}
	}
	docs := map[string]*policy.Document{}
	text := string(src)
	dec := jsontext.NewDecoder(text)
	var r policy.Reader // one for the file: it counts lines on from the last document
	err := walkJSON(dec, nil, func(p []string) (bool, error) {
		name, ok := names[strings.Join(p, "/")]
		if !ok {
			return false, nil
		}
		d, err := streamDocument(dec, &r, text, name)
		docs[strings.Join(p, "/")] = d
		return true, err
	})
	if err != nil {
		return nil, err
	}
	for _, key := range required {
		if _, ok := docs[key]; !ok {
			return nil, detailsErrorf("%s: the document is missing", names[key])
		}
	}
	return docs, nil
}

// streamDocument reads the document at the decoder: an object is decoded
// in place, so its positions are those of the file; a string is a
// (URL-encoded) JSON text whose statements have no position in the file.
func streamDocument(dec *jsontext.Decoder, r *policy.Reader, src, name string) (*policy.Document, error) {
	if dec.PeekKind() == jsontext.ObjectStart {
		doc, _, err := r.ParseAt(name, src, dec.Offset())
		if serr := dec.SkipValue(); serr != nil && err == nil {
			err = serr
		}
		return doc, err
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, err
	}
	if tok.Kind != jsontext.String {
		return nil, detailsErrorf("%s:%d:%d: %s is %s, not a policy document", name, tok.Pos.Line, tok.Pos.Column, name, valuePhrase(tok.Kind))
	}
	return IAMDocument(name, tok.Text)
}

// IAMDocument parses a policy document as IAM's API returns it: JSON
// text, URL-encoded (RFC 3986, so '+' is a plus sign) unless it starts
// with '{'. Statements have no position (the text is not a file); name
// names the document in errors.
func IAMDocument(name, text string) (*policy.Document, error) {
	s := strings.TrimSpace(text)
	if !strings.HasPrefix(s, "{") {
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil, detailsErrorf("%s: the document is neither JSON nor URL-encoded JSON: %v", name, err)
		}
		s = u
	}
	d, err := policy.Parse(name+" (decoded)", []byte(s))
	if d != nil {
		for _, st := range d.Statements {
			st.Pos = policy.Pos{}
		}
	}
	return d, err
}
