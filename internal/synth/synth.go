// Package synth builds synthetic irsa.yaml files of any size for benchmarks and scale tests: a
// fleet of C clusters spread over a few accounts, N team namespaces in each, and ServiceAccounts
// laid over that grid, with the mix a platform team has: single-cluster application roles, roles
// shared by a few clusters, per-cluster add-on roles on every cluster, roles that live in another
// account than their clusters, named and AWS-managed policies, Deployments, tags and labels.
//
// The output is deterministic for a seed, is accepted by irsagen, keeps every trust policy within
// IAM's 2,048 characters (a shared role spans at most three clusters), and sets nothing about
// stacks: irsagen sizes them itself.
package synth

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
)

// Params size a fleet.
type Params struct {
	ServiceAccounts int // entries under serviceAccounts, add-ons included
	Clusters        int
	Namespaces      int // team namespaces per cluster
	Accounts        int // accounts that run clusters; one more, "shared", only owns roles
	Policies        int // named policies
	Seed            uint64
}

// Preset returns the parameters benchmarks use for a number of ServiceAccounts: 100, 1,000 and
// 10,000 (the last over 50 clusters). Other sizes scale the 1,000 preset.
func Preset(serviceAccounts int) Params {
	p := Params{ServiceAccounts: serviceAccounts, Seed: 1}
	switch {
	case serviceAccounts <= 100:
		p.Clusters, p.Namespaces, p.Accounts, p.Policies = 4, 5, 2, 8
	case serviceAccounts <= 1000:
		p.Clusters, p.Namespaces, p.Accounts, p.Policies = 10, 10, 3, 16
	default:
		p.Clusters, p.Namespaces, p.Accounts, p.Policies = 50, 20, 5, 30
	}
	return p
}

// Fleet is a synthetic config, as a model that tests can change before writing it out.
type Fleet struct {
	Accounts        []Account
	Clusters        []Cluster
	Policies        []Policy
	ServiceAccounts []ServiceAccount
}

// Account is an entry under accounts.
type Account struct {
	Name, ID, Region string
}

// Cluster is an entry under clusters.
type Cluster struct {
	Name, Account, Region, Issuer string
	Existing                      bool   // oidcProvider: existing
	Identity                      string // identity: irsa, podIdentity or both; unset is irsa
}

// Policy is a named policy with one Allow statement.
type Policy struct {
	Name, Description string
	Actions           []string
	Resources         []string
}

// ServiceAccount is an entry under serviceAccounts.
type ServiceAccount struct {
	Name, Namespace string
	Clusters        []string // cluster names, or ["*"]
	Account         string   // the owning account, when it is not each cluster's
	PerCluster      bool
	ManagedPolicies []string
	Policies        []string
	Deployments     []string
	Tags            []KV
	Labels          []KV
	Annotations     []KV
	Inline          *Statement // inlinePolicy with one Allow statement
	// DisableSessionTags sets podIdentity: {disableSessionTags: true}.
	DisableSessionTags bool
}

// KV is one entry of a string map, kept in order.
type KV struct{ Key, Value string }

// Statement is one Allow statement.
type Statement struct {
	Actions, Resources []string
}

// SharedAccount owns the cross-account roles; no cluster runs in it.
const SharedAccount = "shared"

var (
	regions = []struct{ name, short string }{
		{"us-east-1", "use1"}, {"us-west-2", "usw2"}, {"eu-west-1", "euw1"},
		{"eu-central-1", "euc1"}, {"ap-southeast-1", "apse1"},
	}
	// addOns run on every cluster with a role per cluster.
	addOns = []struct {
		namespace, name string
		managed         []string
	}{
		{"kube-system", "aws-load-balancer-controller", []string{"ElasticLoadBalancingFullAccess"}},
		{"kube-system", "cluster-autoscaler", []string{"AutoScalingFullAccess"}},
		{"kube-system", "ebs-csi-controller-sa", []string{"service-role/AmazonEBSCSIDriverPolicy"}},
		{"external-dns", "external-dns", nil},
		{"logging", "fluent-bit", []string{"CloudWatchAgentServerPolicy"}},
	}
	managedPolicies = []string{
		"AmazonS3ReadOnlyAccess", "AmazonDynamoDBReadOnlyAccess", "AmazonSQSFullAccess",
		"AmazonSNSReadOnlyAccess", "CloudWatchReadOnlyAccess", "AmazonKinesisReadOnlyAccess",
		"SecretsManagerReadWrite", "AmazonSSMReadOnlyAccess",
	}
	services = []struct{ prefix, resource string }{
		{"s3", "arn:aws:s3:::%s-bucket/*"},
		{"dynamodb", "arn:aws:dynamodb:*:*:table/%s"},
		{"sqs", "arn:aws:sqs:*:*:%s-queue"},
		{"sns", "arn:aws:sns:*:*:%s-topic"},
		{"kms", "arn:aws:kms:*:*:alias/%s"},
		{"secretsmanager", "arn:aws:secretsmanager:*:*:secret:%s-*"},
	}
	verbs   = []string{"Get*", "List*", "Describe*", "Put*", "Send*", "Receive*", "Decrypt", "Query"}
	apps    = []string{"api", "worker", "web", "cron", "ingest", "export", "search", "billing", "auth", "report"}
	envs    = []string{"production", "staging", "development"}
	classes = []string{"public", "internal", "confidential"}
)

// New builds the fleet for p, with roleStacks set on every account.
func New(p Params) *Fleet {
	p = p.withDefaults()
	rng := rand.New(rand.NewPCG(p.Seed, 0x1125a))
	f := &Fleet{}
	for i := range p.Accounts {
		f.Accounts = append(f.Accounts, Account{
			Name: fmt.Sprintf("workloads-%02d", i), ID: fmt.Sprintf("%012d", 100000000000+uint64(i)*111111111+1), Region: "us-east-1",
		})
	}
	f.Accounts = append(f.Accounts, Account{Name: SharedAccount, ID: "999988887777", Region: "us-east-1"})

	for i := range p.Clusters {
		r := regions[i%len(regions)]
		f.Clusters = append(f.Clusters, Cluster{
			Name:    fmt.Sprintf("eks-%02d-%s", i, r.short),
			Account: f.Accounts[i%p.Accounts].Name,
			Region:  r.name,
			Issuer:  fmt.Sprintf("https://oidc.eks.%s.amazonaws.com/id/%016X%016X", r.name, rng.Uint64(), rng.Uint64()),
			// One cluster in ten was set up with eksctl, which created its provider already.
			Existing: i%10 == 9,
		})
	}

	for i := range p.Policies {
		svc := services[i%len(services)]
		base := fmt.Sprintf("%s-%s-%02d", apps[i%len(apps)], svc.prefix, i)
		pol := Policy{Name: base, Description: fmt.Sprintf("Access to %s for %s workloads.", svc.prefix, apps[i%len(apps)])}
		for _, v := range pick(rng, verbs, 2+rng.IntN(3)) {
			pol.Actions = append(pol.Actions, svc.prefix+":"+v)
		}
		for j := range 1 + rng.IntN(3) {
			pol.Resources = append(pol.Resources, fmt.Sprintf(svc.resource, fmt.Sprintf("%s-%d", base, j)))
		}
		f.Policies = append(f.Policies, pol)
	}

	n := min(len(addOns), p.ServiceAccounts)
	for _, a := range addOns[:n] {
		sa := ServiceAccount{
			Name: a.name, Namespace: a.namespace, Clusters: []string{"*"}, PerCluster: true,
			ManagedPolicies: a.managed, Deployments: []string{a.name},
			Tags: []KV{{"team", "platform"}}, Labels: []KV{{"app.kubernetes.io/part-of", "platform"}},
		}
		if a.name == "external-dns" {
			// Route 53 lives in the shared account: a cross-account role per cluster.
			sa.Account = SharedAccount
			sa.Inline = &Statement{Actions: []string{"route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"}, Resources: []string{"arn:aws:route53:::hostedzone/*"}}
		}
		f.ServiceAccounts = append(f.ServiceAccounts, sa)
	}

	// The team grid: entry i sits in cluster i mod C, namespace (i/C) mod N, and its name is
	// unique across the fleet, so entries that span several clusters never meet.
	names := policyNames(f.Policies)
	for i := 0; len(f.ServiceAccounts) < p.ServiceAccounts; i++ {
		c := i % p.Clusters
		team := (i / p.Clusters) % p.Namespaces
		app := apps[rng.IntN(len(apps))]
		sa := ServiceAccount{
			Name:      fmt.Sprintf("%s-%05d", app, i),
			Namespace: fmt.Sprintf("team-%02d", team),
			Clusters:  []string{f.Clusters[c].Name},
			Tags: []KV{
				{"team", fmt.Sprintf("team-%02d", team)}, {"app", app},
				{"environment", envs[c%len(envs)]}, {"data-classification", classes[rng.IntN(len(classes))]},
			},
			Labels: []KV{
				{"app.kubernetes.io/name", app}, {"app.kubernetes.io/instance", fmt.Sprintf("%s-%05d", app, i)},
				{"team", fmt.Sprintf("team-%02d", team)},
			},
			Annotations: []KV{{"example.com/owner", fmt.Sprintf("team-%02d@example.com", team)}},
		}
		switch k := rng.IntN(100); {
		case k < 10 && p.Clusters > 1:
			// Shared by up to three clusters: one role per owning account, whose trust policy
			// holds one statement per cluster.
			sa.Clusters = neighbours(f.Clusters, c, p.Accounts, 2+rng.IntN(2))
		case k < 14 && p.Clusters > 1:
			sa.Clusters = neighbours(f.Clusters, c, 1, 2+rng.IntN(3))
			sa.PerCluster = true
		case k < 20:
			sa.Account = SharedAccount
			sa.Clusters = neighbours(f.Clusters, c, 1, 1+rng.IntN(2))
		}
		if rng.IntN(100) < 60 {
			sa.Policies = pick(rng, names, 1+rng.IntN(2))
		}
		if rng.IntN(100) < 40 {
			sa.ManagedPolicies = pick(rng, managedPolicies, 1+rng.IntN(2))
		}
		if rng.IntN(100) < 15 {
			svc := services[rng.IntN(len(services))]
			sa.Inline = &Statement{
				Actions:   []string{svc.prefix + ":" + verbs[rng.IntN(len(verbs))]},
				Resources: []string{fmt.Sprintf(svc.resource, sa.Name)},
			}
		}
		if rng.IntN(100) < 30 {
			sa.Deployments = []string{sa.Name}
		}
		f.ServiceAccounts = append(f.ServiceAccounts, sa)
	}
	return f
}

func (p Params) withDefaults() Params {
	d := Preset(p.ServiceAccounts)
	if p.Clusters <= 0 {
		p.Clusters = d.Clusters
	}
	if p.Namespaces <= 0 {
		p.Namespaces = d.Namespaces
	}
	if p.Accounts <= 0 {
		p.Accounts = d.Accounts
	}
	if p.Policies <= 0 {
		p.Policies = d.Policies
	}
	p.Accounts = min(p.Accounts, p.Clusters)
	return p
}

// neighbours returns up to n distinct clusters: c, c+step, c+2*step, ... wrapping around. With
// step the number of accounts, they all run in one account.
func neighbours(clusters []Cluster, c, step, n int) []string {
	var out []string
	for j := range n {
		name := clusters[(c+j*step)%len(clusters)].Name
		if slices.Contains(out, name) {
			break
		}
		out = append(out, name)
	}
	return out
}

// pick returns n distinct items of list, in list order.
func pick(rng *rand.Rand, list []string, n int) []string {
	n = min(n, len(list))
	idx := rng.Perm(len(list))[:n]
	slices.Sort(idx)
	out := make([]string, n)
	for i, j := range idx {
		out[i] = list[j]
	}
	return out
}

func policyNames(ps []Policy) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

// Sizes are the numbers of ServiceAccounts that benchmarks and docs/benchmarks.md report.
var Sizes = []int{100, 1000, 10000}

// WriteConfig writes the preset fleet of n ServiceAccounts to dir/irsa.yaml and returns its path.
func WriteConfig(dir string, n int) (string, error) {
	path := filepath.Join(dir, "irsa.yaml")
	return path, os.WriteFile(path, New(Preset(n)).YAML(), 0o644)
}
