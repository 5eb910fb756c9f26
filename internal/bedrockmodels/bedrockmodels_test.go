package bedrockmodels

import (
	"regexp"
	"slices"
	"testing"
)

// regionRE is the shape of an AWS region name: area, optional partition
// marker, direction, number ("us-gov-west-1", "ap-southeast-4").
var regionRE = regexp.MustCompile(`^(af|ap|ca|cn|eu|il|me|mx|sa|us)(-gov|-iso[bef]?)?-(central|north|northeast|northwest|south|southeast|southwest|east|west)-[1-9]$`)

func TestDestinationRegionsAreRegions(t *testing.T) {
	if len(geographies) == 0 {
		t.Fatal("no geographies")
	}
	for geo, regions := range geographies {
		if len(regions) == 0 {
			t.Errorf("%s: no regions", geo)
		}
		if !slices.IsSorted(regions) || len(slices.Compact(slices.Clone(regions))) != len(regions) {
			t.Errorf("%s: regions not sorted and unique: %v", geo, regions)
		}
		for _, r := range regions {
			if !regionRE.MatchString(r) {
				t.Errorf("%s: %q is not an AWS region name", geo, r)
			}
		}
	}
	for _, bad := range []string{"us-east", "us-east-1a", "US-EAST-1", "*", "useast1", "us-gov-1"} {
		if regionRE.MatchString(bad) {
			t.Errorf("regionRE accepts %q", bad)
		}
	}
}

func TestDestinationRegions(t *testing.T) {
	us := DestinationRegions("us")
	if !slices.Contains(us, "us-east-1") || !slices.Contains(us, "us-west-2") {
		t.Errorf("us = %v", us)
	}
	us[0] = "changed"
	if DestinationRegions("us")[0] == "changed" {
		t.Error("DestinationRegions returns the table itself")
	}
	for _, geo := range []string{GlobalGeography, "xx", ""} {
		if got := DestinationRegions(geo); got != nil {
			t.Errorf("DestinationRegions(%q) = %v, want nil", geo, got)
		}
	}
	if !RoutesTo("eu", "eu-west-1") || RoutesTo("eu", "us-east-1") || RoutesTo(GlobalGeography, "us-east-1") {
		t.Error("RoutesTo")
	}
}

func TestSplitProfileID(t *testing.T) {
	tests := []struct {
		id, geo, model string
	}{
		{"us.anthropic.claude-3-5-haiku-20241022-v1:0", "us", "anthropic.claude-3-5-haiku-20241022-v1:0"},
		{"us-gov.anthropic.claude-3-haiku-20240307-v1:0", "us-gov", "anthropic.claude-3-haiku-20240307-v1:0"},
		{"global.anthropic.claude-sonnet-4-5-20250929-v1:0", GlobalGeography, "anthropic.claude-sonnet-4-5-20250929-v1:0"},
		{"anthropic.claude-3-haiku-20240307-v1:0", "", ""},
		{"xx.anthropic.claude-3-haiku-20240307-v1:0", "", ""},
		{"us", "", ""},
	}
	for _, tt := range tests {
		geo, model, ok := SplitProfileID(tt.id)
		if geo != tt.geo || model != tt.model || ok != (tt.geo != "") {
			t.Errorf("SplitProfileID(%q) = %q, %q, %v; want %q, %q", tt.id, geo, model, ok, tt.geo, tt.model)
		}
	}
}

func TestFoundationModels(t *testing.T) {
	// KnownFoundationModel searches the table by halves.
	if !slices.IsSorted(foundationModels) || len(slices.Compact(slices.Clone(foundationModels))) != len(foundationModels) {
		t.Error("foundationModels is not sorted and unique")
	}
	for _, id := range foundationModels {
		if !KnownFoundationModel(id) {
			t.Errorf("%s not found", id)
		}
	}
	tests := []struct{ in, want string }{
		{"anthropic.claude-3-5-haiku-20241022-v1:1", "anthropic.claude-3-5-haiku-20241022-v1:0"},
		{"Anthropic.Claude-3-Haiku-20240307-v1:0", "anthropic.claude-3-haiku-20240307-v1:0"},
		{"amazon.nova-pro-v1", "amazon.nova-pro-v1:0"},
		{"gpt-4o", ""},
	}
	for _, tt := range tests {
		if got, _ := SuggestFoundationModel(tt.in); got != tt.want {
			t.Errorf("SuggestFoundationModel(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
