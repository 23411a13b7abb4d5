package config

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/irsagen/irsagen/generator/catalog"
)

// The name rules of the systems irsagen writes for. A name that passes here is accepted by
// Kubernetes, IAM and CloudFormation, and is safe as a path element in the output tree.
var (
	// dnsLabel is a Kubernetes namespace name (RFC 1123 label).
	dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	// dnsSubdomain is a Kubernetes object name (RFC 1123 subdomain).
	dnsSubdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	// shortName is an account name: it becomes part of stack names, role names and
	// paths, so it is a DNS label of at most 40 characters.
	shortName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$`)
	// clusterName is an EKS cluster name, as EKS takes it. Whatever irsagen derives from it
	// (role names, paths) goes through plan.ClusterKey and is shortened where a limit requires.
	clusterName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$`)
	accountID   = regexp.MustCompile(`^[0-9]{12}$`)
	region      = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$`)
	iamName     = regexp.MustCompile(`^[\w+=,.@-]+$`)
	iamPath     = regexp.MustCompile(`^/([\x21-\x7e]*/)?$`)
	stackPrefix = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-]{0,31}$`)
	thumbprint  = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)
	// policyARN is a customer or AWS-managed policy ARN in any partition.
	policyARN = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):iam::([0-9]{12}|aws):policy/([\x21-\x7e]+/)?[\w+=,.@-]+$`)
	// managedName is an AWS-managed policy name, optionally under its path ("service-role/X").
	managedName = regexp.MustCompile(`^([\w+=,.@-]+/)*[\w+=,.@-]+$`)
	// labelName is the name part of a Kubernetes label or annotation key, and a label value.
	labelName = regexp.MustCompile(`^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`)
)

// tagChars are IAM's characters for tag keys and values: letters, numbers and separators (spaces)
// of any script, and _.:/=+-@ (the expression [\p{L}\p{Z}\p{N}_.:/=+\-@]* in IAM's reference).
// It is checked on every ServiceAccount's tags, where a regular expression with Unicode classes
// took a tenth of validating 10,000 of them.
var tagChars = charSet(func(r rune) bool {
	return unicode.IsLetter(r) || unicode.Is(unicode.Z, r) || unicode.IsNumber(r) || strings.ContainsRune("_.:/=+-@", r)
})

// charSet is a rule that every character of a string must pass.
type charSet func(rune) bool

// MatchString reports whether every character of s is in the set; a byte that is not UTF-8 is
// U+FFFD, which no set here holds.
func (c charSet) MatchString(s string) bool {
	for _, r := range s {
		if !c(r) {
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

// Partition is the AWS partition of a region: the one irsagen's region catalog lists it in, else
// the one whose names it follows (aws-cn for cn-*, aws-us-gov for us-gov-*, aws-iso for
// us-iso-* ...), else aws. Validate refuses the partitions irsagen does not support.
func Partition(region string) string {
	if p := catalog.Partition(region); p != "" {
		return p
	}
	return "aws"
}
