// Package synth writes a synthetic `get-account-authorization-details`
// file for the audit's performance acceptance: roles (one in ten an
// agent role, some with findings) with inline and attached policies,
// managed policies with several versions, a few users.
package synth

import (
	"bufio"
	"fmt"
	"io"
)

// Write writes an account of roles roles and managed managed policies.
func Write(w io.Writer, account string, roles, managed int) error {
	b := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintf(b, "{\n\"UserDetailList\": [\n")
	for i := 0; i < 20; i++ {
		sep := ","
		if i == 19 {
			sep = ""
		}
		fmt.Fprintf(b, `{"UserName":"user-%d","Arn":"arn:aws:iam::%s:user/user-%d","GroupList":["group-%d"],"UserPolicyList":[{"PolicyName":"p","PolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:PassRole"],"Resource":"arn:aws:iam::%s:role/app-%d-*"},{"Effect":"Allow","Action":["bedrock-agentcore:CreateAgentRuntime","bedrock-agentcore:InvokeAgentRuntime"],"Resource":"*"}]}}],"AttachedManagedPolicies":[{"PolicyName":"managed-%d","PolicyArn":"arn:aws:iam::%s:policy/managed-%d"}]}%s`+"\n",
			i, account, i, i%4, account, i, i%managed, account, i%managed, sep)
	}
	fmt.Fprintf(b, "],\n\"GroupDetailList\": [\n")
	for i := 0; i < 4; i++ {
		sep := ","
		if i == 3 {
			sep = ""
		}
		fmt.Fprintf(b, `{"GroupName":"group-%d","Arn":"arn:aws:iam::%s:group/group-%d","GroupPolicyList":[],"AttachedManagedPolicies":[{"PolicyName":"managed-%d","PolicyArn":"arn:aws:iam::%s:policy/managed-%d"}]}%s`+"\n", i, account, i, i, account, i, sep)
	}
	fmt.Fprintf(b, "],\n\"RoleDetailList\": [\n")
	for i := 0; i < roles; i++ {
		writeRole(b, account, i, managed)
		if i < roles-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "],\n\"Policies\": [\n")
	for i := 0; i < managed; i++ {
		writeManaged(b, account, i)
		if i < managed-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("]\n}\n")
	return b.Flush()
}

func writeRole(b *bufio.Writer, account string, i, managed int) {
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	if i%10 == 0 {
		cond := fmt.Sprintf(`,"Condition":{"StringEquals":{"aws:SourceAccount":"%s"}}`, account)
		if i%30 == 0 {
			cond = ""
		}
		trust = fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"bedrock-agentcore.amazonaws.com"},"Action":"sts:AssumeRole"%s}]}`, cond)
	}
	res := fmt.Sprintf("arn:aws:s3:::bucket-%d/*", i)
	if i%50 == 0 {
		res = "*"
	}
	fmt.Fprintf(b, `{"RoleName":"app-%d-role","Arn":"arn:aws:iam::%s:role/app-%d-role","AssumeRolePolicyDocument":%s,"RolePolicyList":[{"PolicyName":"inline","PolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"%s"},{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"},{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:us-east-1:%s:log-group:/aws/bedrock-agentcore/runtimes/app-%d-*"}]}}],"AttachedManagedPolicies":[{"PolicyName":"managed-%d","PolicyArn":"arn:aws:iam::%s:policy/managed-%d"},{"PolicyName":"managed-%d","PolicyArn":"arn:aws:iam::%s:policy/managed-%d"}]}`,
		i, account, i, trust, res, account, i, i%managed, account, i%managed, (i+7)%managed, account, (i+7)%managed)
}

func writeManaged(b *bufio.Writer, account string, i int) {
	fmt.Fprintf(b, `{"PolicyName":"managed-%d","Arn":"arn:aws:iam::%s:policy/managed-%d","DefaultVersionId":"v2","PolicyVersionList":[`, i, account, i)
	for v := 1; v <= 2; v++ {
		fmt.Fprintf(b, `{"VersionId":"v%d","IsDefaultVersion":%t,"Document":{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Query","dynamodb:PutItem"],"Resource":"arn:aws:dynamodb:us-east-1:%s:table/table-%d"},{"Sid":"Secrets","Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:us-east-1:%s:secret:app-%d-*"},{"Sid":"Deny","Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}}`, v, v == 2, account, i, account, i)
		if v == 1 {
			b.WriteString(",")
		}
	}
	b.WriteString("]}")
}
