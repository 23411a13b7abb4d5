package plan

import (
	"fmt"
	"reflect"
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
