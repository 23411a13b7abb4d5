package render

import "github.com/irsagen/irsagen/generator/plan"

// RoleBytes returns a measure of roles: the number of bytes a role adds to its stack's template.
// A role template is its header plus the RoleBytes of each role (TestRoleBytesAddUp), and
// plan.BuildWith fills role stacks by it. It is measured on the renderer itself, so it follows
// whatever the renderer writes for a role: the header of each account's template is measured
// once, as the template with its first role twice less the template with it once, and each role
// is then one small template less that header. The measure keeps its buffers between calls; it
// is not safe for concurrent use.
func RoleBytes() func(*plan.Role) int {
	var b builder
	header := map[*plan.Account]int{}
	stack := &plan.Stack{Name: "size", Kind: plan.StackRoles}
	size := func(roles ...*plan.Role) int {
		stack.Account, stack.Roles = roles[0].Account, roles
		return len(b.renderBuf(Header, func(b *builder) { b.templateBody(stack) }))
	}
	return func(r *plan.Role) int {
		h, ok := header[r.Account]
		if !ok {
			once := size(r)
			h = once - (size(r, r) - once)
			header[r.Account] = h
		}
		return size(r) - h
	}
}
