package trust

// The issuer host and path appear twice in every IRSA trust statement: inside the provider ARN
// and as the prefix of the sub and aud condition keys. The classic IRSA failure is the two
// disagreeing, so the ARN is taken apart here and the rules compare the pieces.

import (
	"regexp"
	"strings"
)

// providerARN matches arn:<partition>:iam::<account>:oidc-provider/<host>[/<path>]. The host is
// a DNS name without a port; the path is what EKS uses (id/<hex>) or any plain URL path.
var providerARN = regexp.MustCompile(
	`^arn:(aws(?:-[a-z]+)*):iam::([0-9]{12}):oidc-provider/` +
		`([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*` +
		`(?:/[A-Za-z0-9._~-]+)*)$`)

// oidcProvider is a parsed IAM OIDC provider ARN.
type oidcProvider struct {
	Partition string
	Account   string
	Issuer    string // host and path, without https://
}

func parseProviderARN(s string) (oidcProvider, bool) {
	m := providerARN.FindStringSubmatch(s)
	if m == nil {
		return oidcProvider{}, false
	}
	return oidcProvider{Partition: m[1], Account: m[2], Issuer: m[3]}, true
}

// claimKey splits an OIDC condition key such as
// "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:sub" into issuer and claim. Keys of AWS services
// ("aws:SourceIp", "sts:RoleSessionName") are not claim keys: their prefix is a bare service
// name, while an issuer usually has a dot or a slash. A prefix that is the principal's own issuer
// (known, when there is one) is a claim key whatever it looks like: an issuer may be a single
// DNS label, such as https://issuer.
func claimKey(key, known string) (issuer, claim string, ok bool) {
	i := strings.LastIndex(key, ":")
	if i <= 0 {
		return "", "", false
	}
	issuer, claim = key[:i], key[i+1:]
	if !strings.ContainsAny(issuer, "./") && (known == "" || !sameIssuer(issuer, known)) {
		return "", "", false
	}
	return issuer, claim, true
}

// serviceAccountSub matches system:serviceaccount:<namespace>:<name>, with the namespace a
// DNS-1123 label and the name a DNS-1123 subdomain, as Kubernetes requires.
var serviceAccountSub = regexp.MustCompile(
	`^system:serviceaccount:([a-z0-9](?:[-a-z0-9]*[a-z0-9])?):` +
		`([a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*)$`)

// validServiceAccountSub reports whether sub names one Kubernetes ServiceAccount.
func validServiceAccountSub(sub string) bool {
	m := serviceAccountSub.FindStringSubmatch(sub)
	return m != nil && len(m[1]) <= 63 && len(m[2]) <= 253
}
