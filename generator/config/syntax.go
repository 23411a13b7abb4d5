package config

import (
	"bytes"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/irsagen/irsagen/generator/diag"
)

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError turns yaml.v3's error for data into a diagnostic at the line and column of the
// problem, with what to do where that is clear.
//
// yaml.v3 names a line only, and often not the problem's: for most problems it names where the
// enclosing construct starts (the block mapping or list a misindented line breaks, the plain
// scalar a tab would continue), which in a long list can be thousands of lines before the
// problem, and for the parser's problems it counts that line from 0. The problem's line is found
// instead as the shortest run of whole lines from the start of the file that yaml.v3 refuses
// with the very same error (see problemLine). read is how much of data yaml.v3 had read when it
// failed (see lineReader).
func syntaxError(name string, data []byte, err error, read int) diag.List {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	reported := 0
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		reported, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	starts := lineStarts(data)
	line := problemLine(data, starts, err.Error(), reported, lineOf(starts, read-1))
	text := lineText(data, starts, line)
	indent := text[:len(text)-len(bytes.TrimLeft(text, " \t"))]
	col := utf8.RuneCount(indent) + 1
	if open, ok := flowProblems[msg]; ok {
		// Every line up to the closing bracket that is missing is refused with this error: point
		// at the bracket, where yaml.v3's line (counted from 0) says the list or mapping starts,
		// or at the first line when that is where it starts.
		for _, l := range []int{reported + 1, 1} {
			if l > line {
				continue
			}
			if t := lineText(data, starts, l); bytes.IndexByte(t, open) >= 0 {
				line, text = l, t
				col = utf8.RuneCount(t[:bytes.IndexByte(t, open)]) + 1
				break
			}
		}
	}
	switch {
	case flowProblems[msg] == '[':
		msg += "; the list that starts here needs a ',' between items and a closing ']'"
	case flowProblems[msg] == '{':
		msg += "; the mapping that starts here needs a ',' between entries and a closing '}'"
	case msg == "found unexpected end of stream" && bytes.ContainsAny(text, `"'`):
		col = utf8.RuneCount(text[:bytes.IndexAny(text, `"'`)]) + 1
		msg += "; the quoted string that starts here is not closed"
	case bytes.IndexByte(indent, '\t') >= 0 || strings.Contains(msg, "tab character"):
		if i := bytes.IndexByte(text, '\t'); i >= 0 {
			col = utf8.RuneCount(text[:i]) + 1
		}
		msg += "; indent with spaces, not tabs"
	case indentationProblems[msg]:
		msg += "; check the indentation of this line against the lines above it"
	}
	return diag.List{{File: name, Pos: diag.Pos{Line: line, Col: col}, Message: "invalid YAML: " + msg}}
}

// indentationProblems are yaml.v3's messages for a line that is indented wrongly.
var indentationProblems = map[string]bool{
	"did not find expected key":                              true,
	"did not find expected '-' indicator":                    true,
	"mapping values are not allowed in this context":         true,
	"block sequence entries are not allowed in this context": true,
}

// flowProblems are yaml.v3's messages for a flow list or mapping that is not closed, or lacks a
// comma, with the bracket that opens it.
var flowProblems = map[string]byte{
	"did not find expected ',' or ']'": '[',
	"did not find expected ',' or '}'": '{',
}

// problemLine is the line, counted from 1, at which yaml.v3 first refuses data with the error
// want: the smallest n such that the first n lines of data are refused with that error. yaml.v3
// reads a file from its start and stops at the first problem, so the lines before the problem's
// are refused with another error (an unclosed quote, say) or not at all, and every run of lines
// that includes it is refused with want, which names where the construct around the problem
// starts, not the problem.
//
// Each try parses a run of lines from the start of the file, so the search tries few: first
// read, the last line yaml.v3 had read when it failed, which is the problem's line or the one
// after it for nearly every problem; then runs from reported on, the line yaml.v3 named (at most
// one after the construct around the problem starts), in steps that double until one includes
// the problem, and halves of the last step.
func problemLine(data []byte, starts []int, want string, reported, read int) int {
	n := len(starts)
	tried := map[int]bool{0: false}
	refused := func(k int) bool {
		r, ok := tried[k]
		if !ok {
			err := yaml.NewDecoder(bytes.NewReader(data[:lineEnd(data, starts, k)])).Decode(new(yaml.Node))
			r = err != nil && err.Error() == want
			tried[k] = r
		}
		return r
	}
	for k := read; k >= max(1, read-1); k-- {
		if refused(k) && !refused(k-1) {
			return k
		}
	}
	lo := max(0, reported-2) // the first lo lines are taken to pass
	if refused(lo) {
		lo = 0
	}
	hi := n
	for step := 1; lo+step < n; step *= 2 {
		if refused(lo + step) {
			hi = lo + step
			break
		}
		lo += step
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if refused(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// lineReader hands yaml.v3 its input a line at a time, so that off, how much it has handed out,
// tells how far yaml.v3 had read when it failed: it reads only as far as it needs to, and a
// problem is on the last line read or the one before, but for problems found at the end of the
// file.
type lineReader struct {
	data []byte
	off  int
}

func (r *lineReader) Read(p []byte) (int, error) {
	if r.off == len(r.data) {
		return 0, io.EOF
	}
	line := r.data[r.off:]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i+1]
	}
	n := copy(p, line)
	r.off += n
	return n, nil
}

// lineOf is the line, counted from 1, of the byte at offset off; 0 before the first.
func lineOf(starts []int, off int) int {
	if off < 0 {
		return 0
	}
	return sort.Search(len(starts), func(i int) bool { return starts[i] > off })
}

// lineStarts returns the offset at which each line of data starts; an empty file has one line.
// Lines end where yaml.v3 ends them, so that line numbers agree with the positions of its nodes:
// at "\n", "\r\n", a lone "\r", U+0085, U+2028 and U+2029.
func lineStarts(data []byte) []int {
	starts := []int{0}
	for i := 0; i < len(data); i++ {
		if n := lineBreak(data[i:]); n > 0 && i+n < len(data) {
			starts = append(starts, i+n)
			i += n - 1
		}
	}
	return starts
}

// lineBreak is the length of the line break that b starts with, or 0.
func lineBreak(b []byte) int {
	switch {
	case bytes.HasPrefix(b, []byte("\r\n")):
		return 2
	case b[0] == '\n' || b[0] == '\r':
		return 1
	case bytes.HasPrefix(b, []byte("\u0085")):
		return 2
	case bytes.HasPrefix(b, []byte("\u2028")) || bytes.HasPrefix(b, []byte("\u2029")):
		return 3
	}
	return 0
}

// lineEnd is the offset just after line k (counted from 1) and its line break.
func lineEnd(data []byte, starts []int, k int) int {
	if k < len(starts) {
		return starts[k]
	}
	return len(data)
}

// lineText is line k (counted from 1) without its line break.
func lineText(data []byte, starts []int, k int) []byte {
	text := data[starts[k-1]:lineEnd(data, starts, k)]
	for i := range text {
		if lineBreak(text[i:]) > 0 {
			return text[:i]
		}
	}
	return text
}
