package config

import (
	"regexp"
	"strings"
)

// pinnedImage is an image reference that ends in a digest: the credentials check runs in every
// namespace with a role's credentials, so a tag that someone can move is not enough.
var pinnedImage = regexp.MustCompile(`@sha256:[0-9a-f]{64}$`)

// imageReference is the grammar of an image reference with a digest, as the kubelet parses it
// (github.com/distribution/reference): [registry[:port]/]path[/path...][:tag]@sha256:<hex>, where
// a path component is lower case and its separators ('.', '_', '__', dashes) stand between
// letters or digits. A reference outside it cannot be pulled (InvalidImageName).
var imageReference = func() *regexp.Regexp {
	const (
		domainComponent = `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`
		domain          = domainComponent + `(?:\.` + domainComponent + `)*(?::[0-9]+)?`
		pathComponent   = `[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`
		tag             = `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`
	)
	return regexp.MustCompile(`^(?:` + domain + `/)?` + pathComponent + `(?:/` + pathComponent + `)*(?::` + tag + `)?@sha256:[0-9a-f]{64}$`)
}()

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
		case !imageReference.MatchString(cc.Image) || len(cc.Image[:strings.LastIndex(cc.Image, "@")]) > 255:
			v.errorf(cc.At("image"), "credentialsCheck image %q is not an image reference that Kubernetes can pull: write [registry[:port]/]repository[:tag]@sha256:<digest>, with a lower-case repository whose parts are separated by single '/'", cc.Image)
		}
	}
}
