package awsfake

import (
	"fmt"
	"regexp"
	"strings"
)

// Resolving a template's intrinsic functions, and the order its resources are made in.

// scope resolves references in a template: parameters, pseudo parameters and the resources
// that exist so far.
type scope struct {
	account, region, stackName, stackID string
	params                              map[string]string
	physical                            map[string]string            // logical id → physical id
	attrs                               map[string]map[string]string // logical id → attribute → value
}

var subVar = regexp.MustCompile(`\$\{([^}!][^}]*)\}`)

// resolve evaluates the intrinsic functions the endpoint knows: Ref, Fn::Sub, Fn::GetAtt,
// Fn::Join. Others are kept as written.
func (sc *scope) resolve(v any) any {
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 1 {
			for fn, arg := range v {
				if r, ok := sc.intrinsic(fn, arg); ok {
					return r
				}
			}
		}
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = sc.resolve(e)
		}
		return m
	case []any:
		l := make([]any, len(v))
		for i, e := range v {
			l[i] = sc.resolve(e)
		}
		return l
	}
	return v
}

func (sc *scope) intrinsic(fn string, arg any) (any, bool) {
	switch fn {
	case "Ref":
		name, _ := arg.(string)
		return sc.ref(name), true
	case "Fn::GetAtt":
		l, _ := arg.([]any)
		if len(l) != 2 {
			return nil, false
		}
		obj, _ := l[0].(string)
		attr, _ := l[1].(string)
		return sc.getAtt(obj, attr), true
	case "Fn::Sub":
		s, ok := arg.(string)
		vars := map[string]any{}
		if l, isList := arg.([]any); isList && len(l) == 2 {
			s, ok = l[0].(string)
			vars = asMap(l[1])
		}
		if !ok {
			return nil, false
		}
		return subVar.ReplaceAllStringFunc(s, func(m string) string {
			name := m[2 : len(m)-1]
			if v, ok := vars[name]; ok {
				return fmt.Sprint(sc.resolve(v))
			}
			if obj, attr, ok := strings.Cut(name, "."); ok && !strings.HasPrefix(name, "AWS::") {
				return fmt.Sprint(sc.getAtt(obj, attr))
			}
			return fmt.Sprint(sc.ref(name))
		}), true
	case "Fn::Join":
		l, _ := arg.([]any)
		if len(l) != 2 {
			return nil, false
		}
		sep, _ := l[0].(string)
		parts, _ := sc.resolve(l[1]).([]any)
		var out []string
		for _, p := range parts {
			out = append(out, fmt.Sprint(p))
		}
		return strings.Join(out, sep), true
	}
	return nil, false
}

func (sc *scope) ref(name string) string {
	switch name {
	case "AWS::AccountId":
		return sc.account
	case "AWS::Region":
		return sc.region
	case "AWS::StackName":
		return sc.stackName
	case "AWS::StackId":
		return sc.stackID
	case "AWS::Partition":
		return "aws"
	case "AWS::URLSuffix":
		return "amazonaws.com"
	case "AWS::NoValue":
		return ""
	}
	if v, ok := sc.params[name]; ok {
		return v
	}
	if v, ok := sc.physical[name]; ok {
		return v
	}
	return knownAfterApply
}

func (sc *scope) getAtt(obj, attr string) string {
	if v, ok := sc.attrs[obj][attr]; ok {
		return v
	}
	return knownAfterApply
}

// knownAfterApply is how a change set shows a value that exists only once the resource does.
const knownAfterApply = "{{changeSet:KNOWN_AFTER_APPLY}}"

// refs are the resources a value refers to, by Ref, Fn::GetAtt or Fn::Sub.
func refs(v any, resources map[string]*resourceDef, out map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			switch arg := e.(type) {
			case string:
				if k == "Ref" && resources[arg] != nil {
					out[arg] = true
				}
				if k == "Fn::Sub" {
					for _, m := range subVar.FindAllStringSubmatch(arg, -1) {
						if name, _, _ := strings.Cut(m[1], "."); resources[name] != nil {
							out[name] = true
						}
					}
				}
			case []any:
				if k == "Fn::GetAtt" && len(arg) == 2 {
					if name, ok := arg[0].(string); ok && resources[name] != nil {
						out[name] = true
					}
				}
			}
			refs(e, resources, out)
		}
	case []any:
		for _, e := range v {
			refs(e, resources, out)
		}
	}
}

// creationOrder orders a template's resources so that each comes after those it refers to,
// and otherwise by logical id.
func creationOrder(t *template) []string {
	var order []string
	placed := map[string]bool{}
	var visit func(id string, path map[string]bool)
	visit = func(id string, path map[string]bool) {
		if placed[id] || path[id] {
			return
		}
		path[id] = true
		deps := map[string]bool{}
		refs(t.Resources[id].Properties, t.Resources, deps)
		for _, d := range sortedKeys(deps) {
			visit(d, path)
		}
		placed[id] = true
		order = append(order, id)
	}
	for _, id := range sortedKeys(t.Resources) {
		visit(id, map[string]bool{})
	}
	return order
}
