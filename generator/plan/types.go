package plan

import "github.com/irsagen/irsagen/generator/config"

// Plan is everything irsagen will render, resolved and sorted: no field depends on the order of
// irsa.yaml's lists, on maps' iteration order or on anything outside the config.
type Plan struct {
	StackPrefix string
	// ConfigDir is the config's directory as seen from the output directory ("..", "."), with
	// '/' separators; overlays reach app bases through it.
	ConfigDir string
	Accounts  []*Account  // by name
	Clusters  []*Cluster  // by name
	Providers []*Provider // by account, then issuer
	Policies  []*ManagedPolicy
	Roles     []*Role  // by account, then role name
	Stacks    []*Stack // in deployment order: providers, policies, roles, Pod Identity; then by name
	// Associations are the EKS Pod Identity associations, by cluster, namespace and name.
	Associations []*Association
	// Moves are the roles that leave the stack the earlier output put them in, by account and
	// role name: what a deploy must refactor rather than delete and create.
	Moves []Move
}

// Account is an AWS account with its partition resolved from its region.
type Account struct {
	Name      string
	ID        string
	Region    string
	Partition string
	Limits    Limits
	Source    *config.Account
}

// Limits are the quotas in force for one account.
type Limits struct {
	TrustPolicySize        int
	ManagedPoliciesPerRole int
	InlinePolicySize       int
	ManagedPolicySize      int
	OIDCProviders          int
}

// Cluster is an EKS cluster, with what its overlay will hold.
type Cluster struct {
	Name string
	// Key is ClusterKey(Name): the cluster in role names and output paths.
	Key       string
	Account   *Account
	Region    string
	Partition string
	Issuer    string // https URL
	HostPath  string // the issuer without https://, as IAM condition keys name it
	// Existing is true when the cluster's own account already has its OIDC provider.
	Existing        bool
	Thumbprints     []string
	Resources       []string // app bases, relative to the config directory
	ServiceAccounts []*ServiceAccount
	Components      []*Component
	Source          *config.Cluster
}

// Provider is an IAM OIDC identity provider for one cluster's issuer in one account.
type Provider struct {
	Account   *Account
	Cluster   *Cluster
	ARN       string
	ClientIDs []string // every audience of the roles that trust it, sorted
	// Create is false when the provider already exists (oidcProvider: existing in the cluster's
	// own account); it is then referenced by ARN and not rendered.
	Create    bool
	LogicalID string
	Stack     *Stack
}

// ManagedPolicy is a named policy of the config, rendered once in each account that uses it.
type ManagedPolicy struct {
	Account   *Account
	Name      string
	Path      string
	ARN       string
	Document  config.Document
	LogicalID string
	Stack     *Stack
	Source    *config.Policy
}

// Role is one IAM role and the ServiceAccount bindings that may assume it.
type Role struct {
	Account             *Account
	Name                string
	Path                string
	ARN                 string
	LogicalID           string
	Description         string
	PermissionsBoundary string
	MaxSessionDuration  int // 0: CloudFormation's default
	Tags                []Tag
	ManagedPolicyARNs   []string // sorted; includes the ARNs of Policies
	Policies            []*ManagedPolicy
	InlinePolicies      []InlinePolicy // by name
	Namespace           string
	ServiceAccount      string
	Trust               []TrustStatement   // one per cluster, by cluster name
	PodIdentity         []PodIdentityTrust // see podidentity.go
	Chain               []ChainTrust
	Target              *Role // for a role that only chains into another
	Stack               *Stack
	Source              *config.ServiceAccount
}

// InlinePolicy is a policy embedded in one role: the config's inlinePolicy ("inline"), a
// wellKnown add-on policy, or a Jsonnet policy whose document differs between the roles of an
// account.
type InlinePolicy struct {
	Name     string
	Document map[string]any
}

// Tag is an IAM tag, exactly as written in the config.
type Tag struct{ Key, Value string }

// TrustStatement lets one ServiceAccount of one cluster assume a role.
type TrustStatement struct {
	Cluster  *Cluster
	Provider *Provider
	Subject  string // system:serviceaccount:<namespace>:<name>
	Audience string
}

// Stack is one CloudFormation stack and the resources its template holds.
type Stack struct {
	Name         string
	Account      *Account
	Kind         string // StackProviders, StackPolicies or StackRoles
	Index        int    // the stack's number among those of its kind: 0 for the first (docs/stacks.md)
	Region       string // where the stack is deployed, when not its account's region
	Template     string // path relative to the output directory
	Providers    []*Provider
	Policies     []*ManagedPolicy
	Roles        []*Role
	Associations []*Association
	DependsOn    []string
	Capabilities []string
	base         string // the name of the first stack of its kind: its stacks sort together
}

// ServiceAccount is a Kubernetes ServiceAccount in one cluster, bound to its role.
type ServiceAccount struct {
	Cluster     *Cluster
	Namespace   string
	Name        string
	Role        *Role
	Identity    string       // config.IdentityIRSA, IdentityPodIdentity or IdentityBoth
	Association *Association // with Pod Identity
	Annotations map[string]string
	Labels      map[string]string
	// Create is false when something else creates the ServiceAccount (createServiceAccount:
	// false): irsagen renders its role and Components, not its manifest. Annotations still
	// hold what the owner must set on it.
	Create bool
	Source *config.ServiceAccount
}

// Component patches one Deployment of a cluster to run as a ServiceAccount.
type Component struct {
	Cluster        *Cluster
	Namespace      string
	Deployment     string
	ServiceAccount string
	// CredentialsHash goes on the Deployment's pod template (CredentialsHashAnnotation), so
	// that its pods roll when the credentials the webhook injects change.
	CredentialsHash string
}
