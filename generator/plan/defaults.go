package plan

// AWS defaults, used wherever irsa.yaml says nothing.
const (
	DefaultAudience = "sts.amazonaws.com"
	DefaultPath     = "/"
	DefaultPrefix   = "irsa"
	// DefaultThumbprint is the SHA-1 of the root CA behind EKS OIDC issuers. IAM no longer uses
	// thumbprints for EKS issuers, but CloudFormation requires a ThumbprintList.
	DefaultThumbprint = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
)

// DefaultLimits are IAM's default quotas.
var DefaultLimits = Limits{
	TrustPolicySize:        2048,
	ManagedPoliciesPerRole: 10,
	InlinePolicySize:       10240,
	ManagedPolicySize:      6144,
	OIDCProviders:          100,
}
