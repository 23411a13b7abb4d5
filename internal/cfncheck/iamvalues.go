package cfncheck

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// The value rules below are IAM's, from its API reference; CloudFormation passes the values
// through, so a violation surfaces only as a failed stack operation.

// literal returns v when it is a string written out in the template. A call of an intrinsic
// function is only known once CloudFormation resolves it, and a value of another type is the
// schema's to report, so neither is checked here.
func literal(v any) (string, bool) {
	s, ok := v.(string)
	return s, ok
}

var iamName = regexp.MustCompile(`^[\w+=,.@-]+$`)

// checkName checks a role, policy, user or group name: 1 to max characters of [\w+=,.@-].
func checkName(r *report, p path, v any, what string, max int) {
	s, ok := literal(v)
	if !ok {
		return
	}
	switch n := utf8.RuneCountInString(s); {
	case n == 0 || n > max:
		r.add(p, "%s %q is %d characters; IAM allows 1 to %d", what, s, n, max)
	case !iamName.MatchString(s):
		r.add(p, "%s %q may hold only letters, digits and + = , . @ _ -", what, s)
	}
}

var iamPath = regexp.MustCompile(`^(/|/[\x21-\x7F]+/)$`)

// checkIAMPath checks the Path of a role or policy: "/" or "/.../", printable ASCII, at
// most 512 characters.
func checkIAMPath(r *report, p path, v any) {
	s, ok := literal(v)
	if !ok {
		return
	}
	switch {
	case len(s) > 512:
		r.add(p, "path is %d characters; IAM allows at most 512", len(s))
	case !iamPath.MatchString(s):
		r.add(p, "path %q must be / or begin and end with / (printable ASCII, no spaces), such as /irsa/", s)
	}
}

var policyARN = regexp.MustCompile(`^arn:aws(-[a-z]+)*:iam::(aws|[0-9]{12}):policy/([\x21-\x7F]*/)?[\w+=,.@-]{1,128}$`)

// checkPolicyARN checks an entry of ManagedPolicyArns or a PermissionsBoundary.
func checkPolicyARN(r *report, p path, v any) {
	if s, ok := literal(v); ok && !policyARN.MatchString(s) {
		r.add(p, "%q is not a managed policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess", s)
	}
}

var descriptionText = regexp.MustCompile(`^[\t\n\r\x20-\x7E\x{A1}-\x{FF}]*$`)

// checkDescription checks the Description of a role or managed policy.
func checkDescription(r *report, p path, v any) {
	s, ok := literal(v)
	if !ok {
		return
	}
	switch n := utf8.RuneCountInString(s); {
	case n > 1000:
		r.add(p, "description is %d characters; IAM allows at most 1000", n)
	case !descriptionText.MatchString(s):
		r.add(p, "description may hold only printable Latin-1 characters, tabs and newlines")
	}
}

const (
	maxTags        = 50
	maxTagKey      = 128
	maxTagValue    = 256
	reservedPrefix = "aws:"
)

var tagText = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// checkTags checks the Tags of a role or OIDC provider.
func checkTags(r *report, p path, v any) {
	tags, ok := v.([]any)
	if !ok {
		return
	}
	if len(tags) > maxTags {
		r.add(p, "%d tags; IAM allows at most %d per resource", len(tags), maxTags)
	}
	first := map[string]int{}
	for i, item := range tags {
		tag, ok := item.(map[string]any)
		if !ok {
			continue
		}
		q := p.index(i)
		if key, ok := literal(tag["Key"]); ok {
			switch n := utf8.RuneCountInString(key); {
			case n == 0 || n > maxTagKey:
				r.add(q.key("Key"), "tag key %q is %d characters; IAM allows 1 to %d", key, n, maxTagKey)
			case !tagText.MatchString(key):
				r.add(q.key("Key"), "tag key %q may hold only letters, digits, spaces and _ . : / = + - @", key)
			case strings.HasPrefix(strings.ToLower(key), reservedPrefix):
				r.add(q.key("Key"), "tag key %q uses the prefix aws:, which AWS reserves", key)
			}
			if j, dup := first[key]; dup {
				r.add(q.key("Key"), "duplicate tag key %q; first at %s", key, p.index(j))
			} else {
				first[key] = i
			}
		}
		if value, ok := literal(tag["Value"]); ok {
			switch n := utf8.RuneCountInString(value); {
			case n > maxTagValue:
				r.add(q.key("Value"), "tag value is %d characters; IAM allows at most %d", n, maxTagValue)
			case !tagText.MatchString(value):
				r.add(q.key("Value"), "tag value %q may hold only letters, digits, spaces and _ . : / = + - @", value)
			}
		}
	}
}
