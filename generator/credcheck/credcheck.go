// Package credcheck is the check that a credentials-check Job runs in the cluster, as
// `irsagen check-credentials`: it follows the chain from a pod to its AWS role one link at a time
// and says which link is broken.
//
// The chain for IRSA: the pod identity webhook mounts a projected token and sets
// AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN; the token's issuer, subject and audience are the
// cluster's, the ServiceAccount's and the role's; STS admits the token to the role if the
// account has an OIDC provider for the issuer and the role's trust policy names the subject and
// audience; the credentials then belong to exactly that role. For EKS Pod Identity the webhook
// sets AWS_CONTAINER_CREDENTIALS_FULL_URI instead and the node's agent hands out the role's
// credentials. A pod that got neither falls back to the node's instance role and may seem to
// work with the wrong permissions; Run reports that as a failure too.
//
// Run is the decision; its inputs (environment, files, the identity STS reports) come from Env,
// so the decision is tested on its own and against a local STS.
package credcheck

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/smithy-go"
)

// Paths a pod may take to its role.
const (
	PathIRSA        = "irsa"
	PathPodIdentity = "podIdentity"
	PathEither      = "either" // during a migration: both are configured, either is right
)

// Expect is what a ServiceAccount's pods must get, as irsa.yaml says.
type Expect struct {
	Path     string // PathIRSA, PathPodIdentity or PathEither
	RoleARN  string // arn:<partition>:iam::<account>:role<path><name>
	Issuer   string // the cluster's OIDC issuer, https://...
	Subject  string // system:serviceaccount:<namespace>:<name>
	Audience string
}

// Link names a link of the chain; a failed check names the first broken one.
type Link string

// The links, in the order the check follows them.
const (
	LinkInjected Link = "injected" // the webhook injected the credentials of the expected path
	LinkRoleEnv  Link = "role-arn" // AWS_ROLE_ARN names the expected role
	LinkToken    Link = "token"    // the projected token can be read and parsed
	LinkIssuer   Link = "issuer"   // the token's issuer is the cluster's
	LinkSubject  Link = "subject"  // the token's subject is the ServiceAccount
	LinkAudience Link = "audience" // the token's audience is the role's
	LinkProvider Link = "provider" // the role's account has an OIDC provider for the issuer
	LinkTrust    Link = "trust"    // the role's trust policy admits the token
	LinkSTS      Link = "sts"      // STS or the Pod Identity agent answered
	LinkRole     Link = "role"     // the credentials are the expected role's
)

// Result is the check's verdict.
type Result struct {
	OK       bool
	Link     Link   // the first broken link, when not OK
	Message  string // what is wrong and what to do
	Path     string // the path the pod took, when known
	Identity string // the ARN STS reported, when it answered
}

func (r Result) String() string {
	if r.OK {
		return fmt.Sprintf("ok: %s via %s", r.Identity, r.Path)
	}
	return fmt.Sprintf("FAILED at %s: %s", r.Link, r.Message)
}

// Env is what the check reads.
type Env struct {
	Getenv   func(string) string
	ReadFile func(string) ([]byte, error)
	// Identity asks STS who the default credential chain makes the caller: for IRSA it runs
	// AssumeRoleWithWebIdentity first, for Pod Identity it asks the agent, and without either it
	// finds the node's instance role.
	Identity func(ctx context.Context) (arn string, err error)
}

// Run follows the chain for e and returns the first broken link, or OK.
func Run(ctx context.Context, e Expect, env Env) Result {
	tokenFile := env.Getenv("AWS_WEB_IDENTITY_TOKEN_FILE")
	podIdentity := env.Getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI") != ""
	path := ""
	switch {
	case podIdentity:
		// The SDKs prefer container credentials, and the webhook injects only them when the
		// ServiceAccount has both an association and an annotation.
		path = PathPodIdentity
	case tokenFile != "":
		path = PathIRSA
	}
	if r, broken := injected(ctx, e, env, path); broken {
		return r
	}
	if path == PathIRSA {
		if r, broken := checkToken(e, env, tokenFile); broken {
			return r
		}
	}
	arn, err := env.Identity(ctx)
	if err != nil {
		return stsFailure(e, path, err)
	}
	if !sameRole(arn, e.RoleARN) {
		return Result{Link: LinkRole, Path: path, Identity: arn, Message: fmt.Sprintf(
			"the pod's credentials are %s, not role %s: a ServiceAccount annotation or Pod Identity association names another role", arn, e.RoleARN)}
	}
	return Result{OK: true, Path: path, Identity: arn}
}

// injected checks that the webhook gave the pod the credentials of the expected path.
func injected(ctx context.Context, e Expect, env Env, path string) (Result, bool) {
	switch {
	case path == "":
		msg := "no credentials were injected: neither AWS_WEB_IDENTITY_TOKEN_FILE (IRSA) nor AWS_CONTAINER_CREDENTIALS_FULL_URI (Pod Identity) is set. " + howToInject(e.Path)
		// Without them the SDK falls back to the node's instance role: say so, as that is how a
		// broken setup goes unnoticed.
		if arn, err := env.Identity(ctx); err == nil {
			msg = fmt.Sprintf("the pod fell back to the node's credentials (%s): %s", arn, msg)
			return Result{Link: LinkInjected, Identity: arn, Message: msg}, true
		}
		return Result{Link: LinkInjected, Message: msg}, true
	case e.Path == PathIRSA && path == PathPodIdentity:
		return Result{Link: LinkInjected, Path: path, Message: "the pod got EKS Pod Identity credentials, but this ServiceAccount is meant to use IRSA: a Pod Identity association exists for it, and it takes precedence; delete the association or set the ServiceAccount's identity to podIdentity or both"}, true
	case e.Path == PathPodIdentity && path == PathIRSA:
		return Result{Link: LinkInjected, Path: path, Message: "the pod got IRSA credentials, not EKS Pod Identity: the association is missing or was created after the pod started (restart the pods), or the eks-pod-identity-agent add-on is not installed"}, true
	}
	if path == PathIRSA {
		if got := env.Getenv("AWS_ROLE_ARN"); got != e.RoleARN {
			return Result{Link: LinkRoleEnv, Path: path, Message: fmt.Sprintf(
				"AWS_ROLE_ARN is %q, not %q: the ServiceAccount's eks.amazonaws.com/role-arn annotation differs from irsa.yaml, or the pod started before it changed (restart the pods)", got, e.RoleARN)}, true
		}
	}
	return Result{}, false
}

func howToInject(path string) string {
	switch path {
	case PathPodIdentity:
		return "Check that the Pod Identity association exists for this ServiceAccount, that the eks-pod-identity-agent add-on runs, and that the pod started after both (restart it)."
	default:
		return "Check that the ServiceAccount has the eks.amazonaws.com/role-arn annotation, that the pod runs as that ServiceAccount (spec.serviceAccountName), that the pod started after the annotation was set (restart it), and that the pod identity webhook runs."
	}
}

// claims are the parts of a projected ServiceAccount token that STS checks.
type claims struct {
	Issuer   string   `json:"iss"`
	Subject  string   `json:"sub"`
	Audience audience `json:"aud"`
}

// audience is a JWT "aud": a string or a list of strings.
type audience []string

func (a *audience) UnmarshalJSON(data []byte) error {
	var one string
	if err := json.Unmarshal(data, &one); err == nil {
		*a = audience{one}
		return nil
	}
	return json.Unmarshal(data, (*[]string)(a))
}

// checkToken reads the projected token and compares its claims with what the trust policy
// expects. The signature is STS's business: a token that reaches the pod is the cluster's.
func checkToken(e Expect, env Env, file string) (Result, bool) {
	broken := func(l Link, format string, args ...any) (Result, bool) {
		return Result{Link: l, Path: PathIRSA, Message: fmt.Sprintf(format, args...)}, true
	}
	data, err := env.ReadFile(file)
	if err != nil {
		return broken(LinkToken, "cannot read the projected token %s: %v; the pod identity webhook mounts it, check the pod's volumes", file, err)
	}
	parts := strings.Split(strings.TrimSpace(string(data)), ".")
	if len(parts) != 3 {
		return broken(LinkToken, "%s is not a JWT", file)
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	var c claims
	if err == nil {
		err = json.Unmarshal(payload, &c)
	}
	if err != nil {
		return broken(LinkToken, "cannot read the claims of the token in %s: %v", file, err)
	}
	if c.Issuer != e.Issuer {
		return broken(LinkIssuer, "the token's issuer is %q, not %q: irsa.yaml's oidcIssuer for this cluster is wrong, or the Job runs in another cluster", c.Issuer, e.Issuer)
	}
	if c.Subject != e.Subject {
		return broken(LinkSubject, "the token's subject is %q, not %q: the pod runs as another ServiceAccount", c.Subject, e.Subject)
	}
	if !slices.Contains(c.Audience, e.Audience) {
		return broken(LinkAudience, "the token's audience is %q, not %q: the ServiceAccount's eks.amazonaws.com/audience annotation differs from the audience the role trusts", strings.Join(c.Audience, ","), e.Audience)
	}
	return Result{}, false
}

// stsFailure explains an error of the credential chain or of GetCallerIdentity.
func stsFailure(e Expect, path string, err error) Result {
	r := Result{Link: LinkSTS, Path: path}
	var api smithy.APIError
	code, msg := "", err.Error()
	if errors.As(err, &api) {
		code, msg = api.ErrorCode(), api.ErrorMessage()
	}
	switch {
	case path == PathIRSA && code == "InvalidIdentityToken" && strings.Contains(msg, "OpenIDConnect provider"):
		r.Link = LinkProvider
		r.Message = fmt.Sprintf("STS: %s (%s): the role's account has no IAM OIDC provider for %s; deploy the providers stack of that account, or list the issuer as existing only if it really exists there", msg, code, e.Issuer)
	case path == PathIRSA && code == "AccessDenied":
		r.Link = LinkTrust
		r.Message = fmt.Sprintf("STS: %s (%s): the trust policy of %s does not admit sub %s with aud %s, or the role does not exist; deploy its stack, and run irsagen explain for this ServiceAccount", msg, code, e.RoleARN, e.Subject, e.Audience)
	case path == PathPodIdentity:
		r.Message = fmt.Sprintf("the Pod Identity agent gave no credentials: %v; check the association's role and that the role trusts pods.eks.amazonaws.com", err)
	default:
		r.Message = fmt.Sprintf("STS did not answer: %v; check the pod's network path to STS (a regional endpoint, a VPC endpoint, a proxy)", err)
	}
	return r
}

// sameRole reports whether a caller ARN is a session of the role roleARN. STS names a session
// arn:<partition>:sts::<account>:assumed-role/<name>/<session>, without the role's path.
func sameRole(caller, roleARN string) bool {
	head, rest, ok := strings.Cut(roleARN, ":role/")
	if !ok {
		return false
	}
	name := rest[strings.LastIndex(rest, "/")+1:]
	want := strings.Replace(head, ":iam::", ":sts::", 1) + ":assumed-role/" + name + "/"
	return strings.HasPrefix(caller, want)
}
