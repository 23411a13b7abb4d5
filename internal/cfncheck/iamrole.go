package cfncheck

import "encoding/json"

// IAM quotas on a role. Attached managed policies and trust policy length are quotas an
// account can raise; these are the highest values AWS grants (the defaults are 10 and 2,048).
const (
	maxRoleName            = 64
	maxPolicyName          = 128
	minSessionDuration     = 3600
	maxSessionDuration     = 43200
	maxManagedPolicyArns   = 20
	maxTrustPolicyChars    = 4096
	maxInlinePoliciesChars = 10240
)

func checkRole(r *report, res resource) {
	props, p := res.props, res.propsPath()
	if v, ok := props["RoleName"]; ok {
		checkName(r, p.key("RoleName"), v, "role name", maxRoleName)
	}
	if v, ok := props["Path"]; ok {
		checkIAMPath(r, p.key("Path"), v)
	}
	if v, ok := props["Description"]; ok {
		checkDescription(r, p.key("Description"), v)
	}
	if v, ok := props["MaxSessionDuration"].(json.Number); ok {
		checkSessionDuration(r, p.key("MaxSessionDuration"), v)
	}
	if v, ok := props["PermissionsBoundary"]; ok {
		checkPolicyARN(r, p.key("PermissionsBoundary"), v)
	}
	if arns, ok := props["ManagedPolicyArns"].([]any); ok {
		q := p.key("ManagedPolicyArns")
		if len(arns) > maxManagedPolicyArns {
			r.add(q, "%d managed policies; IAM attaches at most %d to a role", len(arns), maxManagedPolicyArns)
		}
		for i, arn := range arns {
			checkPolicyARN(r, q.index(i), arn)
		}
	}
	if v, ok := props["Tags"]; ok {
		checkTags(r, p.key("Tags"), v)
	}
	if v, ok := props["AssumeRolePolicyDocument"]; ok {
		q := p.key("AssumeRolePolicyDocument")
		checkPolicyDocument(r, q, v, trustPolicy)
		if n, exact := policySize(v); n > maxTrustPolicyChars {
			r.add(q, "trust policy is %s without white space; IAM allows at most %d", sizeText(n, exact), maxTrustPolicyChars)
		}
	}
	if v, ok := props["Policies"].([]any); ok {
		checkInlinePolicies(r, p.key("Policies"), v)
	}
}

func checkSessionDuration(r *report, p path, v json.Number) {
	n, err := v.Int64()
	switch {
	case err != nil:
		r.add(p, "%s is not a whole number of seconds", v)
	case n < minSessionDuration || n > maxSessionDuration:
		r.add(p, "%d seconds is out of range; IAM allows %d (1 hour) to %d (12 hours)", n, minSessionDuration, maxSessionDuration)
	}
}

// checkInlinePolicies checks a role's Policies: names unique, documents valid, and their
// total size within the role's quota.
func checkInlinePolicies(r *report, p path, policies []any) {
	first := map[string]int{}
	total, exact := 0, true
	for i, item := range policies {
		policy, ok := item.(map[string]any)
		if !ok {
			continue
		}
		q := p.index(i)
		checkName(r, q.key("PolicyName"), policy["PolicyName"], "policy name", maxPolicyName)
		if name, ok := literal(policy["PolicyName"]); ok {
			if j, dup := first[name]; dup {
				r.add(q.key("PolicyName"), "duplicate policy name %q; first at %s", name, p.index(j))
			} else {
				first[name] = i
			}
		}
		checkPolicyDocument(r, q.key("PolicyDocument"), policy["PolicyDocument"], identityPolicy)
		n, ok := policySize(policy["PolicyDocument"])
		total += n
		exact = exact && ok
	}
	if total > maxInlinePoliciesChars {
		r.add(p, "inline policies total %s without white space; IAM allows at most %d per role", sizeText(total, exact), maxInlinePoliciesChars)
	}
}
