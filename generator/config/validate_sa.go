package config

import (
	"slices"
	"strings"

	"github.com/irsagen/irsagen/internal/parallel"
)

// Annotations that irsagen derives itself; a ServiceAccount may not set them by hand, since a
// hand-written role ARN is exactly the disagreement irsagen exists to prevent.
var reservedAnnotations = map[string]string{
	"eks.amazonaws.com/role-arn":               "it is derived from the role",
	"eks.amazonaws.com/audience":               "set audience instead",
	"eks.amazonaws.com/sts-regional-endpoints": "set stsRegionalEndpoints instead",
	"eks.amazonaws.com/token-expiration":       "set tokenExpiration instead",
}

func (v *validator) checkPolicies() {
	v.policies = map[string]*Policy{}
	for i := range v.cfg.Policies {
		p := &v.cfg.Policies[i]
		if v.name(&p.Meta, "policy", p.Name, iamName, "letters, digits and +=,.@_- only") {
			if len(p.Name) > 128 {
				v.errorf(p.At("name"), "policy name %q is longer than 128 characters", p.Name)
			} else if prev, dup := v.policies[p.Name]; dup {
				v.errorf(p.At("name"), "policy %q is defined twice (first at line %d)", p.Name, prev.Pos().Line)
			} else {
				v.policies[p.Name] = p
			}
		}
		hasDoc, hasJsonnet := p.Has("document"), p.Has("jsonnet")
		switch {
		case hasDoc && hasJsonnet:
			v.errorf(p.At("jsonnet"), "policy %q sets both document and jsonnet; choose one", p.Name)
		case !hasDoc && !hasJsonnet:
			v.errorf(p.Pos(), "policy %q needs a document or a jsonnet file", p.Name)
		case hasDoc:
			v.document(&p.Meta, "document", p.Document)
		case hasJsonnet:
			v.localPath(p.At("jsonnet"), p.Jsonnet)
		}
		if p.Has("args") && !hasJsonnet {
			v.errorf(p.At("args"), "args are only for jsonnet policies")
		}
	}
}

// parallelItems is the shortest list of ServiceAccounts that is validated on every CPU. A
// variable, so that tests can run short lists that way too.
var parallelItems = 512

// parallelBatch is how many ServiceAccounts a goroutine validates at a time.
const parallelBatch = 64

// checkServiceAccounts checks each ServiceAccount on its own, on every CPU for a long list, and
// then, in the order of the file, that no two bind the same name in the same cluster.
func (v *validator) checkServiceAccounts() {
	sas := v.cfg.ServiceAccounts
	bindings := make([][]string, len(sas))
	batch := parallelBatch
	if len(sas) < parallelItems {
		batch = len(sas) // one batch: on this goroutine
	}
	// The goroutines only read the validator's maps, and each reports to its own list.
	subs := make([]*validator, parallel.Workers(len(sas), batch))
	for w := range subs {
		subs[w] = &validator{file: v.file, cfg: v.cfg, accounts: v.accounts, clusters: v.clusters, policies: v.policies}
	}
	parallel.For(len(sas), batch, func(w, i int) {
		bindings[i] = subs[w].checkServiceAccount(&sas[i])
	})
	for _, sub := range subs {
		v.diags = append(v.diags, sub.diags...)
	}
	bound := map[string]*ServiceAccount{}
	for i := range sas {
		sa := &sas[i]
		for _, c := range bindings[i] {
			key := c + "/" + sa.Namespace + "/" + sa.Name
			if prev, dup := bound[key]; dup {
				v.errorf(sa.Pos(), "ServiceAccount %s/%s is already bound to cluster %q at line %d", sa.Namespace, sa.Name, c, prev.Pos().Line)
				break
			}
			bound[key] = sa
		}
	}
}

// checkServiceAccount checks one ServiceAccount and returns the clusters it binds its name to, or
// nil when its name or namespace is invalid.
func (v *validator) checkServiceAccount(sa *ServiceAccount) (bindings []string) {
	nameOK := v.name(&sa.Meta, "ServiceAccount", sa.Name, dnsSubdomain, "lowercase letters, digits, '-' and '.' (a Kubernetes object name)")
	if nameOK && len(sa.Name) > 253 {
		v.errorf(sa.At("name"), "ServiceAccount name is longer than 253 characters")
		nameOK = false
	}
	nsOK := true
	switch {
	case sa.Namespace == "":
		v.errorf(sa.At("namespace"), "ServiceAccount %q needs a namespace", sa.Name)
		nsOK = false
	case len(sa.Namespace) > 63 || !dnsLabel.MatchString(sa.Namespace):
		v.errorf(sa.At("namespace"), "namespace %q is invalid: lowercase letters, digits and '-', at most 63", sa.Namespace)
		nsOK = false
	}
	clusters := v.clusterRefs(sa)
	if nameOK && nsOK {
		bindings = clusters
	}
	v.accountRef(&sa.Meta, "account", sa.Account, false)
	if sa.Has("roleName") {
		if sa.RoleName == "" || len(sa.RoleName) > 64 || !iamName.MatchString(sa.RoleName) {
			v.errorf(sa.At("roleName"), "roleName %q must be 1 to 64 letters, digits or +=,.@_-", sa.RoleName)
		}
		if sa.PerCluster && len(clusters) > 1 {
			v.errorf(sa.At("roleName"), "roleName names one role, but perCluster makes one role per cluster; remove roleName or perCluster")
		}
	}
	v.managedPolicies(sa)
	v.unique(&sa.Meta, "policies", sa.Policies, func(pos string, p string) {
		if _, ok := v.policies[p]; !ok {
			v.errorf(sa.At(pos), "policy %q is not defined%s", p, didYouMeanPolicy(p, v.policies))
		}
	})
	if sa.Has("inlinePolicy") {
		v.document(&sa.Meta, "inlinePolicy", sa.InlinePolicy)
	}
	v.unique(&sa.Meta, "deployments", sa.Deployments, func(pos string, d string) {
		if len(d) > 253 || !dnsSubdomain.MatchString(d) {
			v.errorf(sa.At(pos), "deployment name %q is not a Kubernetes object name", d)
		}
	})
	// Each key is checked on its own, so the maps' order does not matter: the diagnostics are
	// sorted at the end.
	for k := range sa.Annotations {
		pos := sa.At("annotations." + k)
		if why, reserved := reservedAnnotations[k]; reserved {
			v.errorf(pos, "annotation %s is set by irsagen; %s", k, why)
		} else if !validQualifiedName(k) {
			v.errorf(pos, "annotation key %q is not a valid Kubernetes key", k)
		}
	}
	for k, val := range sa.Labels {
		pos := sa.At("labels." + k)
		if !validQualifiedName(k) {
			v.errorf(pos, "label key %q is not a valid Kubernetes key", k)
		} else if val != "" && (len(val) > 63 || !labelName.MatchString(val)) {
			v.errorf(pos, "label %s: value %q is not a valid Kubernetes label value", k, val)
		}
	}
	v.settings(&sa.Meta, "", &sa.RoleSettings)
	v.wellKnown(sa)
	v.serviceAccountOwner(sa)
	v.serviceAccountIdentity(sa, clusters)
	return bindings
}

// clusterRefs checks a ServiceAccount's clusters and returns the names it binds to.
func (v *validator) clusterRefs(sa *ServiceAccount) []string {
	if len(sa.Clusters) == 0 {
		v.errorf(sa.At("clusters"), "ServiceAccount %q needs clusters: a list of cluster names, or [\"*\"] for all", sa.Name)
		return nil
	}
	if len(sa.Clusters) == 1 && sa.Clusters[0] == AllClusters {
		return keys(v.clusters)
	}
	var out []string
	v.unique(&sa.Meta, "clusters", sa.Clusters, func(pos string, c string) {
		if c == AllClusters {
			v.errorf(sa.At(pos), "\"*\" means every cluster and must stand alone in clusters")
			return
		}
		if _, ok := v.clusters[c]; !ok {
			v.errorf(sa.At(pos), "cluster %q is not defined%s", c, didYouMeanCluster(c, v.clusters))
			return
		}
		out = append(out, c)
	})
	return out
}

func (v *validator) managedPolicies(sa *ServiceAccount) {
	v.unique(&sa.Meta, "managedPolicies", sa.ManagedPolicies, func(pos string, p string) {
		if strings.HasPrefix(p, "arn:") {
			if !policyARN.MatchString(p) {
				v.errorf(sa.At(pos), "managed policy %q is not a policy ARN (arn:aws:iam::111122223333:policy/name)", p)
			}
			return
		}
		if !managedName.MatchString(p) {
			v.errorf(sa.At(pos), "managed policy %q is neither a policy ARN nor the name of an AWS-managed policy", p)
		}
	})
}

// unique calls each on every item of a list of strings, and reports items written twice.
func (v *validator) unique(m *Meta, key string, items []string, each func(pos, item string)) {
	var seen map[string]int // for long lists; short ones, nearly all, are scanned
	if len(items) > 16 {
		seen = make(map[string]int, len(items))
	}
	for i, item := range items {
		pos := itemPath(key, i)
		j := -1
		if seen != nil {
			if k, dup := seen[item]; dup {
				j = k
			} else {
				seen[item] = i
			}
		} else {
			j = slices.Index(items[:i], item)
		}
		if j >= 0 {
			v.errorf(m.At(pos), "%q is listed twice in %s (also at line %d)", item, key, m.At(itemPath(key, j)).Line)
			continue
		}
		each(pos, item)
	}
}

func didYouMeanCluster(name string, m map[string]*Cluster) string {
	return didYouMean(name, keys(m), "clusters")
}

func didYouMeanPolicy(name string, m map[string]*Policy) string {
	return didYouMean(name, keys(m), "policies")
}
