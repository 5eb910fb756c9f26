package params

import (
	"reflect"
	"testing"
)

func TestSplit(t *testing.T) {
	v := Values{Account: "123456789012", Region: "us-west-2", Partition: "aws"}
	tests := []struct {
		in   string
		want []Piece
	}{
		{"plain", []Piece{{Text: "plain"}}},
		{"", []Piece{{Text: ""}}},
		{"123456789012", []Piece{{Text: "123456789012", Param: Account}}},
		{"arn:aws:s3:::bucket", []Piece{{Text: "arn:"}, {Text: "aws", Param: Partition}, {Text: ":s3:::bucket"}}},
		{"arn:aws:logs:us-west-2:123456789012:log-group:x", []Piece{{Text: "arn:"}, {Text: "aws", Param: Partition}, {Text: ":logs:"},
			{Text: "us-west-2", Param: Region}, {Text: ":"}, {Text: "123456789012", Param: Account}, {Text: ":log-group:x"}}},
		{"bedrock-agentcore-codebuild-sources-123456789012-us-west-2", []Piece{{Text: "bedrock-agentcore-codebuild-sources-"},
			{Text: "123456789012", Param: Account}, {Text: "-"}, {Text: "us-west-2", Param: Region}}},
		{"AmazonBedrockAgentCoreSDKRuntime-us-west-2-bfae032411", []Piece{{Text: "AmazonBedrockAgentCoreSDKRuntime-"},
			{Text: "us-west-2", Param: Region}, {Text: "-bfae032411"}}},
		// Not parameters: a longer number, a longer region name, "aws" outside an ARN.
		{"1234567890123", []Piece{{Text: "1234567890123"}}},
		{"us-west-2a aws:SourceArn", []Piece{{Text: "us-west-2a aws:SourceArn"}}},
		{"xarn:aws:", []Piece{{Text: "xarn:aws:"}}},
	}
	for _, tt := range tests {
		if got := v.Split(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Split(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}
