package cfncheck

import (
	"maps"
	"slices"
	"strings"
)

// pseudoParameters are the names Ref and Fn::Sub resolve without a declaration.
var pseudoParameters = map[string]bool{
	"AWS::AccountId": true, "AWS::NotificationARNs": true, "AWS::NoValue": true,
	"AWS::Partition": true, "AWS::Region": true, "AWS::StackId": true, "AWS::StackName": true,
	"AWS::URLSuffix": true,
}

// attributes are the Fn::GetAtt attributes of the types irsagen emits; the schema does not
// list attributes, and a misspelt one fails only at deploy time.
var attributes = map[string][]string{
	"AWS::IAM::Role":         {"Arn", "RoleId"},
	"AWS::IAM::OIDCProvider": {"Arn"},
	"AWS::IAM::ManagedPolicy": {
		"AttachmentCount", "CreateDate", "DefaultVersionId", "IsAttachable",
		"PermissionsBoundaryUsageCount", "PolicyArn", "PolicyId", "UpdateDate",
	},
}

// references checks that every name a template refers to exists, as CloudFormation does
// before it creates anything, and collects which resources depend on which.
type references struct {
	r         *report
	t         *template
	dependsOn map[string]map[string]bool
}

func checkReferences(r *report, t *template) {
	refs := references{r: r, t: t, dependsOn: map[string]map[string]bool{}}
	for _, res := range t.resources {
		refs.dependsOn[res.id] = map[string]bool{}
		if props, ok := res.body["Properties"]; ok {
			refs.walk(res.id, res.propsPath(), props)
		}
		refs.dependsOnAttribute(res)
		if c, ok := res.body["Condition"].(string); ok && !t.isCondition(c) {
			r.add(res.path.key("Condition"), "condition %s is not declared in Conditions", c)
		}
	}
	for _, section := range []string{"Outputs", "Conditions"} {
		if v, ok := t.root[section]; ok {
			refs.walk("", path{}.key(section), v)
		}
	}
	outputs := t.sections["Outputs"]
	for _, id := range slices.Sorted(maps.Keys(outputs)) {
		output, _ := outputs[id].(map[string]any)
		if c, ok := output["Condition"].(string); ok && !t.isCondition(c) {
			r.add(path{}.key("Outputs").key(id).key("Condition"), "condition %s is not declared in Conditions", c)
		}
	}
	refs.checkCycles()
}

func (refs references) walk(from string, p path, v any) {
	switch x := v.(type) {
	case map[string]any:
		if fn, arg, ok := intrinsic(x); ok {
			refs.call(from, p.key(fn), fn, arg)
		}
		// Inside Conditions, {Condition: Name} refers to another condition.
		if c, ok := x["Condition"].(string); ok && len(x) == 1 && p[0].key == "Conditions" && !refs.t.isCondition(c) {
			refs.r.add(p.key("Condition"), "condition %s is not declared in Conditions", c)
		}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			refs.walk(from, p.key(k), x[k])
		}
	case []any:
		for i, item := range x {
			refs.walk(from, p.index(i), item)
		}
	}
}

func (refs references) call(from string, p path, fn string, arg any) {
	switch fn {
	case "Ref":
		if name, ok := arg.(string); ok {
			refs.name(from, p, name)
		}
	case "Fn::GetAtt":
		if res, attr, ok := getAttArgument(arg); ok {
			refs.attribute(from, p, res, attr)
		}
	case "Fn::Sub":
		if text, vars, ok := subArgument(arg); ok {
			for _, name := range subVariables(text) {
				if _, local := vars[name]; local {
					continue
				}
				if res, attr, ok := strings.Cut(name, "."); ok {
					refs.attribute(from, p, res, attr)
				} else {
					refs.name(from, p, name)
				}
			}
		}
	case "Fn::If":
		if c, ok := listItem(arg, 0).(string); ok && !refs.t.isCondition(c) {
			refs.r.add(p, "condition %s is not declared in Conditions", c)
		}
	case "Fn::FindInMap":
		if m, ok := listItem(arg, 0).(string); ok {
			if _, declared := refs.t.sections["Mappings"][m]; !declared {
				refs.r.add(p, "mapping %s is not declared in Mappings", m)
			}
		}
	}
}

func (refs references) name(from string, p path, name string) {
	switch {
	case pseudoParameters[name] || refs.t.isParameter(name):
	case refs.t.isResource(name):
		if from != "" {
			refs.dependsOn[from][name] = true
		}
	default:
		refs.r.add(p, "%s is neither a parameter, a resource nor a pseudo parameter; CloudFormation reports an unresolved dependency", name)
	}
}

func (refs references) attribute(from string, p path, res, attr string) {
	if !refs.t.isResource(res) {
		refs.r.add(p, "Fn::GetAtt names %s, which is not a resource in this template", res)
		return
	}
	if from != "" {
		refs.dependsOn[from][res] = true
	}
	typ := refs.t.resourceType(res)
	if known, ok := attributes[typ]; ok && !slices.Contains(known, attr) {
		refs.r.add(p, "%s has no attribute %s; %s has %s", res, attr, typ, strings.Join(known, ", "))
	}
}

// subVariables returns the ${Name} variables of an Fn::Sub string; ${!Literal} is an escape.
func subVariables(text string) []string {
	var names []string
	for {
		start := strings.Index(text, "${")
		if start < 0 {
			return names
		}
		end := strings.Index(text[start:], "}")
		if end < 0 {
			return names
		}
		if name := text[start+2 : start+end]; !strings.HasPrefix(name, "!") {
			names = append(names, name)
		}
		text = text[start+end+1:]
	}
}

func (refs references) dependsOnAttribute(res resource) {
	p := res.path.key("DependsOn")
	var names []any
	switch x := res.body["DependsOn"].(type) {
	case string:
		names = []any{x}
	case []any:
		names = x
	}
	for i, v := range names {
		name, ok := v.(string)
		if !ok {
			continue // the schema reports the type
		}
		if !refs.t.isResource(name) {
			q := p
			if _, list := res.body["DependsOn"].([]any); list {
				q = p.index(i)
			}
			refs.r.add(q, "DependsOn names %s, which is not a resource in this template", name)
			continue
		}
		refs.dependsOn[res.id][name] = true
	}
}

// checkCycles reports dependency cycles, which CloudFormation rejects before creating
// anything ("Circular dependency between resources").
func (refs references) checkCycles() {
	const (
		unvisited = iota
		visiting
		done
	)
	state := map[string]int{}
	var stack []string
	var visit func(id string)
	visit = func(id string) {
		state[id] = visiting
		stack = append(stack, id)
		for _, next := range slices.Sorted(maps.Keys(refs.dependsOn[id])) {
			switch state[next] {
			case unvisited:
				visit(next)
			case visiting:
				cycle := append(slices.Clone(stack[slices.Index(stack, next):]), next)
				refs.r.add(path{}.key("Resources").key(next), "circular dependency: %s", strings.Join(cycle, " -> "))
			}
		}
		stack = stack[:len(stack)-1]
		state[id] = done
	}
	for _, res := range refs.t.resources {
		if state[res.id] == unvisited {
			visit(res.id)
		}
	}
}
