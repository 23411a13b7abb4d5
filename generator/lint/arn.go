package lint

// A Resource that is not an ARN is not rejected by every tool along the way: CloudFormation
// passes it through, and an ARN with a typo in its partition or account simply never matches, so
// an Allow quietly grants nothing and a Deny quietly protects nothing. The shape checked here is
// arn:partition:service:region:account:resource, with IAM's wildcards and policy variables
// (${aws:username}) allowed anywhere.

import (
	"fmt"
	"regexp"
	"strings"
)

// arn is a Resource ARN split into its six parts. resource keeps its own colons.
type arn struct {
	partition, service, region, account, resource string
}

var (
	// partitions are the AWS partitions an ARN may name literally.
	partitions = map[string]bool{
		"aws": true, "aws-cn": true, "aws-us-gov": true, "aws-iso": true, "aws-iso-b": true,
		"aws-iso-e": true, "aws-iso-f": true, "aws-eusc": true,
	}
	wildPartition = regexp.MustCompile(`^[a-z*?-]+$`)
	servicePart   = regexp.MustCompile(`^[a-z0-9*?-]+$`)
	regionPart    = regexp.MustCompile(`^[a-z0-9*?-]*$`)
	accountPart   = regexp.MustCompile(`^([0-9*?]*|aws)$`)
	policyVar     = regexp.MustCompile(`\$\{[^}]*\}`)
)

// variable stands in for a policy variable while an ARN is split, so that the colon inside
// ${aws:PrincipalAccount} does not split it.
const variable = "\x00"

// parseARN splits s into its parts; ok is false when it does not have the six parts of an ARN.
// Policy variables are kept as written.
func parseARN(s string) (arn, bool) {
	vars := policyVar.FindAllString(s, -1)
	parts := strings.SplitN(policyVar.ReplaceAllString(s, variable), ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return arn{}, false
	}
	for i := range parts {
		for strings.Contains(parts[i], variable) && len(vars) > 0 {
			parts[i] = strings.Replace(parts[i], variable, vars[0], 1)
			vars = vars[1:]
		}
	}
	return arn{partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts[5]}, true
}

// arnProblem says what is wrong with a Resource value, or "" when it is "*" or a well-formed ARN.
func arnProblem(s string) string {
	if s == "*" {
		return ""
	}
	if strings.ContainsAny(s, " \t\r\n") {
		return "contains white space"
	}
	if !strings.HasPrefix(s, "arn:") {
		if strings.HasPrefix(strings.ToLower(s), "arn:") {
			return `must start with "arn:" in lowercase`
		}
		return "is not an ARN"
	}
	a, ok := parseARN(s)
	if !ok {
		return fmt.Sprintf("has %d of the 6 parts of an ARN", strings.Count(policyVar.ReplaceAllString(s, variable), ":")+1)
	}
	hasVar := func(p string) bool { return strings.Contains(p, "${") }
	switch {
	case hasVar(a.partition):
	case hasWildcard(a.partition) && !wildPartition.MatchString(a.partition),
		!hasWildcard(a.partition) && !partitions[a.partition]:
		return fmt.Sprintf("names partition %q; partitions are aws, aws-cn, aws-us-gov and the like", a.partition)
	}
	switch {
	case hasVar(a.service):
	case !servicePart.MatchString(a.service):
		return fmt.Sprintf("names service %q; a service is written in lowercase (s3, dynamodb)", a.service)
	}
	if !hasVar(a.region) && !regionPart.MatchString(a.region) {
		return fmt.Sprintf("names region %q", a.region)
	}
	if !hasVar(a.account) {
		if !accountPart.MatchString(a.account) || (!hasWildcard(a.account) && a.account != "" && a.account != "aws" && len(a.account) != 12) {
			return fmt.Sprintf("names account %q; an account id is 12 digits", a.account)
		}
	}
	if a.resource == "" {
		return "has no resource part"
	}
	return ""
}

func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }
