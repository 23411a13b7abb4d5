package trust

// The rules for statements that allow sts:AssumeRoleWithWebIdentity. A projected ServiceAccount
// token is accepted when its issuer's provider is the principal and its claims satisfy the
// conditions; a missing sub check admits every ServiceAccount of the cluster, a missing aud check
// admits tokens minted for other audiences, and a key prefixed with another issuer is never
// present at all. Each of those is a rule.

import "strings"

// webIdentity applies the web identity rules to the checker's statement.
func (c *checker) webIdentity() {
	issuer, known := c.provider()
	c.claims(issuer, known)
}

// provider checks the principal and returns the issuer its provider ARN names. known is false
// when there is not exactly one well-formed provider, and the claim rules then accept any issuer.
func (c *checker) provider() (issuer string, known bool) {
	p := c.st.Principal
	if p == nil || p.Anyone {
		return "", false // NotPrincipal and "*" are reported by the general rules
	}
	feds := p.IDs[string(Federated)]
	if len(feds) == 0 {
		c.add(RuleNotFederated, "Principal is %s; a ServiceAccount token is presented by the cluster's IAM OIDC provider, which must be the only principal, under \"Federated\"", p)
		return "", false
	}
	var others []string
	for _, t := range sortedTypes(p) {
		if t != string(Federated) {
			others = append(others, t)
		}
	}
	if len(others) > 0 {
		c.add(RuleNotFederated, "Principal also names %s; only the cluster's OIDC provider, under \"Federated\", may be trusted", joinPlain(others))
	}
	if len(feds) > 1 {
		c.add(RuleMultipleProvider, "Principal Federated lists %d providers %s; write one statement per cluster so that each issuer's sub and aud are checked", len(feds), quoteList(feds))
	}
	for _, f := range feds {
		prov, ok := parseProviderARN(f)
		switch {
		case ok && !known:
			issuer, known = prov.Issuer, true
		case !ok && !hasWildcard(f):
			c.add(RuleProviderARN, "Federated %q is not an IAM OIDC provider ARN; want arn:<partition>:iam::<12-digit account id>:oidc-provider/<issuer host and path>", f)
		}
	}
	return issuer, known && len(feds) == 1
}

// claims checks the sub and aud conditions against the provider's issuer.
func (c *checker) claims(issuer string, known bool) {
	var subs, auds []condition
	own := ""
	if known {
		own = issuer
	}
	for _, cond := range c.st.Conditions {
		iss, claim, ok := claimKey(cond.Key, own)
		if !ok {
			continue
		}
		if known && !sameIssuer(iss, issuer) {
			c.add(RuleIssuerMismatch, "condition key %q names issuer %q, but the principal is the provider of %q; the key is never in that provider's requests, so use %q",
				cond.Key, iss, issuer, issuer+":"+claim)
			continue
		}
		claim = strings.ToLower(claim)
		if claim != "sub" && claim != "aud" {
			continue
		}
		op := parseOperator(cond.Operator)
		if op.Problem != "" || op.Set != "" {
			continue // reported by the general rules
		}
		if op.Base != "StringEquals" || op.IfExists {
			c.add(RuleClaimOperator, "%q is checked with %s; use StringEquals with one exact value", cond.Key, cond.Operator)
			continue
		}
		if claim == "sub" {
			subs = append(subs, cond)
		} else {
			auds = append(auds, cond)
		}
	}
	prefix := "<issuer host and path>"
	if known {
		prefix = issuer
	}
	if len(subs) == 0 {
		c.add(RuleSubMissing, "no StringEquals condition on %q, so every ServiceAccount of the cluster can assume the role; add \"%s:sub\": \"system:serviceaccount:<namespace>:<name>\"", prefix+":sub", prefix)
	}
	for _, s := range subs {
		if len(s.Values) != 1 {
			c.add(RuleSubMultiple, "%q lists %d values %s; a role belongs to one ServiceAccount, so give it exactly one", s.Key, len(s.Values), quoteList(s.Values))
		}
		for _, v := range s.Values {
			switch {
			case hasWildcard(v):
				c.add(RuleSubWildcard, "%q value %q contains a wildcard character; name the ServiceAccount exactly (StringEquals would compare it literally)", s.Key, v)
			case !validServiceAccountSub(v):
				c.add(RuleSubFormat, "%q value %q is not system:serviceaccount:<namespace>:<name> with a valid Kubernetes namespace and name", s.Key, v)
			}
		}
	}
	if len(auds) == 0 {
		c.add(RuleAudMissing, "no StringEquals condition on %q, so a token minted for any audience is accepted; add \"%s:aud\": \"sts.amazonaws.com\"", prefix+":aud", prefix)
	}
	for _, a := range auds {
		if len(a.Values) != 1 {
			c.add(RuleAudMultiple, "%q lists %d values %s; give it the one audience the ServiceAccount's token is minted for", a.Key, len(a.Values), quoteList(a.Values))
		}
		for _, v := range a.Values {
			if hasWildcard(v) {
				c.add(RuleAudWildcard, "%q value %q contains a wildcard character; name the audience exactly", a.Key, v)
			}
		}
	}
}

// sameIssuer compares issuers the way IAM compares condition keys: without regard to case.
func sameIssuer(a, b string) bool { return strings.EqualFold(a, b) }
