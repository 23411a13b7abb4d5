package lint

// The statement rules. A pod's role should hold the actions its code calls on the resources it
// uses; the rules below catch the grants that hand it much more, each reported once per statement
// at the first value that breaks it. A broad grant is reported under its broadest rule only
// ("*" on "*" is allow-all, not also pass-role-wildcard), so that accepting it takes one entry.

import (
	"fmt"
	"strings"

	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/generator/trust"
)

// value is one string of a policy element and the path it was written at, relative to its
// document ("Statement[0].Action[1]").
type value struct {
	s    string
	path string
}

// statementRef is one statement of a document and its path.
type statementRef struct {
	path string
	body map[string]any
}

// statements lists a document's statements; Statement may be a list or a single mapping.
func statements(doc map[string]any) []statementRef {
	switch s := doc["Statement"].(type) {
	case map[string]any:
		return []statementRef{{path: "Statement", body: s}}
	case []any:
		var out []statementRef
		for i, item := range s {
			if m, ok := item.(map[string]any); ok {
				out = append(out, statementRef{path: fmt.Sprintf("Statement[%d]", i), body: m})
			}
		}
		return out
	}
	return nil
}

// values lists the strings of a statement element, which may be one string or a list.
func values(st statementRef, key string) []value {
	path := st.path + "." + key
	switch v := st.body[key].(type) {
	case string:
		return []value{{s: v, path: path}}
	case []any:
		var out []value
		for i, item := range v {
			if s, ok := item.(string); ok {
				out = append(out, value{s: s, path: fmt.Sprintf("%s[%d]", path, i)})
			}
		}
		return out
	}
	return nil
}

// statementName names a statement for a reader: its path, and its Sid when it has one.
func statementName(st statementRef) string {
	if sid, ok := st.body["Sid"].(string); ok && sid != "" {
		return fmt.Sprintf("%s (Sid %s)", st.path, sid)
	}
	return st.path
}

// document applies the statement rules and the ARN shape rule to a policy document of s,
// written under key ("document", "inlinePolicy") or produced by it ("jsonnet", "wellKnown[0]");
// label names the document in messages.
func (l *linter) document(s *subject, key, label string, doc map[string]any) {
	at := func(v value) string { return key + "." + v.path }
	for _, st := range statements(doc) {
		name := label + " " + statementName(st)
		for _, elem := range []string{"Resource", "NotResource"} {
			for _, r := range values(st, elem) {
				if problem := arnProblem(r.s); problem != "" {
					s.add(RuleARNMalformed, s.meta.At(at(r)), "%s: %s %q %s; write \"*\" or an ARN arn:<partition>:<service>:<region>:<account>:<resource>, or the statement never matches what you meant",
						name, elem, r.s, problem)
				}
			}
		}
		if effect, _ := st.body["Effect"].(string); effect != "Allow" {
			continue
		}
		c := statementCheck{s: s, name: name, st: st, at: at, reported: map[string]bool{}}
		c.run()
	}
}

// statementCheck holds what the rules need to know about one Allow statement.
type statementCheck struct {
	s        *subject
	name     string
	st       statementRef
	at       func(value) string
	reported map[string]bool
}

func (c *statementCheck) add(rule string, v value, format string, args ...any) {
	if c.reported[rule] {
		return
	}
	c.reported[rule] = true
	c.s.add(rule, c.s.meta.At(c.at(v)), "%s %s", c.name, fmt.Sprintf(format, args...))
}

func (c *statementCheck) run() {
	resources := values(c.st, "Resource")
	notResources := values(c.st, "NotResource")
	// every is the phrase for a statement that covers every resource, or "" when it does not.
	every := ""
	switch {
	case len(notResources) > 0:
		every = "on every resource but NotResource " + quoteValues(notResources)
	case containsValue(resources, "*"):
		every = `on every resource (Resource "*")`
	}
	if notActions := values(c.st, "NotAction"); len(notActions) > 0 && every != "" {
		c.add(RuleAllowNotAction, notActions[0], "allows every action of every service except NotAction %s %s; list the actions the workload calls under Action instead",
			quoteValues(notActions), every)
	}
	actions := values(c.st, "Action")
	if every != "" {
		// A grant of everything, or of all of IAM, already holds the narrower grants below.
		for _, a := range actions {
			if low := strings.ToLower(a.s); low == "*" || low == "*:*" {
				c.add(RuleAllowAll, a, "allows every action (Action %q) %s: administrator access; grant the actions the workload calls on the ARNs it uses", a.s, every)
				return
			}
		}
		for _, a := range actions {
			if strings.EqualFold(a.s, "iam:*") {
				c.reported[RulePassRoleWildcard] = true
				c.reported[RulePassRoleUnscoped] = true
			}
		}
	}
	for _, a := range actions {
		c.action(a, every, resources)
	}
}

// action applies the rules to one Action value.
func (c *statementCheck) action(a value, every string, resources []value) {
	low := strings.ToLower(a.s)
	service, name, _ := strings.Cut(low, ":")
	if every != "" {
		switch {
		case name == "*" && service == "iam":
			c.add(RuleIAMWildcard, a, "allows every IAM action (Action %q) %s, so the pod can create roles and users and attach any policy to them: administrator access in all but name; grant the IAM actions it needs on the ARNs it manages", a.s, every)
			return
		case name == "*" && service == "sts":
			c.add(RuleAssumeRoleWildcard, a, "allows every STS action (Action %q) %s, including sts:AssumeRole on any role that trusts the account; grant sts:AssumeRole on the role ARNs the pod assumes", a.s, every)
			return
		case name == "*" && !hasWildcard(service):
			c.add(RuleServiceWildcard, a, "allows every %s action (Action %q) %s; list the %s actions the workload calls, or name the resources", service, a.s, every, service)
			return
		}
	}
	if trust.GlobMatch(low, "iam:passrole", false) {
		if every != "" {
			c.add(RulePassRoleWildcard, a, "allows iam:PassRole (Action %q) %s, so the pod can hand any role, however powerful, to a service it controls; name the role ARNs it passes", a.s, every)
		}
		if !passedToService(c.st.body) && (every != "" || anyRole(resources)) {
			c.add(RulePassRoleUnscoped, a, "allows iam:PassRole (Action %q) without an iam:PassedToService condition, so the role can be passed to any service; add Condition: {StringEquals: {\"iam:PassedToService\": \"<service>.amazonaws.com\"}}", a.s)
		}
	}
	if every != "" && trust.GlobMatch(low, "sts:assumerole", false) {
		c.add(RuleAssumeRoleWildcard, a, "allows sts:AssumeRole (Action %q) %s, so the pod can become any role that trusts its account; name the role ARNs it assumes", a.s, every)
	}
}

// passedToService reports whether a statement limits iam:PassRole to named services: some
// condition on iam:PassedToService whose values are not all "*".
func passedToService(st map[string]any) bool {
	ops, _ := st["Condition"].(map[string]any)
	for _, kv := range ops {
		keys, _ := kv.(map[string]any)
		for k, v := range keys {
			if !strings.EqualFold(k, "iam:PassedToService") {
				continue
			}
			switch v := v.(type) {
			case string:
				return v != "*"
			case []any:
				for _, item := range v {
					if s, ok := item.(string); ok && s != "*" {
						return true
					}
				}
			}
		}
	}
	return false
}

// anyRole reports whether some resource could name an IAM role; iam:PassRole on a bucket ARN
// grants nothing.
func anyRole(resources []value) bool {
	for _, r := range resources {
		if r.s == "*" {
			return true
		}
		a, ok := parseARN(r.s)
		if !ok || !trust.GlobMatch(a.service, "iam", false) {
			continue
		}
		lit := a.resource
		if i := strings.IndexAny(lit, "*?"); i >= 0 {
			lit = lit[:i]
		}
		if strings.HasPrefix(lit, "role/") || strings.HasPrefix("role/", lit) {
			return true
		}
	}
	return false
}

// partitions reports Resource ARNs whose partition is not the one of account, where the document
// of s named label is used; usedBy says where ("its role is in account \"china\"").
func (l *linter) partitions(s *subject, key, label string, doc map[string]any, account *plan.Account, usedBy string) {
	for _, st := range statements(doc) {
		for _, elem := range []string{"Resource", "NotResource"} {
			for _, r := range values(st, elem) {
				a, ok := parseARN(r.s)
				// A malformed ARN, or one with an unknown partition, is arn-malformed's.
				if !ok || arnProblem(r.s) != "" || !partitions[a.partition] || a.partition == account.Partition {
					continue
				}
				fixed := "arn:" + account.Partition + strings.TrimPrefix(r.s, "arn:"+a.partition)
				s.add(RuleARNPartition, s.meta.At(key+"."+r.path), "%s %s: %s %q is in partition %s, but %s (partition %s), where it never matches; write %q",
					label, statementName(st), elem, r.s, a.partition, usedBy, account.Partition, fixed)
			}
		}
	}
}

func containsValue(vs []value, s string) bool {
	for _, v := range vs {
		if v.s == s {
			return true
		}
	}
	return false
}

func quoteValues(vs []value) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = fmt.Sprintf("%q", v.s)
	}
	if len(q) == 1 {
		return q[0]
	}
	return "[" + strings.Join(q, ", ") + "]"
}
