package awsfake_test

import (
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/irsagen/irsagen/internal/awsfake"
)

func TestCallerIdentityPerAccount(t *testing.T) {
	srv := start(t)
	for _, account := range []string{platform, network} {
		out, err := stsClient(srv, account).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatal(err)
		}
		if *out.Account != account || *out.Arn != "arn:aws:iam::"+account+":user/deployer" {
			t.Errorf("caller of %s = %s %s", account, *out.Account, *out.Arn)
		}
	}
	// Keys the endpoint does not know are refused as AWS refuses them.
	cfg := sdkConfig(srv, platform)
	cfg.Credentials = credentials.NewStaticCredentialsProvider("AKIAUNKNOWN", "x", "")
	_, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if errorCode(err) != "InvalidClientTokenId" {
		t.Errorf("unknown key: %v, want InvalidClientTokenId", err)
	}
}

func TestAssumeRoleGivesTheRolesAccount(t *testing.T) {
	srv := start(t)
	client := stsClient(srv, network)
	out, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + platform + ":role/irsagen-deploy"), RoleSessionName: aws.String("apply")})
	if err != nil {
		t.Fatal(err)
	}
	cfg := sdkConfig(srv, network)
	c := out.Credentials
	cfg.Credentials = credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	who, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if *who.Account != platform || *who.Arn != "arn:aws:sts::"+platform+":assumed-role/irsagen-deploy/apply" {
		t.Errorf("assumed identity = %s %s", *who.Account, *who.Arn)
	}
	_, err = client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + platform + ":role/nobody"), RoleSessionName: aws.String("apply")})
	if errorCode(err) != "AccessDenied" {
		t.Errorf("assuming an unknown role: %v, want AccessDenied", err)
	}
}

// The standard SDK chain reaches the endpoint through AWS_ENDPOINT_URL, as every AWS tool does.
func TestEndpointFromEnvironment(t *testing.T) {
	srv := start(t)
	for _, kv := range srv.Env(network, "eu-west-1") {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	who, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || *who.Account != network {
		t.Fatalf("GetCallerIdentity = %v, %v", who, err)
	}
	if _, err := cloudformation.NewFromConfig(cfg).DescribeStacks(ctx, &cloudformation.DescribeStacksInput{}); err != nil {
		t.Fatal(err)
	}
	calls := srv.Calls()
	if last := calls[len(calls)-1]; last.Service != "cloudformation" || last.Region != "eu-west-1" || last.Account != network {
		t.Errorf("last call = %+v", last)
	}
}

func TestIAMShowsWhatExists(t *testing.T) {
	srv := start(t)
	if err := srv.CreateOIDCProvider(platform, "https://oidc.eks.us-east-1.amazonaws.com/id/ABC", []string{"sts.amazonaws.com"}, []string{"9e99a48a9960b14926bb7f3b02e22da2b0ab7280"}); err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	if err := srv.CreateRole(platform, "made-by-hand", trust); err != nil {
		t.Fatal(err)
	}
	client := iamClient(srv, platform)
	role, err := client.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("made-by-hand")})
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := url.QueryUnescape(*role.Role.AssumeRolePolicyDocument)
	if *role.Role.Arn != "arn:aws:iam::"+platform+":role/made-by-hand" || !strings.Contains(doc, "ec2.amazonaws.com") {
		t.Errorf("GetRole = %s %s", *role.Role.Arn, doc)
	}
	if _, err := client.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("absent")}); errorCode(err) != "NoSuchEntity" {
		t.Errorf("GetRole of a missing role: %v, want NoSuchEntity", err)
	}
	list, err := client.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil || len(list.OpenIDConnectProviderList) != 1 {
		t.Fatalf("ListOpenIDConnectProviders = %v, %v", list, err)
	}
	p, err := client.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: list.OpenIDConnectProviderList[0].Arn})
	if err != nil || *p.Url != "oidc.eks.us-east-1.amazonaws.com/id/ABC" || p.ClientIDList[0] != "sts.amazonaws.com" {
		t.Fatalf("GetOpenIDConnectProvider = %+v, %v", p, err)
	}
	// The other account sees none of it.
	other, err := iamClient(srv, network).ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil || len(other.OpenIDConnectProviderList) != 0 {
		t.Errorf("other account's providers = %v, %v", other, err)
	}
}

func TestIAMListsWhatStacksMade(t *testing.T) {
	srv := start(t, awsfake.Polls(0))
	body := `Resources:
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: read-things
      Path: /irsa/
      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]}
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: bounded
      Path: /irsa/
      PermissionsBoundary: !Sub arn:aws:iam::${AWS::AccountId}:policy/boundary
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: []}
      ManagedPolicyArns: [!Ref Policy]
Outputs:
  RoleArn:
    Value: !GetAtt Role.Arn
    Export: {Name: !Sub "${AWS::StackName}-role"}
`
	st := create(t, cfnClient(srv, platform), "iam", body)
	if len(st.Outputs) != 1 || *st.Outputs[0].OutputValue != "arn:aws:iam::"+platform+":role/irsa/bounded" || *st.Outputs[0].ExportName != "iam-role" {
		t.Errorf("outputs = %+v", st.Outputs)
	}
	client := iamClient(srv, platform)
	roles, err := client.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String("/irsa/")})
	if err != nil || len(roles.Roles) != 1 {
		t.Fatalf("ListRoles /irsa/ = %+v, %v", roles, err)
	}
	if b := roles.Roles[0].PermissionsBoundary; b == nil || *b.PermissionsBoundaryArn != "arn:aws:iam::"+platform+":policy/boundary" {
		t.Errorf("permissions boundary = %+v", b)
	}
	policies, err := client.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: "Local"})
	if err != nil || len(policies.Policies) != 1 || *policies.Policies[0].Arn != "arn:aws:iam::"+platform+":policy/irsa/read-things" {
		t.Fatalf("ListPolicies = %+v, %v", policies, err)
	}
	// !Ref of a managed policy is its ARN, as CloudFormation resolves it.
	if got := srv.Roles(platform)[0].ManagedPolicyArns; len(got) != 1 || got[0] != *policies.Policies[0].Arn {
		t.Errorf("role's policies = %v", got)
	}
}

// Profiles, and a profile that assumes a role in another account, as the SDK's chain reads them.
func TestProfilesAndAssumedRoleProfiles(t *testing.T) {
	srv := start(t)
	path := t.TempDir() + "/config"
	text := srv.ConfigFile(map[string]string{"network": network}) +
		"[profile platform-deploy]\nrole_arn = arn:aws:iam::" + platform + ":role/irsagen-deploy\nsource_profile = network\nregion = us-east-1\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", path)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL", srv.URL())
	// The SDK builds the STS client of a role profile before it reads AWS_ENDPOINT_URL.
	t.Setenv("AWS_ENDPOINT_URL_STS", srv.URL())
	for profile, want := range map[string]string{"network": network, "platform-deploy": platform} {
		cfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigProfile(profile), config.WithRegion(region))
		if err != nil {
			t.Fatal(err)
		}
		who, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil || *who.Account != want {
			t.Errorf("profile %s: %v, %v; want account %s", profile, who, err, want)
		}
	}
	if n := srv.CallCount("AssumeRole"); n != 1 {
		t.Errorf("AssumeRole calls = %d, want 1", n)
	}
}
