package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/irsagen/irsagen/generator/cli"
	"github.com/irsagen/irsagen/internal/awsfake"
)

const deployConfig = `apiVersion: irsagen/v1
kind: Config
accounts:
  - name: platform
    id: "111122223333"
    region: us-east-1
clusters:
  - name: prod
    account: platform
    region: us-east-1
    oidcIssuer: https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF
serviceAccounts:
  - name: app
    namespace: web
    clusters: [prod]
`

// firstPlan is plan's review of deployConfig in an empty account, byte for byte.
const firstPlan = `irsa-platform-oidc-providers (platform 111122223333 us-east-1): create: 1 to add, 0 to change, 0 to remove
  + AWS::IAM::OIDCProvider OIDCProvider0123456789ABCDEF0123456789ABCDEF4491dac1 (https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF)
irsa-platform-roles (platform 111122223333 us-east-1): create: 1 to add, 0 to change, 0 to remove
  + AWS::IAM::Role RoleWebApp253bafb1 (web_app)
Plan: 2 stacks to create, 0 to update, 0 unchanged, 0 orphans.
`

// deployEnv starts the local AWS endpoint and points the SDK's standard chain at it, with the
// credentials of account in the environment and a profile "other" of another account.
func deployEnv(t *testing.T) (*awsfake.Server, string) {
	t.Helper()
	srv := awsfake.New(t, awsfake.Accounts{"111122223333": {}, "999988887777": {}})
	dir := t.TempDir()
	own, other := srv.Credentials("111122223333"), srv.Credentials("999988887777")
	creds := filepath.Join(dir, "credentials")
	if err := os.WriteFile(creds, fmt.Appendf(nil, "[other]\naws_access_key_id = %s\naws_secret_access_key = %s\n", other.AccessKeyID, other.SecretAccessKey), 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": srv.URL(), "AWS_ACCESS_KEY_ID": own.AccessKeyID, "AWS_SECRET_ACCESS_KEY": own.SecretAccessKey,
		"AWS_SESSION_TOKEN": "", "AWS_PROFILE": "", "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": creds,
		"IRSAGEN_CONFIG": "", "IRSAGEN_OUTPUT": "",
	} {
		t.Setenv(k, v)
	}
	// apply must not find a terminal to ask on.
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	stdin := os.Stdin
	os.Stdin = devnull
	t.Cleanup(func() { os.Stdin = stdin; devnull.Close() })

	config := filepath.Join(dir, "irsa.yaml")
	if err := os.WriteFile(config, []byte(deployConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	return srv, config
}

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := cli.Main(append(args, "--poll-interval", "1ms"), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestPlanApplyExitStatuses(t *testing.T) {
	srv, config := deployEnv(t)

	// DIR is not generated yet: what would be deployed is not what is committed.
	code, _, stderr := run(t, "plan", "-c", config)
	if code != 2 || !strings.Contains(stderr, "run irsagen generate") {
		t.Fatalf("plan of a stale DIR: exit %d, stderr %q", code, stderr)
	}
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("a stale DIR made %d AWS calls", n)
	}
	if code := cli.Main([]string{"generate", "-c", config}, new(bytes.Buffer), new(bytes.Buffer)); code != 0 {
		t.Fatalf("generate: exit %d", code)
	}

	code, stdout, stderr := run(t, "plan", "-c", config)
	if code != 1 || stdout != firstPlan {
		t.Fatalf("first plan: exit %d\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", code, stdout, firstPlan, stderr)
	}

	// Without a terminal, apply needs --yes, and asks nothing of AWS without it.
	calls := len(srv.Calls())
	code, _, stderr = run(t, "apply", "-c", config)
	if code != 2 || !strings.Contains(stderr, "--yes") {
		t.Fatalf("apply without --yes: exit %d, stderr %q", code, stderr)
	}
	if n := len(srv.Calls()); n != calls {
		t.Errorf("apply without --yes made %d AWS calls", n-calls)
	}

	code, stdout, stderr = run(t, "apply", "-c", config, "--yes")
	if code != 0 || !strings.Contains(stdout, "Apply: 2 created, 0 updated, 0 unchanged, 0 deleted, 0 failed, 0 skipped.") {
		t.Fatalf("apply: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "irsagen: irsa-platform-roles: created") {
		t.Errorf("apply's progress on stderr:\n%s", stderr)
	}

	code, stdout, _ = run(t, "plan", "-c", config, "--format", "json")
	var review struct {
		Changes bool `json:"changes"`
		Stacks  []struct {
			Name, Action string
		} `json:"stacks"`
	}
	if err := json.Unmarshal([]byte(stdout), &review); err != nil {
		t.Fatalf("plan --format json: %v\n%s", err, stdout)
	}
	if code != 0 || review.Changes || len(review.Stacks) != 2 || review.Stacks[0].Action != "none" {
		t.Fatalf("second plan: exit %d, %+v", code, review)
	}

	code, stdout, _ = run(t, "apply", "-c", config, "--yes")
	if code != 0 || !strings.Contains(stdout, "Nothing to apply.") {
		t.Errorf("second apply: exit %d\n%s", code, stdout)
	}
}

func TestPlanRefusesAnotherAccountsCredentials(t *testing.T) {
	srv, config := deployEnv(t)
	if code := cli.Main([]string{"generate", "-c", config}, new(bytes.Buffer), new(bytes.Buffer)); code != 0 {
		t.Fatalf("generate: exit %d", code)
	}
	code, _, stderr := run(t, "apply", "-c", config, "--yes", "--profile", "platform=other")
	if code != 3 || !strings.Contains(stderr, "in account 999988887777, not 111122223333; nothing was changed") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, c := range srv.Calls() {
		if c.Action != "GetCallerIdentity" {
			t.Errorf("%s called with credentials of the wrong account", c.Action)
		}
	}
}

func TestPlanBadFlags(t *testing.T) {
	_, config := deployEnv(t)
	if code := cli.Main([]string{"generate", "-c", config}, new(bytes.Buffer), new(bytes.Buffer)); code != 0 {
		t.Fatalf("generate: exit %d", code)
	}
	for _, args := range [][]string{
		{"plan", "-c", config, "--format", "yaml"},
		{"plan", "-c", config, "--account", "nope"},
		{"plan", "-c", config, "--profile", "platform"},
		{"plan", "-c", config, "--role-arn", "platform=nope"},
	} {
		if code, _, stderr := run(t, args...); code != 2 || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 with a message", args, code, stderr)
		}
	}
}

func TestPlanHonoursServiceEndpoints(t *testing.T) {
	srv, config := deployEnv(t)
	// No general endpoint: one per service, as AWS tools read them.
	t.Setenv("AWS_ENDPOINT_URL", "")
	for _, svc := range []string{"CLOUDFORMATION", "STS", "IAM"} {
		t.Setenv("AWS_ENDPOINT_URL_"+svc, srv.URL())
	}
	if code := cli.Main([]string{"generate", "-c", config}, new(bytes.Buffer), new(bytes.Buffer)); code != 0 {
		t.Fatalf("generate: exit %d", code)
	}
	code, stdout, stderr := run(t, "plan", "-c", config)
	if code != 1 || !strings.Contains(stdout, "2 stacks to create") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, action := range []string{"GetCallerIdentity", "CreateChangeSet", "GetRole"} {
		if srv.CallCount(action) == 0 {
			t.Errorf("no %s reached the endpoint", action)
		}
	}
}
