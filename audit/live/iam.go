package live

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/agentiam/agentiam/inputs"
	"github.com/agentiam/agentiam/policy"
)

// pageSize is MaxItems of each GetAccountAuthorizationDetails page: the
// API's maximum (1000), so that a large account takes few calls.
const pageSize = 1000

// readIAM reads every page of GetAccountAuthorizationDetails (no
// filter: users, groups, roles and managed policies, per the API
// reference) into the form package inputs reads the CLI's output into.
func readIAM(ctx context.Context, c iam.GetAccountAuthorizationDetailsAPIClient) (*inputs.Details, error) {
	d := &inputs.Details{Managed: map[string]*policy.Document{}, Versions: map[string]string{}}
	p := iam.NewGetAccountAuthorizationDetailsPaginator(c, &iam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(pageSize)}, func(o *iam.GetAccountAuthorizationDetailsPaginatorOptions) {
		o.StopOnDuplicateToken = true // a repeated Marker would loop forever
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		if err := addPage(d, page); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// addPage adds one page's principals and policies.
func addPage(d *inputs.Details, page *iam.GetAccountAuthorizationDetailsOutput) error {
	for _, r := range page.RoleDetailList {
		role := inputs.RoleDetails{Name: aws.ToString(r.RoleName), ARN: aws.ToString(r.Arn), Attached: attached(r.AttachedManagedPolicies), BoundaryARN: boundary(r.PermissionsBoundary)}
		var err error
		if r.AssumeRolePolicyDocument != nil {
			if role.Trust, err = document("role "+role.Name+" trust policy", *r.AssumeRolePolicyDocument); err != nil {
				return err
			}
		}
		if role.Inline, err = inline("role "+role.Name, r.RolePolicyList); err != nil {
			return err
		}
		d.Roles = append(d.Roles, role)
	}
	for _, u := range page.UserDetailList {
		user := inputs.UserDetails{Name: aws.ToString(u.UserName), ARN: aws.ToString(u.Arn), Attached: attached(u.AttachedManagedPolicies), BoundaryARN: boundary(u.PermissionsBoundary), Groups: u.GroupList}
		var err error
		if user.Inline, err = inline("user "+user.Name, u.UserPolicyList); err != nil {
			return err
		}
		d.Users = append(d.Users, user)
	}
	for _, g := range page.GroupDetailList {
		group := inputs.GroupDetails{Name: aws.ToString(g.GroupName), ARN: aws.ToString(g.Arn), Attached: attached(g.AttachedManagedPolicies)}
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
func addManaged(d *inputs.Details, mp types.ManagedPolicyDetail) error {
	for _, v := range mp.PolicyVersionList {
		if !v.IsDefaultVersion || v.Document == nil {
			continue
		}
		policyARN := aws.ToString(mp.Arn)
		doc, err := document(fmt.Sprintf("managed policy %s version %s", aws.ToString(mp.PolicyName), aws.ToString(v.VersionId)), *v.Document)
		if err != nil {
			return err
		}
		d.Managed[policyARN], d.Versions[policyARN] = doc, aws.ToString(v.VersionId)
	}
	return nil
}

func inline(owner string, list []types.PolicyDetail) ([]inputs.NamedDocument, error) {
	out := make([]inputs.NamedDocument, 0, len(list))
	for _, p := range list {
		name := aws.ToString(p.PolicyName)
		doc, err := document(owner+" inline policy "+name, aws.ToString(p.PolicyDocument))
		if err != nil {
			return nil, err
		}
		out = append(out, inputs.NamedDocument{Name: name, Document: doc})
	}
	return out, nil
}

func attached(list []types.AttachedPolicy) []inputs.AttachedPolicy {
	out := make([]inputs.AttachedPolicy, len(list))
	for i, p := range list {
		out[i] = inputs.AttachedPolicy{Name: aws.ToString(p.PolicyName), ARN: aws.ToString(p.PolicyArn)}
	}
	return out
}

func boundary(b *types.AttachedPermissionsBoundary) string {
	if b == nil {
		return ""
	}
	return aws.ToString(b.PermissionsBoundaryArn)
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
