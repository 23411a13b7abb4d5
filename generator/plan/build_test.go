package plan

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/diag"
)

// fleet is a config with accounts and clusters in the three partitions; tests append their
// ServiceAccounts (and policies) to it.
const fleet = `apiVersion: irsagen/v1
kind: Config
accounts:
  - name: platform
    id: "111122223333"
    region: us-east-1
  - name: apps
    id: "444455556666"
    region: us-west-2
  - name: china
    id: "777788889999"
    region: cn-north-1
  - name: gov
    id: "012345678901"
    region: us-gov-west-1
clusters:
  - name: prod-use1
    account: platform
    region: us-east-1
    oidcIssuer: https://oidc.eks.us-east-1.amazonaws.com/id/AAAA
  - name: prod-use2
    account: platform
    region: us-east-2
    oidcIssuer: https://oidc.eks.us-east-2.amazonaws.com/id/BBBB
  - name: apps-usw2
    account: apps
    region: us-west-2
    oidcIssuer: https://oidc.eks.us-west-2.amazonaws.com/id/CCCC
    oidcProvider: existing
  - name: cn-bj
    account: china
    region: cn-north-1
    oidcIssuer: https://oidc.eks.cn-north-1.amazonaws.com.cn/id/DDDD
  - name: gov-w1
    account: gov
    region: us-gov-west-1
    oidcIssuer: https://oidc.eks.us-gov-west-1.amazonaws.com/id/EEEE
`

func build(t *testing.T, src string) (*Plan, diag.List) {
	t.Helper()
	cfg, err := config.Parse("irsa.yaml", []byte(src))
	if err != nil {
		t.Fatalf("load:\n%v", err)
	}
	f := &config.File{Path: "irsa.yaml", Dir: ".", Config: cfg}
	if err := config.Validate(f); err != nil {
		t.Fatalf("validate:\n%v", err)
	}
	p, err := Build(f, "..")
	if err != nil {
		var l diag.List
		if !errors.As(err, &l) {
			t.Fatalf("Build returned a %T: %v", err, err)
		}
		return nil, l
	}
	return p, nil
}

func mustBuild(t *testing.T, src string) *Plan {
	t.Helper()
	p, l := build(t, src)
	if l != nil {
		t.Fatalf("build:\n%v", l)
	}
	return p
}

func roleByName(t *testing.T, p *Plan, account, name string) *Role {
	t.Helper()
	for _, r := range p.Roles {
		if r.Account.Name == account && r.Name == name {
			return r
		}
	}
	var names []string
	for _, r := range p.Roles {
		names = append(names, r.Account.Name+"/"+r.Name)
	}
	t.Fatalf("no role %s in account %s; roles: %v", name, account, names)
	return nil
}

func providerOf(p *Plan, account, cluster string) *Provider {
	for _, pr := range p.Providers {
		if pr.Account.Name == account && pr.Cluster.Name == cluster {
			return pr
		}
	}
	return nil
}

func clustersOf(r *Role) []string {
	var out []string
	for _, t := range r.Trust {
		out = append(out, t.Cluster.Name)
	}
	return out
}

func stackNames(p *Plan) []string {
	var out []string
	for _, s := range p.Stacks {
		out = append(out, s.Name)
	}
	return out
}

func TestBuildSharedRole(t *testing.T) {
	p := mustBuild(t, fleet+`serviceAccounts:
  - name: poc-sa
    namespace: poc
    clusters: [prod-use2, prod-use1]
    managedPolicies: [AmazonS3ReadOnlyAccess]
    deployments: [ubuntu]
`)
	if len(p.Roles) != 1 {
		t.Fatalf("want one shared role, got %d", len(p.Roles))
	}
	r := roleByName(t, p, "platform", "poc_poc-sa")
	if got, want := clustersOf(r), []string{"prod-use1", "prod-use2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("trust statements for %v, want %v", got, want)
	}
	for _, tr := range r.Trust {
		if tr.Subject != "system:serviceaccount:poc:poc-sa" || tr.Audience != DefaultAudience {
			t.Errorf("trust %s: subject %q audience %q", tr.Cluster.Name, tr.Subject, tr.Audience)
		}
		want := "arn:aws:iam::111122223333:oidc-provider/" + strings.TrimPrefix(tr.Cluster.Issuer, "https://")
		if tr.Provider.ARN != want || tr.Provider.Account.Name != "platform" || !tr.Provider.Create {
			t.Errorf("trust %s: provider %s in %s (create %v), want %s created in platform", tr.Cluster.Name, tr.Provider.ARN, tr.Provider.Account.Name, tr.Provider.Create, want)
		}
	}
	if r.ARN != "arn:aws:iam::111122223333:role/poc_poc-sa" {
		t.Errorf("ARN = %s", r.ARN)
	}
	if want := []string{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}; !reflect.DeepEqual(r.ManagedPolicyARNs, want) {
		t.Errorf("ManagedPolicyARNs = %v, want %v", r.ManagedPolicyARNs, want)
	}
	// Both clusters hold the ServiceAccount, annotated with the one role, and its Deployment patch.
	for _, c := range p.Clusters {
		want := c.Name == "prod-use1" || c.Name == "prod-use2"
		if got := len(c.ServiceAccounts) == 1; got != want {
			t.Errorf("cluster %s holds %d ServiceAccounts", c.Name, len(c.ServiceAccounts))
			continue
		}
		if !want {
			continue
		}
		sa := c.ServiceAccounts[0]
		if sa.Role != r || sa.Annotations["eks.amazonaws.com/role-arn"] != r.ARN {
			t.Errorf("cluster %s: ServiceAccount annotated %q", c.Name, sa.Annotations["eks.amazonaws.com/role-arn"])
		}
		if len(c.Components) != 1 || c.Components[0].Deployment != "ubuntu" || c.Components[0].ServiceAccount != "poc-sa" {
			t.Errorf("cluster %s: components %+v", c.Name, c.Components)
		}
	}
}

func TestBuildAllClusters(t *testing.T) {
	p := mustBuild(t, fleet+`serviceAccounts:
  - name: agent
    namespace: kube-system
    clusters: ["*"]
`)
	// One role per owning account: platform's two clusters share one.
	got := map[string][]string{}
	for _, r := range p.Roles {
		got[r.Account.Name] = clustersOf(r)
		if r.Name != "kube-system_agent" {
			t.Errorf("role name %q", r.Name)
		}
	}
	want := map[string][]string{
		"platform": {"prod-use1", "prod-use2"},
		"apps":     {"apps-usw2"},
		"china":    {"cn-bj"},
		"gov":      {"gov-w1"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("roles trust %v, want %v", got, want)
	}
	for _, c := range p.Clusters {
		if len(c.ServiceAccounts) != 1 || c.ServiceAccounts[0].Role.Account != c.Account {
			t.Errorf("cluster %s: ServiceAccounts %v", c.Name, c.ServiceAccounts)
		}
	}
}

func TestBuildPerCluster(t *testing.T) {
	p := mustBuild(t, fleet+`serviceAccounts:
  - name: worker
    namespace: jobs
    clusters: [prod-use1, prod-use2]
    perCluster: true
`)
	if len(p.Roles) != 2 {
		t.Fatalf("want a role per cluster, got %d", len(p.Roles))
	}
	for _, c := range []string{"prod-use1", "prod-use2"} {
		r := roleByName(t, p, "platform", c+"_jobs_worker")
		if got := clustersOf(r); !reflect.DeepEqual(got, []string{c}) {
			t.Errorf("role %s trusts %v", r.Name, got)
		}
	}
	for _, c := range p.Clusters {
		for _, sa := range c.ServiceAccounts {
			if want := "arn:aws:iam::111122223333:role/" + c.Name + "_jobs_worker"; sa.Annotations["eks.amazonaws.com/role-arn"] != want {
				t.Errorf("cluster %s annotated %s, want %s", c.Name, sa.Annotations["eks.amazonaws.com/role-arn"], want)
			}
		}
	}
}

func TestBuildCrossAccount(t *testing.T) {
	p := mustBuild(t, fleet+`serviceAccounts:
  - name: reader
    namespace: data
    clusters: [prod-use1, apps-usw2]
    account: apps
`)
	r := roleByName(t, p, "apps", "data_reader")
	if got := clustersOf(r); !reflect.DeepEqual(got, []string{"apps-usw2", "prod-use1"}) {
		t.Errorf("trust %v", got)
	}
	// prod-use1's issuer gets a provider created in apps, the role's account; apps-usw2's provider
	// already exists there (oidcProvider: existing in its own account).
	cross := providerOf(p, "apps", "prod-use1")
	if cross == nil || !cross.Create || cross.ARN != "arn:aws:iam::444455556666:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/AAAA" {
		t.Fatalf("cross-account provider = %+v", cross)
	}
	own := providerOf(p, "apps", "apps-usw2")
	if own == nil || own.Create || own.Stack != nil {
		t.Fatalf("existing provider = %+v, want referenced, not created", own)
	}
	if providerOf(p, "platform", "prod-use1") != nil {
		t.Errorf("no role in platform needs prod-use1's provider there")
	}
	if cross.Stack == nil || cross.Stack.Name != "irsa-apps-oidc-providers" || cross.Stack.Account.Name != "apps" {
		t.Errorf("cross-account provider stack = %+v", cross.Stack)
	}
	if !reflect.DeepEqual(r.Stack.DependsOn, []string{"irsa-apps-oidc-providers"}) {
		t.Errorf("role stack depends on %v", r.Stack.DependsOn)
	}
}

func TestBuildExistingProvider(t *testing.T) {
	p := mustBuild(t, fleet+`serviceAccounts:
  - name: local
    namespace: ns
    clusters: [apps-usw2]
  - name: remote
    namespace: ns
    clusters: [apps-usw2]
    account: platform
`)
	own := providerOf(p, "apps", "apps-usw2")
	if own == nil || own.Create || own.ARN != "arn:aws:iam::444455556666:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/CCCC" {
		t.Fatalf("provider in the cluster's own account = %+v, want referenced only", own)
	}
	other := providerOf(p, "platform", "apps-usw2")
	if other == nil || !other.Create {
		t.Fatalf("provider in another account = %+v, want created", other)
	}
	for _, s := range p.Stacks {
		if s.Account.Name == "apps" && s.Kind == StackProviders {
			t.Errorf("apps has a providers stack %s, but its only provider exists already", s.Name)
		}
		if s.Account.Name == "apps" && s.Kind == StackRoles && len(s.DependsOn) != 0 {
			t.Errorf("apps roles stack depends on %v", s.DependsOn)
		}
	}
	if got := roleByName(t, p, "apps", "ns_local").Trust[0].Provider; got != own {
		t.Errorf("local role trusts %s", got.ARN)
	}
	if got := roleByName(t, p, "platform", "ns_remote").Trust[0].Provider; got != other {
		t.Errorf("remote role trusts %s", got.ARN)
	}
}

func TestBuildAudiences(t *testing.T) {
	p := mustBuild(t, fleet+`defaults:
  audience: sts.amazonaws.com
serviceAccounts:
  - name: a
    namespace: ns
    clusters: [prod-use1]
  - name: b
    namespace: ns
    clusters: [prod-use1, prod-use2]
    audience: vault
  - name: c
    namespace: ns
    clusters: [prod-use1]
    audience: another
`)
	if got, want := providerOf(p, "platform", "prod-use1").ClientIDs, []string{"another", "sts.amazonaws.com", "vault"}; !reflect.DeepEqual(got, want) {
		t.Errorf("prod-use1 ClientIDs = %v, want %v", got, want)
	}
	if got, want := providerOf(p, "platform", "prod-use2").ClientIDs, []string{"vault"}; !reflect.DeepEqual(got, want) {
		t.Errorf("prod-use2 ClientIDs = %v, want %v", got, want)
	}
	if tr := roleByName(t, p, "platform", "ns_b").Trust; tr[0].Audience != "vault" || tr[1].Audience != "vault" {
		t.Errorf("role b trusts audiences %q and %q", tr[0].Audience, tr[1].Audience)
	}
	for _, sa := range p.Clusters[len(p.Clusters)-2].ServiceAccounts { // prod-use1
		got, set := sa.Annotations["eks.amazonaws.com/audience"]
		if want := map[string]string{"a": "", "b": "vault", "c": "another"}[sa.Name]; got != want || set != (want != "") {
			t.Errorf("ServiceAccount %s audience annotation %q (set %v)", sa.Name, got, set)
		}
	}
}

func TestBuildDefaultsAndOverrides(t *testing.T) {
	p := mustBuild(t, fleet+`defaults:
  rolePath: /irsa/
  permissionsBoundary: arn:aws:iam::111122223333:policy/irsa-boundary
  maxSessionDuration: 3600
  tags: {Owner: platform, CostCenter: "0042", env: prod}
  stsRegionalEndpoints: true
  tokenExpiration: 86400
serviceAccounts:
  - name: plain
    namespace: ns
    clusters: [prod-use1]
  - name: custom
    namespace: ns
    clusters: [prod-use1]
    rolePath: /custom/path/
    permissionsBoundary: arn:aws:iam::111122223333:policy/other
    maxSessionDuration: 7200
    tags: {env: Staging, Team: Core}
    stsRegionalEndpoints: false
    tokenExpiration: 3600
    annotations: {example.com/Owner: x}
    labels: {App: y}
`)
	plain, custom := roleByName(t, p, "platform", "ns_plain"), roleByName(t, p, "platform", "ns_custom")
	check := func(r *Role, path, boundary string, session int, tags []Tag) {
		t.Helper()
		if r.Path != path || r.PermissionsBoundary != boundary || r.MaxSessionDuration != session || !reflect.DeepEqual(r.Tags, tags) {
			t.Errorf("role %s: path %q boundary %q session %d tags %v\nwant %q %q %d %v", r.Name, r.Path, r.PermissionsBoundary, r.MaxSessionDuration, r.Tags, path, boundary, session, tags)
		}
		if want := "arn:aws:iam::111122223333:role" + path + r.Name; r.ARN != want {
			t.Errorf("role ARN %s, want %s", r.ARN, want)
		}
	}
	check(plain, "/irsa/", "arn:aws:iam::111122223333:policy/irsa-boundary", 3600,
		[]Tag{{"CostCenter", "0042"}, {"Owner", "platform"}, {"env", "prod"}})
	check(custom, "/custom/path/", "arn:aws:iam::111122223333:policy/other", 7200,
		[]Tag{{"CostCenter", "0042"}, {"Owner", "platform"}, {"Team", "Core"}, {"env", "Staging"}})

	var saPlain, saCustom *ServiceAccount
	for _, sa := range p.Clusters[len(p.Clusters)-2].ServiceAccounts {
		switch sa.Name {
		case "plain":
			saPlain = sa
		case "custom":
			saCustom = sa
		}
	}
	wantPlain := map[string]string{
		"eks.amazonaws.com/role-arn":               plain.ARN,
		"eks.amazonaws.com/sts-regional-endpoints": "true",
		"eks.amazonaws.com/token-expiration":       "86400",
	}
	if !reflect.DeepEqual(saPlain.Annotations, wantPlain) {
		t.Errorf("plain annotations %v, want %v", saPlain.Annotations, wantPlain)
	}
	wantCustom := map[string]string{
		"eks.amazonaws.com/role-arn":               custom.ARN,
		"eks.amazonaws.com/sts-regional-endpoints": "false",
		"eks.amazonaws.com/token-expiration":       "3600",
		"example.com/Owner":                        "x",
	}
	if !reflect.DeepEqual(saCustom.Annotations, wantCustom) {
		t.Errorf("custom annotations %v, want %v", saCustom.Annotations, wantCustom)
	}
	if want := map[string]string{"app.kubernetes.io/managed-by": "irsagen", "App": "y"}; !reflect.DeepEqual(saCustom.Labels, want) {
		t.Errorf("custom labels %v, want %v", saCustom.Labels, want)
	}
}

// TestBuildTagKeysMeetCaseInsensitively checks that a ServiceAccount's tag overrides a default
// whose key differs only in case: IAM treats role tag keys case-insensitively, so a role cannot
// carry both Owner and owner.
func TestBuildTagKeysMeetCaseInsensitively(t *testing.T) {
	p := mustBuild(t, fleet+`defaults:
  tags: {owner: platform, Env: prod}
serviceAccounts:
  - name: a
    namespace: ns
    clusters: [prod-use1]
    tags: {Owner: Team-A}
`)
	r := roleByName(t, p, "platform", "ns_a")
	if want := []Tag{{"Env", "prod"}, {"Owner", "Team-A"}}; !reflect.DeepEqual(r.Tags, want) {
		t.Errorf("tags = %v, want %v", r.Tags, want)
	}
}

func TestBuildPartitions(t *testing.T) {
	p := mustBuild(t, fleet+`serviceAccounts:
  - name: s3
    namespace: ns
    clusters: ["*"]
    managedPolicies: [AmazonS3ReadOnlyAccess, service-role/AmazonEBSCSIDriverPolicy]
`)
	want := map[string][3]string{
		"platform": {"aws", "111122223333", "oidc.eks.us-east-1.amazonaws.com/id/AAAA"},
		"apps":     {"aws", "444455556666", "oidc.eks.us-west-2.amazonaws.com/id/CCCC"},
		"china":    {"aws-cn", "777788889999", "oidc.eks.cn-north-1.amazonaws.com.cn/id/DDDD"},
		"gov":      {"aws-us-gov", "012345678901", "oidc.eks.us-gov-west-1.amazonaws.com/id/EEEE"},
	}
	for account, w := range want {
		r := roleByName(t, p, account, "ns_s3")
		partition, id, host := w[0], w[1], w[2]
		if r.Account.Partition != partition {
			t.Errorf("%s: partition %s, want %s", account, r.Account.Partition, partition)
		}
		if arn := fmt.Sprintf("arn:%s:iam::%s:role/ns_s3", partition, id); r.ARN != arn {
			t.Errorf("%s: ARN %s, want %s", account, r.ARN, arn)
		}
		wantARNs := []string{
			"arn:" + partition + ":iam::aws:policy/AmazonS3ReadOnlyAccess",
			"arn:" + partition + ":iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
		}
		if !reflect.DeepEqual(r.ManagedPolicyARNs, wantARNs) {
			t.Errorf("%s: ManagedPolicyARNs %v, want %v", account, r.ManagedPolicyARNs, wantARNs)
		}
		if arn := fmt.Sprintf("arn:%s:iam::%s:oidc-provider/%s", partition, id, host); r.Trust[0].Provider.ARN != arn {
			t.Errorf("%s: provider %s, want %s", account, r.Trust[0].Provider.ARN, arn)
		}
		if r.Trust[0].Audience != DefaultAudience {
			t.Errorf("%s: audience %s, want %s in every partition", account, r.Trust[0].Audience, DefaultAudience)
		}
	}
}

func TestBuildNamedPolicies(t *testing.T) {
	p := mustBuild(t, fleet+`defaults:
  rolePath: /irsa/
policies:
  - name: s3-read
    document:
      Version: "2012-10-17"
      Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]
  - name: unused
    document:
      Version: "2012-10-17"
      Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]
serviceAccounts:
  - name: a
    namespace: ns
    clusters: [prod-use1, apps-usw2]
    policies: [s3-read]
    managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]
  - name: b
    namespace: ns
    clusters: [prod-use2]
    policies: [s3-read]
`)
	// Once per account that uses it; unused policies are not rendered.
	var got []string
	for _, mp := range p.Policies {
		got = append(got, mp.Account.Name+":"+mp.ARN)
	}
	want := []string{
		"apps:arn:aws:iam::444455556666:policy/irsa/s3-read",
		"platform:arn:aws:iam::111122223333:policy/irsa/s3-read",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("policies %v, want %v", got, want)
	}
	a := roleByName(t, p, "platform", "ns_a")
	if want := []string{"arn:aws:iam::111122223333:policy/irsa/s3-read", "arn:aws:iam::aws:policy/ReadOnlyAccess"}; !reflect.DeepEqual(a.ManagedPolicyARNs, want) {
		t.Errorf("role a ARNs %v, want %v", a.ManagedPolicyARNs, want)
	}
	if want := []string{"irsa-platform-oidc-providers", "irsa-platform-policies"}; !reflect.DeepEqual(a.Stack.DependsOn, want) {
		t.Errorf("role stack depends on %v, want %v", a.Stack.DependsOn, want)
	}
}

func TestBuildRoleNameCollision(t *testing.T) {
	src := fleet + `serviceAccounts:
  - name: a
    namespace: ns
    clusters: [prod-use1]
    roleName: Reader
  - name: b
    namespace: other
    clusters: [apps-usw2]
    roleName: reader
  - name: c
    namespace: ns
    clusters: [prod-use2]
    roleName: READER
`
	_, l := build(t, src)
	first, third := lineOf(src, "  - name: a\n"), lineOf(src, "  - name: c\n")
	want := fmt.Sprintf("irsa.yaml:%d:5: role name READER in account \"platform\" is also the role of ServiceAccount ns/a at line %d; set a distinct roleName, or perCluster", third, first)
	if len(l) != 1 || l[0].String() != want {
		t.Errorf("got:\n%v\nwant:\n%s", l, want)
	}
	// The same name in different accounts is fine.
	mustBuild(t, strings.Replace(src, "roleName: READER", "roleName: writer", 1))
}

// TestBuildDerivedNameCollision checks the one way derived names meet: an explicit roleName that
// equals another ServiceAccount's derived name.
func TestBuildDerivedNameCollision(t *testing.T) {
	src := fleet + `serviceAccounts:
  - name: a
    namespace: ns
    clusters: [prod-use1]
  - name: b
    namespace: ns
    clusters: [prod-use1]
    roleName: NS_A
`
	_, l := build(t, src)
	if len(l) != 1 || !strings.Contains(l[0].Message, "is also the role of ServiceAccount ns/a at line "+fmt.Sprint(lineOf(src, "  - name: a\n"))) ||
		l[0].Pos.Line != lineOf(src, "  - name: b\n") {
		t.Errorf("got:\n%v", l)
	}
}

func lineOf(src, needle string) int {
	return strings.Count(src[:strings.Index(src, needle)], "\n") + 1
}

func TestBuildStacks(t *testing.T) {
	p := mustBuild(t, fleet+`policies:
  - name: p
    document: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}
serviceAccounts:
  - name: a
    namespace: ns
    clusters: ["*"]
    policies: [p]
`)
	want := []struct {
		name, kind string
		deps       []string
	}{
		{"irsa-apps-policies", StackPolicies, nil},
		{"irsa-apps-roles", StackRoles, []string{"irsa-apps-policies"}},
		{"irsa-china-oidc-providers", StackProviders, nil},
		{"irsa-china-policies", StackPolicies, nil},
		{"irsa-china-roles", StackRoles, []string{"irsa-china-oidc-providers", "irsa-china-policies"}},
		{"irsa-gov-oidc-providers", StackProviders, nil},
		{"irsa-gov-policies", StackPolicies, nil},
		{"irsa-gov-roles", StackRoles, []string{"irsa-gov-oidc-providers", "irsa-gov-policies"}},
		{"irsa-platform-oidc-providers", StackProviders, nil},
		{"irsa-platform-policies", StackPolicies, nil},
		{"irsa-platform-roles", StackRoles, []string{"irsa-platform-oidc-providers", "irsa-platform-policies"}},
	}
	if len(p.Stacks) != len(want) {
		t.Fatalf("stacks %v", stackNames(p))
	}
	for i, w := range want {
		s := p.Stacks[i]
		if s.Name != w.name || s.Kind != w.kind || !reflect.DeepEqual(s.DependsOn, w.deps) {
			t.Errorf("stack %d = %s (%s) dependsOn %v, want %s (%s) dependsOn %v", i, s.Name, s.Kind, s.DependsOn, w.name, w.kind, w.deps)
		}
		if want := "cloudformation/" + s.Account.Name + "/" + s.Name + ".yaml"; s.Template != want {
			t.Errorf("stack %s template %s, want %s", s.Name, s.Template, want)
		}
		if !reflect.DeepEqual(s.Capabilities, []string{"CAPABILITY_NAMED_IAM"}) {
			t.Errorf("stack %s capabilities %v", s.Name, s.Capabilities)
		}
	}
	// Every dependency is deployed before its dependant.
	seen := map[string]bool{}
	for _, s := range p.Stacks {
		for _, d := range s.DependsOn {
			if !seen[d] {
				t.Errorf("stack %s depends on %s, which comes later", s.Name, d)
			}
		}
		seen[s.Name] = true
	}
	// A custom prefix names every stack.
	p = mustBuild(t, strings.Replace(fleet, "kind: Config\n", "kind: Config\noutput: {stackPrefix: Team}\n", 1)+`serviceAccounts:
  - {name: a, namespace: ns, clusters: [prod-use1]}
`)
	if got, want := stackNames(p), []string{"Team-platform-oidc-providers", "Team-platform-roles"}; !reflect.DeepEqual(got, want) {
		t.Errorf("stacks %v, want %v", got, want)
	}
}

// manyServiceAccounts is a config with n ServiceAccounts on two clusters of one account; skip
// leaves one out, extra adds one at the top.
func manyServiceAccounts(n, skip int, extra string) string {
	var b strings.Builder
	b.WriteString(fleet)
	b.WriteString("serviceAccounts:\n")
	if extra != "" {
		fmt.Fprintf(&b, "  - {name: %s, namespace: team-new, clusters: [prod-use1, prod-use2]}\n", extra)
	}
	for i := 0; i < n; i++ {
		if i == skip {
			continue
		}
		per := ""
		if i%5 == 0 {
			per = ", perCluster: true"
		}
		fmt.Fprintf(&b, "  - {name: sa-%d, namespace: team-%d, clusters: [prod-use1, prod-use2]%s}\n", i, i%17, per)
	}
	return b.String()
}

func roleStacks(p *Plan) map[string]string {
	out := map[string]string{}
	for _, r := range p.Roles {
		out[r.Account.Name+"/"+r.Name] = r.Stack.Name
		found := false
		for _, sr := range r.Stack.Roles {
			found = found || sr == r
		}
		if !found {
			panic("role " + r.Name + " is not in its stack's list")
		}
	}
	return out
}

// assignment is what stacks.json records of a plan: the roles of each role stack.
func assignment(p *Plan) Assignment {
	a := Assignment{}
	for _, s := range p.Stacks {
		for _, r := range s.Roles {
			a[s.Name] = append(a[s.Name], r.Name)
		}
	}
	return a
}

func mustBuildWith(t *testing.T, src string, opts Options) *Plan {
	t.Helper()
	cfg, err := config.Parse("irsa.yaml", []byte(src))
	if err != nil {
		t.Fatalf("load:\n%v", err)
	}
	f := &config.File{Path: "irsa.yaml", Dir: ".", Config: cfg}
	if err := config.Validate(f); err != nil {
		t.Fatalf("validate:\n%v", err)
	}
	p, err := BuildWith(f, "..", opts)
	if err != nil {
		t.Fatalf("build:\n%v", err)
	}
	return p
}

// TestStacksStable checks SPEC §3: adding or removing one ServiceAccount never moves another role
// to a different stack, when the roles' earlier stacks are given.
func TestStacksStable(t *testing.T) {
	const n = 500
	first := mustBuild(t, manyServiceAccounts(n, -1, ""))
	base := roleStacks(first)
	if len(base) != n+n/5 {
		t.Fatalf("%d roles, want %d", len(base), n+n/5)
	}
	prev := Options{Previous: assignment(first)}
	check := func(name string, p *Plan) {
		t.Helper()
		for role, now := range roleStacks(p) {
			if was, ok := base[role]; ok && now != was {
				t.Errorf("%s: role %s moved from %s to %s", name, role, was, now)
			}
		}
		if len(p.Moves) != 0 {
			t.Errorf("%s: %d moves, want none", name, len(p.Moves))
		}
	}
	for _, extra := range []string{"new", "a", "zzz", "sa-new"} {
		check("add "+extra, mustBuildWith(t, manyServiceAccounts(n, -1, extra), prev))
	}
	for _, skip := range []int{0, 1, 250, 499} {
		check(fmt.Sprint("remove ", skip), mustBuildWith(t, manyServiceAccounts(n, skip, ""), prev))
	}
	// Without the earlier stacks, removing the first ServiceAccount packs from scratch and moves
	// roles: the assignment is what keeps them put.
	moved := 0
	for role, now := range roleStacks(mustBuild(t, manyServiceAccounts(n, 0, ""))) {
		if now != base[role] {
			moved++
		}
	}
	if moved == 0 {
		t.Error("packing from scratch without sa-0 moved no role; the test above proves nothing")
	}
}

// TestStacksPackFromScratch checks that with no earlier output the roles fill stacks in the
// order of their names, each stack up to its fill line, and that the plan says so.
func TestStacksPackFromScratch(t *testing.T) {
	p := mustBuild(t, manyServiceAccounts(100, -1, ""))
	perStack := fillBytes / unmeasuredRoleBytes
	var last string
	for i, s := range p.Stacks {
		if s.Kind != StackRoles {
			continue
		}
		if want := stackName("irsa", "platform", StackRoles, s.Index); s.Name != want {
			t.Errorf("stack %d is %s, want %s", i, s.Name, want)
		}
		if len(s.Roles) > perStack {
			t.Errorf("%s holds %d roles, over its fill line of %d", s.Name, len(s.Roles), perStack)
		}
		if s != p.Stacks[len(p.Stacks)-1] && len(s.Roles) != perStack {
			t.Errorf("%s holds %d roles, want %d: only the last stack is not full", s.Name, len(s.Roles), perStack)
		}
		for _, r := range s.Roles {
			if r.Name < last {
				t.Errorf("role %s comes after %s: packed out of order", r.Name, last)
			}
			last = r.Name
		}
	}
}

// TestStacksOutgrown checks the one case that moves a role: a stack that its own roles have
// outgrown gives up its largest roles, each recorded as a move, and keeps the rest.
func TestStacksOutgrown(t *testing.T) {
	src := manyServiceAccounts(100, -1, "")
	first := mustBuild(t, src)
	grown := "team-4_sa-21"
	size := func(r *Role) int {
		if r.Name == grown {
			return 30_000 // a role that grew a large inline policy
		}
		return unmeasuredRoleBytes
	}
	p := mustBuildWith(t, src, Options{Previous: assignment(first), RoleBytes: size})
	was := roleStacks(first)
	if len(p.Moves) != 1 {
		t.Fatalf("%d moves, want 1: %v", len(p.Moves), p.Moves)
	}
	m := p.Moves[0]
	if m.Role.Name != grown || m.From != was["platform/"+grown] || m.To != m.Role.Stack || m.To.Name == m.From {
		t.Errorf("move %s from %s to %s, want %s from %s to a stack of its own", m.Role.Name, m.From, m.To.Name, grown, was["platform/"+grown])
	}
	if m.Bytes <= MaxTemplateBytes {
		t.Errorf("the move says its old stack would be %d bytes, within the quota", m.Bytes)
	}
	for role, now := range roleStacks(p) {
		if role != "platform/"+grown && now != was[role] {
			t.Errorf("role %s moved from %s to %s", role, was[role], now)
		}
	}
	// 600 small roles in one stack: over the 200 outputs a template takes (one a role), so roles
	// leave it, the largest first (here, all of a size, the last by name), until it holds 200.
	many := mustBuild(t, manyServiceAccounts(500, -1, ""))
	all := Assignment{"irsa-platform-roles": nil}
	for _, r := range many.Roles {
		all["irsa-platform-roles"] = append(all["irsa-platform-roles"], r.Name)
	}
	small := func(*Role) int { return 10 }
	big := mustBuildWith(t, manyServiceAccounts(500, -1, ""), Options{Previous: all, RoleBytes: small})
	if len(big.Moves) != 400 {
		t.Errorf("%d moves, want 400", len(big.Moves))
	}
	for _, s := range big.Stacks {
		if s.Name == "irsa-platform-roles" && len(s.Roles) != MaxStackRoles {
			t.Errorf("%s holds %d roles, want %d", s.Name, len(s.Roles), MaxStackRoles)
		}
	}
	for _, m := range big.Moves {
		if m.Role.Name <= many.Roles[199].Name {
			t.Errorf("role %s moved, but it is not among the last 400 by name", m.Role.Name)
		}
	}
}

func TestPreviousIndex(t *testing.T) {
	prev := Assignment{
		"irsa-platform-roles":    {"a"},
		"irsa-platform-roles-2":  {"b"},
		"irsa-platform-roles-02": {"c"}, // not a name irsagen writes
		"irsa-platform-roles-x":  {"d"},
		"irsa-platform-roles-0":  {"e"},
		"irsa-other-roles-1":     {"f"},
		"old-platform-roles-1":   {"g"}, // another stackPrefix
		"irsa-platform-roles-9":  {"h", "a"},
		"irsa-platform-roles-10": {"h"},
	}
	got := previousIndex(prev, "irsa-platform-roles")
	if want := map[string]int{"a": 0, "b": 2, "h": 9}; !reflect.DeepEqual(got, want) {
		t.Errorf("previousIndex = %v, want %v", got, want)
	}
}

func TestBuildOrderIndependent(t *testing.T) {
	a := mustBuild(t, manyServiceAccounts(60, -1, ""))
	// The same ServiceAccounts, listed backwards.
	src := manyServiceAccounts(60, -1, "")
	head, body, _ := strings.Cut(src, "serviceAccounts:\n")
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	for i, j := 0, len(lines)-1; i < j; i, j = i+1, j-1 {
		lines[i], lines[j] = lines[j], lines[i]
	}
	b := mustBuild(t, head+"serviceAccounts:\n"+strings.Join(lines, "\n")+"\n")
	if !reflect.DeepEqual(stackNames(a), stackNames(b)) {
		t.Fatalf("stacks differ: %v vs %v", stackNames(a), stackNames(b))
	}
	for i := range a.Stacks {
		var ra, rb []string
		for _, r := range a.Stacks[i].Roles {
			ra = append(ra, r.Name)
		}
		for _, r := range b.Stacks[i].Roles {
			rb = append(rb, r.Name)
		}
		if !reflect.DeepEqual(ra, rb) {
			t.Errorf("stack %s lists roles in a different order:\n%v\n%v", a.Stacks[i].Name, ra, rb)
		}
	}
}

func TestBuildPartitionMismatch(t *testing.T) {
	src := fleet + `serviceAccounts:
  - name: a
    namespace: ns
    clusters: [cn-bj]
    account: platform
`
	_, l := build(t, src)
	if len(l) != 1 || !strings.Contains(l[0].Message, `cluster "cn-bj" is in partition aws-cn, but role ns_a would be in account "platform" of partition aws`) {
		t.Fatalf("got:\n%v", l)
	}
	if want := (diag.Pos{Line: lineOf(src, "clusters: [cn-bj]"), Col: 15}); l[0].Pos != want {
		t.Errorf("reported at %s, want %s", l[0].Pos, want)
	}
}

func TestBuildDeploymentClaimedTwice(t *testing.T) {
	src := fleet + `serviceAccounts:
  - name: a
    namespace: ns
    clusters: [prod-use1]
    deployments: [web]
  - name: b
    namespace: ns
    clusters: [prod-use1, prod-use2]
    deployments: [web]
`
	_, l := build(t, src)
	if len(l) != 1 || !strings.Contains(l[0].Message, `deployment ns/web in cluster "prod-use1" is claimed by ServiceAccounts a and b`) {
		t.Fatalf("got:\n%v", l)
	}
	if l[0].Pos.Line != lineOf(src, "  - name: b\n") {
		t.Errorf("reported at line %d, want the second ServiceAccount's", l[0].Pos.Line)
	}
}
