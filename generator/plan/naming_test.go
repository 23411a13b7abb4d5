package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func TestRoleName(t *testing.T) {
	long := strings.Repeat("n", 63)
	tests := []struct {
		cluster, namespace, name string
		want                     string
	}{
		{"", "poc", "poc-sa", "poc_poc-sa"},
		{"", "team-a", "a", "team-a_a"},
		{"", "team", "a-a", "team_a-a"},
		{"prod-use1", "poc", "poc-sa", "prod-use1_poc_poc-sa"},
		{"prod", "use1-poc", "sa", "prod_use1-poc_sa"},
		{"prod-use1", "poc", "sa", "prod-use1_poc_sa"},
		// Exactly 64 characters stays as it is.
		{"", strings.Repeat("a", 31), strings.Repeat("b", 32), strings.Repeat("a", 31) + "_" + strings.Repeat("b", 32)},
		// 65 and more end in a hash of the whole name.
		{"", strings.Repeat("a", 32), strings.Repeat("b", 32), strings.Repeat("a", 32) + "_" + strings.Repeat("b", 20) + "-" + hash10(strings.Repeat("a", 32)+"_"+strings.Repeat("b", 32))},
		{"cluster", long, "sa", "cluster_" + long[:45] + "-" + hash10("cluster_"+long+"_sa")},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got := RoleName(tt.cluster, tt.namespace, tt.name)
			if got != tt.want {
				t.Errorf("RoleName(%q, %q, %q) = %q, want %q", tt.cluster, tt.namespace, tt.name, got, tt.want)
			}
			if len(got) > 64 {
				t.Errorf("%q is %d characters, over IAM's 64", got, len(got))
			}
			if again := RoleName(tt.cluster, tt.namespace, tt.name); again != got {
				t.Errorf("RoleName is not stable: %q then %q", got, again)
			}
		})
	}
}

func hash10(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:10]
}

// TestRoleNameDistinct checks that distinct ServiceAccounts never share a derived name: parts that
// concatenate alike, long names with a common prefix, and names around the 64-character edge.
func TestRoleNameDistinct(t *testing.T) {
	type sa struct{ cluster, ns, name string }
	var inputs []sa
	prefix := strings.Repeat("platform-team-", 5) // 70 characters, longer than a role name
	for i := 0; i < 200; i++ {
		inputs = append(inputs, sa{"", prefix[:63], fmt.Sprintf("worker-%d", i)})
		inputs = append(inputs, sa{"prod", prefix[:60], fmt.Sprintf("w%d", i)})
		inputs = append(inputs, sa{"", fmt.Sprintf("ns%d", i), prefix[:50] + "x"})
	}
	for _, split := range []int{1, 2, 3, 5, 8} {
		// "a-b-c-..." split at different points into namespace and name.
		whole := "a-b-c-d-e-f-g-h-i"
		inputs = append(inputs, sa{"", whole[:split], whole[split+1:]})
		inputs = append(inputs, sa{"x", whole[:split], whole[split+1:]})
	}
	inputs = append(inputs, sa{"", "team-a", "a"}, sa{"", "team", "a-a"}, sa{"team", "a", "a"}, sa{"", "team-a-a", "x"})
	for n := 60; n <= 70; n++ {
		inputs = append(inputs, sa{"", "ns", strings.Repeat("s", n)}, sa{"", "ns", strings.Repeat("s", n) + "t"})
	}
	seen := map[string]sa{}
	for _, in := range inputs {
		name := RoleName(in.cluster, in.ns, in.name)
		if len(name) > 64 || !regexp.MustCompile(`^[\w+=,.@-]+$`).MatchString(name) {
			t.Errorf("RoleName%v = %q is not a valid IAM role name", in, name)
		}
		key := strings.ToLower(name)
		if prev, dup := seen[key]; dup && prev != in {
			t.Errorf("RoleName%v and RoleName%v are both %q", prev, in, name)
		}
		seen[key] = in
	}
}

func TestLogicalID(t *testing.T) {
	alnum := regexp.MustCompile(`^[A-Za-z0-9]+$`)
	tests := []struct {
		prefix, readable, identity string
		want                       string // "" when only the shape is checked
	}{
		{"Role", "poc_poc-sa", "poc_poc-sa", "RolePocPocSa" + hash8("poc_poc-sa")},
		{"OIDCProvider", "0123ABCD", "oidc.eks.us-east-1.amazonaws.com/id/0123ABCD", "OIDCProvider0123ABCD" + hash8("oidc.eks.us-east-1.amazonaws.com/id/0123ABCD")},
		{"Policy", "s3.read+write@x", "s3.read+write@x", "PolicyS3ReadWriteX" + hash8("s3.read+write@x")},
		{"Role", "ünïcode_ßtraße", "ünïcode_ßtraße", ""},
		{"Role", "", "", "Role" + hash8("")},
		{"Role", strings.Repeat("abc-", 500), strings.Repeat("abc-", 500), ""},
		{"Role", strings.Repeat("x", 1000), "x", ""},
	}
	for _, tt := range tests {
		got := LogicalID(tt.prefix, tt.readable, tt.identity)
		if !alnum.MatchString(got) || len(got) > 255 {
			t.Errorf("LogicalID(%q, %.20q…) = %q: want 1 to 255 letters and digits", tt.prefix, tt.readable, got)
		}
		if tt.want != "" && got != tt.want {
			t.Errorf("LogicalID(%q, %q) = %q, want %q", tt.prefix, tt.readable, got, tt.want)
		}
		if again := LogicalID(tt.prefix, tt.readable, tt.identity); again != got {
			t.Errorf("LogicalID is not stable: %q then %q", got, again)
		}
	}
	// Identities that read alike still get distinct ids.
	a, b := LogicalID("Role", "team-a_a", "team-a_a"), LogicalID("Role", "team_a-a", "team_a-a")
	if a == b {
		t.Errorf("team-a_a and team_a-a share logical id %q", a)
	}
}

func hash8(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:8]
}

func TestPartition(t *testing.T) {
	for region, want := range map[string]string{
		"us-east-1":      "aws",
		"eu-west-3":      "aws",
		"ap-southeast-4": "aws",
		"cn-north-1":     "aws-cn",
		"cn-northwest-1": "aws-cn",
		"us-gov-west-1":  "aws-us-gov",
		"us-gov-east-1":  "aws-us-gov",
	} {
		if got := Partition(region); got != want {
			t.Errorf("Partition(%q) = %q, want %q", region, got, want)
		}
	}
}

func TestClusterKey(t *testing.T) {
	if got := ClusterKey("prod-use1_blue"); got != "prod-use1_blue" {
		t.Errorf("a name without capitals must be its own key, got %q", got)
	}
	if got, want := ClusterKey("Prod"), "Prod."+hash10("Prod")[:8]; got != want {
		t.Errorf("ClusterKey(Prod) = %q, want %q", got, want)
	}
	// Names that differ only in case have keys that differ regardless of case, in role names too.
	names := []string{"prod", "Prod", "PROD", "pROD", "prod.1b2c3d4e"}
	seen := map[string]string{}
	for _, n := range names[:4] {
		for _, k := range []string{ClusterKey(n), RoleName(ClusterKey(n), "ns", "sa")} {
			folded := strings.ToLower(k)
			if prev, dup := seen[folded]; dup {
				t.Errorf("%q and %q meet when case does not count", prev, k)
			}
			seen[folded] = k
		}
	}
	long := strings.Repeat("Ab_", 33) + "c" // 100 characters, the longest EKS cluster name
	if r := RoleName(ClusterKey(long), "kube-system", "external-dns"); len(r) > 64 || !regexp.MustCompile(`^[\w+=,.@-]+$`).MatchString(r) {
		t.Errorf("role name %q is not a valid IAM role name", r)
	}
}

// An association stack's name is its template's file name: clusters whose names differ only in
// case must get names that differ regardless of case.
func TestPodIdentityStackNameCase(t *testing.T) {
	valid := regexp.MustCompile(`^[a-zA-Z][-a-zA-Z0-9]{0,127}$`)
	seen := map[string]string{}
	for _, c := range []string{"prod", "Prod", "PROD", "prod_blue", strings.Repeat("Ab", 50)} {
		n := podIdentityStackName("irsa", c)
		if !valid.MatchString(n) {
			t.Errorf("%s: %q is not a stack name", c, n)
		}
		if prev, dup := seen[strings.ToLower(n)]; dup {
			t.Errorf("clusters %s and %s share stack file %s regardless of case", prev, c, n)
		}
		seen[strings.ToLower(n)] = c
	}
}
