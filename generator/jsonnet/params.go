package jsonnet

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/google/go-jsonnet"
	"github.com/google/go-jsonnet/ast"

	"github.com/irsagen/irsagen/generator/diag"
)

// checkArgs compares a job's arguments with the parameters of its file's top-level function
// before evaluation, so that every unknown and missing argument is reported at once, with a
// did-you-mean and the position of the function. go-jsonnet would report only the first one,
// and which one depends on map order.
//
// It works on the syntax tree, which covers templates written as `function(...) ...` or
// `local x = ...; function(...) ...`. A file whose value is a function only once evaluated (an
// import, a call) is left to go-jsonnet: session.call collects its unknown arguments and
// explain() rewords a missing one.
func checkArgs(file string, node ast.Node, args []string) *Error {
	body := topLevel(node)
	switch n := body.(type) {
	case *ast.Function:
		return compareArgs(file, n, args)
	case *ast.DesugaredObject, *ast.Object, *ast.ObjectComp:
		if len(args) > 0 {
			loc := body.Loc()
			return &Error{File: file, Line: loc.Begin.Line, Col: loc.Begin.Column, Message: fmt.Sprintf(
				"the template is an object, not a function, so it takes no arguments (given: %s); "+
					"remove args or write the template as function(%s) {...}",
				strings.Join(args, ", "), strings.Join(args, ", "))}
		}
	}
	return nil
}

// topLevel skips the local bindings in front of a file's value.
func topLevel(node ast.Node) ast.Node {
	for {
		l, ok := node.(*ast.Local)
		if !ok {
			return node
		}
		node = l.Body
	}
}

func compareArgs(file string, fn *ast.Function, args []string) *Error {
	var names []string
	given := map[string]bool{}
	for _, a := range args {
		given[a] = true
	}
	declared := map[string]bool{}
	var problems []string
	for _, p := range fn.Parameters {
		name := string(p.Name)
		names = append(names, name)
		declared[name] = true
		if p.DefaultArg == nil && !given[name] {
			problems = append(problems, fmt.Sprintf("missing argument %q", name))
		}
	}
	var unknown []string
	for _, a := range args {
		if !declared[a] {
			unknown = append(unknown, a)
		}
	}
	sort.Strings(unknown)
	for _, a := range unknown {
		p := fmt.Sprintf("unknown argument %q", a)
		if s := diag.Suggest(a, names); s != "" {
			p += fmt.Sprintf(" (did you mean %q?)", s)
		}
		problems = append(problems, p)
	}
	if len(problems) == 0 {
		return nil
	}
	loc := fn.Loc()
	return &Error{
		File:    file,
		Line:    loc.Begin.Line,
		Col:     loc.Begin.Column,
		Message: strings.Join(problems, "; ") + "; the template takes " + signature(fn),
	}
}

// signature renders a parameter list the way the template declares it, optional parameters
// marked with "=...", so that the message shows what args may hold.
func signature(fn *ast.Function) string {
	if len(fn.Parameters) == 0 {
		return "no arguments"
	}
	parts := make([]string, len(fn.Parameters))
	for i, p := range fn.Parameters {
		parts[i] = string(p.Name)
		if p.DefaultArg != nil {
			parts[i] += "=..."
		}
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// unknownTopLevelArg recognises go-jsonnet's error for an argument the file's function does not
// declare, when it comes from the top-level call (which has no position) rather than from a
// call inside the template.
func unknownTopLevelArg(err error) (string, bool) {
	var rt jsonnet.RuntimeError
	if !errors.As(err, &rt) {
		return "", false
	}
	for _, f := range rt.StackTrace {
		if f.Loc.IsSet() {
			return "", false
		}
	}
	return strings.CutPrefix(rt.Msg, "function has no parameter ")
}

// unknownArgsError lists the arguments that a function known only at run time does not declare.
type unknownArgsError struct{ names []string }

func (e *unknownArgsError) Error() string {
	quoted := make([]string, len(e.names))
	for i, n := range e.names {
		quoted[i] = strconv.Quote(n)
	}
	if len(quoted) == 1 {
		return "unknown argument " + quoted[0] + ": the template's function has no such parameter"
	}
	return "unknown arguments " + strings.Join(quoted, ", ") + ": the template's function has no such parameters"
}
