package lint

import "sort"

// Rule ids. They appear in output ("[allow-all]") and in irsa.yaml's accept lists, so they are
// part of irsagen's interface and never change meaning; docs/lint.md describes each.
const (
	RuleAllowAll           = "allow-all"            // Allow Action "*" on Resource "*"
	RuleAllowNotAction     = "allow-not-action"     // Allow NotAction on Resource "*"
	RuleServiceWildcard    = "service-wildcard"     // Allow "<service>:*" on Resource "*"
	RuleIAMWildcard        = "iam-wildcard"         // Allow "iam:*" on Resource "*"
	RulePassRoleWildcard   = "pass-role-wildcard"   // iam:PassRole on Resource "*"
	RulePassRoleUnscoped   = "pass-role-unscoped"   // iam:PassRole without iam:PassedToService
	RuleAssumeRoleWildcard = "assume-role-wildcard" // sts:AssumeRole on Resource "*"
	RuleARNMalformed       = "arn-malformed"        // a Resource that is neither "*" nor an ARN
	RuleARNPartition       = "arn-partition"        // a Resource ARN of another partition than the role's
	RuleManagedAdmin       = "managed-admin"        // an AWS-managed policy known to grant admin-like power
	// RuleAcceptStale reports an acceptance that matches no finding. It cannot itself be accepted.
	RuleAcceptStale = "accept-stale"
)

// Summaries describe each rule in one line, for docs/lint.md and for error messages.
var Summaries = map[string]string{
	RuleAllowAll:           `an Allow statement with Action "*" on Resource "*"`,
	RuleAllowNotAction:     `an Allow statement with NotAction on Resource "*"`,
	RuleServiceWildcard:    `an Allow statement with a service-wide action ("s3:*") on Resource "*"`,
	RuleIAMWildcard:        `an Allow statement with "iam:*" on Resource "*"`,
	RulePassRoleWildcard:   `iam:PassRole allowed on Resource "*"`,
	RulePassRoleUnscoped:   `iam:PassRole allowed without an iam:PassedToService condition`,
	RuleAssumeRoleWildcard: `sts:AssumeRole allowed on Resource "*"`,
	RuleARNMalformed:       `a Resource or NotResource that is neither "*" nor arn:partition:service:region:account:resource`,
	RuleARNPartition:       `a Resource ARN in another partition than the account of the role that uses the policy`,
	RuleManagedAdmin:       `an AWS-managed policy that grants administrator-like power (AdministratorAccess, IAMFullAccess, PowerUserAccess, ...)`,
	RuleAcceptStale:        `an accept entry that matches no finding`,
}

// Acceptable lists the rule ids that an accept entry may name, sorted.
func Acceptable() []string {
	var ids []string
	for id := range Summaries {
		if id != RuleAcceptStale {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}
