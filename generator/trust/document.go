package trust

// Evaluate and Check must agree on what a policy says, so both read it through this one parser.
// It rejects what IAM would reject (unknown elements, a missing Effect, Principal together with
// NotPrincipal) instead of guessing, because a guessed reading of a malformed trust policy is
// exactly how an evaluator ends up approving something IAM would not.

import (
	"fmt"
	"sort"
)

// policy is a parsed trust policy.
type policy struct {
	Statements []statement
}

// statement is one parsed policy statement. A nil slice means the element is absent.
type statement struct {
	Index        int
	Sid          string
	Effect       string
	Principal    *principalSet
	NotPrincipal *principalSet
	Action       []string
	NotAction    []string
	Resource     []string
	NotResource  []string
	Conditions   []condition
}

// principalSet is the value of a Principal or NotPrincipal element.
type principalSet struct {
	// Anyone is set for the bare string "*".
	Anyone bool
	// IDs maps a principal type (AWS, Federated, Service, CanonicalUser) to its values.
	IDs map[string][]string
}

// condition is one operator/key pair of a Condition block with its policy values.
type condition struct {
	Operator string
	Key      string
	Values   []string
}

var (
	documentElements  = nameSet("Version", "Id", "Statement")
	statementElements = nameSet("Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
		"Resource", "NotResource", "Condition")
	principalTypes = nameSet("AWS", "Federated", "Service", "CanonicalUser")
)

func nameSet(items ...string) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, s := range items {
		m[s] = true
	}
	return m
}

// parsePolicy accepts a whole policy document, a single statement object, or a list of
// statements.
func parsePolicy(doc any) (policy, error) {
	var raw []any
	if obj, ok := asObject(doc); ok {
		if isDocument(obj) {
			if err := unknownElements(obj, documentElements, documentLocation); err != nil {
				return policy{}, err
			}
			if _, ok := obj["Statement"]; !ok {
				return policy{}, fmt.Errorf("policy: Statement is missing")
			}
			if l, ok := asList(obj["Statement"]); ok {
				raw = l
			} else {
				raw = []any{obj["Statement"]}
			}
		} else {
			raw = []any{obj}
		}
	} else if l, ok := asList(doc); ok {
		raw = l
	} else {
		return policy{}, fmt.Errorf("policy: want an object or a list of statements, got %s", describe(doc))
	}
	var p policy
	for i, r := range raw {
		st, err := parseStatement(i, r)
		if err != nil {
			return policy{}, err
		}
		p.Statements = append(p.Statements, st)
	}
	return p, nil
}

// isDocument tells a policy document from a bare statement: only a document has these elements.
func isDocument(obj map[string]any) bool {
	for k := range documentElements {
		if _, ok := obj[k]; ok {
			return true
		}
	}
	return false
}

func parseStatement(index int, v any) (statement, error) {
	where := statementLocation(index)
	obj, ok := asObject(v)
	if !ok {
		return statement{}, fmt.Errorf("%s: want an object, got %s", where, describe(v))
	}
	if err := unknownElements(obj, statementElements, where); err != nil {
		return statement{}, err
	}
	st := statement{Index: index}
	if sid, ok := obj["Sid"]; ok {
		s, ok := scalarString(sid)
		if !ok {
			return statement{}, fmt.Errorf("%s.Sid: want a string, got %s", where, describe(sid))
		}
		st.Sid = s
	}
	rawEffect, hasEffect := obj["Effect"]
	if !hasEffect {
		return statement{}, fmt.Errorf("%s: Effect is missing; want \"Allow\" or \"Deny\"", where)
	}
	effect, _ := scalarString(rawEffect)
	if effect != "Allow" && effect != "Deny" {
		return statement{}, fmt.Errorf("%s.Effect: want \"Allow\" or \"Deny\", got %s", where, shown(rawEffect))
	}
	st.Effect = effect

	var err error
	if st.Principal, st.NotPrincipal, err = parsePrincipals(obj, where); err != nil {
		return statement{}, err
	}
	if st.Action, st.NotAction, err = exclusivePair(obj, "Action", "NotAction", where, true); err != nil {
		return statement{}, err
	}
	if st.Resource, st.NotResource, err = exclusivePair(obj, "Resource", "NotResource", where, false); err != nil {
		return statement{}, err
	}
	if c, ok := obj["Condition"]; ok {
		if st.Conditions, err = parseConditions(c, where.dot("Condition")); err != nil {
			return statement{}, err
		}
	}
	return st, nil
}

// exclusivePair reads an element and its Not- twin, which IAM allows one at a time.
func exclusivePair(obj map[string]any, name, notName string, where location, required bool) ([]string, []string, error) {
	v, has := obj[name]
	nv, hasNot := obj[notName]
	switch {
	case has && hasNot:
		return nil, nil, fmt.Errorf("%s: has both %s and %s; use one", where, name, notName)
	case !has && !hasNot:
		if required {
			return nil, nil, fmt.Errorf("%s: has neither %s nor %s", where, name, notName)
		}
		return nil, nil, nil
	case has:
		l, err := nonEmptyList(v, where.dot(name))
		return l, nil, err
	default:
		l, err := nonEmptyList(nv, where.dot(notName))
		return nil, l, err
	}
}

func nonEmptyList(v any, where location) ([]string, error) {
	l, err := stringList(v, where)
	if err == nil && len(l) == 0 {
		err = fmt.Errorf("%s: must not be empty", where)
	}
	return l, err
}

func parsePrincipals(obj map[string]any, where location) (*principalSet, *principalSet, error) {
	v, has := obj["Principal"]
	nv, hasNot := obj["NotPrincipal"]
	switch {
	case has && hasNot:
		return nil, nil, fmt.Errorf("%s: has both Principal and NotPrincipal; use one", where)
	case !has && !hasNot:
		return nil, nil, fmt.Errorf("%s: has neither Principal nor NotPrincipal; a trust policy must name who may assume the role", where)
	case has:
		p, err := parsePrincipalSet(v, where.dot("Principal"))
		return p, nil, err
	default:
		p, err := parsePrincipalSet(nv, where.dot("NotPrincipal"))
		return nil, p, err
	}
}

func parsePrincipalSet(v any, where location) (*principalSet, error) {
	if s, ok := v.(string); ok {
		if s != "*" {
			return nil, fmt.Errorf("%s: the only string allowed is \"*\"; name principals as {\"AWS\"|\"Federated\"|\"Service\": ...}", where)
		}
		return &principalSet{Anyone: true}, nil
	}
	obj, ok := asObject(v)
	if !ok || len(obj) == 0 {
		return nil, fmt.Errorf("%s: want \"*\" or an object such as {\"Federated\": ...}, got %s", where, describe(v))
	}
	ps := &principalSet{IDs: make(map[string][]string, len(obj))}
	for typ, val := range obj {
		if !principalTypes[typ] {
			return nil, fmt.Errorf("%s: unknown principal type %q; known types: AWS, CanonicalUser, Federated, Service", where, typ)
		}
		ids, err := nonEmptyList(val, where.dot(typ))
		if err != nil {
			return nil, err
		}
		ps.IDs[typ] = ids
	}
	return ps, nil
}

// parseConditions flattens a Condition block into operator/key pairs, sorted so that reasons
// come out in the same order however the decoder ordered the maps.
func parseConditions(v any, where location) ([]condition, error) {
	block, ok := asObject(v)
	if !ok {
		return nil, fmt.Errorf("%s: want an object of condition operators, got %s", where, describe(v))
	}
	var out []condition
	for op, keys := range block {
		kv, ok := asObject(keys)
		if !ok {
			return nil, fmt.Errorf("%s.%s: want an object of condition keys, got %s", where, op, describe(keys))
		}
		if len(kv) == 0 {
			return nil, fmt.Errorf("%s.%s: has no condition keys", where, op)
		}
		for key, vals := range kv {
			values, err := nonEmptyList(vals, where.dot(op).key(key))
			if err != nil {
				return nil, err
			}
			out = append(out, condition{Operator: op, Key: key, Values: values})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Operator != out[j].Operator {
			return out[i].Operator < out[j].Operator
		}
		return out[i].Key < out[j].Key
	})
	return out, nil
}

func unknownElements(obj map[string]any, known map[string]bool, where location) error {
	var unknown []string
	for k := range obj {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	names := make([]string, 0, len(known))
	for k := range known {
		names = append(names, k)
	}
	sort.Strings(names)
	return fmt.Errorf("%s: unknown element %q (element names are case-sensitive); known elements: %s",
		where, unknown[0], joinPlain(names))
}

// shown renders a decoded value for an error message.
func shown(v any) string {
	if s, ok := scalarString(v); ok {
		return fmt.Sprintf("%q", s)
	}
	return describe(v)
}

// location names a value of a policy in error messages: "policy", "Statement[0].Action",
// "Statement[1].Condition.StringEquals[\"sub\"]". A well-formed policy never needs one, and
// spelling one out for every value it checked cost about as much as the rest of the parse, so the
// parts are kept and joined only when an error is reported. A trust policy has at most three
// levels below a statement: an element, a principal type or condition operator, a condition key.
type location struct {
	statement int    // -1 for the document
	elem, sub string // ".elem.sub", each if set
	condKey   string // `["key"]`, if hasKey
	hasKey    bool
}

var documentLocation = location{statement: -1}

func statementLocation(index int) location { return location{statement: index} }

// dot is the location of the element name within l.
func (l location) dot(name string) location {
	if l.elem == "" {
		l.elem = name
	} else {
		l.sub = name
	}
	return l
}

// key is the location of a condition key within l.
func (l location) key(k string) location {
	l.condKey, l.hasKey = k, true
	return l
}

func (l location) String() string {
	if l.statement < 0 {
		return "policy"
	}
	s := fmt.Sprintf("Statement[%d]", l.statement)
	if l.elem != "" {
		s += "." + l.elem
	}
	if l.sub != "" {
		s += "." + l.sub
	}
	if l.hasKey {
		s += fmt.Sprintf("[%q]", l.condKey)
	}
	return s
}
