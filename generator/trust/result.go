package trust

// The result is shaped for two readers: tests, which compare Decision and Deciding, and
// `irsagen explain`, which prints String. Reasons are short phrases a user can act
// on without reading the policy again.

import (
	"fmt"
	"strings"
)

// Decision is the outcome of evaluating a request.
type Decision int

const (
	// ImplicitDeny: no statement allows the request (and none denies it).
	ImplicitDeny Decision = iota
	// Allow: at least one Allow statement applies and no Deny statement does.
	Allow
	// ExplicitDeny: a Deny statement applies; it overrides every Allow.
	ExplicitDeny
)

func (d Decision) String() string {
	switch d {
	case Allow:
		return "Allow"
	case ExplicitDeny:
		return "ExplicitDeny"
	case ImplicitDeny:
		return "ImplicitDeny"
	}
	return fmt.Sprintf("Decision(%d)", int(d))
}

// Result is the decision with the evidence for it.
type Result struct {
	Decision Decision
	// Deciding holds the indexes of the statements that produced Decision: the applicable Deny
	// statements for ExplicitDeny, the applicable Allow statements for Allow, none otherwise.
	Deciding []int
	// Statements holds one entry per policy statement, in policy order.
	Statements []StatementResult
}

// StatementResult says whether one statement applied to the request and, if not, why.
type StatementResult struct {
	Index   int
	Sid     string
	Effect  string
	Applies bool
	// Reasons lists every part of the statement the request failed: principal, action,
	// resource, and each condition. Empty when Applies.
	Reasons []string
}

// Name identifies the statement for a reader: its Sid when it has one.
func (s StatementResult) Name() string {
	if s.Sid != "" {
		return fmt.Sprintf("statement %d (%s)", s.Index, s.Sid)
	}
	return fmt.Sprintf("statement %d", s.Index)
}

// String renders the result for a terminal, one line per statement and one per reason.
func (r Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", r.Decision)
	for _, s := range r.Statements {
		if s.Applies {
			fmt.Fprintf(&b, "  %s, %s: applies\n", s.Name(), s.Effect)
			continue
		}
		fmt.Fprintf(&b, "  %s, %s: does not apply\n", s.Name(), s.Effect)
		for _, why := range s.Reasons {
			fmt.Fprintf(&b, "    - %s\n", why)
		}
	}
	return b.String()
}
