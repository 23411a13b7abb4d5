package cli

import (
	"fmt"
	"io"

	"github.com/irsagen/irsagen/generator/plan"
)

// warnMoves says, before anything is written, which roles leave the stack the committed output
// put them in, and how to deploy that without a moment in which a role does not exist.
func warnMoves(stderr io.Writer, p *plan.Plan) {
	if len(p.Moves) == 0 {
		return
	}
	for _, m := range p.Moves {
		over := fmt.Sprintf("about %d bytes, over CloudFormation's %d", m.Bytes, plan.MaxTemplateBytes)
		if m.Bytes <= plan.MaxTemplateBytes {
			over = fmt.Sprintf("%d roles, over the %d that CloudFormation's quotas of resources and outputs allow", m.Roles, plan.MaxStackRoles)
		}
		fmt.Fprintf(stderr, "warning: role %s moves from stack %s to stack %s: its roles have grown, and with it %s would be %s\n",
			m.Role.ARN, m.From, m.To.Name, m.From, over)
	}
	fmt.Fprintln(stderr, "warning: deployed stack by stack, a moved role is deleted before it is created again; deploy with CloudFormation stack refactoring, which moves it whole (irsagen apply does; by hand: docs/stacks.md)")
}
