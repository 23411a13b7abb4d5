package config

import (
	"slices"
	"strings"
)

// HasExistingProvider reports whether the account already has the IAM OIDC provider of issuer.
func (a *Account) HasExistingProvider(issuer string) bool {
	return slices.Contains(a.ExistingOIDCProviders, issuer)
}

// checkExistingProviders checks accounts[].existingOidcProviders: each entry is the oidcIssuer of
// a cluster, written exactly as the cluster writes it (that is the provider's URL), and once. An
// issuer no cluster has is a typo or a stale entry, and would silently leave a provider missing.
func (v *validator) checkExistingProviders() {
	var issuers []string
	for _, c := range v.cfg.Clusters {
		issuers = append(issuers, c.OIDCIssuer)
	}
	for i := range v.cfg.Accounts {
		a := &v.cfg.Accounts[i]
		v.unique(&a.Meta, "existingOidcProviders", a.ExistingOIDCProviders, func(pos, issuer string) {
			if slices.Contains(issuers, issuer) {
				return
			}
			what := "is not the oidcIssuer of any cluster"
			if !httpsURL(issuer) {
				what = "is not an https:// issuer URL"
			}
			v.errorf(a.At(pos), "existingOidcProviders: %q %s%s", issuer, what, didYouMean(issuer, issuers, "issuers"))
		})
	}
}

func httpsURL(s string) bool {
	return strings.HasPrefix(s, "https://") && len(s) > len("https://")
}
