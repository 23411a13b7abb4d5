package plan

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// podFleet has one cluster on each identity and a second account for roles.
const podFleet = `apiVersion: irsagen/v1
kind: Config
accounts:
  - {name: platform, id: "111122223333", region: us-east-1}
  - {name: data, id: "444455556666", region: eu-west-1}
clusters:
  - {name: legacy, account: platform, region: us-east-1, oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/AAAA"}
  - {name: moving, account: platform, region: us-east-1, oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/BBBB", identity: both}
  - {name: moved, account: platform, region: us-west-2, oidcIssuer: "https://oidc.eks.us-west-2.amazonaws.com/id/CCCC", identity: podIdentity}
serviceAccounts:
`

func saOf(p *Plan, cluster, namespace, name string) *ServiceAccount {
	for _, c := range p.Clusters {
		for _, sa := range c.ServiceAccounts {
			if c.Name == cluster && sa.Namespace == namespace && sa.Name == name {
				return sa
			}
		}
	}
	return nil
}

func associationsOf(p *Plan) []string {
	var out []string
	for _, a := range p.Associations {
		s := fmt.Sprintf("%s/%s/%s -> %s", a.Cluster.Name, a.Namespace, a.ServiceAccount, a.Role.Name)
		if a.Target != nil {
			s += " -> " + a.Target.Account.Name + "/" + a.Target.Name
		}
		out = append(out, s+" in "+a.Stack.Name)
	}
	return out
}

// TestPodIdentityFollowsTheChoice: each cluster's identity decides the trust statements, the
// annotation and the association; a ServiceAccount's identity overrides it.
func TestPodIdentityFollowsTheChoice(t *testing.T) {
	p := mustBuild(t, podFleet+`  - {name: api, namespace: web, clusters: ["*"]}
  - {name: old, namespace: web, clusters: ["*"], identity: irsa}
`)
	r := roleByName(t, p, "platform", "web_api")
	if got, want := clustersOf(r), []string{"legacy", "moving"}; !reflect.DeepEqual(got, want) {
		t.Errorf("web identity trust for %v, want %v", got, want)
	}
	if len(r.PodIdentity) != 1 || len(r.PodIdentity[0].Clusters) != 2 || r.PodIdentity[0].SourceAccount != "111122223333" || !r.PodIdentity[0].SessionTags {
		t.Errorf("Pod Identity trust %+v, want one statement for moved and moving with session tags", r.PodIdentity)
	}
	if only := mustBuild(t, podFleet+`  - {name: api, namespace: web, clusters: ["*"]}
`); providerOf(only, "platform", "moved") != nil {
		t.Error("a cluster on Pod Identity alone got an OIDC provider")
	}
	for cluster, want := range map[string]bool{"legacy": true, "moving": true, "moved": false} {
		sa := saOf(p, cluster, "web", "api")
		if _, got := sa.Annotations["eks.amazonaws.com/role-arn"]; got != want {
			t.Errorf("%s: role-arn annotation %v, want %v", cluster, got, want)
		}
		if (sa.Association != nil) == (cluster == "legacy") {
			t.Errorf("%s: association %v", cluster, sa.Association)
		}
	}
	want := []string{
		"moved/web/api -> web_api in irsa-pod-identity-moved",
		"moving/web/api -> web_api in irsa-pod-identity-moving",
	}
	if got := associationsOf(p); !reflect.DeepEqual(got, want) {
		t.Errorf("associations\n%v\nwant\n%v", got, want)
	}
	if old := roleByName(t, p, "platform", "web_old"); len(old.PodIdentity) != 0 || len(old.Trust) != 3 {
		t.Errorf("identity: irsa on the ServiceAccount: %d web identity, %d Pod Identity statements", len(old.Trust), len(old.PodIdentity))
	}
}

// TestPodIdentityStacks: associations go to a stack of the cluster's account in the cluster's
// region, deployed after the stacks of the roles they name; a target role's stack is deployed
// after the role that it trusts by ARN.
func TestPodIdentityStacks(t *testing.T) {
	p := mustBuild(t, podFleet+`  - {name: exporter, namespace: reports, clusters: [moved], account: data}
  - {name: api, namespace: web, clusters: [moved]}
`)
	want := []string{
		"moved/reports/exporter -> reports_exporter@pod-identity -> data/reports_exporter in irsa-pod-identity-moved",
		"moved/web/api -> web_api in irsa-pod-identity-moved",
	}
	if got := associationsOf(p); !reflect.DeepEqual(got, want) {
		t.Errorf("associations\n%v\nwant\n%v", got, want)
	}
	stacks := map[string]*Stack{}
	for _, s := range p.Stacks {
		stacks[s.Name] = s
	}
	s := stacks["irsa-pod-identity-moved"]
	if s == nil || s.Account.Name != "platform" || s.Region != "us-west-2" || s.Template != "cloudformation/platform/irsa-pod-identity-moved.yaml" {
		t.Fatalf("association stack %+v", s)
	}
	if want := []string{"irsa-data-roles", "irsa-platform-pod-identity-roles", "irsa-platform-roles"}; !reflect.DeepEqual(s.DependsOn, want) {
		t.Errorf("association stack depends on %v, want %v", s.DependsOn, want)
	}
	if got := stacks["irsa-data-roles"].DependsOn; !reflect.DeepEqual(got, []string{"irsa-platform-pod-identity-roles"}) {
		t.Errorf("the target's stack depends on %v", got)
	}
	target := roleByName(t, p, "data", "reports_exporter")
	if len(target.Chain) != 1 || target.Chain[0].From.Account.Name != "platform" ||
		!reflect.DeepEqual(target.Chain[0].ExternalIDs, []string{"us-west-2/111122223333/moved/reports/exporter"}) {
		t.Errorf("target chain %+v", target.Chain)
	}
	if len(target.Trust) != 0 || len(target.PodIdentity) != 0 {
		t.Errorf("the target trusts more than its chain: %d web identity, %d Pod Identity statements", len(target.Trust), len(target.PodIdentity))
	}
	hop := roleByName(t, p, "platform", "reports_exporter@pod-identity")
	if hop.Target != target || len(hop.ManagedPolicyARNs) != 0 || len(hop.InlinePolicies) != 1 {
		t.Errorf("the role in the cluster's account may do more than assume its target: %+v", hop)
	}
	var order []string
	for _, s := range p.Stacks {
		order = append(order, s.Name)
	}
	if want := []string{"irsa-data-roles", "irsa-platform-pod-identity-roles", "irsa-platform-roles", "irsa-pod-identity-moved"}; !reflect.DeepEqual(order, want) {
		t.Errorf("stacks %v, want %v", order, want)
	}
}

// TestPodIdentityWithoutSessionTags: without tags the trust cannot see the ServiceAccount, so
// even a role of the cluster's account is reached through a role that only chains into it.
func TestPodIdentityWithoutSessionTags(t *testing.T) {
	p := mustBuild(t, podFleet+`  - name: app
    namespace: web
    clusters: [moved]
    podIdentity: {disableSessionTags: true, sessionPolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]}}
`)
	want := []string{"moved/web/app -> web_app@pod-identity -> platform/web_app in irsa-pod-identity-moved"}
	if got := associationsOf(p); !reflect.DeepEqual(got, want) {
		t.Errorf("associations %v, want %v", got, want)
	}
	a := p.Associations[0]
	if !a.DisableSessionTags || len(a.SessionPolicy) == 0 {
		t.Errorf("association %+v", a)
	}
	if a.Role.PodIdentity[0].SessionTags {
		t.Error("the chain role's trust expects session tags that EKS will not send")
	}
}

// TestPodIdentityQuota: EKS takes at most 5,000 associations per cluster.
func TestPodIdentityQuota(t *testing.T) {
	var b strings.Builder
	b.WriteString(podFleet)
	for i := range MaxAssociations + 1 {
		fmt.Fprintf(&b, "  - {name: sa-%d, namespace: web, clusters: [moved, legacy]}\n", i)
	}
	_, diags := build(t, b.String())
	want := `irsa.yaml:9:131: cluster "moved" would have 5001 Pod Identity associations, over EKS's quota of 5000 per cluster; keep 1 of its ServiceAccounts on IRSA (identity: irsa)`
	if len(diags) != 1 || diags[0].String() != want {
		t.Errorf("got %v\nwant %s", diags, want)
	}
	// At the quota, it builds.
	b.Reset()
	b.WriteString(podFleet)
	for i := range MaxAssociations {
		fmt.Fprintf(&b, "  - {name: sa-%d, namespace: web, clusters: [moved]}\n", i)
	}
	if _, diags := build(t, b.String()); diags != nil {
		t.Errorf("5,000 associations: %v", diags)
	}
}

// podMany binds n ServiceAccounts to cluster moved (Pod Identity only); every third disables
// session tags, so it goes through a chaining role.
func podMany(n int, extra string) string {
	var b strings.Builder
	b.WriteString(podFleet)
	if extra != "" {
		b.WriteString(extra)
	}
	for i := range n {
		tags := ""
		if i%3 == 0 {
			tags = ", podIdentity: {disableSessionTags: true}"
		}
		fmt.Fprintf(&b, "  - {name: sa-%03d, namespace: team, clusters: [moved]%s}\n", i, tags)
	}
	return b.String()
}

func associationStacks(p *Plan) map[string]string {
	out := map[string]string{}
	for _, a := range p.Associations {
		out[a.Cluster.Name+"/"+AssociationKey(a)] = a.Stack.Name
	}
	return out
}

// previousOf is the assignment stacks.json records for p.
func previousOf(p *Plan) Assignment {
	a := Assignment{}
	for _, s := range p.Stacks {
		for _, r := range s.Roles {
			a[s.Name] = append(a[s.Name], r.Name)
		}
		for _, as := range s.Associations {
			a[s.Name] = append(a[s.Name], AssociationKey(as))
		}
	}
	return a
}

// TestAssociationStacksSizeThemselves: a cluster's associations fill stacks up to the fill line,
// the first keeping the name of the one stack earlier versions wrote, then -2, -3; those added
// later never move the others; each stack depends on the stacks of the roles it names.
func TestAssociationStacksSizeThemselves(t *testing.T) {
	p := mustBuild(t, podMany(400, ""))
	per := associationQuota.fillBytes / unmeasuredAssociationBytes
	var names []string
	for _, s := range p.Stacks {
		if s.Kind != StackPodIdentity {
			continue
		}
		names = append(names, s.Name)
		if len(s.Associations) > per {
			t.Errorf("%s holds %d associations, over its fill line of %d", s.Name, len(s.Associations), per)
		}
		for _, a := range s.Associations {
			if a.Stack != s {
				t.Errorf("%s lists %s, which is in %s", s.Name, AssociationKey(a), a.Stack.Name)
			}
			for _, r := range []*Role{a.Role, a.Target} {
				if r != nil && !slices.Contains(s.DependsOn, r.Stack.Name) {
					t.Errorf("%s names role %s of %s but does not depend on it", s.Name, r.Name, r.Stack.Name)
				}
			}
		}
	}
	if want := []string{"irsa-pod-identity-moved", "irsa-pod-identity2-moved", "irsa-pod-identity3-moved", "irsa-pod-identity4-moved"}; !reflect.DeepEqual(names, want) {
		t.Errorf("association stacks %v, want %v", names, want)
	}
	// New ServiceAccounts whose names sort first: from scratch they would shift every
	// association; with the committed layout none moves.
	extra := "  - {name: aaa, namespace: aaa, clusters: [moved]}\n  - {name: aab, namespace: aaa, clusters: [moved], podIdentity: {disableSessionTags: true}}\n"
	grown := mustBuildWith(t, podMany(400, extra), Options{Previous: previousOf(p)})
	was := associationStacks(p)
	for k, now := range associationStacks(grown) {
		if w, ok := was[k]; ok && w != now {
			t.Errorf("association %s moved from %s to %s", k, w, now)
		}
	}
	if len(grown.Moves) != 0 {
		t.Errorf("moves %v, want none", grown.Moves)
	}
	if fresh := associationStacks(mustBuild(t, podMany(400, extra))); reflect.DeepEqual(fresh, associationStacks(grown)) {
		t.Error("packed from scratch, the associations are where the committed layout keeps them: the test proves nothing")
	}
}

// TestAssociationStackOutgrown: a stack whose associations grew over the template quota gives up
// its largest, each recorded as a move.
func TestAssociationStackOutgrown(t *testing.T) {
	src := podMany(100, "")
	first := mustBuild(t, src)
	grown := "team/sa-050"
	size := func(a *Association) int {
		if AssociationKey(a) == grown {
			return 25_000 // a session policy and many tags
		}
		return unmeasuredAssociationBytes
	}
	p := mustBuildWith(t, src, Options{Previous: previousOf(first), AssociationBytes: size})
	if len(p.Moves) != 1 {
		t.Fatalf("%d moves, want 1: %v", len(p.Moves), p.Moves)
	}
	m := p.Moves[0]
	if m.Association == nil || AssociationKey(m.Association) != grown || m.From != "irsa-pod-identity-moved" || m.To != m.Association.Stack || m.Bytes <= MaxTemplateBytes {
		t.Errorf("move %+v, want %s out of irsa-pod-identity-moved, over the quota", m, grown)
	}
	if !strings.Contains(m.Name(), "ServiceAccount team/sa-050 in cluster moved") {
		t.Errorf("move named %q", m.Name())
	}
}

// TestAssociationStackNames: the numbered stacks of a cluster are pod-identity2-<cluster>, ...,
// within 128 characters, never another cluster's name whatever the clusters, and read back to
// their index.
func TestAssociationStackNames(t *testing.T) {
	long := strings.Repeat("a", 100)
	clusters := []string{"prod", "prod-2", "prod-3", "2-prod", "Prod_blue", long}
	seen := map[string]string{}
	for _, c := range clusters {
		index := podIdentityStackIndex("irsa", c)
		for i := range 12 {
			n := podIdentityStackNameAt("irsa", c, i)
			if len(n) > 128 {
				t.Errorf("%s %d: %q is longer than 128", c, i, n)
			}
			if prev, dup := seen[strings.ToLower(n)]; dup {
				t.Errorf("%s %d and %s share the name %s", c, i, prev, n)
			}
			seen[strings.ToLower(n)] = fmt.Sprint(c, " ", i)
			if got, ok := index(n); !ok || got != i {
				t.Errorf("%s: %q reads back as %d, %v; want %d", c, n, got, ok, i)
			}
			for _, other := range clusters {
				if other != c {
					if j, ok := podIdentityStackIndex("irsa", other)(n); ok {
						t.Errorf("%s's stack %q reads as stack %d of %s", c, n, j, other)
					}
				}
			}
		}
	}
	for i, want := range []string{"irsa-pod-identity-prod", "irsa-pod-identity2-prod", "irsa-pod-identity3-prod"} {
		if got := podIdentityStackNameAt("irsa", "prod", i); got != want {
			t.Errorf("stack %d of prod is %s, want %s", i, got, want)
		}
	}
}
