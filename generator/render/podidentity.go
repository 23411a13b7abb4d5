package render

import (
	"encoding/json"

	"github.com/irsagen/irsagen/generator/plan"
)

// EKS Pod Identity: the trust statements of roles that pods reach through an association, and
// the associations themselves. See plan/podidentity.go for the shape of the chain.

// Condition keys of a Pod Identity trust statement.
const (
	keySourceAccount  = "aws:SourceAccount"
	keyClusterARN     = "aws:RequestTag/eks-cluster-arn"
	keyNamespace      = "aws:RequestTag/kubernetes-namespace"
	keyServiceAccount = "aws:RequestTag/kubernetes-service-account"
	keyExternalID     = "sts:ExternalId"
)

// podIdentityStatements are r's statements for EKS Pod Identity: one per account of bound
// clusters for the service principal, one per role that chains into r.
func podIdentityStatements(r *plan.Role) []any {
	var out []any
	for _, t := range r.PodIdentity {
		cond := map[string]any{keySourceAccount: t.SourceAccount}
		if t.SessionTags {
			var arns []string
			for _, c := range t.Clusters {
				arns = append(arns, plan.ClusterARN(c))
			}
			cond[keyClusterARN] = oneOrList(arns)
			cond[keyNamespace] = t.Namespace
			cond[keyServiceAccount] = t.Name
		}
		out = append(out, map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"Service": plan.PodIdentityService},
			"Action":    []any{"sts:AssumeRole", "sts:TagSession"},
			"Condition": map[string]any{"StringEquals": cond},
		})
	}
	// sts:ExternalId is a key of sts:AssumeRole only: the request that passes the transitive
	// session tags (sts:TagSession) has none, so it gets a statement of its own, as in the EKS
	// User Guide's target role trust. sts:TagSession alone gives no credentials.
	var from []string
	for _, ch := range r.Chain {
		out = append(out, map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"AWS": ch.From.ARN},
			"Action":    "sts:AssumeRole",
			"Condition": map[string]any{"StringEquals": map[string]any{keyExternalID: oneOrList(ch.ExternalIDs)}},
		})
		from = append(from, ch.From.ARN)
	}
	if len(from) > 0 {
		out = append(out, map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"AWS": oneOrList(from)},
			"Action":    "sts:TagSession",
		})
	}
	return out
}

// oneOrList is a condition value: a string for one value, a list for more.
func oneOrList(values []string) any {
	if len(values) == 1 {
		return values[0]
	}
	list := make([]any, len(values))
	for i, v := range values {
		list[i] = v
	}
	return list
}

func (b *builder) association(a *plan.Association) {
	b.openMap()
	b.pair("ClusterName", a.Cluster.Name)
	b.pair("Namespace", a.Namespace)
	b.pair("ServiceAccount", a.ServiceAccount)
	b.pair("RoleArn", a.Role.ARN)
	if a.Target != nil {
		b.pair("TargetRoleArn", a.Target.ARN)
	}
	if a.DisableSessionTags {
		b.key("DisableSessionTags")
		b.boolean(true)
	}
	if len(a.SessionPolicy) > 0 {
		data, err := json.Marshal(map[string]any(a.SessionPolicy))
		if err != nil {
			panic("render: session policy: " + err.Error()) // decoded YAML always marshals
		}
		b.pair("Policy", string(data))
	}
	b.tags(a.Tags)
	b.close()
}
