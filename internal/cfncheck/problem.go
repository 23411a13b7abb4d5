package cfncheck

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Problem is one reason CloudFormation, or IAM behind it, would reject a template.
type Problem struct {
	// Path locates the offending value, e.g. Resources.ProdRole.Properties.RoleName; it is
	// empty for the template as a whole.
	Path string
	// Line and Column are 1-based and point at the key (or list item) of the offending value;
	// they are zero when the problem has no single place, such as the template's size.
	Line, Column int
	Message      string
}

// Error renders the problem as "line:col: path: message", the form tests print.
func (p Problem) Error() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "%d:%d: ", p.Line, p.Column)
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

type position struct{ line, column int }

// report collects problems while the checks run; positions maps each value's path (as a JSON
// pointer) to where it starts, so a problem found on the decoded value can point into the text.
//
// rejected holds the values the YAML reader refused (an alias, an unknown tag): what they
// mean to CloudFormation is unknown, so problems inside them are not reported on top.
type report struct {
	positions map[string]position
	rejected  map[string]bool
	problems  []Problem
}

func newReport() *report {
	return &report{positions: map[string]position{}, rejected: map[string]bool{}}
}

// reject records a problem with the value at p and exempts it from further checks.
func (r *report) reject(pos position, p path, format string, args ...any) {
	r.addAt(pos, p, format, args...)
	r.rejected[p.pointer()] = true
}

// add records a problem at p, placed at p or, for a value that does not exist (a missing
// property), at its nearest existing parent.
func (r *report) add(p path, format string, args ...any) {
	r.addAt(r.locate(p), p, format, args...)
}

func (r *report) addAt(pos position, p path, format string, args ...any) {
	for i := len(p); i >= 0; i-- {
		if r.rejected[p[:i].pointer()] {
			return
		}
	}
	r.problems = append(r.problems, Problem{
		Path:    p.String(),
		Line:    pos.line,
		Column:  pos.column,
		Message: fmt.Sprintf(format, args...),
	})
}

func (r *report) locate(p path) position {
	for ; ; p = p[:len(p)-1] {
		if pos, ok := r.positions[p.pointer()]; ok || len(p) == 0 {
			return pos
		}
	}
}

// sorted returns the problems in document order, so the same template always yields the same
// list; exact duplicates (two checks reaching the same verdict) are reported once.
func (r *report) sorted() []Problem {
	ps := slices.Clone(r.problems)
	slices.SortFunc(ps, func(a, b Problem) int {
		return cmp.Or(
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Message, b.Message),
		)
	})
	return slices.Compact(ps)
}
