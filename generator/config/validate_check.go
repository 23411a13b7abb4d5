package config

import "regexp"

// pinnedImage is an image reference that ends in a digest: the credentials check runs in every
// namespace with a role's credentials, so a tag that someone can move is not enough.
var pinnedImage = regexp.MustCompile(`^[a-z0-9]([a-z0-9._/:-]*[a-z0-9])?(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?@sha256:[0-9a-f]{64}$`)

// checkCredentialsChecks checks the clusters' credentialsCheck settings.
func (v *validator) checkCredentialsChecks() {
	for i := range v.cfg.Clusters {
		cc := v.cfg.Clusters[i].CredentialsCheck
		if cc == nil {
			continue
		}
		switch {
		case cc.Image == "":
			v.errorf(cc.Pos(), "credentialsCheck needs an image: irsagen's image pinned by digest, e.g. ghcr.io/irsagen/irsagen:v1.2.3@sha256:<digest> (docker buildx imagetools inspect ghcr.io/irsagen/irsagen:v1.2.3 prints it)")
		case !pinnedImage.MatchString(cc.Image):
			v.errorf(cc.At("image"), "credentialsCheck image %q must be pinned by digest (...@sha256: and 64 hexadecimal digits), so that the image that runs with each role's credentials cannot change under a tag", cc.Image)
		}
	}
}
