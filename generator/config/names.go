package config

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The name rules of the systems irsagen writes for. A name that passes here is accepted by
// Kubernetes, IAM and CloudFormation, and is safe as a path element in the output tree.
var (
	// dnsLabel is a Kubernetes namespace name (RFC 1123 label).
	dnsLabel = rule{regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`), isDNSLabel}
	// dnsSubdomain is a Kubernetes object name (RFC 1123 subdomain).
	dnsSubdomain = rule{regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`), isDNSSubdomain}
	// shortName is an account or cluster name: it becomes part of stack names, role names and
	// paths, so it is a DNS label of at most 40 characters.
	shortName   = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$`)
	accountID   = regexp.MustCompile(`^[0-9]{12}$`)
	region      = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$`)
	iamName     = rule{regexp.MustCompile(`^[\w+=,.@-]+$`), isIAMName}
	iamPath     = regexp.MustCompile(`^/([\x21-\x7e]*/)?$`)
	stackPrefix = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-]{0,31}$`)
	thumbprint  = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)
	// policyARN is a customer or AWS-managed policy ARN in any partition.
	policyARN = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):iam::([0-9]{12}|aws):policy/([\x21-\x7e]+/)?[\w+=,.@-]+$`)
	// managedName is an AWS-managed policy name, optionally under its path ("service-role/X").
	managedName = rule{regexp.MustCompile(`^([\w+=,.@-]+/)*[\w+=,.@-]+$`), isManagedName}
	// labelName is the name part of a Kubernetes label or annotation key, and a label value.
	labelName = rule{regexp.MustCompile(`^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`), isLabelName}
	// tagKey and tagValue are IAM's tag character sets.
	tagChars = rule{regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`), isTagText}
)

// matcher is a name rule: a regular expression, or a rule.
type matcher interface{ MatchString(string) bool }

// rule is a name rule checked on every ServiceAccount, where the regular expressions took half
// the time of validating 10,000 of them. The expression defines the rule; match accepts the
// same strings without the machinery, which TestRulesMatchTheirExpressions checks.
type rule struct {
	re    *regexp.Regexp
	match func(string) bool
}

func (r *rule) MatchString(s string) bool { return r.match(s) }

// Byte classes of the rules.
const (
	lowerAlnum = 1 << iota // [a-z0-9]
	alnum                  // [A-Za-z0-9]
	iamChar                // [\w+=,.@-]
	labelChar              // [-A-Za-z0-9_.]
	tagASCII               // [\p{L}\p{Z}\p{N}_.:/=+\-@] below utf8.RuneSelf
)

var classes = func() (c [256]uint8) {
	for b := range 256 {
		lower, upper, digit := 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9'
		if lower || digit {
			c[b] |= lowerAlnum
		}
		if lower || upper || digit {
			c[b] |= alnum | iamChar | labelChar | tagASCII
		}
		if strings.IndexByte("_+=,.@-", byte(b)) >= 0 {
			c[b] |= iamChar
		}
		if strings.IndexByte("-_.", byte(b)) >= 0 {
			c[b] |= labelChar
		}
		if strings.IndexByte(" _.:/=+-@", byte(b)) >= 0 {
			c[b] |= tagASCII
		}
	}
	return c
}()

func isDNSLabel(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if classes[s[i]]&lowerAlnum == 0 && (s[i] != '-' || i == 0 || i == len(s)-1) {
			return false
		}
	}
	return true
}

func isDNSSubdomain(s string) bool {
	for {
		label, rest, more := strings.Cut(s, ".")
		if !isDNSLabel(label) {
			return false
		}
		if !more {
			return true
		}
		s = rest
	}
}

func isIAMName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if classes[s[i]]&iamChar == 0 {
			return false
		}
	}
	return true
}

func isManagedName(s string) bool {
	for {
		segment, rest, more := strings.Cut(s, "/")
		if !isIAMName(segment) {
			return false
		}
		if !more {
			return true
		}
		s = rest
	}
}

func isLabelName(s string) bool {
	if s == "" || classes[s[0]]&alnum == 0 || classes[s[len(s)-1]]&alnum == 0 {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if classes[s[i]]&labelChar == 0 {
			return false
		}
	}
	return true
}

func isTagText(s string) bool {
	for _, r := range s { // a byte that is not UTF-8 is utf8.RuneError, which no class holds
		if r < utf8.RuneSelf {
			if classes[r]&tagASCII == 0 {
				return false
			}
		} else if !unicode.IsLetter(r) && !unicode.Is(unicode.Z, r) && !unicode.IsNumber(r) {
			return false
		}
	}
	return true
}

// validQualifiedName reports whether k is a Kubernetes label or annotation key: an optional DNS
// subdomain prefix of at most 253 characters and a name of at most 63.
func validQualifiedName(k string) bool {
	prefix, name, found := strings.Cut(k, "/")
	if !found {
		prefix, name = "", k
	} else if prefix == "" || len(prefix) > 253 || !dnsSubdomain.MatchString(prefix) {
		return false
	}
	return len(name) <= 63 && labelName.MatchString(name)
}

// Partition is the AWS partition of a region: aws-cn for cn-*, aws-us-gov for us-gov-*, else aws.
func Partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}
