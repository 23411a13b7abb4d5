// Package diag holds the positioned messages that every stage reports about irsa.yaml.
//
// All user-facing errors about input take the form "file:line:col: message" so that editors and
// CI annotations can jump to the spot; this package is the one place that format is produced.
package diag

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a 1-based line and column in a source file. The zero Pos means "unknown".
type Pos struct {
	Line int
	Col  int
}

// IsZero reports whether the position is unknown.
func (p Pos) IsZero() bool { return p.Line == 0 }

// Before orders positions by line, then column.
func (p Pos) Before(q Pos) bool {
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Diagnostic is one problem found in an input file.
type Diagnostic struct {
	File    string
	Pos     Pos
	Message string
}

func (d Diagnostic) String() string {
	switch {
	case d.File == "":
		return d.Message
	case d.Pos.IsZero():
		return d.File + ": " + d.Message
	default:
		return fmt.Sprintf("%s:%d:%d: %s", d.File, d.Pos.Line, d.Pos.Col, d.Message)
	}
}

// List is a set of diagnostics. A non-empty List is an error.
type List []Diagnostic

// Add appends a diagnostic with a formatted message.
func (l *List) Add(file string, pos Pos, format string, args ...any) {
	*l = append(*l, Diagnostic{File: file, Pos: pos, Message: fmt.Sprintf(format, args...)})
}

// Sort orders the list by file and position, then message, and drops exact duplicates, so that
// output does not depend on the order in which checks ran.
func (l List) Sort() List {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Pos != b.Pos {
			return a.Pos.Before(b.Pos)
		}
		return a.Message < b.Message
	})
	out := l[:0]
	for i, d := range l {
		if i > 0 && d == l[i-1] {
			continue
		}
		out = append(out, d)
	}
	return out
}

// Err returns the list as an error, or nil when it is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

func (l List) Error() string {
	lines := make([]string, len(l))
	for i, d := range l {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}
