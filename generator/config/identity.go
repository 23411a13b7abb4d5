package config

// How pods get their role: IRSA (a projected token exchanged through the cluster's IAM OIDC
// provider), EKS Pod Identity (an association that the EKS Pod Identity Agent serves), or both
// during a migration. docs/pod-identity.md explains the choice and the staged migration.

// Identity values of clusters[].identity and serviceAccounts[].identity.
const (
	IdentityIRSA        = "irsa"
	IdentityPodIdentity = "podIdentity"
	IdentityBoth        = "both"
)

// ClusterIdentity is what a cluster says about Pod Identity: its default for the ServiceAccounts
// bound to it, and the kinds of compute that Pod Identity cannot serve.
type ClusterIdentity struct {
	Identity string `yaml:"identity,omitempty" jsonschema:"enum=irsa,enum=podIdentity,enum=both,description=How pods of this cluster get their roles unless a ServiceAccount says otherwise: irsa (default)\\, podIdentity\\, or both during a migration. See docs/pod-identity.md."`
	Fargate  bool   `yaml:"fargate,omitempty" jsonschema:"description=Some pods of this cluster run on Fargate\\, where EKS Pod Identity is not available: its ServiceAccounts stay on IRSA."`
	Windows  bool   `yaml:"windows,omitempty" jsonschema:"description=Some pods of this cluster run on Windows nodes\\, where EKS Pod Identity is not available: its ServiceAccounts stay on IRSA."`
	Outposts bool   `yaml:"outposts,omitempty" jsonschema:"description=The cluster runs on AWS Outposts\\, where EKS Pod Identity is not available: its ServiceAccounts stay on IRSA."`
}

// PodIdentity holds the settings of a ServiceAccount's Pod Identity associations.
type PodIdentity struct {
	Meta               `yaml:"-"`
	DisableSessionTags bool     `yaml:"disableSessionTags,omitempty" jsonschema:"description=EKS adds no session tags. The role is then reached through a role in the cluster's account that can assume nothing else\\, and its trust checks sts:ExternalId."`
	SessionPolicy      Document `yaml:"sessionPolicy,omitempty" jsonschema:"description=A session policy (an IAM policy document) that narrows the role's permissions for these pods. Needs disableSessionTags: true."`
}

// EffectiveIdentity is the identity of sa's pods in cluster c: the ServiceAccount's own, else
// the cluster's, else IRSA.
func EffectiveIdentity(sa *ServiceAccount, c *Cluster) string {
	switch {
	case sa.Identity != "":
		return sa.Identity
	case c.Identity != "":
		return c.Identity
	}
	return IdentityIRSA
}

// UsesIRSA and UsesPodIdentity split an identity into its two ways.
func UsesIRSA(identity string) bool { return identity != IdentityPodIdentity }
func UsesPodIdentity(identity string) bool {
	return identity == IdentityPodIdentity || identity == IdentityBoth
}
