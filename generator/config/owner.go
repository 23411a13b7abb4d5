package config

// Creates reports whether irsagen writes the ServiceAccount's manifest: unless
// createServiceAccount is false, because a Helm chart or an EKS managed add-on creates it.
func (sa *ServiceAccount) Creates() bool {
	return sa.CreateServiceAccount == nil || *sa.CreateServiceAccount
}

// serviceAccountOwner refuses what only the manifest irsagen writes could carry, when irsagen
// does not write it: those annotations and labels would silently go nowhere.
func (v *validator) serviceAccountOwner(sa *ServiceAccount) {
	if sa.Creates() {
		return
	}
	for _, key := range []string{"annotations", "labels"} {
		if sa.Has(key) {
			v.errorf(sa.At(key), "%s are written on the ServiceAccount's manifest, which irsagen does not write with createServiceAccount: false; set them where the ServiceAccount is created (a chart's serviceAccount values, see docs/addons.md)", key)
		}
	}
}
