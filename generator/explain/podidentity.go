package explain

import (
	"fmt"
	"io"
	"strings"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/generator/render"
	"github.com/irsagen/irsagen/generator/trust"
)

// EKS Pod Identity, the second way a pod gets its role. A pod whose ServiceAccount has an
// association gets Pod Identity credentials: the EKS Auth service assumes the association's
// role (sts:AssumeRole, sts:TagSession with the pod's session tags), then, for an association
// with a target role, that role with sts:ExternalId. Each hop is evaluated here against the trust
// policy as rendered.

// PodIdentityBinding is the binding EKS presents for sa's pods; tags follows the association.
func PodIdentityBinding(sa *plan.ServiceAccount) trust.PodIdentityBinding {
	c := sa.Cluster
	b := trust.PodIdentityBinding{Partition: c.Partition, Region: c.Region, Account: c.Account.ID,
		Cluster: c.Name, Namespace: sa.Namespace, ServiceAccount: sa.Name, SessionTags: true}
	if a := sa.Association; a != nil {
		b.SessionTags = !a.DisableSessionTags
	}
	return b
}

// Hop is one request chain a pod's credentials depend on: the role asked and the requests.
type Hop struct {
	Role     *plan.Role
	Requests []trust.Request
}

// PodIdentityHops are the hops of a Pod Identity binding: the association's role, and its
// target when it has one.
func PodIdentityHops(a *plan.Association, b trust.PodIdentityBinding) []Hop {
	hops := []Hop{{Role: a.Role, Requests: trust.PodIdentityRequests(b)}}
	if a.Target != nil {
		hops = append(hops, Hop{Role: a.Target, Requests: trust.ChainRequests(a.Role.ARN, b)})
	}
	return hops
}

// EvaluateHops decides every hop; the pod gets credentials only when each is allowed. It returns
// the result of the first hop that is not, else of the last, with the hop and request decided.
func EvaluateHops(hops []Hop) (trust.Result, Hop, trust.Request, error) {
	var res trust.Result
	var hop Hop
	var req trust.Request
	for _, h := range hops {
		r, q, err := trust.EvaluateAll(render.TrustPolicy(h.Role), h.Requests)
		if err != nil {
			return trust.Result{}, h, q, fmt.Errorf("role %s: evaluating its trust policy: %w", h.Role.Name, err)
		}
		res, hop, req = r, h, q
		if r.Decision != trust.Allow {
			break
		}
	}
	return res, hop, req, nil
}

// identityPath says which way pods of sa get their credentials, and why.
func identityPath(sa *plan.ServiceAccount) string {
	from := "its cluster's identity"
	switch {
	case sa.Source.Identity != "":
		from = "the ServiceAccount's identity"
	case sa.Cluster.Source.Identity == "":
		from = "the default"
	}
	switch sa.Identity {
	case config.IdentityPodIdentity:
		return fmt.Sprintf("EKS Pod Identity (identity: podIdentity, from %s): the association gives pods their credentials;\n"+
			"  the ServiceAccount carries no eks.amazonaws.com/role-arn annotation, so IRSA injects nothing", from)
	case config.IdentityBoth:
		return fmt.Sprintf("both (identity: both, from %s): with an annotation and an association, the webhook gives\n"+
			"  new pods Pod Identity credentials only; pods started before the association keep IRSA until restarted;\n"+
			"  both ways are admitted below", from)
	}
	return fmt.Sprintf("IRSA (identity: irsa, from %s): the webhook projects a token for the role the annotation names", from)
}

// writePodIdentity writes the association of sa and the verdict of each hop; ok is false when
// a hop denies.
func writePodIdentity(w io.Writer, sa *plan.ServiceAccount) (ok bool, err error) {
	a := sa.Association
	if a == nil {
		fmt.Fprintf(w, "\nPod Identity: no association\n")
		return false, nil
	}
	fmt.Fprintf(w, "\nPod Identity association %s/%s in cluster %s\n", a.Namespace, a.ServiceAccount, a.Cluster.Name)
	fmt.Fprintf(w, "  stack:         %s in %s (%s)\n", a.Stack.Name, a.Stack.Region, a.Stack.Template)
	fmt.Fprintf(w, "  RoleArn:       %s\n", a.Role.ARN)
	if a.Target != nil {
		fmt.Fprintf(w, "  TargetRoleArn: %s\n", a.Target.ARN)
	}
	fmt.Fprintf(w, "  session tags:  %s\n", map[bool]string{true: "disabled", false: "enabled"}[a.DisableSessionTags])
	for _, h := range PodIdentityHops(a, PodIdentityBinding(sa)) {
		res, req, err := trust.EvaluateAll(render.TrustPolicy(h.Role), h.Requests)
		if err != nil {
			return false, fmt.Errorf("role %s: evaluating its trust policy: %w", h.Role.Name, err)
		}
		fmt.Fprintf(w, "\ntrust of %s: the requests %s makes\n", h.Role.Name, who(h))
		writeRequest(w, trust.Request{Principal: req.Principal, Action: strings.Join(actions(h.Requests), ", "), Context: req.Context})
		fmt.Fprintf(w, "verdict: %s", res)
		for _, i := range res.Deciding {
			fmt.Fprintf(w, "admitted by statement %d of the trust policy:\n%s", i, indent(statementJSON(h.Role, i), "  "))
		}
		if res.Decision != trust.Allow {
			return false, nil
		}
	}
	return true, nil
}

func who(h Hop) string {
	if h.Requests[0].Principal.Type == trust.Service {
		return "the EKS Auth service (" + trust.PodIdentityService + ")"
	}
	return "role " + h.Requests[0].Principal.ID
}

func actions(reqs []trust.Request) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, r.Action)
	}
	return out
}

// Neighbour is a binding that differs from a bound one in one part.
type Neighbour struct {
	What    string
	Binding trust.PodIdentityBinding
}

// Neighbours are the bindings that differ from b in its name, namespace, cluster, account or
// region (a cluster of the same name in another region of the account). A trust policy must
// admit b and none of them.
func Neighbours(b trust.PodIdentityBinding) []Neighbour {
	name, ns, cluster, account, region := b, b, b, b, b
	name.ServiceAccount += "-other"
	ns.Namespace += "-other"
	cluster.Cluster += "-other"
	account.Account = "000000000000"
	region.Region += "-other"
	return []Neighbour{
		{"another ServiceAccount", name}, {"another namespace", ns},
		{"another cluster", cluster}, {"another account", account},
		{"the same cluster name in another region", region},
	}
}

// PodIdentityAdmission is a binding that EKS Pod Identity may assume a role for.
type PodIdentityAdmission struct {
	Cluster   *plan.Cluster
	Namespace string
	Name      string
	Via       string // the principal: the EKS Auth service, or the role that chains
}

// PodIdentityAssumers evaluates r's trust policy for every ServiceAccount of irsa.yaml in every
// cluster as EKS Pod Identity presents it, with and without session tags, directly and through
// each role that chains into r, and returns those it admits.
func PodIdentityAssumers(p *plan.Plan, r *plan.Role) ([]PodIdentityAdmission, int, error) {
	type subject struct{ namespace, name string }
	var subjects []subject
	seen := map[subject]bool{}
	for _, c := range p.Clusters {
		for _, sa := range c.ServiceAccounts {
			if s := (subject{sa.Namespace, sa.Name}); !seen[s] {
				seen[s] = true
				subjects = append(subjects, s)
			}
		}
	}
	doc := render.TrustPolicy(r)
	var out []PodIdentityAdmission
	n := 0
	for _, c := range p.Clusters {
		for _, s := range subjects {
			for _, tags := range []bool{true, false} {
				b := trust.PodIdentityBinding{Partition: c.Partition, Region: c.Region, Account: c.Account.ID,
					Cluster: c.Name, Namespace: s.namespace, ServiceAccount: s.name, SessionTags: tags}
				tries := [][]trust.Request{trust.PodIdentityRequests(b)}
				for _, ch := range r.Chain {
					tries = append(tries, trust.ChainRequests(ch.From.ARN, b))
				}
				for _, reqs := range tries {
					n++
					res, _, err := trust.EvaluateAll(doc, reqs)
					if err != nil {
						return nil, n, fmt.Errorf("role %s: evaluating its trust policy: %w", r.Name, err)
					}
					if res.Decision == trust.Allow {
						out = append(out, PodIdentityAdmission{Cluster: c, Namespace: s.namespace, Name: s.name, Via: reqs[0].Principal.String()})
						break
					}
				}
			}
		}
	}
	return dedupe(out), n, nil
}

func dedupe(list []PodIdentityAdmission) []PodIdentityAdmission {
	var out []PodIdentityAdmission
	for _, a := range list {
		if len(out) > 0 {
			last := out[len(out)-1]
			if last.Cluster == a.Cluster && last.Namespace == a.Namespace && last.Name == a.Name && last.Via == a.Via {
				continue
			}
		}
		out = append(out, a)
	}
	return out
}
