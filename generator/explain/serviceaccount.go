package explain

import (
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/diag"
	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/generator/trust"
)

// ServiceAccount writes how pods running as namespace/name in cluster get their AWS role: the
// role, its stack, the trust statement that admits them and the verdict of evaluating it, the
// ServiceAccount's annotations and the Deployments that run as it. When irsa.yaml does not bind
// that ServiceAccount to that cluster it says why, and where the name is bound instead. file is
// the config's path, for positions.
func ServiceAccount(w io.Writer, p *plan.Plan, file, cluster, namespace, name string) (Answer, error) {
	var c *plan.Cluster
	for _, x := range p.Clusters {
		if x.Name == cluster {
			c = x
		}
	}
	if c == nil {
		return unknownCluster(w, p, file, cluster, namespace, name), nil
	}
	var sa *plan.ServiceAccount
	for _, x := range c.ServiceAccounts {
		if x.Namespace == namespace && x.Name == name {
			sa = x
		}
	}
	if sa == nil {
		return notBound(w, p, file, c, namespace, name), nil
	}

	r := sa.Role
	fmt.Fprintf(w, "ServiceAccount %s/%s in cluster %s\n", namespace, name, c.Name)
	fmt.Fprintf(w, "  declared at %s:%s\n\n", file, sa.Source.Pos())
	writeRole(w, r)

	fmt.Fprintf(w, "\npath: %s\n", identityPath(sa))
	irsaOK, podOK := true, true
	var res trust.Result
	if config.UsesIRSA(sa.Identity) {
		req := Request(r, c, namespace, name, audience(sa))
		var err error
		res, err = Evaluate(r, req)
		if err != nil {
			return Answer{}, fmt.Errorf("role %s: evaluating its trust policy: %w", r.Name, err)
		}
		fmt.Fprintf(w, "\ntrust: the request a pod running as %s/%s in cluster %s makes\n", namespace, name, c.Name)
		writeRequest(w, req)
		fmt.Fprintf(w, "verdict: %s", res)
		for _, i := range res.Deciding {
			fmt.Fprintf(w, "admitted by statement %d of the trust policy:\n%s", i, indent(statementJSON(r, i), "  "))
		}
		irsaOK = res.Decision == trust.Allow
	}
	if config.UsesPodIdentity(sa.Identity) {
		var err error
		if podOK, err = writePodIdentity(w, sa); err != nil {
			return Answer{}, err
		}
	}

	if sa.Create {
		fmt.Fprintf(w, "\nServiceAccount annotations (overlay %s):\n", path.Join("kubernetes", "clusters", c.Key))
	} else {
		fmt.Fprintf(w, "\nServiceAccount annotations, for the chart or add-on that creates it (createServiceAccount: false; docs/addons.md):\n")
	}
	for _, k := range sortedKeys(sa.Annotations) {
		fmt.Fprintf(w, "  %s: %s\n", k, sa.Annotations[k])
	}
	if len(sa.Annotations) == 0 {
		fmt.Fprintf(w, "  none\n")
	}
	writeDeployments(w, c, namespace, name)
	writeChain(w, sa)

	if !irsaOK {
		return Answer{Summary: fmt.Sprintf("the trust policy of role %s does not admit %s/%s in cluster %s (%s)",
			r.Name, namespace, name, c.Name, res.Decision)}, nil
	}
	if !podOK {
		return Answer{Summary: fmt.Sprintf("EKS Pod Identity cannot give %s/%s in cluster %s the credentials of role %s",
			namespace, name, c.Name, r.Name)}, nil
	}
	return Answer{OK: true}, nil
}

// writeRequest writes the parts of a web identity request that a trust policy checks.
func writeRequest(w io.Writer, req trust.Request) {
	fmt.Fprintf(w, "  action:    %s\n", req.Action)
	fmt.Fprintf(w, "  principal: %s\n", req.Principal)
	keys := make([]string, 0, len(req.Context))
	for k := range req.Context {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  %s = %s\n", k, strings.Join(req.Context[k], ", "))
	}
}

func writeDeployments(w io.Writer, c *plan.Cluster, namespace, name string) {
	var deps []string
	for _, comp := range c.Components {
		if comp.Namespace == namespace && comp.ServiceAccount == name {
			deps = append(deps, fmt.Sprintf("  %s/%s (Component %s)", comp.Namespace, comp.Deployment,
				path.Join("kubernetes", "components", c.Key, comp.Namespace, comp.Deployment)))
		}
	}
	if len(deps) == 0 {
		fmt.Fprintf(w, "\nDeployments that run as it: none declared; list them under deployments: to have irsagen set their serviceAccountName\n")
		return
	}
	fmt.Fprintf(w, "\nDeployments that run as it:\n%s\n", strings.Join(deps, "\n"))
}

// binding is a ServiceAccount bound in one cluster, found while looking for another.
type binding struct {
	cluster *plan.Cluster
	sa      *plan.ServiceAccount
}

// bindings lists every cluster where namespace/name is bound, by cluster name.
func bindings(p *plan.Plan, namespace, name string) []binding {
	var out []binding
	for _, c := range p.Clusters {
		for _, sa := range c.ServiceAccounts {
			if sa.Namespace == namespace && sa.Name == name {
				out = append(out, binding{cluster: c, sa: sa})
			}
		}
	}
	return out
}

func unknownCluster(w io.Writer, p *plan.Plan, file, cluster, namespace, name string) Answer {
	var names []string
	for _, c := range p.Clusters {
		names = append(names, c.Name)
	}
	fmt.Fprintf(w, "cluster %q is not defined in %s%s\n", cluster, file, diag.DidYouMean(cluster, names, "clusters"))
	writeElsewhere(w, file, namespace, name, bindings(p, namespace, name))
	return Answer{Summary: fmt.Sprintf("cluster %q is not defined in %s", cluster, file)}
}

func notBound(w io.Writer, p *plan.Plan, file string, c *plan.Cluster, namespace, name string) Answer {
	fmt.Fprintf(w, "ServiceAccount %s/%s is not configured in cluster %s: irsagen gives it no role and no\n", namespace, name, c.Name)
	fmt.Fprintf(w, "eks.amazonaws.com/role-arn annotation there, so its pods get no IRSA credentials.\n")
	var options []string
	sameName := map[string]bool{}
	for _, sa := range c.ServiceAccounts {
		options = append(options, sa.Namespace+"/"+sa.Name)
		if sa.Name == name {
			sameName[sa.Namespace] = true
		}
	}
	if s := diag.Suggest(namespace+"/"+name, options); s != "" {
		fmt.Fprintf(w, "  did you mean %s? It is configured in cluster %s.\n", s, c.Name)
	}
	if len(sameName) > 0 {
		var nss []string
		for ns := range sameName {
			nss = append(nss, ns)
		}
		sort.Strings(nss)
		fmt.Fprintf(w, "  a ServiceAccount named %s is configured in cluster %s in namespace %s\n", name, c.Name, strings.Join(nss, ", "))
	}
	elsewhere := bindings(p, namespace, name)
	writeElsewhere(w, file, namespace, name, elsewhere)
	if len(elsewhere) > 0 {
		fmt.Fprintf(w, "To bind it here, add %s to its clusters in %s.\n", c.Name, file)
	} else {
		fmt.Fprintf(w, "To give it a role, add it under serviceAccounts in %s with clusters: [%s].\n", file, c.Name)
	}
	return Answer{Summary: fmt.Sprintf("ServiceAccount %s/%s is not configured in cluster %s", namespace, name, c.Name)}
}

// writeElsewhere lists the clusters where the ServiceAccount is bound after all.
func writeElsewhere(w io.Writer, file, namespace, name string, elsewhere []binding) {
	if len(elsewhere) == 0 {
		fmt.Fprintf(w, "  %s/%s is not configured in any cluster\n", namespace, name)
		return
	}
	fmt.Fprintf(w, "  %s/%s is configured in:\n", namespace, name)
	for _, b := range elsewhere {
		fmt.Fprintf(w, "    cluster %s, role %s (declared at %s:%s)\n", b.cluster.Name, b.sa.Role.ARN, file, b.sa.Source.Pos())
	}
}
