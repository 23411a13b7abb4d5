package trust

// Reasons are read by people deciding why a role cannot be assumed, often in CI logs; lists are
// quoted so that a stray space or a case difference in a value is visible.

import (
	"fmt"
	"strings"
)

// quoteList renders values as ["a", "b"].
func quoteList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = fmt.Sprintf("%q", v)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// joinPlain renders names as a, b, c.
func joinPlain(names []string) string {
	return strings.Join(names, ", ")
}
