package trust

// Policies reach this package as whatever a decoder produced: encoding/json gives float64 and
// map[string]any, YAML libraries give int and sometimes map[any]any, and tests write []string by
// hand. IAM itself treats every scalar as a string and accepts a single value wherever it accepts
// a list, so everything is narrowed to those two shapes here, once.

import (
	"fmt"
	"strconv"
)

// asObject returns v as a map with string keys, or false if v is not an object.
func asObject(v any) (map[string]any, bool) {
	switch m := v.(type) {
	case map[string]any:
		return m, true
	case map[any]any:
		out := make(map[string]any, len(m))
		for k, val := range m {
			ks, ok := scalarString(k)
			if !ok {
				return nil, false
			}
			out[ks] = val
		}
		return out, true
	}
	return nil, false
}

// asList returns v as a slice, or false if v is not a list.
func asList(v any) ([]any, bool) {
	switch l := v.(type) {
	case []any:
		return l, true
	case []string:
		out := make([]any, len(l))
		for i, s := range l {
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

// scalarString renders a scalar the way IAM reads it: JSON true, 3600 and "3600" are the strings
// "true" and "3600".
func scalarString(v any) (string, bool) {
	switch s := v.(type) {
	case string:
		return s, true
	case bool:
		return strconv.FormatBool(s), true
	case float64:
		return strconv.FormatFloat(s, 'f', -1, 64), true
	case float32:
		return strconv.FormatFloat(float64(s), 'f', -1, 32), true
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return fmt.Sprint(s), true
	}
	return "", false
}

// stringList accepts a scalar or a list of scalars, the two spellings IAM allows for Action,
// Resource, principal and condition values.
func stringList(v any, where location) ([]string, error) {
	if s, ok := scalarString(v); ok {
		return []string{s}, nil
	}
	l, ok := asList(v)
	if !ok {
		return nil, fmt.Errorf("%s: want a string or a list of strings, got %s", where, describe(v))
	}
	out := make([]string, 0, len(l))
	for i, item := range l {
		s, ok := scalarString(item)
		if !ok {
			return nil, fmt.Errorf("%s[%d]: want a string, got %s", where, i, describe(item))
		}
		out = append(out, s)
	}
	return out, nil
}

// describe names the kind of a decoded value for error messages.
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any, map[any]any:
		return "an object"
	case []any, []string:
		return "a list"
	}
	if _, ok := scalarString(v); ok {
		return "a scalar"
	}
	return fmt.Sprintf("a %T", v)
}
