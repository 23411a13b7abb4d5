package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/irsagen/irsagen/generator/config"
)

// EKS Pod Identity beside IRSA. A ServiceAccount whose identity in a cluster includes Pod Identity
// gets an association in a stack of that cluster's account and region, and its role trusts the
// service principal pods.eks.amazonaws.com, narrowed to the session tags EKS sets (cluster ARN,
// namespace, ServiceAccount) and to the clusters' account. EKS can only name a role of the
// cluster's own account in an association, and it only sends session tags when they are enabled;
// when the role lives in another account, or the ServiceAccount disables session tags, the
// association names a role in the cluster's account that can do nothing but assume the
// ServiceAccount's role (TargetRoleArn), and that role trusts it by ARN with the sts:ExternalId
// EKS sets for the association: region/account/cluster/namespace/name.

// Pod Identity constants as AWS has them.
const (
	PodIdentityService = "pods.eks.amazonaws.com"
	// MaxAssociations is EKS's quota of Pod Identity associations per cluster.
	MaxAssociations = 5000
	// StackPodIdentityRoles holds an account's roles that only chain into another role; the
	// roles that trust them by ARN are deployed after them (IAM refuses a principal that does not
	// exist yet). StackPodIdentity holds one cluster's associations.
	StackPodIdentityRoles = "pod-identity-roles"
	StackPodIdentity      = "pod-identity"
)

// PodIdentityTrust lets EKS Pod Identity assume a role for one ServiceAccount in the clusters of
// one account.
type PodIdentityTrust struct {
	SourceAccount string     // the clusters' account id
	Clusters      []*Cluster // by name
	Namespace     string
	Name          string
	// SessionTags is false when EKS sends no session tags; the trust then cannot check the
	// ServiceAccount, and the role may only chain into a target that checks sts:ExternalId.
	SessionTags bool
}

// ChainTrust lets a Pod Identity role of a cluster's account assume the ServiceAccount's role.
type ChainTrust struct {
	From        *Role
	ExternalIDs []string // sorted
}

// Association is one EKS Pod Identity association.
type Association struct {
	Cluster            *Cluster
	Namespace          string
	ServiceAccount     string
	Role               *Role // RoleArn, in the cluster's account
	Target             *Role // TargetRoleArn, or nil
	DisableSessionTags bool
	SessionPolicy      config.Document
	Tags               []Tag
	LogicalID          string
	Stack              *Stack
	Source             *config.ServiceAccount
}

// ClusterARN is an EKS cluster's ARN.
func ClusterARN(c *Cluster) string {
	return fmt.Sprintf("arn:%s:eks:%s:%s:cluster/%s", c.Partition, c.Region, c.Account.ID, c.Name)
}

// ExternalID is the sts:ExternalId EKS sends when an association chains into a target role.
func ExternalID(c *Cluster, namespace, name string) string {
	return strings.Join([]string{c.Region, c.Account.ID, c.Name, namespace, name}, "/")
}

// podIdentityCredentialsHash is the credentials hash of a pod on Pod Identity: the webhook injects
// the agent's endpoint and a token, whatever the role, and the agent serves the association's
// role when asked. So a Deployment rolls when it moves to Pod Identity (with both, new pods take
// Pod Identity only), and not when the role or the IRSA settings change afterwards.
func podIdentityCredentialsHash() string {
	sum := sha256.Sum256([]byte("eks-pod-identity\n"))
	return hex.EncodeToString(sum[:8])
}

// identity is sa's identity in cluster c.
func identity(sa *config.ServiceAccount, c *Cluster) string {
	return config.EffectiveIdentity(sa, c.Source)
}

// addPodIdentity gives role r, made for sa in clusters, its Pod Identity trust and associations.
// The ServiceAccounts of the clusters are already bound.
func (b *builder) addPodIdentity(sa *config.ServiceAccount, s settings, r *Role, clusters []*Cluster) {
	byAccount := map[string][]*Cluster{}
	var accounts []string
	for _, c := range clusters {
		if !config.UsesPodIdentity(identity(sa, c)) {
			continue
		}
		if _, seen := byAccount[c.Account.Name]; !seen {
			accounts = append(accounts, c.Account.Name)
		}
		byAccount[c.Account.Name] = append(byAccount[c.Account.Name], c)
	}
	sort.Strings(accounts)
	tags := !sa.PodIdentity.DisableSessionTags
	for _, name := range accounts {
		cs := byAccount[name]
		account := cs[0].Account
		assumed, target := r, (*Role)(nil)
		if account != r.Account || !tags {
			assumed, target = b.chainRole(sa, s, r, account, cs), r
		}
		assumed.PodIdentity = append(assumed.PodIdentity, PodIdentityTrust{
			SourceAccount: account.ID, Clusters: cs, Namespace: sa.Namespace, Name: sa.Name, SessionTags: tags,
		})
		for _, c := range cs {
			a := &Association{
				Cluster: c, Namespace: sa.Namespace, ServiceAccount: sa.Name, Role: assumed, Target: target,
				DisableSessionTags: !tags, SessionPolicy: sa.PodIdentity.SessionPolicy, Tags: r.Tags,
				LogicalID: LogicalID("PodIdentity", sa.Namespace+"-"+sa.Name, c.Name+"/"+sa.Namespace+"/"+sa.Name),
				Source:    sa,
			}
			b.plan.Associations = append(b.plan.Associations, a)
			for _, k := range c.ServiceAccounts {
				if k.Namespace == sa.Namespace && k.Name == sa.Name {
					k.Association = a
				}
			}
		}
	}
}

// chainRole is the role in the clusters' account that EKS assumes for sa and that may only
// assume target.
func (b *builder) chainRole(sa *config.ServiceAccount, s settings, target *Role, account *Account, clusters []*Cluster) *Role {
	name := shorten(target.Name+"@pod-identity", maxRoleName)
	r := &Role{
		Account: account, Name: name, Path: target.Path,
		ARN:         fmt.Sprintf("arn:%s:iam::%s:role%s%s", account.Partition, account.ID, target.Path, name),
		LogicalID:   LogicalID("Role", name, name),
		Description: fmt.Sprintf("EKS Pod Identity role of ServiceAccount %s/%s; it can only assume %s, generated by irsagen", sa.Namespace, sa.Name, target.ARN),
		Tags:        target.Tags, Namespace: sa.Namespace, ServiceAccount: sa.Name, Target: target, Source: sa,
		InlinePolicies: []InlinePolicy{{Name: "assume-target", Document: map[string]any{
			"Version": "2012-10-17",
			"Statement": []any{map[string]any{
				"Effect":   "Allow",
				"Action":   []any{"sts:AssumeRole", "sts:TagSession"},
				"Resource": target.ARN,
			}},
		}}},
	}
	if s.boundary != "" && !strings.HasPrefix(s.boundary, "arn:") {
		// A boundary named without an ARN is the policy of that name in each role's account;
		// one given by ARN belongs to the target's account and cannot bound this role.
		r.PermissionsBoundary = fmt.Sprintf("arn:%s:iam::%s:policy/%s", account.Partition, account.ID, s.boundary)
	}
	var ids []string
	for _, c := range clusters {
		ids = append(ids, ExternalID(c, sa.Namespace, sa.Name))
	}
	target.Chain = append(target.Chain, ChainTrust{From: r, ExternalIDs: ids})
	b.plan.Roles = append(b.plan.Roles, r)
	return r
}

// checkAssociations reports clusters over EKS's association quota, at the cluster's identity
// when it sets one.
func (b *builder) checkAssociations() {
	count := map[*Cluster]int{}
	for _, a := range b.plan.Associations {
		count[a.Cluster]++
	}
	for _, c := range b.plan.Clusters {
		if n := count[c]; n > MaxAssociations {
			b.errorf(c.Source.At("identity"), "cluster %q would have %d Pod Identity associations, over EKS's quota of %d per cluster; keep %d of its ServiceAccounts on IRSA (identity: irsa)",
				c.Name, n, MaxAssociations, n-MaxAssociations)
		}
	}
}

// sortAssociations orders the associations by cluster, namespace and name.
func (b *builder) sortAssociations() {
	sort.Slice(b.plan.Associations, func(i, j int) bool {
		x, y := b.plan.Associations[i], b.plan.Associations[j]
		if x.Cluster.Name != y.Cluster.Name {
			return x.Cluster.Name < y.Cluster.Name
		}
		if x.Namespace != y.Namespace {
			return x.Namespace < y.Namespace
		}
		return x.ServiceAccount < y.ServiceAccount
	})
}

// AssociationKey names an association among its cluster's: namespace/ServiceAccount. stacks.json
// lists the keys of each association stack's associations.
func AssociationKey(a *Association) string {
	return a.Namespace + "/" + a.ServiceAccount
}

// assignPodIdentityStacks puts each cluster's associations in stacks of the cluster's account,
// deployed in the cluster's region after the roles they name. They are sized as role stacks are:
// an association stays in the stack the earlier output put it in, new ones fill the cluster's
// stacks in the order of their keys, then a new stack.
func (b *builder) assignPodIdentityStacks(opts Options) {
	sizes := measure(b.plan.Associations, opts.AssociationBytes, unmeasuredAssociationBytes)
	// Associations are sorted by cluster: each cluster's are one run.
	for start := 0; start < len(b.plan.Associations); {
		c := b.plan.Associations[start].Cluster
		end := start
		for end < len(b.plan.Associations) && b.plan.Associations[end].Cluster == c {
			end++
		}
		run := b.plan.Associations[start:end]
		name := func(i int) string { return podIdentityStackNameAt(b.plan.StackPrefix, c.Name, i) }
		p := packer{previous: previousIndexFunc(opts.Previous, podIdentityStackIndex(b.plan.StackPrefix, c.Name)), quota: associationQuota}
		keys := make([]string, len(run))
		for i, a := range run {
			keys[i] = AssociationKey(a)
		}
		stacks := map[int]*Stack{}
		for i, at := range p.pack(keys, sizes[start:end]) {
			s := stacks[at]
			if s == nil {
				s = &Stack{
					Name: name(at), Account: c.Account, Kind: StackPodIdentity, Index: at,
					Region: c.Region, Capabilities: []string{}, base: name(0),
				}
				s.Template = "cloudformation/" + c.Account.Name + "/" + s.Name + ".yaml"
				stacks[at] = s
				b.plan.Stacks = append(b.plan.Stacks, s)
			}
			a := run[i]
			a.Stack = s
			s.Associations = append(s.Associations, a)
			for _, r := range []*Role{a.Role, a.Target} {
				if r != nil {
					s.DependsOn = appendUnique(s.DependsOn, r.Stack.Name)
				}
			}
		}
		for _, m := range p.moves {
			a := run[m.item]
			b.plan.Moves = append(b.plan.Moves, Move{Association: a, From: name(m.from), To: a.Stack, Bytes: m.bytes, Count: m.count})
		}
		for _, s := range stacks {
			sort.Strings(s.DependsOn)
		}
		start = end
	}
}

// podIdentityStackIndex is the inverse of podIdentityStackNameAt for one cluster: the index of a
// stack name it gives, for indexes up to a cluster's quota of associations.
func podIdentityStackIndex(prefix, cluster string) func(string) (int, bool) {
	head := prefix + "-pod-identity"
	return func(stack string) (int, bool) {
		rest, ok := strings.CutPrefix(stack, head)
		if !ok {
			return 0, false
		}
		n := 1
		if digits, _, _ := strings.Cut(rest, "-"); digits != "" {
			var err error
			if n, err = strconv.Atoi(digits); err != nil || n < 2 || n > MaxAssociations {
				return 0, false
			}
		}
		if podIdentityStackNameAt(prefix, cluster, n-1) != stack {
			return 0, false
		}
		return n - 1, true
	}
}

// podIdentityStack is the stack kind of a role: roles that only chain go first.
func podIdentityStack(r *Role) string {
	if r.Target != nil {
		return StackPodIdentityRoles
	}
	return StackRoles
}

// podIdentityStackNameAt names a cluster's association stack of index i: the first is
// <prefix>-pod-identity-<cluster>, the next <prefix>-pod-identity2-<cluster>, and so on. The
// number stands before the cluster's name, which may itself end in "-2": no stack of one cluster
// can have the name of another cluster's, whichever clusters irsa.yaml lists now or later. A
// stack name is at most 128 letters, digits and '-'; a cluster name may hold '_' and 100
// characters, so such a name is spelled with '-' and keeps a hash of the cluster's name. So does
// a name with capitals: the stack's template is a file named after the stack, and "Prod" and
// "prod" must not meet where file names ignore case (ClusterKey).
func podIdentityStackNameAt(prefix, cluster string, i int) string {
	head := prefix + "-pod-identity"
	if i > 0 {
		head += strconv.Itoa(i + 1)
	}
	name := head + "-" + cluster
	if len(name) <= 128 && !strings.Contains(cluster, "_") && ClusterKey(cluster) == cluster {
		return name
	}
	return hashedStackName(head, cluster, 128)
}

// podIdentityStackName names a cluster's first association stack.
func podIdentityStackName(prefix, cluster string) string {
	return podIdentityStackNameAt(prefix, cluster, 0)
}

// hashedStackName is <head>-<cluster>-<hash> in at most limit characters, '_' spelled '-'.
func hashedStackName(head, cluster string, limit int) string {
	name := head + "-" + cluster
	h := shortHash(cluster, 10)
	name = strings.ReplaceAll(name, "_", "-")
	if len(name) > limit-len(h)-1 {
		name = name[:limit-len(h)-1]
	}
	return name + "-" + h
}
