package config

import (
	"fmt"
	"strings"
	"unicode"
)

// checkValues refuses values that IAM would interpret instead of taking them as written, or
// refuse at deploy: an audience with a policy variable or a control character, a control
// character in a description, a wildcard in a permissions boundary, and a malformed path in a
// managed policy, a boundary or a role path. The shapes of these values are checked elsewhere;
// these checks only look at values of the right shape, so that a value gets one error.
func (v *validator) checkValues() {
	c := v.cfg
	v.roleValues(&c.Meta, "defaults.", &c.Defaults)
	for i := range c.Policies {
		p := &c.Policies[i]
		if r, ok := controlChar(p.Description, true); ok {
			v.errorf(p.At("description"), "description contains the control character %U, which IAM refuses; remove it", r)
		}
	}
	for i := range c.ServiceAccounts {
		sa := &c.ServiceAccounts[i]
		v.roleValues(&sa.Meta, "", &sa.RoleSettings)
		for j, p := range sa.ManagedPolicies {
			if msg := policyPath(p); msg != "" && policyShape(p) {
				v.errorf(sa.At(itemPath("managedPolicies", j)), "managed policy %q %s", p, msg)
			}
		}
	}
}

// roleValues checks the audience, boundary and role path of defaults or of a ServiceAccount.
func (v *validator) roleValues(m *Meta, prefix string, s *RoleSettings) {
	if a := s.Audience; a != nil {
		pos := m.At(prefix + "audience")
		if strings.Contains(*a, "${") {
			v.errorf(pos, "audience %q contains \"${\", which IAM reads as a policy variable in the trust policy's condition; write the audience without it", *a)
		}
		if r, ok := controlChar(*a, false); ok {
			v.errorf(pos, "audience %q contains the control character %U; remove it", *a, r)
		}
	}
	if b := s.PermissionsBoundary; b != nil {
		if msg := policyPath(*b); msg != "" && policyShape(*b) {
			v.errorf(m.At(prefix+"permissionsBoundary"), "permissionsBoundary %q %s", *b, msg)
		}
	}
	if p := s.RolePath; p != nil && len(*p) <= 512 && iamPath.MatchString(*p) && *p != "/" {
		if seg, ok := badSegment(strings.Split((*p)[1:len(*p)-1], "/")); ok {
			v.errorf(m.At(prefix+"rolePath"), "rolePath %q has the path segment %q; %s", *p, seg, segmentRule)
		}
	}
}

const segmentRule = `a path is /segment/.../ with no empty, "." or ".." segment and no wildcard`

// policyShape reports whether p is a policy ARN or a policy name with an optional path, which
// the checks of managedPolicies and permissionsBoundary accept.
func policyShape(p string) bool {
	if strings.HasPrefix(p, "arn:") {
		return policyARN.MatchString(p)
	}
	return managedName.MatchString(p)
}

// policyPath checks the path of a policy ARN or of an AWS-managed policy name with its path, of
// the right shape otherwise, and says what is wrong with it, or "".
func policyPath(p string) string {
	rest := p
	if strings.HasPrefix(p, "arn:") {
		_, rest, _ = strings.Cut(p, ":policy/")
	}
	segments := strings.Split(rest, "/")
	if strings.ContainsAny(rest, "*?") {
		return "contains a wildcard; it must name one policy exactly"
	}
	if seg, ok := badSegment(segments[:len(segments)-1]); ok {
		return fmt.Sprintf("has the path segment %q; %s", seg, segmentRule)
	}
	return ""
}

// badSegment returns the first segment of a path that IAM paths should not hold.
func badSegment(segments []string) (string, bool) {
	for _, s := range segments {
		if s == "" || s == "." || s == ".." || strings.ContainsAny(s, "*?") {
			return s, true
		}
	}
	return "", false
}

// controlChar returns the first control character of s. With text, tabs and line breaks are
// allowed: IAM takes them in descriptions and policy documents.
func controlChar(s string, text bool) (rune, bool) {
	for _, r := range s {
		if unicode.IsControl(r) && !(text && (r == '\t' || r == '\n' || r == '\r')) {
			return r, true
		}
	}
	return 0, false
}

// documentControlChars reports a control character in any key or string of a policy document,
// where IAM refuses them (tabs and line breaks aside, but not in keys).
func documentControlChars(val any, path string, report func(path, msg string)) {
	at := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	switch val := val.(type) {
	case string:
		if r, ok := controlChar(val, true); ok {
			report(path, fmt.Sprintf("%q contains the control character %U, which IAM refuses in a policy; remove it", val, r))
		}
	case []any:
		for i, item := range val {
			documentControlChars(item, itemPath(path, i), report)
		}
	case map[string]any:
		for _, k := range keys(val) {
			if r, ok := controlChar(k, false); ok {
				report(at(k), fmt.Sprintf("policy element %q contains the control character %U, which IAM refuses; remove it", k, r))
			}
			documentControlChars(val[k], at(k), report)
		}
	}
}

// conditionKeysFolded reports condition keys of one operator block that differ only in case:
// IAM compares condition keys regardless of case, so the two are one key written twice, and
// which values would apply is not what the policy says.
func conditionKeysFolded(kv map[string]any, path string, report func(path, msg string)) {
	seen := map[string]string{}
	for _, k := range keys(kv) {
		folded := strings.ToLower(k)
		if first, dup := seen[folded]; dup {
			report(path+"."+k, fmt.Sprintf("condition keys %q and %q differ only in case; IAM compares condition keys regardless of case, so write them as one key with both values", first, k))
			continue
		}
		seen[folded] = k
	}
}
