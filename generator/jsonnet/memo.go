package jsonnet

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
)

// memo holds the results of the evaluations a worker has run, so that a task is evaluated only
// if no earlier task was provably the same.
//
// A template's result depends on its file (and the files it imports, fixed for a run), its
// arguments, and the context fields it reads; Jsonnet has no other input. So when an earlier
// task with the same file and arguments read fields F, and this task's context has the same
// values for F, evaluating it would follow the same path and give the same result, error
// included. In a fleet, most templates read the account, partition and region and ignore the
// role's own names, so thousands of roles share a few evaluations.
//
// Entries are keyed by file, arguments and the names of the context's fields (a template can
// list them with std.objectFields without reading a value), then grouped by the set of fields
// that were read, which is nearly always one set per key.
type memo map[string][]readSet

type readSet struct {
	names   []string
	results map[string]int // task index, by the joined JSON of those fields' values
}

func memoKey(t task, fields map[string]json.RawMessage) string {
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	return t.File + "\x00" + string(t.Args) + "\x00" + strings.Join(names, "\x00")
}

// lookup returns the index of an earlier task whose result this task would have.
func (m memo) lookup(key string, fields map[string]json.RawMessage) (int, bool) {
	for _, rs := range m[key] {
		if i, ok := rs.results[valuesOf(rs.names, func(n string) string { return string(fields[n]) })]; ok {
			return i, true
		}
	}
	return 0, false
}

// store records that task i, evaluated, read the fields in read.
func (m memo) store(key string, read map[string]string, i int) {
	names := make([]string, 0, len(read))
	for name := range read {
		names = append(names, name)
	}
	sort.Strings(names)
	values := valuesOf(names, func(n string) string { return read[n] })
	for _, rs := range m[key] {
		if slices.Equal(rs.names, names) {
			rs.results[values] = i
			return
		}
	}
	m[key] = append(m[key], readSet{names: names, results: map[string]int{values: i}})
}

func valuesOf(names []string, value func(string) string) string {
	var b strings.Builder
	for _, n := range names {
		b.WriteString(value(n))
		b.WriteByte(0)
	}
	return b.String()
}
