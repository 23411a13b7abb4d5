package cli

import (
	"fmt"
	"io"

	"github.com/irsagen/irsagen/generator/plan"
)

// warnMoves says, before anything is written, which roles and associations leave the stack the
// committed output put them in, and how to deploy that: a role without a moment in which it does
// not exist, an association by deleting it first.
func warnMoves(stderr io.Writer, p *plan.Plan) {
	if len(p.Moves) == 0 {
		return
	}
	roles, associations := false, false
	for _, m := range p.Moves {
		what := "roles"
		if m.Association != nil {
			what = "associations"
			associations = true
		} else {
			roles = true
		}
		over := fmt.Sprintf("about %d bytes, over CloudFormation's %d", m.Bytes, plan.MaxTemplateBytes)
		if m.Bytes <= plan.MaxTemplateBytes {
			quota := "quotas of resources and outputs allow"
			if m.Association != nil {
				quota = "quota of resources allows"
			}
			over = fmt.Sprintf("%d %s, over the %d that CloudFormation's %s", m.Count, what, m.MaxItems(), quota)
		}
		fmt.Fprintf(stderr, "warning: %s moves from stack %s to stack %s: its %s have grown, and with it %s would be %s\n",
			m.Name(), m.From, m.To.Name, what, m.From, over)
	}
	if roles {
		fmt.Fprintln(stderr, "warning: deployed stack by stack, a moved role is deleted before it is created again; deploy with CloudFormation stack refactoring, which moves it whole (irsagen apply does; by hand: docs/stacks.md)")
	}
	if associations {
		fmt.Fprintln(stderr, "warning: EKS takes one association per ServiceAccount, so a moved association is deleted before it is created again: deploy the stack it leaves alone first (irsagen apply --stack NAME), then the rest; until then its pods get no new Pod Identity credentials (docs/stacks.md)")
	}
}
