// Command perf writes a directory of generated IAM policies of about
// 2 KB each, to measure `agentiam lint DIR` as a whole process:
//
//	go run ./lint/testdata/perf /tmp/policies 2000
//	time agentiam lint --fail-on error /tmp/policies
//
// Each policy is an agent execution policy with its own names, every
// tenth a trust policy, every seventh with a mistake, so that the
// linter does its real work (catalog lookups, ARN matching, findings).
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: perf DIR COUNT")
		os.Exit(2)
	}
	dir := os.Args[1]
	n, err := strconv.Atoi(os.Args[2])
	if err != nil || n < 1 {
		fmt.Fprintln(os.Stderr, "perf: COUNT must be a positive number")
		os.Exit(2)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	total := 0
	for i := range n {
		src := policy(i)
		total += len(src)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("policy-%05d.json", i)), []byte(src), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	fmt.Printf("wrote %d policies, %d bytes on average, to %s\n", n, total/n, dir)
}

var regions = []string{"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"}

func policy(i int) string {
	region := regions[i%len(regions)]
	agent := fmt.Sprintf("agent_%04d", i)
	account := fmt.Sprintf("%012d", 100000000000+i)
	if i%10 == 0 {
		return fmt.Sprintf(`{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AssumeRolePolicy",
      "Effect": "Allow",
      "Principal": {"Service": "bedrock-agentcore.amazonaws.com"},
      "Action": "sts:AssumeRole",
      "Condition": {
        "StringEquals": {"aws:SourceAccount": "%[2]s"},
        "ArnLike": {"aws:SourceArn": "arn:aws:bedrock-agentcore:%[1]s:%[2]s:runtime/%[3]s-*"}
      }
    }
  ]
}
`, region, account, agent)
	}
	memoryAction := "bedrock-agentcore:RetrieveMemoryRecords"
	if i%7 == 0 {
		memoryAction = "bedrock-agentcore:SearchMemory" // a published mistake
	}
	var b strings.Builder
	fmt.Fprintf(&b, `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ECRImageAccess",
      "Effect": "Allow",
      "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
      "Resource": "arn:aws:ecr:%[1]s:%[2]s:repository/bedrock-agentcore-%[3]s"
    },
    {
      "Sid": "ECRTokenAccess",
      "Effect": "Allow",
      "Action": "ecr:GetAuthorizationToken",
      "Resource": "*"
    },
    {
      "Sid": "Logs",
      "Effect": "Allow",
      "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      "Resource": "arn:aws:logs:%[1]s:%[2]s:log-group:/aws/bedrock-agentcore/runtimes/%[3]s-*"
    },
    {
      "Sid": "Observability",
      "Effect": "Allow",
      "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "cloudwatch:PutMetricData"],
      "Resource": "*",
      "Condition": {"StringEquals": {"cloudwatch:namespace": "bedrock-agentcore"}}
    },
    {
      "Sid": "Models",
      "Effect": "Allow",
      "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
      "Resource": [
        "arn:aws:bedrock:%[1]s::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0",
        "arn:aws:bedrock:%[1]s:%[2]s:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0",
        "arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0"
      ]
    },
    {
      "Sid": "Memory",
      "Effect": "Allow",
      "Action": ["bedrock-agentcore:CreateEvent", "bedrock-agentcore:ListEvents", "%[4]s"],
      "Resource": "arn:aws:bedrock-agentcore:%[1]s:%[2]s:memory/%[3]s_mem-AbCdEf1234"
    },
    {
      "Sid": "Data",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:ListBucket", "dynamodb:GetItem", "dynamodb:Query"],
      "Resource": [
        "arn:aws:s3:::%[3]s-docs",
        "arn:aws:s3:::%[3]s-docs/faq/*",
        "arn:aws:dynamodb:%[1]s:%[2]s:table/%[3]s-tickets"
      ]
    }
  ]
}
`, region, account, agent, memoryAction)
	return b.String()
}
