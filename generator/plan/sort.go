package plan

import "sort"

// sort puts every list of the plan in its canonical order, the last step of Build, so that no
// output depends on the order in which irsa.yaml lists things.
func (b *builder) sort() {
	p := b.plan
	sort.Slice(p.Accounts, func(i, j int) bool { return p.Accounts[i].Name < p.Accounts[j].Name })
	sort.Slice(p.Clusters, func(i, j int) bool { return p.Clusters[i].Name < p.Clusters[j].Name })
	sort.Slice(p.Providers, func(i, j int) bool {
		a, c := p.Providers[i], p.Providers[j]
		return less(a.Account.Name, c.Account.Name, a.Cluster.Name, c.Cluster.Name)
	})
	for _, pr := range p.Providers {
		sort.Strings(pr.ClientIDs)
	}
	sort.Slice(p.Policies, func(i, j int) bool {
		a, c := p.Policies[i], p.Policies[j]
		return less(a.Account.Name, c.Account.Name, a.Name, c.Name)
	})
	sort.Slice(p.Roles, func(i, j int) bool {
		a, c := p.Roles[i], p.Roles[j]
		return less(a.Account.Name, c.Account.Name, a.Name, c.Name)
	})
	for _, c := range p.Clusters {
		sort.Slice(c.ServiceAccounts, func(i, j int) bool {
			a, d := c.ServiceAccounts[i], c.ServiceAccounts[j]
			return less(a.Namespace, d.Namespace, a.Name, d.Name)
		})
		sort.Slice(c.Components, func(i, j int) bool {
			a, d := c.Components[i], c.Components[j]
			return less(a.Namespace, d.Namespace, a.Deployment, d.Deployment, a.ServiceAccount, d.ServiceAccount)
		})
	}
}

// less compares pairs of keys in order: less(a1, b1, a2, b2, ...).
func less(pairs ...string) bool {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] != pairs[i+1] {
			return pairs[i] < pairs[i+1]
		}
	}
	return false
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
