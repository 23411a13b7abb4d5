package awsfake

import (
	"fmt"
	"strconv"
	"strings"
)

// PageSize makes DescribeStacks (of every stack), ListStacks, DescribeStackEvents and
// DescribeChangeSet answer at most n items per call, with a NextToken for the rest, as AWS does
// (which pages stacks, events and changes by the hundred). 0, the default, answers everything in
// one page.
func PageSize(n int) Option { return func(s *Server) { s.pageSize = n } }

// page returns the bounds of the page of n items that the request's NextToken asks for, and the
// token of the page after it ("" for the last).
func (s *Server) page(r *request, n int) (from, to int, next string, err error) {
	if tok := r.get("NextToken"); tok != "" {
		i, ok := strings.CutPrefix(tok, "page-")
		from, err = strconv.Atoi(i)
		if !ok || err != nil || from < 0 || from > n {
			return 0, 0, "", validation("Invalid NextToken %q", tok)
		}
	}
	to = n
	if s.pageSize > 0 && from+s.pageSize < n {
		to = from + s.pageSize
		next = fmt.Sprintf("page-%d", to)
	}
	return from, to, next, nil
}
