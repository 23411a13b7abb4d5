package config

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/irsagen/irsagen/generator/diag"
)

// Values shared by Validate and the later stages.
const (
	ProviderCreate   = "create"
	ProviderExisting = "existing"
	AllClusters      = "*"
)

// Validate checks every rule that needs the whole config: names, references, ranges and the
// shape of policy documents. It returns all problems at once, sorted by position.
func Validate(f *File) error {
	v := &validator{file: f.Path, cfg: f.Config}
	v.top()
	v.checkAccounts()
	v.checkClusters()
	v.checkExistingProviders()
	v.settings(&f.Config.Meta, "defaults.", &f.Config.Defaults)
	v.limits(&f.Config.Limits, "")
	v.checkPolicies()
	v.checkServiceAccounts()
	v.checkCredentialsChecks()
	v.checkValues()
	v.checkCatalog()
	return v.diags.Sort().Err()
}

type validator struct {
	file     string
	cfg      *Config
	diags    diag.List
	accounts map[string]*Account
	clusters map[string]*Cluster
	policies map[string]*Policy
}

func (v *validator) errorf(pos diag.Pos, format string, args ...any) {
	v.diags.Add(v.file, pos, format, args...)
}

func (v *validator) top() {
	c := v.cfg
	if c.APIVersion != APIVersion {
		v.errorf(c.At("apiVersion"), "apiVersion must be %q, not %q", APIVersion, c.APIVersion)
	}
	if c.Kind != Kind {
		v.errorf(c.At("kind"), "kind must be %q, not %q", Kind, c.Kind)
	}
	if c.Output.StackPrefix != "" && !stackPrefix.MatchString(c.Output.StackPrefix) {
		v.errorf(c.Output.At("stackPrefix"), "stackPrefix %q must start with a letter and hold at most 32 letters, digits and hyphens", c.Output.StackPrefix)
	}
	if len(c.Accounts) == 0 {
		v.errorf(c.At("accounts"), "at least one account is needed under accounts")
	}
	if len(c.Clusters) == 0 {
		v.errorf(c.At("clusters"), "at least one cluster is needed under clusters")
	}
}

func (v *validator) checkAccounts() {
	v.accounts = map[string]*Account{}
	ids := map[string]*Account{}
	for i := range v.cfg.Accounts {
		a := &v.cfg.Accounts[i]
		if v.name(&a.Meta, "account", a.Name, shortName, "lowercase letters, digits and '-', at most 40") {
			if prev, dup := v.accounts[a.Name]; dup {
				v.errorf(a.At("name"), "account %q is defined twice (first at line %d)", a.Name, prev.Pos().Line)
			} else {
				v.accounts[a.Name] = a
			}
		}
		switch {
		case a.ID == "" && !a.Has("id"):
			v.errorf(a.Pos(), "account %q needs an id", a.Name)
		case !accountID.MatchString(a.ID):
			v.errorf(a.At("id"), "account id %q must be exactly 12 digits, written as a string", a.ID)
		default:
			if prev, dup := ids[a.ID]; dup {
				v.errorf(a.At("id"), "account id %s is used by accounts %q and %q (line %d); one account, one entry", a.ID, prev.Name, a.Name, prev.Pos().Line)
			} else {
				ids[a.ID] = a
			}
		}
		v.region(&a.Meta, a.Region)
		if a.Has("roleStacks") && (a.RoleStacks < 1 || a.RoleStacks > 1000) {
			v.errorf(a.At("roleStacks"), "roleStacks must be between 1 and 1000, not %d", a.RoleStacks)
		}
		v.limits(&a.Limits, fmt.Sprintf("account %q: ", a.Name))
	}
}

func (v *validator) region(m *Meta, r string) {
	switch {
	case r == "" && !m.Has("region"):
		v.errorf(m.Pos(), "region is required")
	case !region.MatchString(r):
		v.errorf(m.At("region"), "region %q is not an AWS region such as us-east-1, cn-north-1 or us-gov-west-1", r)
	default:
		v.catalogRegion(m.At("region"), r)
	}
}

// name checks a required name against a pattern and reports whether it is usable.
func (v *validator) name(m *Meta, what, name string, re *regexp.Regexp, rule string) bool {
	if name == "" {
		if !m.Has("name") {
			v.errorf(m.Pos(), "%s needs a name", what)
		} else {
			v.errorf(m.At("name"), "%s name must not be empty", what)
		}
		return false
	}
	if !re.MatchString(name) {
		v.errorf(m.At("name"), "%s name %q is invalid: %s", what, name, rule)
		return false
	}
	return true
}

var (
	eksIssuerHost = regexp.MustCompile(`^oidc\.eks\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$`)
	// issuerHostPath is an issuer without its scheme, in the shape IAM OIDC provider ARNs take.
	issuerHostPath = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(/[A-Za-z0-9._~-]+)*$`)
)

func (v *validator) checkClusters() {
	v.clusters = map[string]*Cluster{}
	issuers := map[string]*Cluster{}
	for i := range v.cfg.Clusters {
		c := &v.cfg.Clusters[i]
		rule := "an EKS cluster name is 1 to 100 letters, digits, '-' and '_', starting with a letter or digit"
		if len(c.Name) > 100 {
			rule = fmt.Sprintf("it has %d characters; %s", len(c.Name), rule)
		}
		v.name(&c.Meta, "cluster", c.Name, clusterName, rule)
		// A cluster with an invalid name is still defined: its one error is its name, not a
		// second one at every ServiceAccount that names it.
		if c.Name != "" {
			if prev, dup := v.clusters[c.Name]; dup {
				v.errorf(c.At("name"), "cluster %q is defined twice (first at line %d)", c.Name, prev.Pos().Line)
			} else {
				v.clusters[c.Name] = c
			}
		}
		v.accountRef(&c.Meta, "account", c.Account, true)
		v.region(&c.Meta, c.Region)
		if a, ok := v.accounts[c.Account]; ok && region.MatchString(c.Region) && region.MatchString(a.Region) && Partition(c.Region) != Partition(a.Region) {
			v.errorf(c.At("account"), "cluster %q is in %s (partition %s), but account %q is in %s (partition %s); an account belongs to one partition, so name an account of partition %s",
				c.Name, c.Region, Partition(c.Region), a.Name, a.Region, Partition(a.Region), Partition(c.Region))
		}
		if issuer, ok := v.issuer(c); ok {
			if prev, dup := issuers[issuer]; dup {
				v.errorf(c.At("oidcIssuer"), "clusters %q (line %d) and %q have the same oidcIssuer; each EKS cluster has its own", prev.Name, prev.Pos().Line, c.Name)
			} else {
				issuers[issuer] = c
			}
		}
		switch c.OIDCProvider {
		case "", ProviderCreate, ProviderExisting:
		default:
			v.errorf(c.At("oidcProvider"), "oidcProvider must be %q or %q, not %q", ProviderCreate, ProviderExisting, c.OIDCProvider)
		}
		if len(c.Thumbprints) > 5 {
			v.errorf(c.At("thumbprints"), "an OIDC provider takes at most 5 thumbprints, not %d", len(c.Thumbprints))
		}
		for j, t := range c.Thumbprints {
			if !thumbprint.MatchString(t) {
				v.errorf(c.At(fmt.Sprintf("thumbprints[%d]", j)), "thumbprint %q must be 40 hexadecimal characters (a SHA-1 fingerprint)", t)
			}
		}
		for j, r := range c.Kustomize.Resources {
			v.localPath(c.Kustomize.At(fmt.Sprintf("resources[%d]", j)), r)
		}
		v.clusterIdentity(c)
	}
}

// issuer checks a cluster's OIDC issuer and returns it in the form IAM stores (no scheme).
func (v *validator) issuer(c *Cluster) (string, bool) {
	pos := c.At("oidcIssuer")
	if c.OIDCIssuer == "" {
		v.errorf(pos, "cluster %q needs an oidcIssuer (aws eks describe-cluster --name %s --query cluster.identity.oidc.issuer)", c.Name, c.Name)
		return "", false
	}
	u, err := url.Parse(c.OIDCIssuer)
	switch {
	case err != nil || u.Scheme != "https" || u.Host == "" || u.Opaque != "":
		v.errorf(pos, "oidcIssuer %q must be an https:// URL", c.OIDCIssuer)
		return "", false
	case u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Port() != "" || strings.HasSuffix(u.Path, "/") || u.Host != strings.ToLower(u.Host):
		v.errorf(pos, "oidcIssuer %q must be a plain https://host/path URL in lowercase, without port, query, fragment or trailing slash", c.OIDCIssuer)
		return "", false
	case !issuerHostPath.MatchString(strings.TrimPrefix(c.OIDCIssuer, "https://")):
		// The host and path become the OIDC provider's ARN and the prefix of the trust policy's
		// condition keys: a wildcard, an escape or a colon there would change what they match.
		v.errorf(pos, "oidcIssuer %q must be https://<DNS name>/<path> with path segments of letters, digits and ._~- only; no wildcards, escapes or colons", c.OIDCIssuer)
		return "", false
	}
	if m := eksIssuerHost.FindStringSubmatch(u.Host); m != nil && region.MatchString(c.Region) {
		if m[1] != c.Region {
			v.errorf(pos, "oidcIssuer is in region %s but cluster %q is in %s", m[1], c.Name, c.Region)
		}
		china := strings.HasPrefix(c.Region, "cn-")
		if china != (m[2] != "") {
			want := ".amazonaws.com"
			if china {
				want = ".amazonaws.com.cn"
			}
			v.errorf(pos, "oidcIssuer host %s should end in %s in region %s", u.Host, want, c.Region)
		}
	}
	return u.Host + u.Path, true
}

// localPath checks a path that the generated overlay will reference relative to irsa.yaml.
func (v *validator) localPath(pos diag.Pos, p string) {
	switch {
	case p == "":
		v.errorf(pos, "path must not be empty")
	case strings.HasPrefix(p, "/") || strings.Contains(p, "://") || strings.Contains(p, "\\"):
		v.errorf(pos, "path %q must be relative to irsa.yaml, with '/' separators", p)
	}
}

func (v *validator) accountRef(m *Meta, key, name string, required bool) {
	if name == "" {
		if required {
			v.errorf(m.At(key), "%s is required", key)
		}
		return
	}
	if _, ok := v.accounts[name]; !ok {
		v.errorf(m.At(key), "account %q is not defined%s", name, diag.DidYouMean(name, keys(v.accounts), "accounts"))
	}
}

func (v *validator) settings(m *Meta, prefix string, s *RoleSettings) {
	if s.RolePath != nil && (len(*s.RolePath) > 512 || !iamPath.MatchString(*s.RolePath)) {
		v.errorf(m.At(prefix+"rolePath"), "rolePath %q must start and end with '/' and hold printable ASCII only, e.g. /irsa/", *s.RolePath)
	}
	// A boundary is a policy ARN, or the name (with an optional path) of a customer policy that
	// exists under that name in every account: IAM attaches only policies of the role's own
	// account, so a fleet-wide default must be resolved in each role's account.
	if b := s.PermissionsBoundary; b != nil && !policyARN.MatchString(*b) && (strings.HasPrefix(*b, "arn:") || !managedName.MatchString(*b)) {
		v.errorf(m.At(prefix+"permissionsBoundary"), "permissionsBoundary %q must be a policy ARN (arn:aws:iam::111122223333:policy/irsa-boundary) or the name of a policy in each role's account (irsa-boundary)", *b)
	}
	if s.MaxSessionDuration != nil && (*s.MaxSessionDuration < 3600 || *s.MaxSessionDuration > 43200) {
		v.errorf(m.At(prefix+"maxSessionDuration"), "maxSessionDuration must be between 3600 and 43200 seconds, not %d", *s.MaxSessionDuration)
	}
	if s.TokenExpiration != nil && (*s.TokenExpiration < 600 || *s.TokenExpiration > 86400) {
		v.errorf(m.At(prefix+"tokenExpiration"), "tokenExpiration must be between 600 and 86400 seconds, not %d", *s.TokenExpiration)
	}
	if s.Audience != nil && (*s.Audience == "" || len(*s.Audience) > 255 || strings.ContainsAny(*s.Audience, " *?")) {
		v.errorf(m.At(prefix+"audience"), "audience %q must be 1 to 255 characters without spaces or wildcards", *s.Audience)
	}
	if len(s.Tags) > 50 {
		v.errorf(m.At(prefix+"tags"), "a role takes at most 50 tags, not %d", len(s.Tags))
	}
	folded := map[string]string{} // IAM compares a role's tag keys regardless of case
	for _, k := range sortedKeys(s.Tags) {
		val := s.Tags[k]
		pos := m.At(prefix + "tags." + k)
		switch {
		case k == "" || len(k) > 128 || !tagChars.MatchString(k):
			v.errorf(pos, "tag key %q must be 1 to 128 letters, digits, spaces or _.:/=+-@", k)
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			v.errorf(pos, "tag key %q uses the reserved prefix aws:", k)
		case folded[strings.ToLower(k)] != "":
			v.errorf(pos, "tag keys %q and %q differ only in case; IAM treats them as one key", folded[strings.ToLower(k)], k)
		case len(val) > 256 || !tagChars.MatchString(val):
			v.errorf(pos, "tag %q: value must be at most 256 letters, digits, spaces or _.:/=+-@", k)
		}
		folded[strings.ToLower(k)] = k
	}
}

func (v *validator) limits(l *Limits, who string) {
	check := func(key string, val, lo, hi int) {
		if l.Has(key) && (val < lo || val > hi) {
			v.errorf(l.At(key), "%slimits.%s must be between %d and %d, not %d", who, key, lo, hi, val)
		}
	}
	check("trustPolicySize", l.TrustPolicySize, 1, 8192)
	check("managedPoliciesPerRole", l.ManagedPoliciesPerRole, 1, 20)
	check("inlinePolicySize", l.InlinePolicySize, 1, 10240)
	check("managedPolicySize", l.ManagedPolicySize, 1, 6144)
	check("oidcProviders", l.OIDCProviders, 1, 700)
}

func keys[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedKeys(m map[string]string) []string { return keys(m) }
