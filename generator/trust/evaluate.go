package trust

// Evaluate follows IAM's order for a single resource-based policy: every statement is checked, an
// applicable Deny wins over any Allow, and with neither the answer is the implicit deny. It does
// not stop at the first answer, because `irsagen explain` must show why each statement did or did
// not apply, and a user chasing "Not authorized to perform sts:AssumeRoleWithWebIdentity" needs
// all the mismatches at once, not one per attempt.

import (
	"errors"
	"fmt"
	"strings"
)

// ActionAssumeRoleWithWebIdentity is the action an IRSA pod performs with its projected token.
const ActionAssumeRoleWithWebIdentity = "sts:AssumeRoleWithWebIdentity"

// Request is one attempt to assume a role.
type Request struct {
	Principal Principal
	// Action is the API action, e.g. "sts:AssumeRoleWithWebIdentity".
	Action string
	// Resource is optional. Trust policies name no resource (the role is the resource), so
	// Resource and NotResource elements are only checked when it is set.
	Resource string
	// Context holds the condition keys of the request and their values, e.g.
	// "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:sub". Key names are case-insensitive; a key
	// with no values counts as absent.
	Context map[string][]string
}

// WebIdentityRequest is the request a pod makes when it exchanges its projected ServiceAccount
// token: the principal is the cluster's IAM OIDC provider, and the token's sub and aud claims
// appear as condition keys prefixed with the issuer's host and path.
func WebIdentityRequest(providerARN, sub, aud string) Request {
	_, issuer, _ := strings.Cut(providerARN, ":oidc-provider/")
	return Request{
		Principal: Principal{Type: Federated, ID: providerARN},
		Action:    ActionAssumeRoleWithWebIdentity,
		Context: map[string][]string{
			issuer + ":sub": {sub},
			issuer + ":aud": {aud},
		},
	}
}

// Evaluate decides req against the trust policy doc, a value decoded from JSON or YAML: a whole
// policy document, one statement, or a list of statements. It fails only when doc is not a
// policy IAM would accept, or when req names no principal or action.
func Evaluate(doc any, req Request) (Result, error) {
	if err := req.validate(); err != nil {
		return Result{}, err
	}
	p, err := parsePolicy(doc)
	if err != nil {
		return Result{}, err
	}
	ctx := newRequestContext(req.Context)
	res := Result{Decision: ImplicitDeny}
	var allows, denies []int
	for _, st := range p.Statements {
		sr := st.evaluate(req, ctx)
		res.Statements = append(res.Statements, sr)
		switch {
		case sr.Applies && st.Effect == "Deny":
			denies = append(denies, st.Index)
		case sr.Applies:
			allows = append(allows, st.Index)
		}
	}
	switch {
	case len(denies) > 0:
		res.Decision, res.Deciding = ExplicitDeny, denies
	case len(allows) > 0:
		res.Decision, res.Deciding = Allow, allows
	}
	return res, nil
}

func (r Request) validate() error {
	switch r.Principal.Type {
	case Federated, AWS, Service, CanonicalUser:
	default:
		return fmt.Errorf("request: unknown principal type %q; want Federated, AWS, Service or CanonicalUser", r.Principal.Type)
	}
	if r.Principal.ID == "" {
		return errors.New("request: principal has no id")
	}
	if r.Action == "" {
		return errors.New("request: no action")
	}
	return nil
}

// evaluate collects every reason the statement does not apply; none means it applies.
func (st statement) evaluate(req Request, ctx requestContext) StatementResult {
	sr := StatementResult{Index: st.Index, Sid: st.Sid, Effect: st.Effect}
	if st.Principal != nil && !st.Principal.matches(req.Principal) {
		sr.Reasons = append(sr.Reasons, fmt.Sprintf("principal %s is not in Principal %s", req.Principal, st.Principal))
	}
	if st.NotPrincipal != nil && st.NotPrincipal.matches(req.Principal) {
		sr.Reasons = append(sr.Reasons, fmt.Sprintf("principal %s is excluded by NotPrincipal %s", req.Principal, st.NotPrincipal))
	}
	if st.Action != nil && !anyGlob(st.Action, req.Action, true) {
		sr.Reasons = append(sr.Reasons, fmt.Sprintf("action %q does not match Action %s", req.Action, quoteList(st.Action)))
	}
	if st.NotAction != nil && anyGlob(st.NotAction, req.Action, true) {
		sr.Reasons = append(sr.Reasons, fmt.Sprintf("action %q is excluded by NotAction %s", req.Action, quoteList(st.NotAction)))
	}
	if req.Resource != "" {
		if st.Resource != nil && !anyGlob(st.Resource, req.Resource, false) {
			sr.Reasons = append(sr.Reasons, fmt.Sprintf("resource %q does not match Resource %s", req.Resource, quoteList(st.Resource)))
		}
		if st.NotResource != nil && anyGlob(st.NotResource, req.Resource, false) {
			sr.Reasons = append(sr.Reasons, fmt.Sprintf("resource %q is excluded by NotResource %s", req.Resource, quoteList(st.NotResource)))
		}
	}
	for _, c := range st.Conditions {
		if ok, why := c.evaluate(ctx); !ok {
			sr.Reasons = append(sr.Reasons, why)
		}
	}
	sr.Applies = len(sr.Reasons) == 0
	return sr
}

func anyGlob(patterns []string, s string, foldCase bool) bool {
	for _, p := range patterns {
		if GlobMatch(p, s, foldCase) {
			return true
		}
	}
	return false
}
