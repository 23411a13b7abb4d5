package cfncheck

// maxManagedPolicyChars is IAM's limit on one managed policy document; unlike the role
// quotas it cannot be raised.
const maxManagedPolicyChars = 6144

func checkManagedPolicy(r *report, res resource) {
	props, p := res.props, res.propsPath()
	if v, ok := props["ManagedPolicyName"]; ok {
		checkName(r, p.key("ManagedPolicyName"), v, "policy name", maxPolicyName)
	}
	if v, ok := props["Path"]; ok {
		checkIAMPath(r, p.key("Path"), v)
	}
	if v, ok := props["Description"]; ok {
		checkDescription(r, p.key("Description"), v)
	}
	for _, attach := range []struct {
		property, what string
		max            int
	}{{"Roles", "role name", maxRoleName}, {"Users", "user name", 64}, {"Groups", "group name", 128}} {
		names, _ := props[attach.property].([]any)
		for i, v := range names {
			checkName(r, p.key(attach.property).index(i), v, attach.what, attach.max)
		}
	}
	if v, ok := props["PolicyDocument"]; ok {
		q := p.key("PolicyDocument")
		checkPolicyDocument(r, q, v, identityPolicy)
		if n, exact := policySize(v); n > maxManagedPolicyChars {
			r.add(q, "policy is %s without white space; IAM allows at most %d", sizeText(n, exact), maxManagedPolicyChars)
		}
	}
}
