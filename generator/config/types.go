package config

// The types below are irsa.yaml. Their yaml tags are the file's keys, and the JSON Schema in
// schema/ is generated from them, so a field added here appears in editors once `make schema`
// has run. `jsonschema` tags carry the ranges and patterns that editors can check on their own;
// Validate enforces the same rules (and the ones a schema cannot express) with positions.

// APIVersion and Kind identify an irsa.yaml.
const (
	APIVersion = "irsagen/v1"
	Kind       = "Config"
)

// Config is a whole irsa.yaml.
type Config struct {
	Meta            `yaml:"-"`
	APIVersion      string           `yaml:"apiVersion" jsonschema:"required,enum=irsagen/v1"`
	Kind            string           `yaml:"kind" jsonschema:"required,enum=Config"`
	Output          Output           `yaml:"output,omitempty" jsonschema:"description=Where generated files go and how stacks are named."`
	Accounts        []Account        `yaml:"accounts" jsonschema:"required,minItems=1,description=AWS accounts that own roles or run clusters."`
	Clusters        []Cluster        `yaml:"clusters" jsonschema:"required,minItems=1,description=EKS clusters whose ServiceAccounts assume roles."`
	Defaults        RoleSettings     `yaml:"defaults,omitempty" jsonschema:"description=Role and ServiceAccount settings that every ServiceAccount inherits unless it sets its own."`
	Limits          Limits           `yaml:"limits,omitempty" jsonschema:"description=IAM and CloudFormation quotas\\, for accounts that have had them raised."`
	Policies        []Policy         `yaml:"policies,omitempty" jsonschema:"description=Reusable named policies\\, rendered once per account as AWS::IAM::ManagedPolicy."`
	ServiceAccounts []ServiceAccount `yaml:"serviceAccounts,omitempty" jsonschema:"description=Kubernetes ServiceAccounts and the IAM role each one assumes."`
	Catalog         Catalog          `yaml:"catalog,omitempty" jsonschema:"description=AWS names that irsagen's built-in lists lack\\, being newer: they are then accepted (docs/catalog.md)."`
}

// Catalog allows AWS names newer than irsagen's dated lists of AWS-managed policies and regions.
type Catalog struct {
	Meta            `yaml:"-"`
	ManagedPolicies []string `yaml:"managedPolicies,omitempty" jsonschema:"description=AWS-managed policy names\\, with their paths (service-role/X)\\, to accept in every partition."`
	Regions         []string `yaml:"regions,omitempty" jsonschema:"description=Region names to accept; the partition follows from the name (cn-* is aws-cn\\, us-gov-* aws-us-gov)."`
}

// Output controls the generated tree.
type Output struct {
	Meta        `yaml:"-"`
	Dir         string `yaml:"dir,omitempty" jsonschema:"description=Output directory relative to irsa.yaml (default: out)."`
	StackPrefix string `yaml:"stackPrefix,omitempty" jsonschema:"pattern=^[a-zA-Z][a-zA-Z0-9-]{0\\,31}$,description=Prefix of every CloudFormation stack name (default: irsa)."`
}

// Account is an AWS account that holds IAM stacks.
type Account struct {
	Meta       `yaml:"-"`
	Name       string `yaml:"name" jsonschema:"required,pattern=^[a-z0-9]([a-z0-9-]{0\\,38}[a-z0-9])?$,description=Short name used in stack names and file paths."`
	ID         string `yaml:"id" jsonschema:"required,oneof_type=string;integer,description=12-digit account id. Quote it: leading zeros matter." jsonschema_extras:"pattern=^[0-9]{12}$"`
	Region     string `yaml:"region" jsonschema:"required,description=Region where this account's IAM stacks are deployed."`
	RoleStacks int    `yaml:"roleStacks,omitempty" jsonschema:"minimum=1,maximum=1000,description=Deprecated and ignored: irsagen sizes role stacks itself (docs/stacks.md)."`
	Limits     Limits `yaml:"limits,omitempty" jsonschema:"description=Quotas this account has had raised; overrides the top-level limits."`
	// ExistingOIDCProviders are issuers whose IAM OIDC provider this account already has (made by
	// eksctl, by hand or by another tool): roles here trust it, irsagen does not create it.
	ExistingOIDCProviders []string      `yaml:"existingOidcProviders,omitempty" jsonschema:"description=OIDC issuer URLs of clusters whose IAM OIDC provider already exists in this account; irsagen references it instead of creating it. For the cluster's own account oidcProvider: existing says the same."`
	Deploy                AccountDeploy `yaml:"deploy,omitempty" jsonschema:"description=Credentials that irsagen plan and apply use for this account (default: the standard AWS SDK chain)."`
}

// AccountDeploy says how irsagen plan and apply reach an account: a profile of the AWS shared
// config, a role to assume (with the profile's credentials, else the standard chain's), or both.
type AccountDeploy struct {
	Meta       `yaml:"-"`
	Profile    string `yaml:"profile,omitempty" jsonschema:"description=Profile of the AWS shared config and credentials files."`
	RoleARN    string `yaml:"roleArn,omitempty" jsonschema:"pattern=^arn:aws[a-z-]*:iam::[0-9]{12}:role/,description=Role to assume in this account."`
	ExternalID string `yaml:"externalId,omitempty" jsonschema:"description=External id that the role's trust policy requires."`
}

// Cluster is an EKS cluster and its OIDC issuer.
type Cluster struct {
	Meta            `yaml:"-"`
	Name            string           `yaml:"name" jsonschema:"required,pattern=^[A-Za-z0-9][A-Za-z0-9_-]{0\\,99}$,description=The EKS cluster's name: 1 to 100 letters\\, digits\\, '-' and '_'\\, starting with a letter or digit."`
	Account         string           `yaml:"account" jsonschema:"required,description=Name of the account the cluster runs in."`
	Region          string           `yaml:"region" jsonschema:"required"`
	OIDCIssuer      string           `yaml:"oidcIssuer" jsonschema:"required,pattern=^https://,description=The cluster's OIDC issuer URL (aws eks describe-cluster --query cluster.identity.oidc.issuer)."`
	OIDCProvider    string           `yaml:"oidcProvider,omitempty" jsonschema:"enum=create,enum=existing,description=create (default): irsagen's stacks create the IAM OIDC provider; existing: it already exists in the cluster's account."`
	Thumbprints     []string         `yaml:"thumbprints,omitempty" jsonschema:"maxItems=5,description=ThumbprintList of the OIDC provider. IAM does not use it for EKS issuers but CloudFormation requires one."`
	Kustomize       ClusterKustomize `yaml:"kustomize,omitempty"`
	ClusterIdentity `yaml:",inline"`
	// CredentialsCheck, when set, adds to the cluster's overlay a Job per ServiceAccount that
	// proves, after each sync, that pods running as it get exactly their role.
	CredentialsCheck *CredentialsCheck `yaml:"credentialsCheck,omitempty" jsonschema:"description=Render a Job per ServiceAccount that checks after each sync that pods running as it get exactly their role (docs/credentials-check.md)."`
}

// CredentialsCheck configures the Jobs that check a cluster's ServiceAccounts in the cluster.
type CredentialsCheck struct {
	Meta  `yaml:"-"`
	Image string `yaml:"image" jsonschema:"required,pattern=@sha256:[0-9a-f]{64}$,description=irsagen's container image pinned by digest (registry/irsagen:vX.Y.Z@sha256:...) or its copy in a private registry."`
}

// ClusterKustomize lists what a cluster's overlay includes besides its ServiceAccounts.
type ClusterKustomize struct {
	Meta      `yaml:"-"`
	Resources []string `yaml:"resources,omitempty" jsonschema:"description=App bases relative to irsa.yaml. The overlay includes them and patches their Deployments."`
}

// RoleSettings are the settings that defaults give and each ServiceAccount may override.
// Pointers distinguish "not set" from a zero value.
type RoleSettings struct {
	RolePath             *string           `yaml:"rolePath,omitempty" jsonschema:"pattern=^/([!-~]+/)?$,description=IAM path of the role (default /)."`
	PermissionsBoundary  *string           `yaml:"permissionsBoundary,omitempty" jsonschema:"description=Managed policy that bounds the role: an ARN\\, or the name (with optional path) of a customer policy resolved in the role's own account."`
	MaxSessionDuration   *int              `yaml:"maxSessionDuration,omitempty" jsonschema:"minimum=3600,maximum=43200"`
	Tags                 map[string]string `yaml:"tags,omitempty" jsonschema:"description=Role tags; a ServiceAccount's tags are merged over the defaults."`
	Audience             *string           `yaml:"audience,omitempty" jsonschema:"description=Token audience (default sts.amazonaws.com in every partition)."`
	StsRegionalEndpoints *bool             `yaml:"stsRegionalEndpoints,omitempty" jsonschema:"description=Annotate the ServiceAccount to use the regional STS endpoint."`
	TokenExpiration      *int              `yaml:"tokenExpiration,omitempty" jsonschema:"minimum=600,maximum=86400,description=Projected token lifetime in seconds."`
}

// Limits are quotas that an account may have had raised. Zero means "AWS's default".
type Limits struct {
	Meta                   `yaml:"-"`
	TrustPolicySize        int `yaml:"trustPolicySize,omitempty" jsonschema:"minimum=1,maximum=8192,description=Role trust policy size in characters without whitespace (default 2048)."`
	ManagedPoliciesPerRole int `yaml:"managedPoliciesPerRole,omitempty" jsonschema:"minimum=1,maximum=20,description=Managed policies attached to one role (default 10)."`
	InlinePolicySize       int `yaml:"inlinePolicySize,omitempty" jsonschema:"minimum=1,maximum=10240,description=All inline policies of a role together\\, in characters without whitespace (default 10240)."`
	ManagedPolicySize      int `yaml:"managedPolicySize,omitempty" jsonschema:"minimum=1,maximum=6144,description=One managed policy\\, in characters without whitespace (default 6144)."`
	OIDCProviders          int `yaml:"oidcProviders,omitempty" jsonschema:"minimum=1,maximum=700,description=OIDC providers per account (default 100)."`
}

// Policy is a reusable named policy.
type Policy struct {
	Meta        `yaml:"-"`
	Name        string       `yaml:"name" jsonschema:"required,pattern=^[A-Za-z0-9+=\\,.@_-]{1\\,128}$"`
	Description string       `yaml:"description,omitempty" jsonschema:"maxLength=1000"`
	Document    Document     `yaml:"document,omitempty" jsonschema:"description=An IAM policy document written in YAML."`
	Jsonnet     string       `yaml:"jsonnet,omitempty" jsonschema:"description=A Jsonnet file relative to irsa.yaml that evaluates to a policy document."`
	Args        Value        `yaml:"args,omitempty" jsonschema:"description=Top-level arguments of the Jsonnet file."`
	Accept      []Acceptance `yaml:"accept,omitempty" jsonschema:"description=Permission-lint findings on this policy accepted on purpose; see docs/lint.md."`
}

// ServiceAccount is a Kubernetes ServiceAccount bound to one or more clusters, and its role.
type ServiceAccount struct {
	Meta                 `yaml:"-"`
	Name                 string            `yaml:"name" jsonschema:"required"`
	Namespace            string            `yaml:"namespace" jsonschema:"required"`
	Clusters             []string          `yaml:"clusters" jsonschema:"required,minItems=1,description=Cluster names\\, or [\"*\"] for every cluster."`
	Account              string            `yaml:"account,omitempty" jsonschema:"description=Account that owns the role (default: each cluster's account)."`
	RoleName             string            `yaml:"roleName,omitempty" jsonschema:"pattern=^[A-Za-z0-9+=\\,.@_-]{1\\,64}$"`
	PerCluster           bool              `yaml:"perCluster,omitempty" jsonschema:"description=One role per cluster instead of one role per account."`
	ManagedPolicies      []string          `yaml:"managedPolicies,omitempty" jsonschema:"description=Policy ARNs\\, or names of AWS-managed policies."`
	Policies             []string          `yaml:"policies,omitempty" jsonschema:"description=Names from policies."`
	InlinePolicy         Document          `yaml:"inlinePolicy,omitempty"`
	Deployments          []string          `yaml:"deployments,omitempty" jsonschema:"description=Deployments in the namespace that run as this ServiceAccount."`
	Annotations          map[string]string `yaml:"annotations,omitempty"`
	Labels               map[string]string `yaml:"labels,omitempty"`
	WellKnown            []WellKnown       `yaml:"wellKnown,omitempty" jsonschema:"description=Policies from irsagen's built-in library of add-ons (irsagen policies lists them)\\, attached inline."`
	Accept               []Acceptance      `yaml:"accept,omitempty" jsonschema:"description=Permission-lint findings on this ServiceAccount's inlinePolicy\\, wellKnown add-ons and managedPolicies accepted on purpose; see docs/lint.md."`
	SkipCredentialsCheck bool              `yaml:"skipCredentialsCheck,omitempty" jsonschema:"description=No credentials-check Job for this ServiceAccount\\, even where its cluster has credentialsCheck."`
	// CreateServiceAccount false leaves the ServiceAccount to its owner: a Helm chart or an EKS
	// managed add-on that creates it and takes the role ARN as a value.
	CreateServiceAccount *bool       `yaml:"createServiceAccount,omitempty" jsonschema:"default=true,description=false when something else creates the ServiceAccount (a Helm chart or an EKS managed add-on): irsagen renders its role and trust\\, and Components for its deployments\\, but no ServiceAccount manifest. The role ARN is a stack output; docs/addons.md shows where it goes."`
	Identity             string      `yaml:"identity,omitempty" jsonschema:"enum=irsa,enum=podIdentity,enum=both,description=How its pods get the role in every bound cluster; overrides the cluster's identity. See docs/pod-identity.md."`
	PodIdentity          PodIdentity `yaml:"podIdentity,omitempty" jsonschema:"description=Settings of its EKS Pod Identity associations."`
	RoleSettings         `yaml:",inline"`
}

// WellKnown attaches a policy of the built-in add-on library, e.g. external-dns.
type WellKnown struct {
	Meta `yaml:"-"`
	Name string `yaml:"name" jsonschema:"required,description=Name of the add-on policy; irsagen policies lists them."`
	Args Value  `yaml:"args,omitempty" jsonschema:"description=Arguments of the add-on policy."`
}

// Document is an IAM policy document as written: maps, lists, strings and booleans. Numbers keep
// their literal text as strings, so an account id is never turned into a float.
type Document map[string]any

// Value is free-form data (Jsonnet arguments): maps, lists, strings, booleans and json.Number.
type Value map[string]any
