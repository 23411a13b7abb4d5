package config

import (
	"strings"
	"testing"
)

// TestCredentialsCheckImage holds credentialsCheck.image to the grammar of an image reference
// that the kubelet can pull, ending in a digest: a reference that merely ends in @sha256:<hex>
// but is malformed would leave every check Job unpullable (InvalidImageName) after the sync.
func TestCredentialsCheckImage(t *testing.T) {
	const digest = "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	config := func(image string) string {
		return strings.Replace(validBase, "    kustomize:\n", "    credentialsCheck:\n      image: \""+image+"\"\n    kustomize:\n", 1)
	}
	for _, image := range []string{
		"ghcr.io/irsagen/irsagen:v1.2.3" + digest,
		"ghcr.io/irsagen/irsagen" + digest,
		"irsagen" + digest,
		"localhost:5000/tools/irsagen:v1.2.3-rc.1" + digest,
		"123456789012.dkr.ecr.us-east-1.amazonaws.com/mirror/irsagen__x:1.2_3" + digest,
		"Registry.Example.com/irsagen/irsagen" + digest,
	} {
		if _, l := load(t, config(image)); len(l) != 0 {
			t.Errorf("%s: %v", image, l)
		}
	}
	for _, image := range []string{
		"ghcr.io//irsagen" + digest,      // empty path component
		"ghcr.io/irsagen:v1:v2" + digest, // two tags
		"ghcr.io/irsagen/:v1" + digest,   // empty path component before the tag
		"ghcr.io:/irsagen" + digest,      // empty port
		"ghcr.io/-irsagen" + digest,      // path component starting with a separator
		"ghcr.io/irsa..gen" + digest,     // two separators
		"ghcr.io/Irsagen" + digest,       // upper case outside the registry
		"ghcr.io/irsagen:tag with space" + digest,
		"ghcr.io/irsagen:-v1" + digest,                 // a tag starting with '-'
		"ghcr.io/irsagen@sha256:0123" + digest,         // two digests
		"ghcr.io/" + strings.Repeat("a", 250) + digest, // a name over 255 characters
	} {
		_, l := load(t, config(image))
		if len(l) != 1 || !strings.Contains(l[0].Message, "is not an image reference that Kubernetes can pull") {
			t.Errorf("%s: got %v, want the image reference error", image, l)
		}
	}
}
