package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// CredentialsHashAnnotation is the pod-template annotation that a Component sets to the
// credentials hash of its ServiceAccount.
const CredentialsHashAnnotation = "irsagen.io/credentials-hash"

// defaultTokenExpiration is the lifetime the EKS pod identity webhook gives a projected token
// when the ServiceAccount does not set eks.amazonaws.com/token-expiration.
const defaultTokenExpiration = 86400

// credentialsHash sums what the EKS pod identity webhook injects into a pod from its
// ServiceAccount: the role ARN, the token's audience and lifetime, and the STS endpoint. The
// webhook acts only when a pod is created, so a Deployment whose pod template carries the hash
// rolls out new pods when any of them changes, and keeps its pods when none does. A lifetime
// left unset counts as the webhook's default, so writing the default changes nothing; the STS
// setting, whose default differs between webhook versions, counts as written.
func credentialsHash(roleARN string, s settings) string {
	expiry := s.tokenExpiry
	if expiry == 0 {
		expiry = defaultTokenExpiration
	}
	regional := "unset"
	if s.regional != nil {
		regional = fmt.Sprint(*s.regional)
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "role-arn=%s\naudience=%s\ntoken-expiration=%d\nsts-regional-endpoints=%s\n", roleARN, s.audience, expiry, regional))
	return hex.EncodeToString(sum[:8])
}
