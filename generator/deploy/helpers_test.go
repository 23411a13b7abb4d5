package deploy_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/irsagen/irsagen/generator"
	"github.com/irsagen/irsagen/generator/deploy"
	"github.com/irsagen/irsagen/internal/awsfake"
)

const (
	platformID = "111122223333"
	securityID = "444455556666"
	region     = "us-east-1"
)

// fleet is a config of two accounts: web's roles in platform, where the cluster runs, and
// audit's in security. extra is appended to serviceAccounts.
func fleet(extra string, accounts ...string) string {
	if accounts == nil {
		accounts = []string{"platform", "security"}
	}
	ids := map[string]string{"platform": platformID, "security": securityID}
	var b strings.Builder
	b.WriteString("apiVersion: irsagen/v1\nkind: Config\naccounts:\n")
	for _, a := range accounts {
		fmt.Fprintf(&b, "  - name: %s\n    id: %q\n    region: %s\n    deploy: {profile: %s}\n", a, ids[a], region, a)
	}
	b.WriteString(`clusters:
  - name: prod
    account: platform
    region: us-east-1
    oidcIssuer: https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF
serviceAccounts:
  - name: app
    namespace: web
    clusters: [prod]
    roleName: web-app
    managedPolicies: [AmazonS3ReadOnlyAccess]
`)
	if slices.Contains(accounts, "security") {
		b.WriteString(`  - name: audit
    namespace: sec
    clusters: [prod]
    account: security
    roleName: sec-audit
`)
	}
	b.WriteString(extra)
	return b.String()
}

// render renders a config in memory, as plan and apply do.
func render(t *testing.T, config string) *generator.Result {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "irsa.yaml")
	if err := os.WriteFile(path, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := generator.Generate(generator.Options{ConfigPath: path})
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	return res
}

func target(t *testing.T, config string, flags map[string]deploy.Credentials) *deploy.Fleet {
	t.Helper()
	f, err := deploy.NewFleet(render(t, config), deploy.Selection{}, flags)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// endpoint starts the local AWS endpoint with both accounts and points the SDK's standard
// chain at it: a profile per account in a credentials file of the test's own, and nothing else.
func endpoint(t *testing.T, accounts awsfake.Accounts) *awsfake.Server {
	t.Helper()
	if accounts == nil {
		accounts = awsfake.Accounts{platformID: {}, securityID: {}}
	}
	return endpointWithProfiles(t, accounts, map[string]string{"platform": platformID, "security": securityID})
}

// endpointWithProfiles is endpoint with a profile per account, by name.
func endpointWithProfiles(t *testing.T, accounts awsfake.Accounts, profiles map[string]string, opts ...awsfake.Option) *awsfake.Server {
	t.Helper()
	srv := awsfake.New(t, accounts, opts...)
	dir := t.TempDir()
	var creds strings.Builder
	for name, id := range profiles {
		if _, ok := accounts[id]; !ok {
			continue
		}
		c := srv.Credentials(id)
		fmt.Fprintf(&creds, "[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n\n", name, c.AccessKeyID, c.SecretAccessKey)
	}
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", write("credentials", creds.String()))
	t.Setenv("AWS_CONFIG_FILE", write("config", ""))
	t.Setenv("AWS_ENDPOINT_URL", srv.URL())
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_REGION", region)
	for _, v := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"} {
		t.Setenv(v, "")
	}
	return srv
}

func options() deploy.Options {
	return deploy.Options{PollInterval: time.Millisecond, MaxBackoff: 5 * time.Millisecond}
}

func plan(t *testing.T, f *deploy.Fleet, opts deploy.Options) *deploy.Review {
	t.Helper()
	r, err := deploy.Plan(context.Background(), f, opts)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	for _, s := range r.Failed() {
		t.Errorf("plan of %s failed: %s", s.Name, s.Error)
	}
	return r
}

// apply plans with the change sets kept and applies, as irsagen apply does.
func apply(t *testing.T, f *deploy.Fleet, opts deploy.Options) (*deploy.Review, *deploy.Result) {
	t.Helper()
	opts.Keep = true
	r, err := deploy.Plan(context.Background(), f, opts)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	return r, deploy.Apply(context.Background(), r, opts)
}

func actions(r *deploy.Review) map[string]string {
	m := map[string]string{}
	for _, s := range r.Stacks {
		m[s.Name] = s.Action
	}
	return m
}

func outcomes(r *deploy.Result) map[string]string {
	m := map[string]string{}
	for _, o := range r.Stacks {
		m[o.Stack] = o.Outcome
	}
	return m
}

func cfn(srv *awsfake.Server, account string) *cloudformation.Client {
	return cloudformation.NewFromConfig(srv.Config(account, region))
}

// live returns the stacks of an account that are not deleted, by name.
func live(t *testing.T, srv *awsfake.Server, account string) map[string]types.Stack {
	t.Helper()
	out, err := cfn(srv, account).DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]types.Stack{}
	for _, s := range out.Stacks {
		if s.StackStatus != types.StackStatusDeleteComplete {
			m[aws.ToString(s.StackName)] = s
		}
	}
	return m
}

var allStacks = []string{"irsa-platform-oidc-providers", "irsa-platform-roles", "irsa-security-oidc-providers", "irsa-security-roles"}

func stackNames(f *deploy.Fleet) []string {
	var out []string
	for _, s := range f.Stacks {
		out = append(out, s.Name)
	}
	return out
}

func stack(r *deploy.Review, name string) *deploy.StackReview {
	for _, s := range r.Stacks {
		if s.Name == name {
			return s
		}
	}
	panic("no stack " + name)
}

func tagOf(tags []types.Tag, key string) string {
	for _, t := range tags {
		if aws.ToString(t.Key) == key {
			return aws.ToString(t.Value)
		}
	}
	return ""
}

func dump(cs []*deploy.ResourceChange) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "\n  %s %s %s %s %s hazards=%v replacedBy=%s moved=%s%s", c.Action, c.Type, c.LogicalID, c.Name, c.Replacement, c.Hazards, c.ReplacedBy, c.MovedFrom, c.MovedTo)
		for _, p := range c.Properties {
			fmt.Fprintf(&b, "\n    %s %s", p.Name, p.RequiresRecreation)
		}
	}
	return b.String()
}

// withStage adds a cluster, stage, to every ServiceAccount: each account's providers stack gets
// a provider and its roles stack a trust statement.
func withStage(config string) string {
	config = strings.Replace(config, "clusters:\n", `clusters:
  - name: stage
    account: platform
    region: us-east-1
    oidcIssuer: https://oidc.eks.us-east-1.amazonaws.com/id/FEDCBA9876543210FEDCBA9876543210
`, 1)
	return strings.ReplaceAll(config, "clusters: [prod]", "clusters: [prod, stage]")
}

func results(r *deploy.Result) string {
	var b strings.Builder
	for _, o := range r.Stacks {
		fmt.Fprintf(&b, "\n  %s: %s %s %q", o.Stack, o.Outcome, o.Reason, o.Events)
	}
	return b.String()
}
