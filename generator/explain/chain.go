package explain

import (
	"fmt"
	"io"
	"strings"

	"github.com/irsagen/irsagen/generator/plan"
)

// writeChain writes the links from a pod running as sa to its role, what each must be, and the
// error a pod meets when that link is broken: the links `irsagen check-credentials` follows.
func writeChain(w io.Writer, sa *plan.ServiceAccount) {
	r, c := sa.Role, sa.Cluster
	var t *plan.TrustStatement
	for i := range r.Trust {
		if r.Trust[i].Cluster == c {
			t = &r.Trust[i]
		}
	}
	if t == nil {
		return
	}
	provider := "exists already (not managed by irsagen)"
	if t.Provider.Create && t.Provider.Stack != nil {
		provider = "created by stack " + t.Provider.Stack.Name
	}
	name := r.Name
	session := strings.Replace(r.ARN[:strings.Index(r.ARN, ":role/")], ":iam::", ":sts::", 1) + ":assumed-role/" + name + "/<session>"
	links := [][3]string{
		{"injected", fmt.Sprintf("the pod identity webhook sets AWS_ROLE_ARN=%s and AWS_WEB_IDENTITY_TOKEN_FILE in pods created after the ServiceAccount got its annotation", r.ARN),
			"neither is set: SDKs fall back to the node's instance role, and calls succeed or fail with the node's permissions"},
		{"token", fmt.Sprintf("iss %s, sub %s, aud %s", c.Issuer, t.Subject, t.Audience),
			"another subject or audience: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity"},
		{"provider", fmt.Sprintf("%s, %s", t.Provider.ARN, provider),
			"missing: InvalidIdentityToken: No OpenIDConnect provider found in your account for " + c.Issuer},
		{"trust", fmt.Sprintf("role %s admits that sub and aud (the verdict above)", r.Name),
			"AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity"},
		{"role", "STS reports " + session,
			"another role: the ServiceAccount's annotation names another role, or the pod started before it changed"},
	}
	fmt.Fprintf(w, "\nthe chain from a pod to its role (irsagen check-credentials checks each link; docs/credentials-check.md):\n")
	for i, l := range links {
		fmt.Fprintf(w, "  %d. %-9s %s\n     %-9s if broken: %s\n", i+1, l[0], l[1], "", l[2])
	}
	if sa.ChecksCredentials() {
		fmt.Fprintf(w, "  a Job checks it after each sync: kubernetes/clusters/%s/credentials-check/%s/\n", c.Key, sa.Namespace)
	}
}
