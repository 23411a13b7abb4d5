package plan

// ChecksCredentials reports whether sa gets a credentials-check Job: its cluster has
// credentialsCheck and the ServiceAccount does not opt out.
func (sa *ServiceAccount) ChecksCredentials() bool {
	return sa.Cluster.Source != nil && sa.Cluster.Source.CredentialsCheck != nil &&
		(sa.Source == nil || !sa.Source.SkipCredentialsCheck)
}

// CheckImage is the image of the cluster's credentials-check Jobs.
func (c *Cluster) CheckImage() string {
	if c.Source == nil || c.Source.CredentialsCheck == nil {
		return ""
	}
	return c.Source.CredentialsCheck.Image
}
