package golden_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/trust"
)

// deployedAssociation is an AWS::EKS::PodIdentityAssociation read back from a template, with the
// stack that creates it.
type deployedAssociation struct {
	stack                    stackEntry
	cluster, namespace, name string
	roleARN, targetARN       string
	disableTags              bool
}

func readAssociation(t *testing.T, tree *deployedTree, s stackEntry, props map[string]any) {
	str := func(k string) string { v, _ := props[k].(string); return v }
	a := deployedAssociation{
		stack: s, cluster: str("ClusterName"), namespace: str("Namespace"), name: str("ServiceAccount"),
		roleARN: str("RoleArn"), targetARN: str("TargetRoleArn"),
	}
	a.disableTags, _ = props["DisableSessionTags"].(bool)
	key := a.cluster + "/" + a.namespace + "/" + a.name
	if _, dup := tree.associations[key]; dup {
		t.Errorf("%s: two associations for %s; EKS allows one per ServiceAccount", s.path, key)
	}
	tree.associations[key] = a
}

// identityOf restates config.EffectiveIdentity from irsa.yaml: the ServiceAccount's identity,
// else its cluster's, else IRSA.
func identityOf(cfg *config.Config, cluster config.Cluster, namespace, name string) string {
	for _, sa := range cfg.ServiceAccounts {
		if sa.Namespace != namespace || sa.Name != name {
			continue
		}
		bound := len(sa.Clusters) == 1 && sa.Clusters[0] == "*"
		for _, c := range sa.Clusters {
			bound = bound || c == cluster.Name
		}
		if !bound {
			continue
		}
		if sa.Identity != "" {
			return sa.Identity
		}
		break
	}
	if cluster.Identity != "" {
		return cluster.Identity
	}
	return "irsa"
}

func usesIRSA(cfg *config.Config, cluster config.Cluster, namespace, name string) bool {
	return identityOf(cfg, cluster, namespace, name) != "podIdentity"
}

// checkPodIdentity follows every binding whose identity includes Pod Identity to its association
// and evaluates each hop as EKS makes it: the association's role admits the EKS Auth service for
// this cluster, namespace and ServiceAccount and not for a neighbour; a target role admits the
// association's role with this association's sts:ExternalId and no other. The association must
// be deployed in the cluster's account and region, after the stacks of the roles it names.
func checkPodIdentity(t *testing.T, cfg *config.Config, tree deployedTree) {
	accounts := map[string]config.Account{}
	for _, a := range cfg.Accounts {
		accounts[a.Name] = a
	}
	want := map[string]bool{}
	clusters := map[string]config.Cluster{}
	for _, c := range cfg.Clusters {
		clusters[c.Name] = c
	}
	// Every binding of irsa.yaml, whether irsagen writes its ServiceAccount or not.
	for _, sa := range cfg.ServiceAccounts {
		bound := sa.Clusters
		if len(bound) == 1 && bound[0] == config.AllClusters {
			bound = nil
			for _, c := range cfg.Clusters {
				bound = append(bound, c.Name)
			}
		}
		for _, name := range bound {
			c := clusters[name]
			namespace, name := sa.Namespace, sa.Name
			id := identityOf(cfg, c, namespace, name)
			key := c.Name + "/" + namespace + "/" + name
			a, ok := tree.associations[key]
			if id == "irsa" {
				if ok {
					t.Errorf("%s uses IRSA alone but has a Pod Identity association in %s", key, a.stack.path)
				}
				continue
			}
			want[key] = true
			if !ok {
				t.Errorf("%s uses %s but no template creates its Pod Identity association", key, id)
				continue
			}
			account := accounts[c.Account]
			b := trust.PodIdentityBinding{Partition: partitionOf(c.Region), Region: c.Region, Account: account.ID,
				Cluster: c.Name, Namespace: namespace, ServiceAccount: name, SessionTags: !a.disableTags}
			checkAssociation(t, key, a, b, tree)
		}
	}
	for key := range tree.associations {
		if !want[key] {
			t.Errorf("association %s binds no ServiceAccount that irsa.yaml gives Pod Identity", key)
		}
	}
}

func checkAssociation(t *testing.T, key string, a deployedAssociation, b trust.PodIdentityBinding, tree deployedTree) {
	if a.stack.AccountID != b.Account || a.stack.Region != b.Region {
		t.Errorf("%s: association is deployed in %s/%s, not the cluster's account and region %s/%s", key, a.stack.AccountID, a.stack.Region, b.Account, b.Region)
	}
	if got := strings.Split(a.roleARN, ":"); len(got) < 5 || got[4] != b.Account {
		t.Errorf("%s: RoleArn %s is not in the cluster's account %s", key, a.roleARN, b.Account)
	}
	for _, arn := range []string{a.roleARN, a.targetARN} {
		if arn == "" {
			continue
		}
		stack, ok := tree.roleStacks[arn]
		switch {
		case !ok:
			t.Errorf("%s: no template creates role %s", key, arn)
		case !slices.Contains(tree.dependsOn[a.stack.Name], stack):
			t.Errorf("%s: stack %s does not depend on %s, which creates %s", key, a.stack.Name, stack, arn)
		}
	}
	decide := func(arn string, reqs []trust.Request) trust.Decision {
		res, _, err := trust.EvaluateAll(tree.roles[arn].trust, reqs)
		if err != nil {
			t.Fatalf("%s: trust policy of %s: %v", key, arn, err)
		}
		return res.Decision
	}
	if d := decide(a.roleARN, trust.PodIdentityRequests(b)); d != trust.Allow {
		t.Errorf("%s: EKS Pod Identity may not assume %s: %v", key, a.roleARN, d)
	}
	neighbours := []struct {
		what string
		b    trust.PodIdentityBinding
	}{
		{"another name", with(b, func(n *trust.PodIdentityBinding) { n.ServiceAccount += "x" })},
		{"another namespace", with(b, func(n *trust.PodIdentityBinding) { n.Namespace += "x" })},
		{"another cluster", with(b, func(n *trust.PodIdentityBinding) { n.Cluster += "x" })},
		{"another account", with(b, func(n *trust.PodIdentityBinding) { n.Account = "000000000000" })},
		{"another region", with(b, func(n *trust.PodIdentityBinding) { n.Region += "x" })},
	}
	// With session tags the first role admits this binding alone, even when it only chains:
	// a pod whose association names it without a target would get its credentials, and the
	// target's sts:ExternalId is no secret. Nor may an association without session tags use it.
	if b.SessionTags {
		first := append(neighbours, struct {
			what string
			b    trust.PodIdentityBinding
		}{"an association without session tags", with(b, func(n *trust.PodIdentityBinding) { n.SessionTags = false })})
		for _, n := range first {
			if decide(a.roleARN, trust.PodIdentityRequests(n.b)) == trust.Allow {
				t.Errorf("%s: %s may assume %s", key, n.what, a.roleARN)
			}
		}
	}
	if a.targetARN == "" {
		return
	}
	// A chain: the first role may be shared by the account's associations when session tags
	// are off, so the target's trust must tell them apart.
	if d := decide(a.targetARN, trust.ChainRequests(a.roleARN, b)); d != trust.Allow {
		t.Errorf("%s: %s may not assume target %s: %v", key, a.roleARN, a.targetARN, d)
	}
	for _, n := range neighbours {
		if decide(a.targetARN, trust.ChainRequests(a.roleARN, n.b)) == trust.Allow {
			t.Errorf("%s: %s may assume target %s", key, n.what, a.targetARN)
		}
	}
	other := strings.Replace(a.roleARN, ":role/", ":role/other-", 1)
	if decide(a.targetARN, trust.ChainRequests(other, b)) == trust.Allow {
		t.Errorf("%s: role %s may assume target %s", key, other, a.targetARN)
	}
	for _, f := range trust.Audit(tree.roles[a.targetARN].trust) {
		t.Errorf("%s: trust policy of %s: %s", key, a.targetARN, f)
	}
}

func with(b trust.PodIdentityBinding, change func(*trust.PodIdentityBinding)) trust.PodIdentityBinding {
	change(&b)
	return b
}
