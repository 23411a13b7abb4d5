// Package lint is the permission lint: it reads every policy that irsa.yaml attaches to a role
// (named policies, inline policies, AWS-managed policies named by ARN or name) and reports the
// grants that are dangerous for a pod to hold: every action on every resource, iam:PassRole or
// sts:AssumeRole on any role, ARNs that are malformed or of another partition than the role's.
//
// It runs after plan.Build, because a policy's partition is the partition of the accounts whose
// roles use it, and needs nothing rendered: Generate runs it while the plan is rendered, and
// nothing is written until it has passed. A finding that is intended is
// accepted in irsa.yaml next to the policy or ServiceAccount it concerns, with a reason
// (docs/lint.md); an acceptance that no longer matches anything is reported, so that accepted
// risks do not outlive the policies that justified them.
//
// Findings are positioned at the value they object to ("irsa.yaml:12:19: [allow-all] ...").
// Whether they stop a run is the caller's decision: generate and diff refuse, validate lists them.
package lint

import (
	"fmt"
	"sort"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/diag"
	"github.com/irsagen/irsagen/generator/plan"
)

// Finding is one grant that breaks a rule.
type Finding struct {
	Rule    string
	Pos     diag.Pos
	Message string // names the policy or ServiceAccount and says what to do; no rule id
}

func (f Finding) String() string { return "[" + f.Rule + "] " + f.Message }

// Result is what Run found.
type Result struct {
	File string
	// Findings are the findings nobody accepted, and the acceptances that matched nothing
	// (accept-stale), sorted by position.
	Findings []Finding
	// Accepted are the findings that an accept entry covers, sorted by position.
	Accepted []Finding
}

// Diagnostics returns the unaccepted findings as "file:line:col: [rule] message" diagnostics.
func (r Result) Diagnostics() diag.List {
	var l diag.List
	for _, f := range r.Findings {
		l = append(l, diag.Diagnostic{File: r.File, Pos: f.Pos, Message: f.String()})
	}
	return l.Sort()
}

// Run lints every policy of f, which p was built from. It assumes a config that passed
// config.Validate and CheckAccepts.
func Run(f *config.File, p *plan.Plan) Result {
	l := &linter{subjects: map[*config.Meta]*subject{}}
	cfg := f.Config
	named := map[string]*config.Policy{}
	// Documents written in irsa.yaml are linted once, as written, with positions inside them.
	for i := range cfg.Policies {
		pol := &cfg.Policies[i]
		named[pol.Name] = pol
		s := l.policy(pol)
		if pol.Jsonnet == "" && pol.Document != nil {
			l.document(s, "document", s.name, pol.Document)
		}
	}
	for i := range cfg.ServiceAccounts {
		sa := &cfg.ServiceAccounts[i]
		s := l.serviceAccount(sa)
		if len(sa.InlinePolicy) > 0 {
			l.document(s, "inlinePolicy", s.name+" inlinePolicy", sa.InlinePolicy)
		}
		l.managedPolicies(s, sa)
	}
	// Documents rendered from Jsonnet exist only in the plan, once per account or per role, and
	// partitions are a property of where a document is used: both are read off the plan. Their
	// findings point at the jsonnet or wellKnown entry that produced them.
	for _, mp := range p.Policies {
		if mp.Source == nil || mp.Document == nil {
			continue
		}
		s := l.policy(mp.Source)
		key := documentKey(mp.Source)
		if mp.Source.Jsonnet != "" {
			l.document(s, key, s.name, mp.Document)
		}
		l.partitions(s, key, s.name, mp.Document, mp.Account, fmt.Sprintf("the policy is used in account %q", mp.Account.Name))
	}
	for _, r := range p.Roles {
		if r.Source == nil {
			continue
		}
		sa := l.serviceAccount(r.Source)
		usedBy := fmt.Sprintf("its role is in account %q", r.Account.Name)
		for _, ip := range r.InlinePolicies {
			switch pol, wk := named[ip.Name], wellKnownIndex(r.Source, ip.Name); {
			case ip.Name == "inline" && len(r.Source.InlinePolicy) > 0:
				l.partitions(sa, "inlinePolicy", sa.name+" inlinePolicy", ip.Document, r.Account, usedBy)
			case pol != nil:
				// A Jsonnet policy whose document depends on the role, embedded in each.
				s := l.policy(pol)
				label := fmt.Sprintf("%s (as rendered for role %s)", s.name, r.Name)
				l.document(s, documentKey(pol), label, ip.Document)
				l.partitions(s, documentKey(pol), label, ip.Document, r.Account, fmt.Sprintf("role %s is in account %q", r.Name, r.Account.Name))
			case wk >= 0:
				key := fmt.Sprintf("wellKnown[%d]", wk)
				label := fmt.Sprintf("%s wellKnown %s", sa.name, ip.Name)
				l.document(sa, key, label, ip.Document)
				l.partitions(sa, key, label, ip.Document, r.Account, usedBy)
			}
		}
	}
	return l.result(f.Path)
}

// wellKnownIndex is the index of the add-on named name in sa's wellKnown list, or -1.
func wellKnownIndex(sa *config.ServiceAccount, name string) int {
	for i, w := range sa.WellKnown {
		if w.Name == name {
			return i
		}
	}
	return -1
}

// subject is a config object that holds policies and accept entries: a named policy or a
// ServiceAccount.
type subject struct {
	name     string // `policy "read-assets"`, `ServiceAccount web/api`
	meta     *config.Meta
	accept   []config.Acceptance
	order    int
	findings []Finding
}

type linter struct {
	subjects map[*config.Meta]*subject
}

func (l *linter) get(m *config.Meta, name string, accept []config.Acceptance) *subject {
	if s, ok := l.subjects[m]; ok {
		return s
	}
	s := &subject{name: name, meta: m, accept: accept, order: len(l.subjects)}
	l.subjects[m] = s
	return s
}

func (l *linter) policy(p *config.Policy) *subject {
	return l.get(&p.Meta, fmt.Sprintf("policy %q", p.Name), p.Accept)
}

func (l *linter) serviceAccount(sa *config.ServiceAccount) *subject {
	return l.get(&sa.Meta, fmt.Sprintf("ServiceAccount %s/%s", sa.Namespace, sa.Name), sa.Accept)
}

func (s *subject) add(rule string, pos diag.Pos, format string, args ...any) {
	s.findings = append(s.findings, Finding{Rule: rule, Pos: pos, Message: fmt.Sprintf(format, args...)})
}

// result splits the findings into accepted and reported ones, and reports stale acceptances.
func (l *linter) result(file string) Result {
	subjects := make([]*subject, 0, len(l.subjects))
	for _, s := range l.subjects {
		subjects = append(subjects, s)
	}
	sort.Slice(subjects, func(i, j int) bool { return subjects[i].order < subjects[j].order })
	res := Result{File: file}
	for _, s := range subjects {
		accepted := map[string]bool{}
		for _, a := range s.accept {
			accepted[a.Rule] = true
		}
		used := map[string]bool{}
		for _, f := range s.findings {
			if accepted[f.Rule] {
				used[f.Rule] = true
				res.Accepted = append(res.Accepted, f)
			} else {
				res.Findings = append(res.Findings, f)
			}
		}
		for i := range s.accept {
			a := &s.accept[i]
			if !used[a.Rule] {
				res.Findings = append(res.Findings, Finding{Rule: RuleAcceptStale, Pos: a.At("rule"), Message: fmt.Sprintf(
					"%s accepts %s, but nothing in it breaks that rule any more; remove the accept entry", s.name, a.Rule)})
			}
		}
	}
	res.Findings = sortFindings(res.Findings)
	res.Accepted = sortFindings(res.Accepted)
	return res
}

// sortFindings orders findings by position, rule and message, and drops exact duplicates (an
// inline policy used by several roles of one account is checked once per role).
func sortFindings(fs []Finding) []Finding {
	sort.Slice(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Pos != b.Pos {
			return a.Pos.Before(b.Pos)
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Message < b.Message
	})
	out := fs[:0]
	for i, f := range fs {
		if i > 0 && f == fs[i-1] {
			continue
		}
		out = append(out, f)
	}
	return out
}

// documentKey is where a named policy's statements are written. A Jsonnet policy has no
// positions inside its document, so its findings point at the jsonnet key.
func documentKey(p *config.Policy) string {
	if p.Jsonnet != "" {
		return "jsonnet"
	}
	return "document"
}
