package live

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/agentiam/agentiam/inputs"
	"github.com/agentiam/agentiam/policy"
)

// pageSize is MaxItems of each GetAccountAuthorizationDetails page: the
// API's maximum (1000), so that a large account takes few calls.
const pageSize = 1000

// newIAMClient makes a client of IAM's query protocol. IAM is global:
// one endpoint per partition, signed for the partition's region, as the
// SDK's generated endpoints.go of service/iam has them (standard
// endpoints; FIPS and dual-stack ones are not offered here).
func newIAMClient(cfg aws.Config) (*awsClient, error) {
	endpoint, region := "https://iam.amazonaws.com", "us-east-1"
	switch {
	case strings.HasPrefix(cfg.Region, "cn-"):
		endpoint, region = "https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1"
	case strings.HasPrefix(cfg.Region, "us-gov-"):
		endpoint, region = "https://iam.us-gov.amazonaws.com", "us-gov-west-1"
	case strings.HasPrefix(cfg.Region, "eusc-"):
		endpoint, region = "https://iam.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"
	}
	return newClient(cfg, endpoint, "iam", region, xmlError)
}

// readIAM reads every page of GetAccountAuthorizationDetails (no
// filter: users, groups, roles and managed policies, per the API
// reference) into the form package inputs reads the CLI's output into.
// A Marker given before ends the reading, so that an endpoint repeating
// itself cannot loop forever.
func readIAM(ctx context.Context, c *awsClient) (*inputs.Details, error) {
	d := &inputs.Details{Managed: map[string]*policy.Document{}, Versions: map[string]string{}}
	seen := map[string]bool{}
	marker := ""
	for {
		page, err := iamPage(ctx, c, marker)
		if err != nil {
			return nil, err
		}
		if err := addPage(d, page); err != nil {
			return nil, err
		}
		if !page.IsTruncated || page.Marker == "" || seen[page.Marker] {
			return d, nil
		}
		marker = page.Marker
		seen[marker] = true
	}
}

// iamPage calls GetAccountAuthorizationDetails once (query protocol:
// a form POSTed to /, an XML response).
func iamPage(ctx context.Context, c *awsClient, marker string) (*authDetails, error) {
	form := url.Values{"Action": {"GetAccountAuthorizationDetails"}, "Version": {"2010-05-08"}, "MaxItems": {strconv.Itoa(pageSize)}}
	if marker != "" {
		form.Set("Marker", marker)
	}
	data, err := c.send(ctx, "POST", "/", nil, "application/x-www-form-urlencoded; charset=utf-8", []byte(form.Encode()))
	if err != nil {
		return nil, err
	}
	var resp struct {
		Result authDetails `xml:"GetAccountAuthorizationDetailsResult"`
	}
	if err := xml.Unmarshal(data, &resp); err != nil {
		return nil, fmt.Errorf("decoding the response: %w", err)
	}
	return &resp.Result, nil
}

// xmlError reads the error of a query-protocol response:
// <ErrorResponse><Error><Code>, <Message>.
func xmlError(resp *http.Response, data []byte) error {
	var b struct {
		Code    string `xml:"Error>Code"`
		Message string `xml:"Error>Message"`
	}
	_ = xml.Unmarshal(data, &b) // a body that is not XML leaves the code to the status
	if b.Code == "" {
		b.Code = http.StatusText(resp.StatusCode)
	}
	return &apiError{status: resp.StatusCode, code: b.Code, message: b.Message}
}

// The members of GetAccountAuthorizationDetailsResult that the audit
// reads (names as in the IAM API reference); documents are URL-encoded.
type (
	authDetails struct {
		IsTruncated bool
		Marker      string
		Users       []userDetail    `xml:"UserDetailList>member"`
		Groups      []groupDetail   `xml:"GroupDetailList>member"`
		Roles       []roleDetail    `xml:"RoleDetailList>member"`
		Policies    []managedDetail `xml:"Policies>member"`
	}
	roleDetail struct {
		RoleName, Arn, AssumeRolePolicyDocument string
		RolePolicyList                          []inlinePolicy   `xml:"RolePolicyList>member"`
		AttachedManagedPolicies                 []attachedPolicy `xml:"AttachedManagedPolicies>member"`
		Boundary                                string           `xml:"PermissionsBoundary>PermissionsBoundaryArn"`
	}
	userDetail struct {
		UserName, Arn           string
		UserPolicyList          []inlinePolicy   `xml:"UserPolicyList>member"`
		GroupList               []string         `xml:"GroupList>member"`
		AttachedManagedPolicies []attachedPolicy `xml:"AttachedManagedPolicies>member"`
		Boundary                string           `xml:"PermissionsBoundary>PermissionsBoundaryArn"`
	}
	groupDetail struct {
		GroupName, Arn          string
		GroupPolicyList         []inlinePolicy   `xml:"GroupPolicyList>member"`
		AttachedManagedPolicies []attachedPolicy `xml:"AttachedManagedPolicies>member"`
	}
	managedDetail struct {
		PolicyName, Arn   string
		PolicyVersionList []policyVersion `xml:"PolicyVersionList>member"`
	}
	policyVersion struct {
		Document, VersionId string
		IsDefaultVersion    bool
	}
	inlinePolicy   struct{ PolicyName, PolicyDocument string }
	attachedPolicy struct{ PolicyName, PolicyArn string }
)

// addPage adds one page's principals and policies.
func addPage(d *inputs.Details, page *authDetails) error {
	for _, r := range page.Roles {
		role := inputs.RoleDetails{Name: r.RoleName, ARN: r.Arn, Attached: attached(r.AttachedManagedPolicies), BoundaryARN: r.Boundary}
		var err error
		if r.AssumeRolePolicyDocument != "" {
			if role.Trust, err = document("role "+role.Name+" trust policy", r.AssumeRolePolicyDocument); err != nil {
				return err
			}
		}
		if role.Inline, err = inline("role "+role.Name, r.RolePolicyList); err != nil {
			return err
		}
		d.Roles = append(d.Roles, role)
	}
	for _, u := range page.Users {
		user := inputs.UserDetails{Name: u.UserName, ARN: u.Arn, Attached: attached(u.AttachedManagedPolicies), BoundaryARN: u.Boundary, Groups: u.GroupList}
		var err error
		if user.Inline, err = inline("user "+user.Name, u.UserPolicyList); err != nil {
			return err
		}
		d.Users = append(d.Users, user)
	}
	for _, g := range page.Groups {
		group := inputs.GroupDetails{Name: g.GroupName, ARN: g.Arn, Attached: attached(g.AttachedManagedPolicies)}
		var err error
		if group.Inline, err = inline("group "+group.Name, g.GroupPolicyList); err != nil {
			return err
		}
		d.Groups = append(d.Groups, group)
	}
	for _, mp := range page.Policies {
		if err := addManaged(d, mp); err != nil {
			return err
		}
	}
	return nil
}

// addManaged keeps the default version of a managed policy.
func addManaged(d *inputs.Details, mp managedDetail) error {
	for _, v := range mp.PolicyVersionList {
		if !v.IsDefaultVersion || v.Document == "" {
			continue
		}
		doc, err := document(fmt.Sprintf("managed policy %s version %s", mp.PolicyName, v.VersionId), v.Document)
		if err != nil {
			return err
		}
		d.Managed[mp.Arn], d.Versions[mp.Arn] = doc, v.VersionId
	}
	return nil
}

func inline(owner string, list []inlinePolicy) ([]inputs.NamedDocument, error) {
	out := make([]inputs.NamedDocument, 0, len(list))
	for _, p := range list {
		doc, err := document(owner+" inline policy "+p.PolicyName, p.PolicyDocument)
		if err != nil {
			return nil, err
		}
		out = append(out, inputs.NamedDocument{Name: p.PolicyName, Document: doc})
	}
	return out, nil
}

func attached(list []attachedPolicy) []inputs.AttachedPolicy {
	out := make([]inputs.AttachedPolicy, len(list))
	for i, p := range list {
		out[i] = inputs.AttachedPolicy{Name: p.PolicyName, ARN: p.PolicyArn}
	}
	return out
}

// document parses a document as IAM returns it (URL-encoded JSON), with
// package inputs' reader of that form.
func document(name, text string) (*policy.Document, error) {
	doc, err := inputs.IAMDocument("live: "+name, text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return doc, nil
}
