// Package explain answers the two questions people ask when IRSA does not work, from irsa.yaml
// alone: "which role does this ServiceAccount get, and will STS let it in?" and "who can assume
// this role?".
//
// The answers are proved, not looked up: each one builds the sts:AssumeRoleWithWebIdentity
// request a pod would make (its cluster's OIDC provider in the role's account, its sub and aud
// claims) and evaluates it against the role's trust policy exactly as rendered
// (render.TrustPolicy) with trust.Evaluate. A plan whose roles said one thing and whose trust
// policies another would show up here as a denial. It works on a plan from plan.Build and
// touches nothing else: no files, no network, no credentials.
package explain

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/generator/render"
	"github.com/irsagen/irsagen/generator/trust"
)

// Answer says whether the question had the answer the user hoped for: the ServiceAccount gets
// its role, the role exists. When not, Summary is one line for stderr; the text says why.
type Answer struct {
	OK      bool
	Summary string
}

// Subject is the sub claim of a ServiceAccount's projected token.
func Subject(namespace, name string) string {
	return "system:serviceaccount:" + namespace + ":" + name
}

// Request is the request a pod running as namespace/name in cluster c makes to assume role r
// with a token minted for aud: STS looks up the OIDC provider for the token's issuer in the
// role's account, so that provider is the principal.
func Request(r *plan.Role, c *plan.Cluster, namespace, name, aud string) trust.Request {
	provider := fmt.Sprintf("arn:%s:iam::%s:oidc-provider/%s", r.Account.Partition, r.Account.ID, c.HostPath)
	return trust.WebIdentityRequest(provider, Subject(namespace, name), aud)
}

// Evaluate decides req against r's trust policy as irsagen renders it.
func Evaluate(r *plan.Role, req trust.Request) (trust.Result, error) {
	return trust.Evaluate(render.TrustPolicy(r), req)
}

// audience is the audience of the tokens a bound ServiceAccount's pods get.
func audience(sa *plan.ServiceAccount) string {
	if a := sa.Annotations["eks.amazonaws.com/audience"]; a != "" {
		return a
	}
	return plan.DefaultAudience
}

// statementJSON is statement i of r's trust policy as IAM stores it, indented for a terminal.
func statementJSON(r *plan.Role, i int) string {
	statements, _ := render.TrustPolicy(r)["Statement"].([]any)
	if i < 0 || i >= len(statements) {
		return ""
	}
	data, err := json.MarshalIndent(statements[i], "", "  ")
	if err != nil {
		return fmt.Sprintf("(cannot print: %v)", err)
	}
	return string(data)
}

// writeRole writes what identifies a role and where it is deployed.
func writeRole(w io.Writer, r *plan.Role) {
	fmt.Fprintf(w, "role %s\n", r.Name)
	fmt.Fprintf(w, "  ARN:      %s\n", r.ARN)
	fmt.Fprintf(w, "  account:  %s (%s), partition %s\n", r.Account.Name, r.Account.ID, r.Account.Partition)
	if r.Stack != nil {
		fmt.Fprintf(w, "  stack:    %s in %s (%s)\n", r.Stack.Name, r.Account.Region, r.Stack.Template)
	}
	var perms []string
	perms = append(perms, r.ManagedPolicyARNs...)
	for _, ip := range r.InlinePolicies {
		perms = append(perms, "inline policy "+ip.Name)
	}
	if len(perms) == 0 {
		perms = []string{"none"}
	}
	fmt.Fprintf(w, "  policies: %s\n", strings.Join(perms, "\n            "))
	if r.PermissionsBoundary != "" {
		fmt.Fprintf(w, "  boundary: %s\n", r.PermissionsBoundary)
	}
}

// indent prefixes every line of s.
func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n") + "\n"
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
