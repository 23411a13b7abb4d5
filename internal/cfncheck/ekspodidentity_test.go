package cfncheck

import (
	"os"
	"strings"
	"testing"
)

func TestPodIdentityAssociationRules(t *testing.T) {
	data, err := os.ReadFile("testdata/podidentity.yaml")
	if err != nil {
		t.Fatal(err)
	}
	good := string(data)
	for _, p := range Check(data) {
		t.Errorf("unexpected problem: %v", p)
	}
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"a namespace with capitals", "Namespace: web", "Namespace: Web", `namespace "Web" is not a Kubernetes namespace name`},
		{"a namespace too long", "Namespace: web", "Namespace: " + strings.Repeat("n", 64), "is not a Kubernetes namespace name"},
		{"a ServiceAccount with '_'", "ServiceAccount: api", "ServiceAccount: my_api", `ServiceAccount "my_api" is not a Kubernetes object name`},
		{"a cluster name with '.'", "ClusterName: prod-use1", "ClusterName: prod.use1", `cluster name "prod.use1" must be 1 to 100`},
		{"a policy ARN for a role", "RoleArn: arn:aws:iam::111122223333:role/web_api", "RoleArn: arn:aws:iam::111122223333:policy/web_api", "is not an IAM role ARN"},
		{"a target in no account", "TargetRoleArn: arn:aws:iam::444455556666:role/reports_exporter", "TargetRoleArn: arn:aws:iam::role/reports_exporter", "is not an IAM role ARN"},
		{"a session policy with tags", "      DisableSessionTags: true\n", "", "a session policy needs DisableSessionTags: true"},
		{"a session policy that is not JSON", `Policy: '{"Version"`, `Policy: '{Version"`, "session policy is not JSON"},
		{"a session policy with a bad effect", `"Effect":"Allow"`, `"Effect":"allow"`, "Effect"},
		{"an unknown property", "ClusterName: prod-use1", "ClusterName: prod-use1\n      Cluster: prod-use1", "unknown property Cluster"},
		{"a missing ServiceAccount", "      ServiceAccount: api\n", "", "ServiceAccount"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := edit(t, good, tc.old, tc.new)
			got := render(Check([]byte(src)))
			if !strings.Contains(got, tc.want) {
				t.Errorf("problems:\n%s\nwant one containing %q", got, tc.want)
			}
		})
	}
}
