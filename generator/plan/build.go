// Package plan resolves a validated config into the resources irsagen renders: accounts with their
// partitions, OIDC providers, managed policies, roles with their trust statements, stacks, and
// the ServiceAccounts and Deployment patches of each cluster.
//
// Build is pure and deterministic: it reads nothing but the config and, given as Options, where
// the committed output put each role; every list it returns is sorted. It assumes a config that passed config.Validate; the few rules that need the resolved
// plan (role names that meet, partitions that differ) are reported here, with positions.
package plan

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/diag"
	"github.com/irsagen/irsagen/templates"
)

// Options are Build's inputs besides the config.
type Options struct {
	// Previous is where the committed output put each role and association (ReadAssignment);
	// they stay there.
	// Nil packs every role from scratch.
	Previous Assignment
	// RoleBytes is the size of a role in its template (render.RoleBytes()), by which role stacks
	// are filled; it is called on every CPU at once. Nil counts every role as a typical one: for
	// plans that are never rendered.
	RoleBytes func(*Role) int
	// AssociationBytes is the size of a Pod Identity association in its template
	// (render.AssociationBytes()), by which association stacks are filled. Nil counts every
	// association as a typical one.
	AssociationBytes func(*Association) int
}

// Build resolves f into a Plan with no earlier output and no measure of roles: for plans that
// are never rendered. configDir is the config's directory relative to the output directory,
// with '/' separators.
func Build(f *config.File, configDir string) (*Plan, error) {
	return BuildWith(f, configDir, Options{})
}

// BuildWith resolves f into a Plan, keeping every role in the stack opts.Previous put it in.
func BuildWith(f *config.File, configDir string, opts Options) (*Plan, error) {
	b := &builder{
		file:      f.Path,
		dir:       f.Dir,
		cfg:       f.Config,
		plan:      &Plan{StackPrefix: f.Config.Output.StackPrefix, ConfigDir: configDir},
		accounts:  map[string]*Account{},
		clusters:  map[string]*Cluster{},
		providers: map[[2]string]*Provider{},
		policies:  map[[2]string]*ManagedPolicy{},
	}
	if b.plan.StackPrefix == "" {
		b.plan.StackPrefix = DefaultPrefix
	}
	b.addAccounts()
	b.addClusters()
	for i := range b.cfg.ServiceAccounts {
		b.addServiceAccount(&b.cfg.ServiceAccounts[i])
	}
	b.evaluateTemplates()
	b.checkRoleNames()
	b.checkDeployments()
	b.checkAssociations()
	// Sorted before stacks are filled, so that the order of resources in a template never follows
	// the order of irsa.yaml's lists.
	b.sort()
	b.sortAssociations()
	b.assignStacks(opts)
	if b.failure != nil {
		return nil, b.failure
	}
	if len(b.diags) > 0 {
		return nil, b.diags.Sort()
	}
	return b.plan, nil
}

type builder struct {
	file      string
	cfg       *config.Config
	plan      *Plan
	diags     diag.List
	accounts  map[string]*Account
	clusters  map[string]*Cluster
	providers map[[2]string]*Provider      // account, cluster
	policies  map[[2]string]*ManagedPolicy // account, policy
	dir       string                       // the config's directory, where templates are read
	jobs      []templateJob
	failure   error // not the config's fault: a template evaluator that could not run
}

func (b *builder) errorf(pos diag.Pos, format string, args ...any) {
	b.diags.Add(b.file, pos, format, args...)
}

func (b *builder) addAccounts() {
	for i := range b.cfg.Accounts {
		src := &b.cfg.Accounts[i]
		a := &Account{
			Name: src.Name, ID: src.ID, Region: src.Region, Partition: Partition(src.Region),
			Limits: limits(b.cfg.Limits, src.Limits), Source: src,
		}
		b.accounts[a.Name] = a
		b.plan.Accounts = append(b.plan.Accounts, a)
	}
}

// limits layers an account's raised quotas over the config's and AWS's defaults.
func limits(layers ...config.Limits) Limits {
	l := DefaultLimits
	for _, c := range layers {
		pick(&l.TrustPolicySize, c.TrustPolicySize)
		pick(&l.ManagedPoliciesPerRole, c.ManagedPoliciesPerRole)
		pick(&l.InlinePolicySize, c.InlinePolicySize)
		pick(&l.ManagedPolicySize, c.ManagedPolicySize)
		pick(&l.OIDCProviders, c.OIDCProviders)
	}
	return l
}

func pick(dst *int, v int) {
	if v != 0 {
		*dst = v
	}
}

func (b *builder) addClusters() {
	for i := range b.cfg.Clusters {
		src := &b.cfg.Clusters[i]
		c := &Cluster{
			Name: src.Name, Key: ClusterKey(src.Name), Account: b.accounts[src.Account], Region: src.Region,
			Partition: Partition(src.Region), Issuer: src.OIDCIssuer,
			HostPath:    strings.TrimPrefix(src.OIDCIssuer, "https://"),
			Existing:    src.OIDCProvider == config.ProviderExisting,
			Thumbprints: src.Thumbprints, Resources: sortedCopy(src.Kustomize.Resources),
			Source: src,
		}
		if len(c.Thumbprints) == 0 {
			c.Thumbprints = []string{DefaultThumbprint}
		}
		c.Thumbprints = lowerSortedUnique(c.Thumbprints)
		b.clusters[c.Name] = c
		b.plan.Clusters = append(b.plan.Clusters, c)
	}
}

// settings are a ServiceAccount's role settings with the defaults filled in.
type settings struct {
	path, boundary, audience string
	maxSession, tokenExpiry  int
	regional                 *bool
	tags                     map[string]string
}

func (b *builder) settings(sa *config.ServiceAccount) settings {
	d, o := &b.cfg.Defaults, &sa.RoleSettings
	s := settings{
		path:        first(o.RolePath, d.RolePath, DefaultPath),
		boundary:    first(o.PermissionsBoundary, d.PermissionsBoundary, ""),
		audience:    first(o.Audience, d.Audience, DefaultAudience),
		maxSession:  first(o.MaxSessionDuration, d.MaxSessionDuration, 0),
		tokenExpiry: first(o.TokenExpiration, d.TokenExpiration, 0),
		tags:        map[string]string{},
	}
	if o.StsRegionalEndpoints != nil {
		s.regional = o.StsRegionalEndpoints
	} else {
		s.regional = d.StsRegionalEndpoints
	}
	for k, v := range d.Tags {
		s.tags[k] = v
	}
	for k, v := range o.Tags {
		// IAM compares a role's tag keys regardless of case, so a role cannot carry both Owner
		// and owner: the ServiceAccount's key, as it spells it, replaces the default's.
		for dk := range d.Tags {
			if strings.EqualFold(dk, k) {
				delete(s.tags, dk)
			}
		}
		s.tags[k] = v
	}
	return s
}

func first[T any](override, def *T, fallback T) T {
	switch {
	case override != nil:
		return *override
	case def != nil:
		return *def
	}
	return fallback
}

// boundClusters lists the clusters a ServiceAccount is bound to, by name.
func (b *builder) boundClusters(sa *config.ServiceAccount) []*Cluster {
	var out []*Cluster
	if len(sa.Clusters) == 1 && sa.Clusters[0] == config.AllClusters {
		out = append(out, b.plan.Clusters...)
	} else {
		for _, name := range sa.Clusters {
			out = append(out, b.clusters[name])
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (b *builder) addServiceAccount(sa *config.ServiceAccount) {
	s := b.settings(sa)
	// One role per owning account, or per cluster with perCluster.
	groups := map[string][]*Cluster{}
	var order []string
	for _, c := range b.boundClusters(sa) {
		key := c.Account.Name
		if sa.Account != "" {
			key = sa.Account
		}
		if sa.PerCluster {
			key = c.Name
		}
		if _, seen := groups[key]; !seen {
			order = append(order, key)
		}
		groups[key] = append(groups[key], c)
	}
	for _, key := range order {
		clusters := groups[key]
		account := clusters[0].Account
		if sa.Account != "" {
			account = b.accounts[sa.Account]
		}
		role := b.newRole(sa, s, account, clusters)
		if role == nil {
			continue
		}
		for _, c := range clusters {
			b.bind(sa, s, role, c)
		}
		b.addPodIdentity(sa, s, role, clusters)
	}
}

func (b *builder) newRole(sa *config.ServiceAccount, s settings, account *Account, clusters []*Cluster) *Role {
	name := sa.RoleName
	if name == "" {
		cluster := ""
		if sa.PerCluster {
			cluster = clusters[0].Key
		}
		name = RoleName(cluster, sa.Namespace, sa.Name)
	}
	boundary := s.boundary
	if boundary != "" && !strings.HasPrefix(boundary, "arn:") {
		// A name: the policy of that name in the role's own account.
		boundary = fmt.Sprintf("arn:%s:iam::%s:policy/%s", account.Partition, account.ID, boundary)
	}
	r := &Role{
		Account: account, Name: name, Path: s.path,
		ARN:                 fmt.Sprintf("arn:%s:iam::%s:role%s%s", account.Partition, account.ID, s.path, name),
		LogicalID:           LogicalID("Role", name, name),
		Description:         fmt.Sprintf("IRSA role of ServiceAccount %s/%s, generated by irsagen", sa.Namespace, sa.Name),
		PermissionsBoundary: boundary, MaxSessionDuration: s.maxSession,
		Namespace: sa.Namespace, ServiceAccount: sa.Name, Source: sa,
	}
	for _, k := range sortedKeys(s.tags) {
		r.Tags = append(r.Tags, Tag{Key: k, Value: s.tags[k]})
	}
	if boundary != "" {
		b.checkPolicyARN(b.settingPos(sa, "permissionsBoundary"), "permissionsBoundary", boundary, name, account)
	}
	for _, c := range clusters {
		if c.Partition != account.Partition {
			b.errorf(sa.At("clusters"), "cluster %q is in partition %s, but role %s would be in account %q of partition %s; a role cannot trust another partition's cluster", c.Name, c.Partition, name, account.Name, account.Partition)
			return nil
		}
		if !config.UsesIRSA(identity(sa, c)) {
			continue // Pod Identity only: no OIDC provider, no web identity trust
		}
		p := b.provider(account, c)
		if !p.Create && s.audience != DefaultAudience {
			// irsagen does not manage that provider, so it cannot add the audience to its
			// ClientIdList, and STS would refuse every token ("Incorrect token audience").
			b.errorf(b.settingPos(sa, "audience"), "audience %q cannot be added to the OIDC provider of cluster %q: that provider already exists in account %q (%s) and irsagen does not manage its ClientIdList; use audience %s on this cluster, or let irsagen create the provider", s.audience, c.Name, account.Name, existingReason(account, c), DefaultAudience)
		}
		p.ClientIDs = appendUnique(p.ClientIDs, s.audience)
		r.Trust = append(r.Trust, TrustStatement{
			Cluster: c, Provider: p, Audience: s.audience,
			Subject: "system:serviceaccount:" + sa.Namespace + ":" + sa.Name,
		})
	}
	for i, mp := range sa.ManagedPolicies {
		arn := mp
		if !strings.HasPrefix(mp, "arn:") {
			arn = fmt.Sprintf("arn:%s:iam::aws:policy/%s", account.Partition, mp)
		} else {
			b.checkPolicyARN(sa.At(fmt.Sprintf("managedPolicies[%d]", i)), "managed policy", mp, name, account)
		}
		r.ManagedPolicyARNs = appendUnique(r.ManagedPolicyARNs, arn)
	}
	for _, name := range sa.Policies {
		if src := b.policySource(name); src.Jsonnet != "" {
			b.addTemplateJob(r, src.Name, src.Jsonnet, src.Args, src, "")
			continue
		}
		b.attach(r, b.policy(account, name))
	}
	for i := range sa.WellKnown {
		w := &sa.WellKnown[i]
		b.addTemplateJob(r, w.Name, templates.AddonDir+"/"+w.Name+".libsonnet", w.Args, nil, fmt.Sprintf("wellKnown[%d]", i))
	}
	if len(sa.InlinePolicy) > 0 {
		r.InlinePolicies = append(r.InlinePolicies, InlinePolicy{Name: "inline", Document: sa.InlinePolicy})
	}
	sort.Strings(r.ManagedPolicyARNs)
	b.plan.Roles = append(b.plan.Roles, r)
	return r
}

// attach gives a role a managed policy of its account.
func (b *builder) attach(r *Role, p *ManagedPolicy) {
	r.Policies = append(r.Policies, p)
	r.ManagedPolicyARNs = appendUnique(r.ManagedPolicyARNs, p.ARN)
	sort.Strings(r.ManagedPolicyARNs)
	sort.Slice(r.Policies, func(i, j int) bool { return r.Policies[i].Name < r.Policies[j].Name })
}

func (b *builder) policySource(name string) *config.Policy {
	for i := range b.cfg.Policies {
		if b.cfg.Policies[i].Name == name {
			return &b.cfg.Policies[i]
		}
	}
	panic("plan: policy " + name + " passed validation but is not defined")
}

// settingPos is where a setting of a ServiceAccount was written, or its default.
func (b *builder) settingPos(sa *config.ServiceAccount, key string) diag.Pos {
	if sa.Has(key) {
		return sa.At(key)
	}
	return b.cfg.At("defaults." + key)
}

// provider returns the OIDC provider for cluster c's issuer in account a, creating its entry.
func (b *builder) provider(a *Account, c *Cluster) *Provider {
	key := [2]string{a.Name, c.Name}
	if p, ok := b.providers[key]; ok {
		return p
	}
	p := &Provider{
		Account: a, Cluster: c,
		ARN:       fmt.Sprintf("arn:%s:iam::%s:oidc-provider/%s", a.Partition, a.ID, c.HostPath),
		Create:    !(c.Existing && c.Account == a) && !a.Source.HasExistingProvider(c.Issuer),
		LogicalID: LogicalID("OIDCProvider", path.Base(c.HostPath), c.HostPath),
	}
	b.providers[key] = p
	b.plan.Providers = append(b.plan.Providers, p)
	return p
}

// policy returns the managed policy for a named policy in account a, creating its entry. Policies
// are shared by roles of different paths, so they take the default role path.
func (b *builder) policy(a *Account, name string) *ManagedPolicy {
	key := [2]string{a.Name, name}
	if p, ok := b.policies[key]; ok {
		return p
	}
	src := b.policySource(name)
	path := first(b.cfg.Defaults.RolePath, nil, DefaultPath)
	p := &ManagedPolicy{
		Account: a, Name: name, Path: path, Document: src.Document, Source: src,
		ARN:       fmt.Sprintf("arn:%s:iam::%s:policy%s%s", a.Partition, a.ID, path, name),
		LogicalID: LogicalID("Policy", name, name),
	}
	b.policies[key] = p
	b.plan.Policies = append(b.plan.Policies, p)
	return p
}

// bind records the ServiceAccount and its Deployment patches in cluster c.
func (b *builder) bind(sa *config.ServiceAccount, s settings, role *Role, c *Cluster) {
	k := &ServiceAccount{
		Cluster: c, Namespace: sa.Namespace, Name: sa.Name, Role: role, Source: sa, Create: sa.Creates(),
		Identity: identity(sa, c), Annotations: map[string]string{},
		Labels: map[string]string{"app.kubernetes.io/managed-by": "irsagen"},
	}
	for key, v := range sa.Annotations {
		k.Annotations[key] = v
	}
	for key, v := range sa.Labels {
		k.Labels[key] = v
	}
	c.ServiceAccounts = append(c.ServiceAccounts, k)
	hash := credentialsHash(role.ARN, s)
	if config.UsesPodIdentity(k.Identity) {
		hash = podIdentityCredentialsHash()
	}
	for _, d := range sa.Deployments {
		c.Components = append(c.Components, &Component{Cluster: c, Namespace: sa.Namespace, Deployment: d, ServiceAccount: sa.Name, CredentialsHash: hash})
	}
	if !config.UsesIRSA(k.Identity) {
		// With Pod Identity alone the webhook must not inject IRSA credentials: no role
		// annotation, and none of the token settings that only IRSA reads.
		return
	}
	k.Annotations["eks.amazonaws.com/role-arn"] = role.ARN
	if s.audience != DefaultAudience {
		k.Annotations["eks.amazonaws.com/audience"] = s.audience
	}
	if s.regional != nil {
		k.Annotations["eks.amazonaws.com/sts-regional-endpoints"] = strconv.FormatBool(*s.regional)
	}
	if s.tokenExpiry != 0 {
		k.Annotations["eks.amazonaws.com/token-expiration"] = strconv.Itoa(s.tokenExpiry)
	}
}

// checkRoleNames reports roles of one account whose names meet: IAM role names are unique per
// account regardless of case and path.
func (b *builder) checkRoleNames() {
	seen := map[string]*Role{}
	for _, r := range b.plan.Roles {
		key := r.Account.Name + "/" + strings.ToLower(r.Name)
		prev, dup := seen[key]
		if !dup {
			seen[key] = r
			continue
		}
		first, second := prev, r
		if second.Source.Pos().Before(first.Source.Pos()) {
			first, second = second, first
		}
		b.errorf(second.Source.Pos(), "role name %s in account %q is also the role of ServiceAccount %s/%s at line %d; set a distinct roleName, or perCluster",
			second.Name, r.Account.Name, first.Namespace, first.ServiceAccount, first.Source.Pos().Line)
	}
}

// checkDeployments reports a Deployment claimed by two ServiceAccounts in one cluster: it can
// run as only one.
func (b *builder) checkDeployments() {
	for _, c := range b.plan.Clusters {
		seen := map[string]*Component{}
		for _, comp := range c.Components {
			key := comp.Namespace + "/" + comp.Deployment
			if prev, dup := seen[key]; dup && prev.ServiceAccount != comp.ServiceAccount {
				b.errorf(b.saPos(c, comp), "deployment %s in cluster %q is claimed by ServiceAccounts %s and %s; a Deployment runs as one ServiceAccount", key, c.Name, prev.ServiceAccount, comp.ServiceAccount)
			}
			seen[key] = comp
		}
	}
}

func (b *builder) saPos(c *Cluster, comp *Component) diag.Pos {
	for _, sa := range c.ServiceAccounts {
		if sa.Namespace == comp.Namespace && sa.Name == comp.ServiceAccount {
			return sa.Source.Pos()
		}
	}
	return diag.Pos{}
}

// checkPolicyARN reports a policy that role name in account cannot use: IAM attaches only
// AWS-managed policies of the role's partition and customer policies of the role's own account.
func (b *builder) checkPolicyARN(pos diag.Pos, what, arn, name string, account *Account) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return // config.Validate rejects malformed ARNs
	}
	partition, owner := parts[1], parts[4]
	switch {
	case partition != account.Partition:
		b.errorf(pos, "%s %s is in partition %s, but role %s is in account %q of partition %s", what, arn, partition, name, account.Name, account.Partition)
	case owner != "aws" && owner != account.ID:
		b.errorf(pos, "%s %s belongs to account %s, but role %s is in account %q (%s); a role can use only its own account's policies and AWS-managed ones", what, arn, owner, name, account.Name, account.ID)
	}
}

// lowerSortedUnique lowercases fingerprints (IAM stores them in lowercase), then sorts and
// drops repeats, so two spellings of one thumbprint give one entry.
func lowerSortedUnique(list []string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		out = append(out, strings.ToLower(s))
	}
	sort.Strings(out)
	return slices.Compact(out)
}
