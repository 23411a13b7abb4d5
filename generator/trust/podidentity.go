package trust

// EKS Pod Identity: the EKS Auth service (principal pods.eks.amazonaws.com) assumes the
// association's role with sts:AssumeRole, tagging the session with the pod's cluster, namespace
// and ServiceAccount (sts:TagSession) unless the association disables session tags. An
// association with a target role then assumes that role with the first role's credentials,
// passing sts:ExternalId region/account/cluster/namespace/name. A pod gets credentials only when
// every one of those requests is allowed, so the helpers here return all of them.

import (
	"fmt"
	"strings"
)

// Actions and the service principal of EKS Pod Identity.
const (
	ActionAssumeRole   = "sts:AssumeRole"
	ActionTagSession   = "sts:TagSession"
	PodIdentityService = "pods.eks.amazonaws.com"
)

// Condition keys EKS Pod Identity sets.
const (
	KeySourceAccount  = "aws:SourceAccount"
	KeyExternalID     = "sts:ExternalId"
	KeyClusterARN     = "aws:RequestTag/eks-cluster-arn"
	KeyClusterName    = "aws:RequestTag/eks-cluster-name"
	KeyNamespace      = "aws:RequestTag/kubernetes-namespace"
	KeyServiceAccount = "aws:RequestTag/kubernetes-service-account"
	KeyPodName        = "aws:RequestTag/kubernetes-pod-name"
	KeyPodUID         = "aws:RequestTag/kubernetes-pod-uid"
)

// PodIdentityBinding is a pod's ServiceAccount as EKS Pod Identity presents it.
type PodIdentityBinding struct {
	Partition, Region, Account, Cluster string
	Namespace, ServiceAccount           string
	// SessionTags is false when the association disables session tags.
	SessionTags bool
}

// ClusterARN is the ARN of the binding's cluster.
func (b PodIdentityBinding) ClusterARN() string {
	return fmt.Sprintf("arn:%s:eks:%s:%s:cluster/%s", b.Partition, b.Region, b.Account, b.Cluster)
}

// ExternalID is the sts:ExternalId EKS passes to a target role.
func (b PodIdentityBinding) ExternalID() string {
	return strings.Join([]string{b.Region, b.Account, b.Cluster, b.Namespace, b.ServiceAccount}, "/")
}

// tags are the session tags EKS sets, as request condition keys.
func (b PodIdentityBinding) tags() map[string][]string {
	return map[string][]string{
		KeyClusterARN:     {b.ClusterARN()},
		KeyClusterName:    {b.Cluster},
		KeyNamespace:      {b.Namespace},
		KeyServiceAccount: {b.ServiceAccount},
		// The pod's own name and uid vary from pod to pod; a trust policy must not depend on
		// them, so they stand for any pod here.
		KeyPodName: {"<pod name>"},
		KeyPodUID:  {"<pod uid>"},
		"aws:TagKeys": {"eks-cluster-arn", "eks-cluster-name", "kubernetes-namespace",
			"kubernetes-service-account", "kubernetes-pod-name", "kubernetes-pod-uid"},
	}
}

// PodIdentityRequests are the requests EKS makes to assume an association's role for a pod:
// sts:AssumeRole, and sts:TagSession with the session tags unless they are disabled.
func PodIdentityRequests(b PodIdentityBinding) []Request {
	ctx := map[string][]string{KeySourceAccount: {b.Account}}
	if b.SessionTags {
		for k, v := range b.tags() {
			ctx[k] = v
		}
	}
	return pair(Principal{Type: Service, ID: PodIdentityService}, ctx, b.SessionTags)
}

// ChainRequests are the requests made with the association's role, roleARN, to assume its
// target role: sts:AssumeRole with sts:ExternalId, and sts:TagSession passing the (transitive)
// session tags unless they are disabled. sts:ExternalId is a key of sts:AssumeRole alone (the
// Service Authorization Reference lists it for AssumeRole, not for TagSession, and the EKS
// User Guide's target role trust allows sts:TagSession in a statement without it), so the
// sts:TagSession request here does not carry it: a trust that checks the external id on
// sts:TagSession is taken to refuse the chain.
func ChainRequests(roleARN string, b PodIdentityBinding) []Request {
	p := Principal{Type: AWS, ID: roleARN}
	out := []Request{{Principal: p, Action: ActionAssumeRole, Context: map[string][]string{KeyExternalID: {b.ExternalID()}}}}
	if b.SessionTags {
		out[0].Context = b.tags()
		out[0].Context[KeyExternalID] = []string{b.ExternalID()}
		out = append(out, Request{Principal: p, Action: ActionTagSession, Context: b.tags()})
	}
	return out
}

func pair(p Principal, ctx map[string][]string, tags bool) []Request {
	out := []Request{{Principal: p, Action: ActionAssumeRole, Context: ctx}}
	if tags {
		out = append(out, Request{Principal: p, Action: ActionTagSession, Context: ctx})
	}
	return out
}

// EvaluateAll decides requests that must all be allowed, as one pod's credentials need: it
// returns the first result that is not Allow, else the last.
func EvaluateAll(doc any, reqs []Request) (Result, Request, error) {
	var res Result
	var last Request
	for _, req := range reqs {
		r, err := Evaluate(doc, req)
		if err != nil {
			return Result{}, req, err
		}
		res, last = r, req
		if r.Decision != Allow {
			break
		}
	}
	return res, last, nil
}

// Rule ids of Pod Identity and chained trust statements.
const (
	RulePodIdentityAction   = "trust-pod-identity-action"
	RulePodIdentityAccount  = "trust-pod-identity-source-account"
	RulePodIdentityUnscoped = "trust-pod-identity-unscoped"
	RuleChainPrincipal      = "trust-chain-principal"
	RuleChainExternalID     = "trust-chain-external-id"
)

// podIdentity applies the Pod Identity rules to a statement that trusts the EKS Auth service:
// it must check the clusters' account and, through the session tags, the exact clusters,
// namespace and ServiceAccount; without them any association in the account could use the role.
func (c *checker) podIdentity() {
	for _, a := range c.st.Action {
		if a != ActionAssumeRole && a != ActionTagSession {
			c.add(RulePodIdentityAction, "Action %q is not one EKS Pod Identity needs; allow only %q and %q", a, ActionAssumeRole, ActionTagSession)
		}
	}
	exact := map[string][]string{}
	for _, cond := range c.st.Conditions {
		op := parseOperator(cond.Operator)
		if op.Base == "StringEquals" && !op.IfExists && op.Set == "" && !op.Negated {
			exact[strings.ToLower(cond.Key)] = append(exact[strings.ToLower(cond.Key)], cond.Values...)
		}
	}
	if v := exact[strings.ToLower(KeySourceAccount)]; len(v) != 1 || !isAccountID(v[0]) {
		c.add(RulePodIdentityAccount, "no StringEquals %q with the one account id of the clusters, so an association in any account could use the role", KeySourceAccount)
	}
	for _, k := range []string{KeyClusterARN, KeyNamespace, KeyServiceAccount} {
		v := exact[strings.ToLower(k)]
		switch {
		case len(v) == 0:
			c.add(RulePodIdentityUnscoped, "no StringEquals condition on %q, so other associations of the account can use the role; add it", k)
		case k != KeyClusterARN && len(v) > 1:
			c.add(RulePodIdentityUnscoped, "%q lists %d values %s; a role belongs to one ServiceAccount", k, len(v), quoteList(v))
		}
		for _, s := range v {
			if hasWildcard(s) {
				c.add(RulePodIdentityUnscoped, "%q value %q contains a wildcard character; name it exactly", k, s)
			}
		}
	}
}

// chain applies the rules of a statement that trusts another role: it must name roles, not
// accounts, and check the association's sts:ExternalId exactly.
func (c *checker) chain() {
	for _, id := range c.st.Principal.IDs[string(AWS)] {
		if _, _, isAccount := accountOf(id); isAccount || !strings.Contains(id, ":role/") {
			c.add(RuleChainPrincipal, "Principal AWS %q is not a role ARN; trust the one role EKS Pod Identity assumes, by ARN", id)
		}
	}
	var ids []string
	for _, cond := range c.st.Conditions {
		op := parseOperator(cond.Operator)
		if strings.EqualFold(cond.Key, KeyExternalID) && op.Base == "StringEquals" && !op.IfExists && op.Set == "" {
			ids = append(ids, cond.Values...)
		}
	}
	if len(ids) == 0 {
		c.add(RuleChainExternalID, "no StringEquals condition on %q, so every association that names the trusted role can use this one; add region/account/cluster/namespace/name", KeyExternalID)
	}
	for _, v := range ids {
		if hasWildcard(v) || strings.Count(v, "/") != 4 {
			c.add(RuleChainExternalID, "%q value %q is not region/account/cluster/namespace/name without wildcards", KeyExternalID, v)
		}
	}
}

// trustsPodIdentity and trustsRoles say which of the rules above apply to a statement.
func (st statement) trustsPodIdentity() bool {
	if st.Effect != "Allow" || st.Principal == nil || st.Principal.Anyone {
		return false
	}
	for _, id := range st.Principal.IDs[string(Service)] {
		if strings.EqualFold(id, PodIdentityService) {
			return true
		}
	}
	return false
}

func (st statement) trustsRoles() bool {
	return st.Effect == "Allow" && st.Principal != nil && !st.Principal.Anyone && len(st.Principal.IDs[string(AWS)]) > 0 &&
		st.Action != nil && anyGlob(st.Action, ActionAssumeRole, true)
}
