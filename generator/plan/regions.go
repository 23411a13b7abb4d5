package plan

import "sort"

// roleRegions are the regions of the clusters a role serves, sorted and each once, and each
// cluster's region by name: the context fields regions and clusterRegions of a policy template.
// Region-scoped resources (an SQS queue, an EKS cluster, a secret) live where the cluster runs,
// which is not always where the account's stacks are deployed (the context's region).
func roleRegions(r *Role) (regions []any, clusterRegions map[string]any) {
	clusterRegions = map[string]any{}
	var names []string
	for _, t := range r.Trust {
		if _, seen := clusterRegions[t.Cluster.Name]; !seen {
			clusterRegions[t.Cluster.Name] = t.Cluster.Region
		}
		names = append(names, t.Cluster.Region)
	}
	sort.Strings(names)
	regions = []any{}
	for i, n := range names {
		if i == 0 || n != names[i-1] {
			regions = append(regions, n)
		}
	}
	return regions, clusterRegions
}
