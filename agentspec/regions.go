package agentspec

import (
	"slices"

	"github.com/agentiam/agentiam/internal/suggest"
)

// DocumentationAccount is the example account id of the AWS
// documentation; a spec that keeps it was copied and not finished.
const DocumentationAccount = "123456789012"

// regions lists the AWS regions by partition (AWS General Reference,
// "AWS Regions", and the partitions' own pages, checked 2026-12). A
// region opened after that is rejected as unknown until it is added here.
var regions = map[string][]string{
	"aws": {
		"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
		"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
		"ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1",
		"eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
		"il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1",
		"us-east-1", "us-east-2", "us-west-1", "us-west-2",
	},
	"aws-cn":     {"cn-north-1", "cn-northwest-1"},
	"aws-us-gov": {"us-gov-east-1", "us-gov-west-1"},
	"aws-iso":    {"us-iso-east-1", "us-iso-west-1"},
	"aws-iso-b":  {"us-isob-east-1"},
	"aws-iso-e":  {"eu-isoe-west-1"},
	"aws-iso-f":  {"us-isof-east-1", "us-isof-south-1"},
	"aws-eusc":   {"eusc-de-east-1"},
}

// KnownRegion reports whether region exists in its partition.
func KnownRegion(region string) bool {
	return slices.Contains(regions[PartitionOf(region)], region)
}

// SuggestRegion returns the known region closest to an unknown one, in
// any partition.
func SuggestRegion(region string) (string, bool) {
	var all []string
	for _, p := range regions {
		all = append(all, p...)
	}
	slices.Sort(all)
	return suggest.Within(all, region, max(2, len(region)/4))
}
