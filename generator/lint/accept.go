package lint

import (
	"fmt"
	"strings"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/diag"
)

// CheckAccepts checks the accept entries of irsa.yaml: each names a rule that exists and can
// concern the object it is written in, gives a reason, and is written once. Its errors are bad
// input, reported with the config's other errors.
func CheckAccepts(f *config.File) error {
	var l diag.List
	for i := range f.Config.Policies {
		p := &f.Config.Policies[i]
		checkAccepts(&l, f.Path, fmt.Sprintf("policy %q", p.Name), p.Accept, false)
	}
	for i := range f.Config.ServiceAccounts {
		sa := &f.Config.ServiceAccounts[i]
		checkAccepts(&l, f.Path, fmt.Sprintf("ServiceAccount %s/%s", sa.Namespace, sa.Name), sa.Accept, true)
	}
	return l.Sort().Err()
}

func checkAccepts(l *diag.List, file, who string, accept []config.Acceptance, serviceAccount bool) {
	seen := map[string]*config.Acceptance{}
	for i := range accept {
		a := &accept[i]
		switch {
		case a.Rule == "":
			l.Add(file, a.At("rule"), "%s: an accept entry needs rule: one of %s", who, strings.Join(Acceptable(), ", "))
		case a.Rule == RuleAcceptStale:
			l.Add(file, a.At("rule"), "%s: %s cannot be accepted; remove the accept entry that matches nothing instead", who, RuleAcceptStale)
		case Summaries[a.Rule] == "":
			l.Add(file, a.At("rule"), "%s: unknown lint rule %q%s", who, a.Rule, diag.DidYouMean(a.Rule, Acceptable(), "rules"))
		case a.Rule == RuleManagedAdmin && !serviceAccount:
			l.Add(file, a.At("rule"), "%s: %s concerns the managedPolicies of a ServiceAccount, never a named policy; accept it on the ServiceAccount", who, a.Rule)
		default:
			if prev, dup := seen[a.Rule]; dup {
				l.Add(file, a.At("rule"), "%s accepts %s twice (first at line %d); keep one entry", who, a.Rule, prev.Pos().Line)
			} else {
				seen[a.Rule] = a
			}
		}
		if strings.TrimSpace(a.Reason) == "" {
			l.Add(file, a.At("reason"), "%s: accepting %s needs a reason: say why the finding is intended, for the next reviewer", who, orPlaceholder(a.Rule))
		}
	}
}

func orPlaceholder(rule string) string {
	if rule == "" {
		return "a finding"
	}
	return rule
}
