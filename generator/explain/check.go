package explain

import (
	"fmt"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/generator/trust"
)

// Finding is a binding that its trust policies do not serve as irsa.yaml says: the
// ServiceAccount is not admitted, or a neighbour is.
type Finding struct {
	ServiceAccount *plan.ServiceAccount
	Message        string
}

// CheckBindings proves every binding of the plan both ways it uses: through IRSA, the pod's
// web identity request is admitted by its role and the same request from another name,
// namespace or cluster is not; through Pod Identity, every hop EKS makes is admitted, and the
// same hops for a neighbouring binding are not.
func CheckBindings(p *plan.Plan) ([]Finding, error) {
	var out []Finding
	for _, c := range p.Clusters {
		for _, sa := range c.ServiceAccounts {
			f, err := checkBinding(sa)
			if err != nil {
				return nil, err
			}
			out = append(out, f...)
		}
	}
	return out, nil
}

func checkBinding(sa *plan.ServiceAccount) ([]Finding, error) {
	var out []Finding
	add := func(format string, args ...any) {
		out = append(out, Finding{ServiceAccount: sa, Message: fmt.Sprintf(format, args...)})
	}
	c, r := sa.Cluster, sa.Role
	if config.UsesIRSA(sa.Identity) {
		aud := audience(sa)
		decide := func(c *plan.Cluster, ns, name string) (trust.Decision, error) {
			res, err := Evaluate(r, Request(r, c, ns, name, aud))
			return res.Decision, err
		}
		d, err := decide(c, sa.Namespace, sa.Name)
		if err != nil {
			return nil, err
		}
		if d != trust.Allow {
			add("IRSA: role %s does not admit %s/%s in cluster %s (%s)", r.Name, sa.Namespace, sa.Name, c.Name, d)
		}
		other := *c
		other.HostPath += "-other"
		for _, n := range []struct {
			what, ns, name string
			c              *plan.Cluster
		}{{"another ServiceAccount", sa.Namespace, sa.Name + "-other", c}, {"another namespace", sa.Namespace + "-other", sa.Name, c}, {"another cluster", sa.Namespace, sa.Name, &other}} {
			if d, err := decide(n.c, n.ns, n.name); err != nil {
				return nil, err
			} else if d == trust.Allow {
				add("IRSA: role %s also admits %s than %s/%s in cluster %s", r.Name, n.what, sa.Namespace, sa.Name, c.Name)
			}
		}
	}
	if !config.UsesPodIdentity(sa.Identity) {
		return out, nil
	}
	a := sa.Association
	if a == nil {
		add("Pod Identity: %s/%s in cluster %s has no association", sa.Namespace, sa.Name, c.Name)
		return out, nil
	}
	b := PodIdentityBinding(sa)
	res, hop, _, err := EvaluateHops(PodIdentityHops(a, b))
	if err != nil {
		return nil, err
	}
	if res.Decision != trust.Allow {
		add("Pod Identity: role %s does not admit %s/%s in cluster %s (%s)", hop.Role.Name, sa.Namespace, sa.Name, c.Name, res.Decision)
	}
	for _, n := range Neighbours(b) {
		res, _, _, err := EvaluateHops(PodIdentityHops(a, n.Binding))
		if err != nil {
			return nil, err
		}
		if res.Decision == trust.Allow {
			add("Pod Identity: the roles of %s/%s in cluster %s also admit %s", sa.Namespace, sa.Name, c.Name, n.What)
		}
	}
	return out, nil
}
