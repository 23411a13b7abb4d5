package cfncheck

import (
	"slices"
	"strings"
	"sync"
	"testing"
)

// irsagenTypes are the resource types irsagen writes or is about to write; each must have its
// registry schema in testdata/registry.
var irsagenTypes = []string{"AWS::EKS::PodIdentityAssociation", "AWS::IAM::ManagedPolicy", "AWS::IAM::OIDCProvider", "AWS::IAM::Role"}

// TestRegistrySchemas checks the embedded registry schemas: each compiles, each type irsagen
// writes has one, and each closes its properties (additionalProperties: false), without
// which an unknown property would pass unseen.
func TestRegistrySchemas(t *testing.T) {
	set, err := loadSchemas()
	if err != nil {
		t.Fatal(err)
	}
	if got := set.resourceTypes(); !slices.Equal(got, irsagenTypes) {
		t.Errorf("registry schemas for %v, want %v", got, irsagenTypes)
	}
	for typ, rs := range set.resources {
		if rs.doc["additionalProperties"] != false {
			t.Errorf("%s: additionalProperties is %v, want false", typ, rs.doc["additionalProperties"])
		}
		if len(rs.readOnly) == 0 {
			t.Errorf("%s: no readOnlyProperties; every type irsagen writes has an ARN or ID that CloudFormation sets", typ)
		}
	}
}

// TestRegistrySchemaDecidesProperties shows that the properties allowed and required come
// from the registry schema, not from hand-written rules: a property only the registry knows
// passes, one that only goformation's older schema had as required (ThumbprintList, optional
// since IAM stopped needing thumbprints for well-known providers) may be left out.
func TestRegistrySchemaDecidesProperties(t *testing.T) {
	src := edit(t, valid(t), "      ThumbprintList:\n        - "+validThumbprint+"\n", "")
	for _, p := range Check([]byte(src)) {
		t.Errorf("unexpected problem: %v", p)
	}
}

func TestPodIdentityAssociation(t *testing.T) {
	const association = "  AssocPocPocSa:\n    Type: AWS::EKS::PodIdentityAssociation\n    Properties:\n      ClusterName: prod-use1\n      Namespace: poc\n      ServiceAccount: poc-sa\n      RoleArn: !GetAtt RolePocPocSa.Arn\n"
	src := edit(t, valid(t), "Outputs:\n", association+"Outputs:\n")
	for _, p := range Check([]byte(src)) {
		t.Errorf("unexpected problem: %v", p)
	}
	for _, c := range []struct{ old, new, want string }{
		{"      Namespace: poc\n", "", "Resources.AssocPocPocSa.Properties: required property Namespace is missing"},
		{"      ClusterName: prod-use1\n", "      ClusterName: \"\"\n", "Resources.AssocPocPocSa.Properties.ClusterName: "},
		{"      ServiceAccount: poc-sa\n", "      ServiceAccount: poc-sa\n      ServiceAccountName: poc-sa\n", "unknown property ServiceAccountName"},
		{"      RoleArn: !GetAtt RolePocPocSa.Arn\n", "      RoleArn: !GetAtt RolePocPocSa.Arn\n      AssociationArn: arn:aws:eks:us-east-1:111122223333:podidentityassociation/prod-use1/a-1\n", "AssociationArn is read-only"},
	} {
		problems := Check([]byte(edit(t, src, c.old, c.new)))
		if len(problems) != 1 || !strings.Contains(problems[0].Error(), c.want) {
			t.Errorf("%q -> %q: want one problem containing %q, got %v", c.old, c.new, c.want, problems)
		}
	}
}

func TestCustomResourceTypes(t *testing.T) {
	src := "Resources:\n  Thumbprint:\n    Type: Custom::Thumbprint\n    Properties:\n      ServiceToken: arn:aws:lambda:us-east-1:111122223333:function:thumbprint\n      Issuer: https://example.com\n"
	for _, p := range Check([]byte(src)) {
		t.Errorf("unexpected problem: %v", p)
	}
	problems := Check([]byte(strings.Replace(src, "ServiceToken", "Token", 1)))
	if len(problems) != 1 || !strings.Contains(problems[0].Error(), "required property ServiceToken is missing") {
		t.Errorf("want ServiceToken missing, got %v", problems)
	}
}

func TestTypeWithoutSchema(t *testing.T) {
	src := "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n"
	problems := Check([]byte(src))
	if len(problems) != 1 || !strings.Contains(problems[0].Error(), "Resources.Bucket.Type: unknown resource type AWS::S3::Bucket: cfncheck has registry schemas for AWS::EKS::PodIdentityAssociation, ") {
		t.Errorf("want one problem naming the known types, got %v", problems)
	}
}

// TestConcurrentChecks runs checks side by side, as parallel tests do, while the schemas are
// loaded on first use.
func TestConcurrentChecks(t *testing.T) {
	src := []byte(valid(t))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if problems := Check(src); len(problems) != 0 {
				t.Errorf("unexpected problems: %v", problems)
			}
		})
	}
	wg.Wait()
}

// BenchmarkSchemaLoad measures what the first Check in a process pays: parsing and compiling
// the embedded schemas.
func BenchmarkSchemaLoad(b *testing.B) {
	for b.Loop() {
		if _, err := parseSchemas(schemaFiles); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheck measures one check of a generated template once the schemas are loaded.
func BenchmarkCheck(b *testing.B) {
	src := []byte(valid(b))
	Check(src)
	for b.Loop() {
		Check(src)
	}
}
