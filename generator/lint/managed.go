package lint

import (
	"fmt"
	"regexp"

	"github.com/irsagen/irsagen/generator/config"
)

// adminPolicies are AWS-managed policies whose holder can do anything in the account, or can
// make itself able to: their documents are AWS's, so the statement rules never see them.
var adminPolicies = map[string]string{
	"AdministratorAccess":                     "allows every action on every resource",
	"AdministratorAccess-Amplify":             "allows every action of a long list of services, IAM role management included",
	"AdministratorAccess-AWSElasticBeanstalk": "allows every action of the services Elastic Beanstalk drives, iam:PassRole on any role included",
	"PowerUserAccess":                         "allows every action except IAM and Organizations management, on every resource",
	"IAMFullAccess":                           "allows every IAM action, so the pod can create a role or user with any policy and become administrator",
	"AWSOrganizationsFullAccess":              "allows every Organizations action: create and remove accounts, change service control policies",
}

// awsManagedARN matches an AWS-managed policy ARN and captures its path and name.
var awsManagedARN = regexp.MustCompile(`^arn:[a-z-]+:iam::aws:policy/(.+)$`)

// managedPolicies reports AWS-managed policies of a ServiceAccount, named or given by ARN, that
// grant administrator-like power.
func (l *linter) managedPolicies(s *subject, sa *config.ServiceAccount) {
	for i, mp := range sa.ManagedPolicies {
		name := mp
		if m := awsManagedARN.FindStringSubmatch(mp); m != nil {
			name = m[1]
		}
		why, ok := adminPolicies[name]
		if !ok {
			continue
		}
		s.add(RuleManagedAdmin, sa.At(fmt.Sprintf("managedPolicies[%d]", i)),
			"%s attaches the AWS-managed policy %s, which %s; attach a policy with the actions the workload calls instead",
			s.name, name, why)
	}
}
