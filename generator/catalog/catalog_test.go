package catalog

import (
	"regexp"
	"testing"
)

func TestManagedPolicies(t *testing.T) {
	c := ManagedPolicies("aws")
	if c.Partition != "aws" || !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(c.AsOf) || len(c.Names()) < 1000 {
		t.Fatalf("partition %q, as of %q, %d names", c.Partition, c.AsOf, len(c.Names()))
	}
	for _, name := range []string{"AmazonS3ReadOnlyAccess", "service-role/AmazonEBSCSIDriverPolicy", "AmazonEKS_CNI_Policy", "job-function/ViewOnlyAccess"} {
		if !c.Has(name) {
			t.Errorf("%s is missing", name)
		}
	}
	for _, name := range []string{"AmazonS3ReadonlyAccess", "AmazonEBSCSIDriverPolicy", "service-role/AmazonS3ReadOnlyAccess"} {
		if c.Has(name) {
			t.Errorf("%s is listed", name)
		}
	}
	if got := c.WithPath("AmazonEBSCSIDriverPolicy"); got != "service-role/AmazonEBSCSIDriverPolicy" {
		t.Errorf("WithPath(AmazonEBSCSIDriverPolicy) = %q", got)
	}
	// No partition but aws has a list of its own yet: the others use aws's (docs/catalog.md).
	if p := ManagedPolicies("aws-cn").Partition; p != "aws" {
		t.Errorf("aws-cn uses the list of %q", p)
	}
}

func TestPartition(t *testing.T) {
	for region, want := range map[string]string{
		"us-east-1": "aws", "eu-west-9": "aws", "cn-north-1": "aws-cn", "cn-south-7": "aws-cn",
		"us-gov-west-1": "aws-us-gov", "us-iso-east-1": "aws-iso", "us-isob-east-1": "aws-iso-b",
		"eu-isoe-west-1": "aws-iso-e", "us-isof-south-1": "aws-iso-f", "eusc-de-east-1": "aws-eusc",
		"xx-east-1": "", "us-east": "",
	} {
		if got := Partition(region); got != want {
			t.Errorf("Partition(%s) = %q, want %q", region, got, want)
		}
	}
	// Every listed region follows the names of its partition, so that a region the list lacks
	// gets the partition it would be listed in.
	n := 0
	for _, p := range partitionOf {
		for _, r := range Regions(p.partition) {
			n++
			for _, q := range partitionOf {
				if q.re.MatchString(r) {
					if q.partition != p.partition {
						t.Errorf("%s is listed in %s but named like %s", r, p.partition, q.partition)
					}
					break
				}
			}
		}
	}
	if n < 40 || !Region("us-east-1") || Region("us-east-9") || RegionsAsOf() == "" {
		t.Errorf("%d regions, as of %q", n, RegionsAsOf())
	}
}
