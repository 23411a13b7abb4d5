package config

import (
	"math"
	"reflect"

	"go.yaml.in/yaml/v3"

	"github.com/irsagen/irsagen/generator/diag"
)

// items decodes the objects of the long top-level list that parseSplit cuts the file at, a
// piece at a time, on the goroutine that parsed the piece and as soon as it has.
//
// Decoding after the whole tree is parsed kept the tree of a large file alive at once (60 MB of
// nodes for 10,000 ServiceAccounts), and every collection during the parse marked it again.
// Decoded a piece at a time, the nodes live only as long as their piece; each item is then
// replaced by a node that keeps its position only, and Parse's decoder takes the decoded list
// when it reaches list, instead of decoding it (decoder.take).
//
// The items are decoded exactly as decodeItems decodes them: the same decoder, paths, and
// positions. Parse uses the result only if its decoder met list once, as the value of key in the
// top-level object, and parses the whole file again otherwise.
type items struct {
	file string
	key  string        // the list's key in the top-level object
	path string        // the items' path prefix: key, as decodeStruct names it
	out  reflect.Value // the decoded items
	subs []*decoder    // one for each goroutine of parseSplit
	list *yaml.Node    // the joined list, set by parseSplit once every piece is in
}

// start prepares for total items of the list at key, on workers goroutines. It reports false
// when key is not a list of objects in Config, which leaves the list to the decoder.
func (it *items) start(key string, total, workers int) bool {
	t := reflect.TypeFor[Config]()
	fields := fieldsOf(t)
	idx, ok := fields.byKey[key]
	if !ok || fields.meta == nil {
		return false
	}
	ft := t.FieldByIndex(idx).Type
	if ft.Kind() != reflect.Slice || !hasMeta(ft.Elem()) {
		return false
	}
	it.key, it.path = key, key
	it.out = reflect.MakeSlice(ft, total, total)
	it.subs = make([]*decoder, workers)
	for w := range it.subs {
		// The pieces hold no anchor or alias (parseYAML does not cut such a file), so every
		// node is decoded once and may be released, and no budget can run out.
		it.subs[w] = &decoder{file: it.file, budget: math.MaxInt, release: true}
	}
	return true
}

// decode decodes the items that start at index first of the list, on goroutine w, and leaves
// each item node with its kind and position only.
func (it *items) decode(w, first int, nodes []*yaml.Node) {
	d := it.subs[w]
	for i, n := range nodes {
		d.decode(n, it.out.Index(first+i), nil, itemPath(it.path, first+i))
		*n = yaml.Node{Kind: n.Kind, Style: n.Style, Tag: n.Tag, Line: n.Line, Column: n.Column}
	}
}

// diags are the problems found in the items, in no particular order.
func (it *items) diags() diag.List {
	var all diag.List
	for _, d := range it.subs {
		all = append(all, d.diags...)
	}
	return all
}
