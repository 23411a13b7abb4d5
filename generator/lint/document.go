package lint

// The statement rules. A pod's role should hold the actions its code calls on the resources it
// uses; the rules below catch the grants that hand it much more, each reported once per statement
// at the first value that breaks it. A broad grant is reported under its broadest rule only
// ("*" on "*" is allow-all, not also pass-role-wildcard), so that accepting it takes one entry.

import (
	"fmt"
	"strings"
	"sync"

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

	actions, notActions, resources, notResources []value
}

func (c *statementCheck) add(rule string, v value, format string, args ...any) {
	if c.reported[rule] {
		return
	}
	c.reported[rule] = true
	c.s.add(rule, c.s.meta.At(c.at(v)), "%s %s", c.name, fmt.Sprintf(format, args...))
}

// The rules decide on what IAM would allow, not on how a statement is written: "*:*", "S3:*",
// "iam:Pass*" and NotAction grant what "*", "s3:*" and iam:PassRole grant, and "arn:aws:*:*:*:*"
// or "arn:*:iam::*:role/*" cover what "*" covers. Each question is put to IAM's own wildcard
// matching (trust.GlobMatch) with a probe: an action or a resource no policy names on purpose.
// A pattern that matches the probe matches whatever a workload could name in its place.
const probeName = "zzirsagenprobe"

// probeAction is an action of service, e.g. "s3:zzirsagenprobe"; of no real service when
// service is probeName.
func probeAction(service string) string { return service + ":" + probeName }

// probePartitions are the partitions a probe ARN is tried in: a pattern that covers every
// resource in any of them is reported.
var probePartitions = []string{"aws", "aws-cn", "aws-us-gov"}

// resourceProbes are ARNs of service no policy names on purpose, in the two shapes ARNs take:
// with region and account, and without (S3, IAM). They are made once per service.
func resourceProbes(service string) []string {
	if probes, ok := probeCache.Load(service); ok {
		return probes.([]string)
	}
	probes := makeResourceProbes(service)
	probeCache.Store(service, probes)
	return probes
}

var probeCache sync.Map // service -> []string

func makeResourceProbes(service string) []string {
	var out []string
	for _, p := range probePartitions {
		out = append(out,
			"arn:"+p+":"+service+":us-east-1:000000000000:"+probeName+"/"+probeName,
			"arn:"+p+":"+service+":::"+probeName+"/"+probeName)
	}
	return out
}

// roleProbes are ARNs of a role no policy names on purpose, in an account no policy names.
var roleProbes = func() []string {
	var out []string
	for _, p := range probePartitions {
		out = append(out, "arn:"+p+":iam::000000000000:role/"+probeName)
	}
	return out
}()

// Probes of every statement, made once.
var (
	// probeService turns a service pattern into one of the services it matches: "s3*" -> s3,
	// "s?" -> sx.
	probeService = strings.NewReplacer("*", "", "?", "x")

	anyServiceProbes = makeResourceProbes(probeName)
	iamProbes        = makeResourceProbes("iam")
)

// globAny returns the first of vs that matches s as an IAM pattern. Most values have no
// wildcard, and IAM compares those as they are (actions without regard to case).
func globAny(vs []value, s string, foldCase bool) (value, bool) {
	for _, v := range vs {
		var match bool
		switch {
		case v.s == "*":
			match = true
		case hasWildcard(v.s):
			match = trust.GlobMatch(v.s, s, foldCase)
		case foldCase:
			match = strings.EqualFold(v.s, s)
		default:
			match = v.s == s
		}
		if match {
			return v, true
		}
	}
	return value{}, false
}

// allows reports whether the statement's Action or NotAction admits action (IAM compares
// actions without regard to case), and the value that decides it: the matching Action, or the
// first NotAction.
func (c *statementCheck) allows(action string) (value, bool) {
	if len(c.notActions) > 0 {
		if _, excluded := globAny(c.notActions, action, true); excluded {
			return value{}, false
		}
		return c.notActions[0], true
	}
	return globAny(c.actions, action, true)
}

// covers reports whether the statement's Resource or NotResource admits one of the probes, and
// how to say so: `on every resource (Resource "arn:aws:*:*:*:*")`.
func (c *statementCheck) covers(probes []string, what string) (string, bool) {
	for _, probe := range probes {
		if len(c.notResources) > 0 {
			if _, excluded := globAny(c.notResources, probe, false); !excluded {
				return "on every " + what + " but NotResource " + quoteValues(c.notResources), true
			}
			continue
		}
		if r, ok := globAny(c.resources, probe, false); ok {
			return fmt.Sprintf("on every %s (Resource %q)", what, r.s), true
		}
	}
	return "", false
}

// granted names how the statement grants an action: `Action "iam:Pass*"` or
// `NotAction "s3:*"`, which grants every action it does not name.
func (c *statementCheck) granted(a value) string {
	if len(c.notActions) > 0 {
		return "NotAction " + quoteValues(c.notActions)
	}
	return fmt.Sprintf("Action %q", a.s)
}

func (c *statementCheck) run() {
	c.actions = values(c.st, "Action")
	c.notActions = values(c.st, "NotAction")
	c.resources = values(c.st, "Resource")
	c.notResources = values(c.st, "NotResource")

	// A grant of everything already holds the narrower grants below.
	if every, ok := c.covers(anyServiceProbes, "resource"); ok {
		if a, ok := c.allows(probeAction(probeName)); ok {
			if len(c.notActions) > 0 {
				c.add(RuleAllowNotAction, a, "allows every action of every service except NotAction %s %s; list the actions the workload calls under Action instead",
					quoteValues(c.notActions), every)
			} else {
				c.add(RuleAllowAll, a, "allows every action (Action %q) %s: administrator access; grant the actions the workload calls on the ARNs it uses", a.s, every)
			}
			return
		}
	}
	// So does a grant of all of IAM, or of all of STS.
	if every, ok := c.covers(iamProbes, "resource"); ok {
		if a, ok := c.allows(probeAction("iam")); ok {
			c.add(RuleIAMWildcard, a, "allows every IAM action (%s) %s, so the pod can create roles and users and attach any policy to them: administrator access in all but name; grant the IAM actions it needs on the ARNs it manages", c.granted(a), every)
			c.reported[RulePassRoleWildcard] = true
			c.reported[RulePassRoleUnscoped] = true
		}
	}
	if every, ok := c.covers(roleProbes, "role"); ok {
		if a, ok := c.allows(probeAction("sts")); ok {
			c.add(RuleAssumeRoleWildcard, a, "allows every STS action (%s) %s, including sts:AssumeRole on any role that trusts the account; grant sts:AssumeRole on the role ARNs the pod assumes", c.granted(a), every)
		}
	}
	c.serviceWildcards()

	if a, ok := c.allows("iam:passrole"); ok {
		every, anyRoleAtAll := c.covers(roleProbes, "role")
		if anyRoleAtAll {
			c.add(RulePassRoleWildcard, a, "allows iam:PassRole (%s) %s, so the pod can hand any role, however powerful, to a service it controls; name the role ARNs it passes", c.granted(a), every)
		}
		if (anyRoleAtAll || anyRole(c.resources)) && !scopedToService(c.st.body) {
			c.add(RulePassRoleUnscoped, a, "allows iam:PassRole (%s) without an iam:PassedToService condition that names the services, so the role can be passed to any service; add Condition: {StringEquals: {\"iam:PassedToService\": \"<service>.amazonaws.com\"}}", c.granted(a))
		}
	}
	if a, ok := c.allows("sts:assumerole"); ok {
		if every, ok := c.covers(roleProbes, "role"); ok {
			c.add(RuleAssumeRoleWildcard, a, "allows sts:AssumeRole (%s) %s, so the pod can become any role that trusts its account; name the role ARNs it assumes", c.granted(a), every)
		}
	}
}

// serviceWildcards reports a grant of every action of a service ("s3:*", "S3:*?", "s3*:*", or
// "*" and NotAction on that service's resources only) on every resource of that service, or of
// every action of a kind whatever its verb ("s3:*Object": GetObject, PutObject, DeleteObject and
// the rest). IAM and STS have rules of their own.
func (c *statementCheck) serviceWildcards() {
	type candidate struct{ probe, shown string }
	var services []candidate
	for _, a := range c.actions {
		// A wildcard in the service stands for the services it matches; the probe is one of
		// them ("s3*" -> s3, "s?" -> sx).
		service, _, _ := strings.Cut(strings.ToLower(a.s), ":")
		services = append(services, candidate{probeService.Replace(service), service})
	}
	for _, r := range c.resources {
		if arn, ok := parseARN(r.s); ok && !hasWildcard(arn.service) {
			services = append(services, candidate{arn.service, arn.service})
		}
	}
	for _, s := range services {
		if s.probe == "" || trust.GlobMatch(s.shown, "iam", false) || trust.GlobMatch(s.shown, "sts", false) {
			continue
		}
		every, ok := c.covers(resourceProbes(s.probe), "resource")
		if !ok {
			continue
		}
		if a, ok := c.allows(probeAction(s.probe)); ok {
			c.add(RuleServiceWildcard, a, "allows every %s action (%s) %s; list the %s actions the workload calls, or name the resources", s.shown, c.granted(a), every, s.shown)
		}
	}
	for _, a := range c.actions {
		service, name, _ := strings.Cut(a.s, ":")
		literal := probeService.Replace(strings.ToLower(service))
		if !strings.HasPrefix(name, "*") || literal == "" || trust.GlobMatch(service, "iam", true) || trust.GlobMatch(service, "sts", true) {
			continue
		}
		// IAM's actions are a verb and a noun: a wildcard in front admits every verb.
		if every, ok := c.covers(resourceProbes(literal), "resource"); ok {
			c.add(RuleServiceWildcard, a, "allows every %s action ending in %q, whatever its verb (Get, Put, Delete, ...) (Action %q) %s; list the %s actions the workload calls, or name the resources",
				strings.ToLower(service), strings.TrimLeft(name, "*"), a.s, every, strings.ToLower(service))
		}
	}
}

// scopedToService reports whether a statement's conditions limit iam:PassRole to named services,
// decided by the IAM evaluator: its conditions on iam:PassedToService must refuse both a request
// that passes the role to a service nobody named and one that carries no such key. An operator
// or a value that admits either (StringLike "*", ...IfExists, Null, a negated operator) does not
// scope the grant.
func scopedToService(st map[string]any) bool {
	ops, _ := st["Condition"].(map[string]any)
	conditions := map[string]any{}
	for op, kv := range ops {
		keys, _ := kv.(map[string]any)
		for k, v := range keys {
			if !strings.EqualFold(k, "iam:PassedToService") {
				continue
			}
			evaluable := evaluableOperator(op)
			block, _ := conditions[evaluable].(map[string]any)
			if block == nil {
				block = map[string]any{}
				conditions[evaluable] = block
			}
			block[k] = v
		}
	}
	if len(conditions) == 0 {
		return false
	}
	probe := map[string]any{"Effect": "Allow", "Principal": "*", "Action": "iam:PassRole", "Condition": conditions}
	for _, ctx := range []map[string][]string{
		{"iam:PassedToService": {probeName + ".amazonaws.com"}},
		{},
	} {
		res, err := trust.Evaluate(probe, trust.Request{
			Principal: trust.Principal{Type: trust.AWS, ID: "arn:aws:iam::000000000000:role/" + probeName},
			Action:    "iam:PassRole",
			Context:   ctx,
		})
		if err != nil || res.Decision == trust.Allow {
			return false
		}
	}
	return true
}

// evaluableOperator maps a condition operator to one the evaluator decides the same way for the
// probes above, a value no policy names or no value at all: the ARN operators compare like the
// string ones, and a numeric, date, address or binary comparison with an unnamed value holds
// exactly when it is negated. The set prefix and IfExists are kept.
func evaluableOperator(op string) string {
	prefix, base := "", op
	if set, rest, ok := strings.Cut(op, ":"); ok {
		prefix, base = set+":", rest
	}
	base, ifExists := strings.CutSuffix(base, "IfExists")
	switch {
	case strings.HasPrefix(base, "String"), base == "Bool", base == "Null":
	case base == "ArnEquals", base == "ArnLike":
		base = "StringLike"
	case base == "ArnNotEquals", base == "ArnNotLike", base == "NotIpAddress", strings.Contains(base, "NotEquals"):
		base = "StringNotEquals"
	default: // Numeric..., Date..., IpAddress, BinaryEquals
		base = "StringEquals"
	}
	if ifExists {
		base += "IfExists"
	}
	return prefix + base
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
