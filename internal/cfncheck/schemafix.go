package cfncheck

import (
	"maps"
	"slices"
)

// Where goformation's schema disagrees with CloudFormation as it is today, the documents
// compiled from it are corrected here, each fix saying what CloudFormation does. The original
// "$id" is never copied: it names the draft-04 meta-schema itself, so every "#/definitions/..."
// reference would resolve against the meta-schema instead.

// templateDocument is the schema of a template's sections; the entries of Resources are
// validated one at a time against their own type.
func templateDocument(root map[string]any) map[string]any {
	props := maps.Clone(root["properties"].(map[string]any))
	props["Resources"] = map[string]any{"type": "object"}
	for _, section := range []string{"Parameters", "Mappings", "Conditions", "Outputs"} {
		if s, ok := props[section].(map[string]any); ok {
			props[section] = openSection(s)
		}
	}
	defs := root["definitions"].(map[string]any)
	return map[string]any{
		"type":                 root["type"],
		"required":             root["required"],
		"additionalProperties": root["additionalProperties"],
		"properties":           props,
		"definitions":          map[string]any{"Parameter": fixParameter(defs["Parameter"].(map[string]any))},
	}
}

// openSection keeps the schema of a section's entries but drops its logical-ID pattern and
// its count limit: checkTemplate checks both with a message that says what is wrong, and
// the limits in the schema (50 parameters, 60 outputs) predate today's 200.
func openSection(s map[string]any) map[string]any {
	out := maps.Clone(s)
	delete(out, "maxProperties")
	if pattern, ok := s["patternProperties"].(map[string]any); ok && len(pattern) == 1 {
		for _, entry := range pattern {
			out["additionalProperties"] = entry
		}
		delete(out, "patternProperties")
	}
	return out
}

// fixParameter lets the numeric attributes of a parameter be written as numbers
// (Default: 3600), which CloudFormation accepts; the schema insists on strings.
func fixParameter(def map[string]any) map[string]any {
	out := maps.Clone(def)
	props := maps.Clone(def["properties"].(map[string]any))
	for _, name := range []string{"Default", "MaxLength", "MaxValue", "MinLength", "MinValue"} {
		props[name] = map[string]any{"type": []any{"string", "number"}}
	}
	out["properties"] = props
	return out
}

// fixResourceDefinition adds RetainExceptOnCreate, which CloudFormation has accepted as a
// DeletionPolicy since 2023, to the schema's older list.
func fixResourceDefinition(def map[string]any) map[string]any {
	props, _ := def["properties"].(map[string]any)
	policy, _ := props["DeletionPolicy"].(map[string]any)
	values, _ := policy["enum"].([]any)
	if values == nil || slices.Contains(values, any("RetainExceptOnCreate")) {
		return def
	}
	policy = maps.Clone(policy)
	policy["enum"] = append(slices.Clone(values), "RetainExceptOnCreate")
	props = maps.Clone(props)
	props["DeletionPolicy"] = policy
	out := maps.Clone(def)
	out["properties"] = props
	return out
}
