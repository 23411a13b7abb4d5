package config

import (
	"fmt"
	"slices"
	"strings"
)

// Pod Identity is not available everywhere IRSA is. A cluster or ServiceAccount that asks for it
// where EKS cannot serve it is refused here, at the line that asks, with the way out: stay on
// IRSA. The per-cluster association quota needs the plan and is checked there.

func validIdentity(s string) bool {
	return s == "" || s == IdentityIRSA || s == IdentityPodIdentity || s == IdentityBoth
}

// podIdentityBlocker says why cluster c cannot serve Pod Identity, or "" when it can.
func podIdentityBlocker(c *Cluster) string {
	switch {
	case strings.HasPrefix(c.Region, "cn-"):
		return fmt.Sprintf("EKS Pod Identity is not available in the China regions (%s)", c.Region)
	case c.Fargate:
		return "EKS Pod Identity is not available on Fargate (the cluster says fargate: true)"
	case c.Windows:
		return "EKS Pod Identity is not available on Windows nodes (the cluster says windows: true)"
	case c.Outposts:
		return "EKS Pod Identity is not available on AWS Outposts (the cluster says outposts: true)"
	}
	return ""
}

// clusterIdentity checks a cluster's identity setting.
func (v *validator) clusterIdentity(c *Cluster) {
	if !validIdentity(c.Identity) {
		v.errorf(c.At("identity"), "identity must be %q, %q or %q, not %q", IdentityIRSA, IdentityPodIdentity, IdentityBoth, c.Identity)
		return
	}
	if UsesPodIdentity(c.Identity) {
		if why := podIdentityBlocker(c); why != "" {
			v.errorf(c.At("identity"), "cluster %q cannot use identity %s: %s; stay on IRSA (identity: irsa, or remove the key)", c.Name, c.Identity, why)
		}
	}
}

// serviceAccountIdentity checks a ServiceAccount's identity and Pod Identity settings against
// the clusters it binds. A blocked cluster is reported once, at the cluster, when the
// ServiceAccount inherits its identity from it.
func (v *validator) serviceAccountIdentity(sa *ServiceAccount, clusters []string) {
	if !validIdentity(sa.Identity) {
		v.errorf(sa.At("identity"), "identity must be %q, %q or %q, not %q", IdentityIRSA, IdentityPodIdentity, IdentityBoth, sa.Identity)
		return
	}
	if UsesPodIdentity(sa.Identity) {
		for _, name := range slices.Sorted(slices.Values(clusters)) {
			c := v.clusters[name]
			if why := podIdentityBlocker(c); why != "" {
				v.errorf(sa.At("identity"), "ServiceAccount %s/%s cannot use identity %s in cluster %q: %s; stay on IRSA (identity: irsa), or bind it to clusters that can",
					sa.Namespace, sa.Name, sa.Identity, c.Name, why)
			}
		}
	}
	pi := &sa.PodIdentity
	if pi.Has("sessionPolicy") {
		v.document(&pi.Meta, "sessionPolicy", pi.SessionPolicy)
		if !pi.DisableSessionTags {
			v.errorf(pi.At("sessionPolicy"), "a session policy needs disableSessionTags: true (EKS accepts a Pod Identity association's policy only without session tags); add it under podIdentity")
		}
	}
}
