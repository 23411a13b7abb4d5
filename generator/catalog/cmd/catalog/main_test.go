package main

import (
	"bytes"
	"testing"
)

func TestPolicies(t *testing.T) {
	in := `{"Policies": [
  {"PolicyName": "B", "Arn": "arn:aws-cn:iam::aws:policy/service-role/B", "UpdateDate": "2026-01-02T03:04:05+00:00"},
  {"PolicyName": "A", "Arn": "arn:aws-cn:iam::aws:policy/A", "UpdateDate": "2025-01-02T03:04:05+00:00"}]}`
	var out bytes.Buffer
	if err := policies(&out, []byte(in), "aws-cn", "test"); err != nil {
		t.Fatal(err)
	}
	want := "# AWS-managed policies of partition aws-cn, with their paths: 2, as of 2026-01-02.\n" +
		"# Source: test. Converted by generator/catalog/cmd/catalog; see docs/catalog.md.\nA\nservice-role/B\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	if err := policies(&out, []byte(in), "aws", "test"); err == nil {
		t.Error("a listing of aws-cn was taken for one of aws")
	}
}

func TestRegions(t *testing.T) {
	in := `{"partitions": [{"id": "aws", "regions": {"us-east-1": {}, "aws-global": {}}}, {"id": "aws-cn", "regions": {"cn-north-1": {}}}]}`
	var out bytes.Buffer
	if err := regions(&out, []byte(in), "test", "2026-11-24"); err != nil {
		t.Fatal(err)
	}
	want := "# AWS regions and their partitions: 2, as of 2026-11-24.\n" +
		"# Source: test. Converted by generator/catalog/cmd/catalog; see docs/catalog.md.\ncn-north-1 aws-cn\nus-east-1 aws\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}
