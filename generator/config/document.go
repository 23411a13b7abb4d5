package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/irsagen/irsagen/generator/diag"
)

var (
	documentKeys  = []string{"Id", "Statement", "Version"}
	statementKeys = []string{"Action", "Condition", "Effect", "NotAction", "NotResource", "Resource", "Sid"}
	sidPattern    = regexp.MustCompile(`^[A-Za-z0-9]*$`)
)

// document checks the shape of an identity-based policy document, the rules IAM applies when it
// parses one: element names and their case, Effect, exactly one of Action/NotAction and of
// Resource/NotResource, no Principal. What the statements allow is the permission lint's job.
func (v *validator) document(m *Meta, path string, doc Document) {
	CheckDocument(doc, func(sub, msg string) {
		at := path
		if sub != "" {
			at += "." + sub
		}
		v.errorf(m.At(at), "%s", msg)
	})
}

// CheckDocument reports each problem of a policy document with the path of the offending value
// ("Statement[0].Effect"). It is shared with policies produced by Jsonnet.
func CheckDocument(doc map[string]any, report func(path, msg string)) {
	documentControlChars(doc, "", report)
	for _, k := range keys(doc) {
		if !slices.Contains(documentKeys, k) {
			report(k, fmt.Sprintf("unknown policy element %q%s", k, didYouMean(k, documentKeys, "elements")))
		}
	}
	switch ver := doc["Version"]; ver {
	case "2012-10-17", "2008-10-17":
	case nil:
		if !hasFold(doc, "Version") {
			report("", `policy document needs Version: "2012-10-17"`)
		}
	default:
		report("Version", fmt.Sprintf(`policy Version must be "2012-10-17", not %q`, fmt.Sprint(ver)))
	}
	var statements []any
	switch s := doc["Statement"].(type) {
	case []any:
		statements = s
	case map[string]any:
		statements = []any{s}
	case nil:
		if !hasFold(doc, "Statement") {
			report("", "policy document needs a Statement")
		}
		return
	default:
		report("Statement", "Statement must be a list of statements")
		return
	}
	if len(statements) == 0 {
		report("Statement", "Statement must not be empty")
	}
	for i, s := range statements {
		path := fmt.Sprintf("Statement[%d]", i)
		if _, isMap := doc["Statement"].(map[string]any); isMap {
			path = "Statement"
		}
		st, ok := s.(map[string]any)
		if !ok {
			report(path, "a statement must be a mapping")
			continue
		}
		checkStatement(st, path, report)
	}
}

func checkStatement(st map[string]any, path string, report func(path, msg string)) {
	for _, k := range keys(st) {
		switch {
		case k == "Principal" || k == "NotPrincipal":
			report(path+"."+k, k+" does not belong in a permissions policy; irsagen writes the trust policy itself")
		case !slices.Contains(statementKeys, k):
			report(path+"."+k, fmt.Sprintf("unknown statement element %q%s", k, didYouMean(k, statementKeys, "elements")))
		}
	}
	if sid, ok := st["Sid"]; ok {
		if s, isStr := sid.(string); !isStr || !sidPattern.MatchString(s) {
			report(path+".Sid", "Sid must hold letters and digits only")
		}
	}
	switch st["Effect"] {
	case "Allow", "Deny":
	case nil:
		if !hasFold(st, "Effect") { // a miscased "effect" is reported above, with the fix
			report(path, "statement needs Effect: Allow or Deny")
		}
	default:
		report(path+".Effect", fmt.Sprintf("Effect must be Allow or Deny, not %q", fmt.Sprint(st["Effect"])))
	}
	exactlyOne(st, path, "Action", "NotAction", report)
	exactlyOne(st, path, "Resource", "NotResource", report)
	for _, k := range []string{"Action", "NotAction", "Resource", "NotResource"} {
		if val, ok := st[k]; ok && !stringOrList(val) {
			report(path+"."+k, k+" must be a string or a list of strings")
		}
	}
	if c, ok := st["Condition"]; ok {
		checkCondition(c, path+".Condition", report)
	}
}

func checkCondition(c any, path string, report func(path, msg string)) {
	ops, ok := c.(map[string]any)
	if !ok {
		report(path, "Condition must map operators to {key: values}")
		return
	}
	for _, op := range keys(ops) {
		kv, ok := ops[op].(map[string]any)
		if !ok {
			report(path+"."+op, fmt.Sprintf("condition operator %s must map condition keys to values", op))
			continue
		}
		conditionKeysFolded(kv, path+"."+op, report)
		for _, k := range keys(kv) {
			switch val := kv[k].(type) {
			case string, bool:
			case []any:
				for _, item := range val {
					if _, ok := item.(string); !ok {
						if _, ok := item.(bool); !ok {
							report(path+"."+op+"."+k, "condition values must be strings")
						}
					}
				}
			default:
				report(path+"."+op+"."+k, "condition values must be strings")
			}
		}
	}
}

func exactlyOne(st map[string]any, path, a, b string, report func(path, msg string)) {
	_, hasA := st[a]
	_, hasB := st[b]
	switch {
	case hasA && hasB:
		report(path+"."+b, fmt.Sprintf("a statement takes %s or %s, not both", a, b))
	case !hasA && !hasB && !hasFold(st, a) && !hasFold(st, b):
		report(path, fmt.Sprintf("statement needs %s (or %s)", a, b))
	}
}

// hasFold reports whether m has key k written in another case ("effect" for "Effect").
func hasFold(m map[string]any, k string) bool {
	for key := range m {
		if key != k && strings.EqualFold(key, k) {
			return true
		}
	}
	return false
}

func stringOrList(v any) bool {
	switch v := v.(type) {
	case string:
		return v != ""
	case []any:
		if len(v) == 0 {
			return false
		}
		for _, item := range v {
			if s, ok := item.(string); !ok || s == "" {
				return false
			}
		}
		return true
	}
	return false
}

func didYouMean(name string, options []string, what string) string {
	return diag.DidYouMean(name, options, what)
}
