package jsonnet

import (
	"encoding/json"
	"io"
	"os"
	"slices"
	"sort"

	"github.com/google/go-jsonnet"
	"github.com/google/go-jsonnet/ast"

	"github.com/irsagen/irsagen/templates"
)

// session evaluates tasks one after the other with one VM, so that each file is read and parsed
// once per Evaluate call however many tasks use it, and reuses results through its memo
// (memo.go), so that a fleet of roles sharing a template costs a handful of evaluations.
type session struct {
	vm      *jsonnet.VM
	imports *importer
	context *contextBinding
	memo    memo
}

func newSession(root *os.Root, maxStack int) *session {
	im := newImporter(root, templates.FS)
	vm := jsonnet.MakeVM()
	vm.Importer(im)
	vm.MaxStack = maxStack
	// std.trace output is not part of a template's result, and on the worker's stderr it would
	// push out the lines that explain a crash (runner.go keeps only the tail).
	vm.SetTraceOut(io.Discard)
	s := &session{vm: vm, imports: im, context: newContextBinding(), memo: memo{}}
	vm.NativeFunction(s.context.native())
	return s
}

// evaluate returns the response to task i of the request.
func (s *session) evaluate(i int, t task) response {
	fields, err := decodeObject(t.Context)
	if err != nil {
		return response{Err: &Error{File: t.File, Message: "the context is not a JSON object: " + err.Error()}}
	}
	args, err := decodeObject(t.Args)
	if err != nil {
		return response{Err: &Error{File: t.File, Message: "the arguments are not a JSON object: " + err.Error()}}
	}
	key := memoKey(t, fields)
	if same, ok := s.memo.lookup(key, fields); ok {
		return response{Same: &same}
	}
	r := s.run(t.File, args, fields)
	s.memo.store(key, s.context.read, i)
	return r
}

// run evaluates a template with the VM. The context's fields are recorded as the template reads
// them, in s.context.read.
func (s *session) run(file string, args, fields map[string]json.RawMessage) response {
	names := make([]string, 0, len(args))
	for name := range args {
		names = append(names, name)
	}
	sort.Strings(names)
	if err := s.context.bind(s.vm, fields); err != nil {
		return response{Err: &Error{File: file, Message: "the context cannot be passed to Jsonnet: " + err.Error()}}
	}
	node, _, err := s.vm.ImportAST("", file)
	if err != nil {
		return response{Err: s.error(err, file)}
	}
	if e := checkArgs(file, node, names); e != nil {
		return response{Err: e}
	}
	out, err := s.call(node, names, args)
	if err != nil {
		return response{Err: s.error(err, file)}
	}
	return response{Document: json.RawMessage(out)}
}

// call evaluates node with args as its top-level arguments.
//
// When the file's function is known only at run time (params.go), go-jsonnet reports one
// unknown argument, chosen by map order. To report all of them, in a stable order, call drops
// each unknown argument go-jsonnet names and tries again; the call fails before the function's
// body runs, so each try costs little.
func (s *session) call(node ast.Node, names []string, args map[string]json.RawMessage) (string, error) {
	var unknown []string
	for {
		s.vm.TLAReset()
		for _, name := range names {
			if !slices.Contains(unknown, name) {
				bindArg(s.vm, name, args[name])
			}
		}
		out, err := s.vm.Evaluate(node)
		name, ok := unknownTopLevelArg(err)
		switch {
		case ok && !slices.Contains(unknown, name):
			unknown = append(unknown, name)
		case len(unknown) > 0:
			sort.Strings(unknown)
			return "", &unknownArgsError{names: unknown}
		default:
			return out, err
		}
	}
}

// bindArg passes a JSON value as a top-level argument. JSON is Jsonnet, so TLACode gives
// numbers, lists and objects their types; strings go through TLAVar, which needs no parsing.
func bindArg(vm *jsonnet.VM, name string, raw json.RawMessage) {
	var s string
	if len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		vm.TLAVar(name, s)
		return
	}
	vm.TLACode(name, string(raw))
}

func (s *session) error(err error, file string) *Error {
	return toError(err, file, func(name string) bool {
		r, ok := s.imports.cache[name]
		return ok && r.err == nil
	})
}
