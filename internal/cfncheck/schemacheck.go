package cfncheck

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// checkSchema validates the template's sections against the template schema, then the
// Properties of each resource against the registry schema of its type. Validating resource by
// resource keeps each problem to one line about one resource.
func checkSchema(r *report, t *template) {
	set, err := loadSchemas()
	if err != nil {
		r.add(nil, "cannot load the CloudFormation schemas: %v", err)
		return
	}
	validateAgainst(r, nil, t.root, set.template, false)

	for _, res := range t.resources {
		if res.body == nil || res.typ == "" {
			continue // checkTemplate reports these
		}
		props := res.props
		if props == nil {
			if res.body["Properties"] != nil {
				continue // not a map: the template schema reports it
			}
			props = map[string]any{} // so that required properties are reported missing
		}
		if isCustom(res.typ) {
			validateAgainst(r, res.propsPath(), props, set.custom, true)
			continue
		}
		rs := set.resources[res.typ]
		if rs == nil {
			r.add(res.path.key("Type"), "%s", unknownType(res.typ, set.resourceTypes()))
			continue
		}
		for _, name := range rs.readOnly {
			if _, ok := props[name]; ok {
				r.add(res.propsPath().key(name), "%s is read-only: CloudFormation sets it after creating the resource (read it with Fn::GetAtt); remove it from Properties", name)
			}
		}
		validateAgainst(r, res.propsPath(), props, rs.compiledSchema, true)
	}
}

// unknownType says that a type has no registry schema here: a misspelling of one that does,
// or a type irsagen does not write, whose schema belongs in testdata/registry before a
// template may use it.
func unknownType(typ string, known []string) string {
	if s := suggest(typ, known); s != "" {
		return "unknown resource type " + typ + s
	}
	return fmt.Sprintf("unknown resource type %s: cfncheck has registry schemas for %s only; add the type's schema to internal/cfncheck/testdata/registry (see the README there)", typ, strings.Join(known, ", "))
}

var printer = message.NewPrinter(language.English)

// validateAgainst reports the schema's objections to instance, found at base. In a resource's
// Properties (calls true), values that are intrinsic function calls, and everything inside
// them, are exempt: the schema types the resolved value, which only CloudFormation knows.
func validateAgainst(r *report, base path, instance any, c *compiledSchema, calls bool) {
	err := c.schema.Validate(instance)
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return
	}
	// A value gets one problem: the first the schema names, unless a rule of the checks before
	// this one already said what is wrong with it in its own words.
	reported := map[string]bool{}
	for _, pr := range r.problems {
		reported[pr.Path] = true
	}
	for _, leaf := range leaves(verr) {
		p, resolvedLater := locate(base, instance, leaf.InstanceLocation, calls)
		if resolvedLater {
			continue
		}
		if _, missing := leaf.ErrorKind.(*kind.Required); !missing {
			if reported[p.String()] {
				continue
			}
			reported[p.String()] = true
		}
		switch k := leaf.ErrorKind.(type) {
		case *kind.Required:
			for _, name := range k.Missing {
				r.add(p, "required property %s is missing", name)
			}
		case *kind.AdditionalProperties:
			allowed := allowedProperties(c.doc, leaf.SchemaURL)
			for _, name := range k.Properties {
				r.add(p.key(name), "unknown property %s; allowed: %s", name, strings.Join(allowed, ", "))
			}
		case *kind.Type:
			r.add(p, "wrong type: got %s, want %s", k.Got, strings.Join(k.Want, " or "))
		default:
			r.add(p, "%s", describe(leaf))
		}
	}
}

// leaves flattens the validator's error tree to the errors that say what is wrong. The
// alternatives of an anyOf stay together: only all of them failing is a problem.
func leaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	switch e.ErrorKind.(type) {
	case *kind.AnyOf, *kind.OneOf:
		return []*jsonschema.ValidationError{e}
	}
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	var out []*jsonschema.ValidationError
	for _, c := range e.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

func describe(e *jsonschema.ValidationError) string {
	switch k := e.ErrorKind.(type) {
	case *kind.AnyOf, *kind.OneOf:
		var alternatives []string
		for _, c := range e.Causes {
			alternatives = append(alternatives, describe(c))
		}
		return "matches none of the allowed forms: " + strings.Join(alternatives, "; ")
	case *kind.MinProperties:
		return fmt.Sprintf("has %d entries; CloudFormation needs at least %d, or leave the section out", k.Got, k.Want)
	case *kind.MaxLength:
		return fmt.Sprintf("is %d characters; CloudFormation allows at most %d", k.Got, k.Want)
	}
	return e.ErrorKind.LocalizedString(printer)
}

// locate turns the validator's instance location into a path from base. resolvedLater is
// true when calls is set and the location is, or is inside, an intrinsic function call.
func locate(base path, instance any, tokens []string, calls bool) (p path, resolvedLater bool) {
	p, v := base, instance
	for _, tok := range tokens {
		if _, _, call := intrinsic(v); call && calls {
			return p, true
		}
		switch x := v.(type) {
		case map[string]any:
			p, v = p.key(tok), x[tok]
		case []any:
			n, _ := strconv.Atoi(tok)
			p = p.index(n)
			if n >= 0 && n < len(x) {
				v = x[n]
			}
		}
	}
	if _, _, call := intrinsic(v); call && calls {
		return p, true
	}
	return p, false
}

// allowedProperties reads, from the document a schema was compiled from, the properties
// allowed by the schema whose additionalProperties failed.
func allowedProperties(doc map[string]any, schemaURL string) []string {
	_, fragment, _ := strings.Cut(schemaURL, "#")
	fragment, err := url.PathUnescape(fragment)
	if err != nil {
		return nil
	}
	var v any = doc
	if fragment != "" {
		for _, tok := range strings.Split(strings.TrimPrefix(fragment, "/"), "/") {
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)]
		}
	}
	m, _ := v.(map[string]any)
	props, _ := m["properties"].(map[string]any)
	allowed := slices.Sorted(maps.Keys(props))
	if fragment == "" {
		// A registry schema's own properties: those CloudFormation sets are not for a template.
		readOnly, _ := doc["readOnlyProperties"].([]any)
		allowed = slices.DeleteFunc(allowed, func(name string) bool {
			return slices.Contains(readOnly, any("/properties/"+name))
		})
	}
	return allowed
}

// suggest returns "; did you mean X?" for the known name closest to a misspelt one.
func suggest(name string, known []string) string {
	best, bestDist := "", len(name)/3+1
	for _, k := range known {
		if d := editDistance(strings.ToLower(name), strings.ToLower(k)); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %s?", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
