package rules_test

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/diag"
	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/generator/render"
	"github.com/irsagen/irsagen/generator/rules"
)

const head = `apiVersion: irsagen/v1
kind: Config
accounts:
  - name: platform
    id: "111122223333"
    region: us-east-1
%s
clusters:
%s
`

func clusters(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "  - {name: c%d, account: platform, region: us-east-1, oidcIssuer: \"https://oidc.eks.us-east-1.amazonaws.com/id/%032X\"}\n", i, i)
	}
	return b.String()
}

// build runs the pipeline up to the plan on a config.
func build(t *testing.T, accountExtra string, nClusters int, rest string) (*config.File, *plan.Plan) {
	t.Helper()
	src := fmt.Sprintf(head, accountExtra, clusters(nClusters)) + rest
	cfg, err := config.Parse("irsa.yaml", []byte(src))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, src)
	}
	f := &config.File{Path: "irsa.yaml", Dir: ".", Config: cfg}
	if err := config.Validate(f); err != nil {
		t.Fatalf("validate: %v", err)
	}
	p, err := plan.BuildWith(f, "..", plan.Options{RoleBytes: render.RoleBytes()})
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	return f, p
}

// bigPolicies is ten named policies of 200 actions each, all attached to ServiceAccount team/big:
// some 60 KB together, more than one template holds.
func bigPolicies() string {
	var b strings.Builder
	b.WriteString("policies:\n")
	var names []string
	for i := range 10 {
		names = append(names, fmt.Sprintf("p%d", i))
		fmt.Fprintf(&b, "  - name: p%d\n    document:\n      Version: \"2012-10-17\"\n      Statement:\n        - Effect: Allow\n          Resource: \"*\"\n          Action:\n", i)
		for j := range 200 {
			fmt.Fprintf(&b, "            - sqs:ReceiveMessage%03d\n", j)
		}
	}
	return b.String() + "serviceAccounts:\n  - {name: big, namespace: team, clusters: [c0], policies: [" + strings.Join(names, ", ") + "]}\n"
}

// check runs the pipeline up to rules.Check on a config.
func check(t *testing.T, accountExtra string, nClusters int, rest string) (diag.List, *plan.Plan) {
	t.Helper()
	f, p := build(t, accountExtra, nClusters, rest)
	return rules.Check(f, p, render.Render(p)), p
}

func wantClean(t *testing.T, got diag.List) {
	t.Helper()
	if len(got) != 0 {
		t.Errorf("want no findings, got:\n%v", got)
	}
}

func wantOne(t *testing.T, got diag.List, parts ...string) {
	t.Helper()
	if len(got) != 1 {
		t.Fatalf("want one finding, got %d:\n%v", len(got), got)
	}
	for _, p := range parts {
		if !strings.Contains(got[0].String(), p) {
			t.Errorf("finding %q does not say %q", got[0], p)
		}
	}
}

func TestTrustPolicySizeAtTheLimit(t *testing.T) {
	sa := "serviceAccounts:\n  - {name: api, namespace: web, clusters: [\"*\"]}\n"
	_, p := check(t, "", 5, sa)
	size := rules.Size(render.TrustPolicy(p.Roles[0]))
	at := fmt.Sprintf("    limits: {trustPolicySize: %d}", size)
	got, _ := check(t, at, 5, sa)
	wantClean(t, got)
	over := fmt.Sprintf("    limits: {trustPolicySize: %d}", size-1)
	got, _ = check(t, over, 5, sa)
	wantOne(t, got, "irsa.yaml:", "role web_api", fmt.Sprintf("trust policy is %d characters for 5 clusters, over IAM's %d", size, size-1), "perCluster")
}

func TestDefaultTrustQuotaAllowsSomeClustersPerRole(t *testing.T) {
	sa := "serviceAccounts:\n  - {name: api, namespace: web, clusters: [\"*\"]}\n"
	// An EKS issuer costs about 436 characters per trust statement.
	got, _ := check(t, "", 4, sa)
	wantClean(t, got)
	got, _ = check(t, "", 5, sa)
	wantOne(t, got, "over IAM's 2048")
	got, _ = check(t, "", 8, "serviceAccounts:\n  - {name: api, namespace: web, clusters: [\"*\"], perCluster: true}\n")
	wantClean(t, got)
}

func TestManagedPoliciesPerRole(t *testing.T) {
	policies := func(n int) string {
		var names []string
		for i := range n {
			names = append(names, fmt.Sprintf("arn:aws:iam::111122223333:policy/Policy%d", i))
		}
		return "serviceAccounts:\n  - {name: api, namespace: web, clusters: [c0], managedPolicies: [" + strings.Join(names, ", ") + "]}\n"
	}
	got, _ := check(t, "", 1, policies(10))
	wantClean(t, got)
	got, _ = check(t, "", 1, policies(11))
	wantOne(t, got, "role web_api: 11 managed policies, over IAM's 10 per role")
	got, _ = check(t, "    limits: {managedPoliciesPerRole: 11}", 1, policies(11))
	wantClean(t, got)
}

// document makes a policy document of exactly size characters as IAM counts them.
func document(t *testing.T, size int) string {
	t.Helper()
	doc := func(pad int) map[string]any {
		return map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
			"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/" + strings.Repeat("x", pad),
		}}}
	}
	base := rules.Size(doc(0))
	if size < base {
		t.Fatalf("size %d below the minimum %d", size, base)
	}
	return fmt.Sprintf(`{Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/%s"}]}`, strings.Repeat("x", size-base))
}

func TestInlinePolicySize(t *testing.T) {
	sa := func(size int) string {
		return "serviceAccounts:\n  - name: api\n    namespace: web\n    clusters: [c0]\n    inlinePolicy: " + document(t, size) + "\n"
	}
	got, _ := check(t, "", 1, sa(10240))
	wantClean(t, got)
	got, _ = check(t, "", 1, sa(10241))
	wantOne(t, got, "irsa.yaml:15:19:", "inline policies are 10241 characters, over IAM's 10240")
}

func TestManagedPolicySize(t *testing.T) {
	cfg := func(size int) string {
		return "policies:\n  - name: big\n    document: " + document(t, size) + "\n" +
			"serviceAccounts:\n  - {name: api, namespace: web, clusters: [c0], policies: [big]}\n"
	}
	got, _ := check(t, "", 1, cfg(6144))
	wantClean(t, got)
	got, _ = check(t, "", 1, cfg(6145))
	wantOne(t, got, "irsa.yaml:12:5:", "policy big: 6145 characters in account \"platform\", over IAM's 6144")
	got, _ = check(t, "    limits: {managedPolicySize: 6144}", 1, cfg(6144))
	wantClean(t, got)
}

func TestTagsMergedOverTheDefaults(t *testing.T) {
	tags := func(prefix string, n int) string {
		var kv []string
		for i := range n {
			kv = append(kv, fmt.Sprintf("%s%d: v", prefix, i))
		}
		return "{" + strings.Join(kv, ", ") + "}"
	}
	cfg := func(n int) string {
		return "defaults:\n  tags: " + tags("d", 25) + "\nserviceAccounts:\n  - {name: api, namespace: web, clusters: [c0], tags: " + tags("s", n) + "}\n"
	}
	got, _ := check(t, "", 1, cfg(25))
	wantClean(t, got)
	got, _ = check(t, "", 1, cfg(26))
	wantOne(t, got, "role web_api: 51 tags with the defaults merged in, over IAM's 50")
}

// TestTemplateQuota: role stacks size themselves, so 120 roles need no setting; the named
// policies of an account share one template, which can still be too large.
func TestTemplateQuota(t *testing.T) {
	var b strings.Builder
	b.WriteString("serviceAccounts:\n")
	for i := range 120 {
		fmt.Fprintf(&b, "  - {name: sa%d, namespace: team, clusters: [c0]}\n", i)
	}
	got, p := check(t, "", 1, b.String())
	wantClean(t, got)
	if len(p.Stacks) < 3 {
		t.Errorf("want a provider stack and several role stacks, got %d stacks", len(p.Stacks))
	}
	got, _ = check(t, "", 1, bigPolicies())
	wantOne(t, got, "irsa.yaml:4:5:", "stack irsa-platform-policies would be", "bytes, over CloudFormation's 51200", "named policies do not fit one template")
}

func TestProvidersPerAccount(t *testing.T) {
	sa := "serviceAccounts:\n  - {name: api, namespace: web, clusters: [\"*\"], perCluster: true}\n"
	got, _ := check(t, "    limits: {oidcProviders: 3}\n    roleStacks: 2", 3, sa)
	wantClean(t, got)
	got, _ = check(t, "    limits: {oidcProviders: 3}\n    roleStacks: 2", 4, sa)
	wantOne(t, got, "account \"platform\" needs 4 OIDC providers, over IAM's 3")
}

func TestPolicyNamesDifferingInCase(t *testing.T) {
	doc := `{Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]}`
	cfg := "policies:\n  - {name: Read, document: " + doc + "}\n  - {name: read, document: " + doc + "}\n" +
		"serviceAccounts:\n  - {name: api, namespace: web, clusters: [c0], policies: [Read, read]}\n"
	got, _ := check(t, "", 1, cfg)
	wantOne(t, got, "differ only in case")
}

func TestLogicalIDsAreDistinct(t *testing.T) {
	var b strings.Builder
	b.WriteString("serviceAccounts:\n")
	for i := range 40 {
		// Names that a CamelCase form alone would merge: a-b, ab, a.b ...
		fmt.Fprintf(&b, "  - {name: \"s-%d\", namespace: ns, clusters: [c0]}\n  - {name: \"s%d\", namespace: ns, clusters: [c0]}\n", i, i)
	}
	got, p := check(t, "    roleStacks: 4", 1, b.String())
	wantClean(t, got)
	ids := map[string]string{}
	for _, r := range p.Roles {
		if prev, dup := ids[r.LogicalID]; dup {
			t.Errorf("roles %s and %s share logical id %s", prev, r.Name, r.LogicalID)
		}
		ids[r.LogicalID] = r.Name
	}
}

func TestLogicalIDCollisionIsReported(t *testing.T) {
	f, p := build(t, "", 1, "serviceAccounts:\n  - {name: a, namespace: ns, clusters: [c0]}\n  - {name: b, namespace: ns, clusters: [c0]}\n")
	// As if the hashes of two names met.
	p.Roles[1].LogicalID = p.Roles[0].LogicalID
	got := rules.Check(f, p, render.Render(p))
	wantOne(t, got, "irsa.yaml:13:5:", "role ns_b would have logical id", "like the resource from line 12")
}

// TestCheckIsTheSameOnAnyNumberOfCPUs checks a few hundred roles that each break the trust policy
// quota, many workers' batches of them, on one CPU and on several: the list is the same, in the
// same order, and it is CheckPlan's and CheckTemplates' together.
func TestCheckIsTheSameOnAnyNumberOfCPUs(t *testing.T) {
	var b strings.Builder
	b.WriteString(bigPolicies())
	for i := range 300 {
		fmt.Fprintf(&b, "  - {name: sa%d, namespace: team, clusters: [\"*\"]}\n", i)
	}
	f, p := build(t, "", 5, b.String())
	files := render.Render(p)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(1)
	want := rules.Check(f, p, files)
	if len(want) != 301 { // every role but big, and the policies stack
		t.Fatalf("want 301 findings, got %d:\n%v", len(want), want)
	}
	if !strings.Contains(want[0].Message, "stack irsa-platform-policies would be") {
		t.Errorf("first finding is %q, want the stack's, at the account's line", want[0])
	}
	for _, procs := range []int{2, 3, 8} {
		runtime.GOMAXPROCS(procs)
		for range 5 {
			if got := rules.Check(f, p, files); !slices.Equal(got, want) {
				t.Fatalf("GOMAXPROCS %d: findings differ from one CPU's:\n%v\nwant:\n%v", procs, got, want)
			}
			split := append(rules.CheckPlan(f, p), rules.CheckTemplates(f, p, files)...).Sort()
			if !slices.Equal(split, want) {
				t.Fatalf("GOMAXPROCS %d: CheckPlan and CheckTemplates give:\n%v\nwant:\n%v", procs, split, want)
			}
		}
	}
}

// TestCheckPlanNeedsNoFiles: the template quotas are the only findings that wait for the files.
func TestCheckPlanNeedsNoFiles(t *testing.T) {
	var b strings.Builder
	b.WriteString(bigPolicies())
	for i := range 120 {
		fmt.Fprintf(&b, "  - {name: sa%d, namespace: team, clusters: [c0]}\n", i)
	}
	b.WriteString("  - {name: wide, namespace: team, clusters: [\"*\"]}\n")
	f, p := build(t, "", 5, b.String())
	wantOne(t, rules.CheckPlan(f, p), "role team_wide: trust policy is")
	wantOne(t, rules.CheckTemplates(f, p, render.Render(p)), "stack irsa-platform-policies would be")
	wantClean(t, rules.CheckTemplates(f, p, nil))
}

func TestPodIdentityStacksSizeThemselves(t *testing.T) {
	// 260 associations are more than one template holds (about 170): the cluster's associations
	// take a second stack, and every template is within CloudFormation's quotas.
	var b strings.Builder
	b.WriteString("serviceAccounts:\n")
	for i := range 260 {
		fmt.Fprintf(&b, "  - {name: sa%d, namespace: team, clusters: [c0], identity: podIdentity}\n", i)
	}
	got, p := check(t, "", 1, b.String())
	wantClean(t, got)
	var names []string
	for _, s := range p.Stacks {
		if s.Kind == plan.StackPodIdentity {
			names = append(names, s.Name)
		}
	}
	if want := []string{"irsa-pod-identity-c0", "irsa-pod-identity2-c0"}; !slices.Equal(names, want) {
		t.Errorf("association stacks %v, want %v", names, want)
	}
}
