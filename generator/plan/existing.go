package plan

// existingReason says which setting declares that account a already has cluster c's provider.
func existingReason(a *Account, c *Cluster) string {
	if c.Existing && c.Account == a {
		return "oidcProvider: existing"
	}
	return "listed in its existingOidcProviders"
}
