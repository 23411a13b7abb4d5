package explain

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/irsagen/irsagen/generator/diag"
	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/generator/trust"
)

// Admission is a ServiceAccount of a cluster that a role's trust policy admits.
type Admission struct {
	Cluster    *plan.Cluster
	Namespace  string
	Name       string
	Audience   string
	Statements []int // the trust statements that admit it
}

// Candidates is how many requests Assumers evaluated.
type Candidates struct {
	Requests        int
	Clusters        int
	ServiceAccounts int
}

// Assumers evaluates r's trust policy for every ServiceAccount that irsa.yaml names, as a pod
// in every cluster would present it, with every audience that r's trust statements or that
// ServiceAccount use, and returns those it admits, by cluster, namespace and name. Trying every
// name in every cluster, not only the bound ones, is what makes the answer a proof that nobody
// else gets in.
func Assumers(p *plan.Plan, r *plan.Role) ([]Admission, Candidates, error) {
	type subject struct{ namespace, name string }
	subjects := map[subject]bool{}
	for _, c := range p.Clusters {
		for _, sa := range c.ServiceAccounts {
			subjects[subject{sa.Namespace, sa.Name}] = true
		}
	}
	ordered := make([]subject, 0, len(subjects))
	for s := range subjects {
		ordered = append(ordered, s)
	}
	sort.Slice(ordered, func(i, j int) bool {
		a, b := ordered[i], ordered[j]
		return a.namespace < b.namespace || (a.namespace == b.namespace && a.name < b.name)
	})
	roleAudiences := []string{plan.DefaultAudience}
	for _, t := range r.Trust {
		roleAudiences = appendUnique(roleAudiences, t.Audience)
	}
	var out []Admission
	n := Candidates{Clusters: len(p.Clusters), ServiceAccounts: len(ordered)}
	for _, c := range p.Clusters {
		bound := map[subject]*plan.ServiceAccount{}
		for _, sa := range c.ServiceAccounts {
			bound[subject{sa.Namespace, sa.Name}] = sa
		}
		for _, s := range ordered {
			auds := roleAudiences
			if sa := bound[s]; sa != nil {
				auds = appendUnique(append([]string(nil), auds...), audience(sa))
			}
			for _, aud := range auds {
				n.Requests++
				res, err := Evaluate(r, Request(r, c, s.namespace, s.name, aud))
				if err != nil {
					return nil, n, fmt.Errorf("role %s: evaluating its trust policy: %w", r.Name, err)
				}
				if res.Decision == trust.Allow {
					out = append(out, Admission{Cluster: c, Namespace: s.namespace, Name: s.name, Audience: aud, Statements: res.Deciding})
				}
			}
		}
	}
	return out, n, nil
}

// Role writes, for the role named by nameOrARN (a role name, or its ARN), what it is and every
// (cluster, namespace, ServiceAccount) that can assume it, each admission proved by evaluating
// the trust policy. Several roles may share a name in different accounts; each is explained.
func Role(w io.Writer, p *plan.Plan, file, nameOrARN string) (Answer, error) {
	roles := findRoles(p, nameOrARN)
	if len(roles) == 0 {
		return unknownRole(w, p, file, nameOrARN), nil
	}
	answer := Answer{OK: true}
	for i, r := range roles {
		if i > 0 {
			fmt.Fprintln(w)
		}
		writeRole(w, r)
		fmt.Fprintf(w, "  ServiceAccount: %s/%s (declared at %s:%s)\n", r.Namespace, r.ServiceAccount, file, r.Source.Pos())
		admitted, n, err := Assumers(p, r)
		if err != nil {
			return Answer{}, err
		}
		pods, m, err := PodIdentityAssumers(p, r)
		if err != nil {
			return Answer{}, err
		}
		if len(admitted) == 0 && len(pods) == 0 {
			fmt.Fprintf(w, "\ncan be assumed by: nobody\n")
			answer = Answer{Summary: fmt.Sprintf("no ServiceAccount can assume role %s", r.ARN)}
		} else {
			fmt.Fprintf(w, "\ncan be assumed by:\n")
			for _, a := range admitted {
				fmt.Fprintf(w, "  cluster %s: %s/%s with audience %s (trust statement %s)\n",
					a.Cluster.Name, a.Namespace, a.Name, a.Audience, joinInts(a.Statements))
			}
			for _, a := range pods {
				fmt.Fprintf(w, "  cluster %s: %s/%s through EKS Pod Identity (principal %s)\n", a.Cluster.Name, a.Namespace, a.Name, a.Via)
			}
		}
		fmt.Fprintf(w, "verified: the trust policy was evaluated for sts:AssumeRoleWithWebIdentity by each of the %d ServiceAccounts\nof %s in each of the %d clusters, with every audience in use: %d requests, %d allowed, %d denied\n",
			n.ServiceAccounts, file, n.Clusters, n.Requests, len(admitted), n.Requests-len(admitted))
		if r.Target != nil {
			fmt.Fprintf(w, "it can do nothing but assume %s, whose trust checks each association's sts:ExternalId\n(irsagen explain --role %s)\n", r.Target.ARN, r.Target.Name)
		}
		if len(r.PodIdentity) > 0 || len(r.Chain) > 0 {
			fmt.Fprintf(w, "and for EKS Pod Identity by the same ServiceAccounts, with and without session tags, directly and\nthrough every role that chains into it: %d request sets, %d admitted\n", m, len(pods))
		}
	}
	return answer, nil
}

// findRoles matches a role ARN exactly, or a role name; IAM role names are unique without regard
// to case, so a name that matches only in another case still finds the role.
func findRoles(p *plan.Plan, q string) []*plan.Role {
	match := func(eq func(a, b string) bool) []*plan.Role {
		var out []*plan.Role
		for _, r := range p.Roles {
			if eq(r.ARN, q) || (!strings.HasPrefix(q, "arn:") && eq(r.Name, q)) {
				out = append(out, r)
			}
		}
		return out
	}
	if rs := match(func(a, b string) bool { return a == b }); len(rs) > 0 {
		return rs
	}
	return match(strings.EqualFold)
}

func unknownRole(w io.Writer, p *plan.Plan, file, q string) Answer {
	name := q
	if strings.HasPrefix(q, "arn:") {
		name = q[strings.LastIndex(q, "/")+1:]
	}
	var names []string
	var sameName []string
	for _, r := range p.Roles {
		names = append(names, r.Name)
		if strings.EqualFold(r.Name, name) {
			sameName = append(sameName, r.ARN)
		}
	}
	if len(sameName) > 0 {
		fmt.Fprintf(w, "role %q is not generated from %s; the roles named %s are:\n  %s\n", q, file, name, strings.Join(sameName, "\n  "))
	} else {
		fmt.Fprintf(w, "role %q is not generated from %s%s\n", q, file, diag.DidYouMean(name, uniqueSorted(names), "roles"))
	}
	return Answer{Summary: fmt.Sprintf("role %q is not generated from %s", q, file)}
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func uniqueSorted(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

func joinInts(is []int) string {
	s := make([]string, len(is))
	for i, v := range is {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, ", ")
}
