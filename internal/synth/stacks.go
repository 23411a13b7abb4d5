package synth

// CloudFormation's quotas for one template, and the share of them a role stack is sized for.
// irsagen spreads an account's roles over roleStacks stacks by a consistent hash of the role
// name, so stacks are not filled evenly: with a dozen roles per stack on average, the fullest of
// a thousand stacks holds about two and a half times the average. At 30% on average it stays
// below 80% of the limit, with room for the fleet to grow before roleStacks must be raised.
const (
	MaxTemplateBytes     = 51_200
	MaxTemplateResources = 500
	targetFill           = 0.3
)

// SetRoleStacks sets every account's roleStacks from the estimated size of its roles. Tests that
// add or remove a ServiceAccount keep the value, as a user would: changing it moves roles.
func (f *Fleet) SetRoleStacks() {
	bytes, count := f.RoleEstimate()
	for i := range f.Accounts {
		a := &f.Accounts[i]
		n := ceilDiv(bytes[a.Name], int(targetFill*MaxTemplateBytes))
		n = max(n, ceilDiv(count[a.Name], int(targetFill*MaxTemplateResources)), 1)
		a.RoleStacks = min(n, 1000)
	}
}

// RoleEstimate returns, per account, the estimated template bytes of its roles and their number.
// It groups bindings into roles as irsagen does: one role per owning account, or per cluster with
// perCluster; the owning account is the ServiceAccount's, else each cluster's.
func (f *Fleet) RoleEstimate() (bytes, count map[string]int) {
	bytes, count = map[string]int{}, map[string]int{}
	clusterAccount := map[string]string{}
	var all []string
	for _, c := range f.Clusters {
		clusterAccount[c.Name] = c.Account
		all = append(all, c.Name)
	}
	for i := range f.ServiceAccounts {
		sa := &f.ServiceAccounts[i]
		bound := sa.Clusters
		if len(bound) == 1 && bound[0] == "*" {
			bound = all
		}
		statements := map[string]int{} // role key → trust statements
		owner := map[string]string{}
		var keys []string
		for _, c := range bound {
			key, account := clusterAccount[c], clusterAccount[c]
			if sa.Account != "" {
				key, account = sa.Account, sa.Account
			}
			if sa.PerCluster {
				key = c
			}
			if _, seen := statements[key]; !seen {
				keys = append(keys, key)
			}
			statements[key]++
			owner[key] = account
		}
		for _, key := range keys {
			bytes[owner[key]] += roleBytes(sa, statements[key])
			count[owner[key]]++
		}
	}
	return bytes, count
}

// roleBytes estimates the YAML a role takes in its template, from the lengths of what irsagen
// writes for it: a fixed part with the role's name and description, one trust statement per
// cluster (a provider ARN and two condition keys that each hold the issuer), managed policy
// ARNs, tags (the three defaults and the ServiceAccount's) and the inline policy. It comes within
// a few percent of the rendered templates of the presets.
func roleBytes(sa *ServiceAccount, statements int) int {
	names := len(sa.Namespace) + len(sa.Name)
	n := 460 + 2*names
	if sa.PerCluster {
		n += 2 * 16 // the cluster's name in RoleName and the logical id
	}
	n += statements * (530 + names)
	if arns := len(sa.ManagedPolicies) + len(sa.Policies); arns > 0 {
		n += 25 + 70*arns
	}
	n += 190 // the default tags
	for _, kv := range sa.Tags {
		n += 50 + len(kv.Key) + len(kv.Value)
	}
	if sa.Inline != nil {
		n += 160
		for _, s := range append(append([]string(nil), sa.Inline.Actions...), sa.Inline.Resources...) {
			n += len(s) + 20
		}
	}
	return n
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
