package jsonnet

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/google/go-jsonnet"
	"github.com/google/go-jsonnet/ast"

	"github.com/irsagen/irsagen/generator/diag"
)

// Error is a failed evaluation, positioned in the Jsonnet file where it happened.
//
// File is relative to the config directory, as written in irsa.yaml, or irsagen/... for the
// built-in library. Line and Col are 1-based; both are 0 when the failure has no position in a
// file (a deadline, a missing file). Error() reads "file:line:col: message", the format of
// package diag, which Diagnostic returns for callers that collect problems in a diag.List.
type Error struct {
	File    string
	Line    int
	Col     int
	Message string
	// Trace holds the positions of the calls that led to the failure, innermost first, starting
	// with the failure itself. It tells a user whose template called a library function which
	// of their lines made the call.
	Trace []Position `json:",omitempty"`
	// Jobs are the indexes, in Evaluate's argument, of the jobs that failed with this error, in
	// order: a caller can report the error where each of those jobs came from.
	Jobs []int `json:"-"`
}

// Position is a place in a Jsonnet file; see Error for the conventions.
type Position struct {
	File string
	Line int
	Col  int
}

func (p Position) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// maxTrace keeps runaway recursion, which fails with hundreds of frames, to a readable trace.
const maxTrace = 12

// Diagnostic returns e in the form every stage of irsagen reports problems.
func (e *Error) Diagnostic() diag.Diagnostic {
	return diag.Diagnostic{File: e.File, Pos: diag.Pos{Line: e.Line, Col: e.Col}, Message: e.message()}
}

func (e *Error) Error() string { return e.Diagnostic().String() }

// message adds, when the failure is in another file than the one evaluated (typically a library
// function given a bad argument), the outermost call, which is in the user's file.
func (e *Error) message() string {
	if n := len(e.Trace); n > 1 && e.Trace[n-1].File != e.File {
		return e.Message + " (called from " + e.Trace[n-1].String() + ")"
	}
	return e.Message
}

// positioned is the shape of go-jsonnet's static (syntax and binding) errors, whose type is
// internal to go-jsonnet.
type positioned interface {
	error
	Loc() ast.LocationRange
}

// staticPrefix matches the position go-jsonnet writes at the start of a static error's text:
// "file:3:5 ", "file:3:5-12 " or "file:(3:5)-(4:2) ". It is how the position of a syntax error
// in an imported file is recovered, because go-jsonnet reports that error as text only.
var staticPrefix = regexp.MustCompile(`^(\S+?):(?:(\d+):(\d+)(?:-\d+)?|\((\d+):(\d+)\)-\(\d+:\d+\)) `)

// toError converts an error from go-jsonnet into an *Error. file is the job's file, the position
// used when go-jsonnet gives none. known tells whether a name is a file the importer has read,
// so that only real positions are parsed out of messages.
func toError(err error, file string, known func(string) bool) *Error {
	var rt jsonnet.RuntimeError
	var st positioned
	var im *importError
	var ua *unknownArgsError
	switch {
	case errors.As(err, &ua):
		return &Error{File: file, Message: ua.Error()}
	case errors.As(err, &rt):
		return runtimeError(rt, file, known)
	case errors.As(err, &st):
		loc := st.Loc()
		msg := strings.TrimPrefix(st.Error(), loc.String()+" ")
		return &Error{File: loc.FileName, Line: loc.Begin.Line, Col: loc.Begin.Column, Message: msg}
	case errors.As(err, &im):
		// Only the job's own file fails this way; imports inside it fail at run time, at the
		// import expression.
		return &Error{File: file, Message: "the file " + im.problem}
	default:
		// go-jsonnet recovers its own panics into "(CRASH) ..." with a Go stack; the first line
		// is the part a user can act on.
		msg, _, _ := strings.Cut(err.Error(), "\n")
		return &Error{File: file, Message: msg}
	}
}

func runtimeError(rt jsonnet.RuntimeError, file string, known func(string) bool) *Error {
	var trace []Position
	// go-jsonnet lists frames outermost first; frames without a position ("During
	// manifestation") only describe what the interpreter was doing.
	for i := len(rt.StackTrace) - 1; i >= 0; i-- {
		loc := rt.StackTrace[i].Loc
		if !loc.IsSet() {
			continue
		}
		p := Position{File: loc.FileName, Line: loc.Begin.Line, Col: loc.Begin.Column}
		if n := len(trace); n > 0 && trace[n-1] == p {
			continue
		}
		trace = append(trace, p)
	}
	msg := rt.Msg
	if p, rest, ok := leadingPosition(msg, known); ok {
		// A syntax error in an imported file: its own position comes first.
		trace = append([]Position{p}, trace...)
		msg = rest
	}
	if len(trace) > maxTrace {
		trace = append(trace[:maxTrace-1], trace[len(trace)-1])
	}
	e := &Error{File: file, Message: explain(msg, len(trace) == 0), Trace: trace}
	// The error's position is the innermost frame in a file of the user's or of the library;
	// frames inside Jsonnet's standard library (std.format, ...) name no file to open.
	for _, p := range trace {
		if p.File == file || known(p.File) {
			e.File, e.Line, e.Col = p.File, p.Line, p.Col
			break
		}
	}
	if len(trace) < 2 {
		e.Trace = nil
	}
	return e
}

func leadingPosition(msg string, known func(string) bool) (Position, string, bool) {
	m := staticPrefix.FindStringSubmatch(msg)
	if m == nil || !known(m[1]) {
		return Position{}, "", false
	}
	line, col := m[2], m[3]
	if line == "" {
		line, col = m[4], m[5]
	}
	l, _ := strconv.Atoi(line)
	c, _ := strconv.Atoi(col)
	return Position{File: m[1], Line: l, Col: c}, msg[len(m[0]):], true
}

// explain adds what to do to the go-jsonnet messages a policy author is likely to meet. topLevel
// says the failure has no position, which for a missing argument means the call go-jsonnet makes
// with the job's arguments; that is reached only when params.go could not find the file's
// function statically.
func explain(msg string, topLevel bool) string {
	switch {
	case strings.EqualFold(msg, "max stack frames exceeded."):
		return "the evaluation exceeded the Jsonnet stack limit; look for a recursion that never reaches its base case"
	case !topLevel:
		return msg
	case strings.HasPrefix(msg, "Missing argument: "):
		return fmt.Sprintf("missing argument %q: the template's function requires it; add it to args",
			strings.TrimPrefix(msg, "Missing argument: "))
	}
	return msg
}
