package jsonnet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/google/go-jsonnet"
	"github.com/google/go-jsonnet/ast"
)

// contextVar is the external variable that holds the context of the role a template is
// rendered for: std.extVar('irsagen').
const contextVar = "irsagen"

// contextNative is the native function behind each field of the context object.
const contextNative = "irsagen.context"

// contextBinding makes std.extVar('irsagen') an object whose fields are read through a native
// function, so that the worker learns which fields a template read. Two roles whose contexts
// agree on those fields get the same document from the same template and arguments, which is
// what the memo relies on; the fields themselves behave as plain values in Jsonnet.
type contextBinding struct {
	fields map[string]json.RawMessage // the running task's context
	read   map[string]string          // the fields read so far, with their JSON
	shapes map[string]ast.Node        // the extVar object, parsed once per set of field names
}

func newContextBinding() *contextBinding {
	return &contextBinding{shapes: map[string]ast.Node{}}
}

// decodeObject splits a JSON object into its fields, each still encoded; null is no fields.
func decodeObject(raw json.RawMessage) (map[string]json.RawMessage, error) {
	fields := map[string]json.RawMessage{}
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return fields, nil
	}
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, err
	}
	return fields, nil
}

// bind makes fields the context of the next evaluation.
func (c *contextBinding) bind(vm *jsonnet.VM, fields map[string]json.RawMessage) error {
	c.fields, c.read = fields, map[string]string{}
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	shape := strings.Join(names, "\x00")
	node, ok := c.shapes[shape]
	if !ok {
		var code strings.Builder
		code.WriteString("{")
		for _, name := range names {
			q, _ := json.Marshal(name)
			fmt.Fprintf(&code, "%s: std.native(%q)(%s),\n", q, contextNative, q)
		}
		code.WriteString("}")
		var err error
		if node, err = jsonnet.SnippetToAST("<irsagen context>", code.String()); err != nil {
			return err
		}
		c.shapes[shape] = node
	}
	// Binding an external variable also drops the cached values of imported files, which may
	// have read the previous context; their syntax trees stay cached.
	vm.ExtNode(contextVar, node)
	return nil
}

func (c *contextBinding) native() *jsonnet.NativeFunction {
	return &jsonnet.NativeFunction{
		Name:   contextNative,
		Params: ast.Identifiers{"field"},
		Func: func(args []any) (any, error) {
			name, _ := args[0].(string)
			raw, ok := c.fields[name]
			if !ok {
				return nil, errors.New("the context has no field " + name)
			}
			c.read[name] = string(raw)
			var v any
			err := json.Unmarshal(raw, &v)
			return v, err
		},
	}
}
