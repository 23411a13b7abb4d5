package config

import (
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/irsagen/irsagen/generator/diag"
)

// decoder fills the config types from a yaml.Node tree. It is stricter than yaml.v3's own decoder:
// every unknown or duplicate key, wrong kind of value and out-of-range number becomes a positioned
// diagnostic, all of them are collected in one pass, and scalars destined for strings keep their
// literal text (an unquoted 012345678901 stays "012345678901", `no` stays "no").
type decoder struct {
	file  string
	diags diag.List
	// budget bounds the nodes visited, aliases included, so that an alias bomb fails quickly
	// instead of expanding into gigabytes.
	budget int
	// depth is the nesting of free-form data (policy documents, args) being decoded.
	depth int
}

// maxDepth bounds the nesting of free-form data; IAM policy documents need six levels.
const maxDepth = 100

var (
	metaType     = reflect.TypeOf(Meta{})
	documentType = reflect.TypeOf(Document{})
	valueType    = reflect.TypeOf(Value{})
)

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.diags.Add(d.file, posOf(n), format, args...)
}

func posOf(n *yaml.Node) diag.Pos { return diag.Pos{Line: n.Line, Col: n.Column} }

// resolve follows aliases and charges the budget. It returns nil once the budget is spent.
func (d *decoder) resolve(n *yaml.Node) *yaml.Node {
	start := n
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	d.budget--
	if d.budget == 0 {
		d.errorf(start, "YAML aliases here expand to too many values; irsagen refuses alias bombs (\"billion laughs\")")
	}
	if d.budget <= 0 {
		return nil
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// pair is one key and value of a mapping, after merge keys (<<) have been expanded.
type pair struct {
	key, value *yaml.Node
	merged     bool
}

// pairs lists a mapping's entries. Keys written explicitly win over keys brought in by `<<`, and a
// key written twice explicitly is reported as a duplicate.
func (d *decoder) pairs(n *yaml.Node) []pair {
	explicit := make([]pair, 0, len(n.Content)/2)
	var merged []pair
	// The keys seen so far are those in explicit. A mapping of a few keys, as nearly all are,
	// finds them by a scan; a map would cost more than it saves.
	var seen map[string]*yaml.Node
	if len(n.Content) > 2*smallMapping {
		seen = make(map[string]*yaml.Node, len(n.Content)/2)
	}
	find := func(key string) *yaml.Node {
		if seen != nil {
			return seen[key]
		}
		for _, p := range explicit {
			if p.key.Value == key {
				return p.key
			}
		}
		return nil
	}
	add := func(p pair) {
		explicit = append(explicit, p)
		if seen != nil {
			seen[p.key.Value] = p.key
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			merged = append(merged, d.mergeSources(v)...)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "keys must be plain strings")
			continue
		}
		if first := find(k.Value); first != nil {
			d.errorf(k, "duplicate key %q (first written at line %d)", k.Value, first.Line)
			continue
		}
		add(pair{key: k, value: v})
	}
	for _, p := range merged {
		if find(p.key.Value) == nil {
			add(p)
		}
	}
	return explicit
}

// smallMapping is the most keys for which pairs scans for duplicates.
const smallMapping = 16

func (d *decoder) mergeSources(v *yaml.Node) []pair {
	v = d.resolve(v)
	if v == nil {
		return nil
	}
	switch v.Kind {
	case yaml.MappingNode:
		ps := d.pairs(v)
		for i := range ps {
			ps[i].merged = true
		}
		return ps
	case yaml.SequenceNode:
		var out []pair
		for _, item := range v.Content {
			out = append(out, d.mergeSources(item)...)
		}
		return out
	}
	d.errorf(v, "<< must merge a mapping or a list of mappings")
	return nil
}

// decode fills v from n. meta is the nearest enclosing object's Meta and path the value's path
// inside it; positions of values that are not objects themselves are recorded there.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, meta *Meta, path string) {
	if n = d.resolve(n); n == nil {
		return
	}
	if meta != nil && path != "" {
		meta.record(path, posOf(n))
	}
	switch {
	case v.Type() == documentType:
		if isNull(n) {
			return
		}
		if n.Kind != yaml.MappingNode {
			d.errorf(n, "%s must be a mapping (an IAM policy document)", keyName(path))
			return
		}
		v.Set(reflect.ValueOf(Document(d.generic(n, true, meta, path).(map[string]any))))
		return
	case v.Type() == valueType:
		if isNull(n) {
			return
		}
		if n.Kind != yaml.MappingNode {
			d.errorf(n, "%s must be a mapping", keyName(path))
			return
		}
		v.Set(reflect.ValueOf(Value(d.generic(n, false, meta, path).(map[string]any))))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.decodeStruct(n, v, meta, path)
	case reflect.Pointer:
		if isNull(n) {
			return
		}
		elem := reflect.New(v.Type().Elem())
		d.decode(n, elem.Elem(), meta, path)
		v.Set(elem)
	case reflect.Slice:
		if isNull(n) {
			return
		}
		if n.Kind != yaml.SequenceNode {
			d.errorf(n, "%s must be a list", keyName(path))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.decode(item, s.Index(i), meta, itemPath(path, i))
		}
		v.Set(s)
	case reflect.Map:
		if isNull(n) {
			return
		}
		if n.Kind != yaml.MappingNode {
			d.errorf(n, "%s must be a mapping", keyName(path))
			return
		}
		ps := d.pairs(n)
		m := reflect.MakeMapWithSize(v.Type(), len(ps))
		// SetMapIndex copies the key and the value, so one of each does for every entry.
		key, elem := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		for _, p := range ps {
			elem.SetZero()
			d.decode(p.value, elem, meta, path+"."+p.key.Value)
			key.SetString(p.key.Value)
			m.SetMapIndex(key, elem)
		}
		v.Set(m)
	case reflect.String:
		if s, ok := d.scalar(n, path); ok {
			v.SetString(s)
		}
	case reflect.Int:
		s, ok := d.scalar(n, path)
		if !ok {
			return
		}
		i, err := strconv.Atoi(s)
		if n.Tag != "!!int" || err != nil || (len(s) > 1 && s[0] == '0') {
			d.errorf(n, "%s must be a whole number, not %q", keyName(path), s)
			return
		}
		v.SetInt(int64(i))
	case reflect.Bool:
		s, ok := d.scalar(n, path)
		if !ok {
			return
		}
		if n.Tag != "!!bool" {
			d.errorf(n, "%s must be true or false, not %q", keyName(path), s)
			return
		}
		v.SetBool(strings.EqualFold(s, "true"))
	default:
		panic("config: no decoder for " + v.Type().String())
	}
}

func itemPath(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// scalar returns a scalar's literal text.
func (d *decoder) scalar(n *yaml.Node, path string) (string, bool) {
	switch {
	case n.Kind != yaml.ScalarNode:
		d.errorf(n, "%s must be a single value, not a %s", keyName(path), kindName(n))
		return "", false
	case isNull(n):
		d.errorf(n, "%s needs a value", keyName(path))
		return "", false
	}
	return n.Value, true
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, outer *Meta, path string) {
	fields := fieldsOf(v.Type())
	meta := outer
	if fields.meta != nil {
		meta = v.FieldByIndex(fields.meta).Addr().Interface().(*Meta)
		meta.pos = posOf(n)
	}
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		// path still names the value in its enclosing object ("accounts[0]", "output").
		d.errorf(n, "%s must be a mapping, not a %s", keyName(path), kindName(n))
		return
	}
	if fields.meta != nil {
		path = ""
		// An object records a position for each of its keys and for the items and entries below
		// them, two to three for each key of a ServiceAccount. Growing the map on the way made a
		// fifth of decoding's garbage.
		if meta.at == nil && len(n.Content) > 0 {
			meta.at = make(map[string]diag.Pos, len(n.Content)*3/2)
		}
	}
	for _, p := range d.pairs(n) {
		idx, ok := fields.byKey[p.key.Value]
		if !ok {
			d.errorf(p.key, "unknown key %q%s", p.key.Value, diag.DidYouMean(p.key.Value, fields.keys, "keys"))
			continue
		}
		sub := p.key.Value
		if path != "" {
			sub = path + "." + sub
		}
		d.decode(p.value, v.FieldByIndex(idx), meta, sub)
	}
}

// generic decodes free-form data. In policy documents (policy=true) every scalar but a boolean
// stays a string with its literal text; IAM compares condition values as strings, and a YAML
// number would reach CloudFormation as a float.
func (d *decoder) generic(n *yaml.Node, policy bool, meta *Meta, path string) any {
	if n = d.resolve(n); n == nil {
		return nil
	}
	if d.depth >= maxDepth {
		// Every level's path is recorded, so deep nesting costs memory quadratic in the depth.
		root, _, _ := strings.Cut(path, ".")
		root, _, _ = strings.Cut(root, "[")
		d.errorf(n, "%s nests more than %d levels deep", keyName(root), maxDepth)
		return nil
	}
	d.depth++
	defer func() { d.depth-- }()
	if meta != nil && path != "" {
		meta.record(path, posOf(n))
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for _, p := range d.pairs(n) {
			m[p.key.Value] = d.generic(p.value, policy, meta, path+"."+p.key.Value)
		}
		return m
	case yaml.SequenceNode:
		l := make([]any, len(n.Content))
		for i, item := range n.Content {
			l[i] = d.generic(item, policy, meta, itemPath(path, i))
		}
		return l
	}
	switch n.Tag {
	case "!!null":
		if policy {
			d.errorf(n, "%s needs a value", keyName(path))
		}
		return nil
	case "!!bool":
		return strings.EqualFold(n.Value, "true")
	case "!!int", "!!float":
		// YAML numbers that JSON cannot spell (0x1F, 1_000, .inf) stay strings: args reach
		// Jsonnet as JSON.
		if !policy && json.Valid([]byte(n.Value)) {
			return json.Number(n.Value)
		}
	}
	return n.Value
}

// structFields describes how a struct type's fields map to keys.
type structFields struct {
	meta  []int
	byKey map[string][]int
	keys  []string
}

var fieldCache sync.Map // reflect.Type -> *structFields

func fieldsOf(t reflect.Type) *structFields {
	if f, ok := fieldCache.Load(t); ok {
		return f.(*structFields)
	}
	f := &structFields{byKey: map[string][]int{}}
	collectFields(t, nil, f)
	sort.Strings(f.keys)
	fieldCache.Store(t, f)
	return f
}

func collectFields(t reflect.Type, index []int, f *structFields) {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		idx := append(append([]int(nil), index...), i)
		if sf.Type == metaType {
			f.meta = idx
			continue
		}
		name, opts, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			collectFields(sf.Type, idx, f)
			continue
		}
		f.byKey[name] = idx
		f.keys = append(f.keys, name)
	}
}

func keyName(path string) string {
	if path == "" {
		return "the document"
	}
	return path
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	}
	return "value"
}
