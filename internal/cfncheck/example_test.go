package cfncheck_test

import (
	"fmt"

	"github.com/irsagen/irsagen/internal/cfncheck"
)

func ExampleCheck() {
	template := []byte(`Resources:
  ProviderProdUse1:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF
      ClientIdList: [sts.amazonaws.com]
      Tags: [{Key: owner}]
  PolicyS3Read:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement: {Effect: Allow, Action: "s3:GetObject", Resource: "*"}
      Tags: [{Key: owner, Value: platform}]
`)
	for _, p := range cfncheck.Check(template) {
		fmt.Println(p)
	}
	// Output:
	// 7:14: Resources.ProviderProdUse1.Properties.Tags[0]: required property Value is missing
	// 14:7: Resources.PolicyS3Read.Properties.Tags: unknown property Tags; allowed: Description, Groups, ManagedPolicyName, Path, PolicyDocument, Roles, Users
}
