package cfncheck

import (
	"maps"
	"slices"
	"strings"
)

// shortForms maps each YAML short-form tag to the long-form key CloudFormation rewrites it to.
var shortForms = map[string]string{
	"!Ref": "Ref", "!Condition": "Condition",
	"!Base64": "Fn::Base64", "!Cidr": "Fn::Cidr", "!FindInMap": "Fn::FindInMap",
	"!GetAtt": "Fn::GetAtt", "!GetAZs": "Fn::GetAZs", "!ImportValue": "Fn::ImportValue",
	"!Join": "Fn::Join", "!Select": "Fn::Select", "!Split": "Fn::Split", "!Sub": "Fn::Sub",
	"!Transform": "Fn::Transform", "!And": "Fn::And", "!Equals": "Fn::Equals", "!If": "Fn::If",
	"!Not": "Fn::Not", "!Or": "Fn::Or",
}

// arity is how many list items a function's argument holds; {0, 0} accepts any argument.
type arity struct{ min, max int }

// functions are the intrinsic functions CloudFormation evaluates without a transform.
var functions = map[string]arity{
	"Ref":             {},
	"Fn::Base64":      {},
	"Fn::Cidr":        {3, 3},
	"Fn::FindInMap":   {3, 3},
	"Fn::GetAtt":      {},
	"Fn::GetAZs":      {},
	"Fn::ImportValue": {},
	"Fn::Join":        {2, 2},
	"Fn::Select":      {2, 2},
	"Fn::Split":       {2, 2},
	"Fn::Sub":         {},
	"Fn::Transform":   {},
	"Fn::And":         {2, 10},
	"Fn::Equals":      {2, 2},
	"Fn::If":          {3, 3},
	"Fn::Not":         {1, 1},
	"Fn::Or":          {2, 10},
}

// isFunctionKey reports whether a map key calls an intrinsic function (or tries to).
func isFunctionKey(k string) bool { return k == "Ref" || strings.HasPrefix(k, "Fn::") }

// intrinsic returns the function and argument when v is a call: a map whose only key is Ref or
// Fn::Something. CloudFormation resolves such a value before the resource provider sees it, so
// it may stand wherever a value of any type is expected.
func intrinsic(v any) (fn string, arg any, ok bool) {
	m, isMap := v.(map[string]any)
	if !isMap || len(m) != 1 {
		return "", nil, false
	}
	for k, a := range m {
		if isFunctionKey(k) {
			return k, a, true
		}
	}
	return "", nil, false
}

// checkIntrinsics checks every function call where CloudFormation evaluates them: resource
// properties, outputs and conditions.
func checkIntrinsics(r *report, t *template) {
	for _, res := range t.resources {
		if props, ok := res.body["Properties"]; ok {
			walkCalls(r, res.path.key("Properties"), props)
		}
	}
	for _, section := range []string{"Outputs", "Conditions"} {
		if v, ok := t.root[section]; ok {
			walkCalls(r, path{}.key(section), v)
		}
	}
}

func walkCalls(r *report, p path, v any) {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if isFunctionKey(k) {
				checkCall(r, p.key(k), k, x[k], len(x))
			}
			walkCalls(r, p.key(k), x[k])
		}
	case []any:
		for i, item := range x {
			walkCalls(r, p.index(i), item)
		}
	}
}

// checkCall checks one function key: that it stands alone in its map, names a function
// CloudFormation has, and gets an argument of the shape that function takes.
func checkCall(r *report, p path, fn string, arg any, siblings int) {
	if siblings > 1 {
		r.add(p, "%s must be the only key of its map; CloudFormation cannot take an intrinsic function as a map key", fn)
		return
	}
	want, known := functions[fn]
	if !known {
		r.add(p, "unsupported intrinsic function %s; CloudFormation has %s", fn, strings.Join(slices.Sorted(maps.Keys(functions)), ", "))
		return
	}
	switch fn {
	case "Ref":
		if _, ok := arg.(string); !ok {
			r.add(p, "Ref takes the name of a parameter or resource")
		}
	case "Fn::GetAtt":
		if _, _, ok := getAttArgument(arg); !ok {
			if _, _, nested := intrinsic(listItem(arg, 1)); !nested {
				r.add(p, "Fn::GetAtt takes [resource, attribute] or resource.attribute")
			}
		}
	case "Fn::Sub":
		if _, _, ok := subArgument(arg); !ok {
			r.add(p, "Fn::Sub takes a string, or [string, {variable: value}]")
		}
	default:
		if want.max == 0 {
			return
		}
		list, isList := arg.([]any)
		if _, _, call := intrinsic(arg); call {
			return
		}
		if !isList || len(list) < want.min || len(list) > want.max {
			if want.min == want.max {
				r.add(p, "%s takes a list of %d items", fn, want.min)
			} else {
				r.add(p, "%s takes a list of %d to %d items", fn, want.min, want.max)
			}
		}
	}
}

// getAttArgument splits the argument of Fn::GetAtt into resource and attribute names.
func getAttArgument(arg any) (resource, attribute string, ok bool) {
	switch x := arg.(type) {
	case string:
		return strings.Cut(x, ".")
	case []any:
		if len(x) != 2 {
			return "", "", false
		}
		res, ok1 := x[0].(string)
		attr, ok2 := x[1].(string)
		return res, attr, ok1 && ok2
	}
	return "", "", false
}

// subArgument splits the argument of Fn::Sub into its template string and variable map.
func subArgument(arg any) (text string, vars map[string]any, ok bool) {
	switch x := arg.(type) {
	case string:
		return x, nil, true
	case []any:
		if len(x) != 2 {
			return "", nil, false
		}
		text, ok1 := x[0].(string)
		vars, ok2 := x[1].(map[string]any)
		return text, vars, ok1 && ok2
	}
	return "", nil, false
}

func listItem(v any, i int) any {
	if list, ok := v.([]any); ok && i < len(list) {
		return list[i]
	}
	return nil
}
