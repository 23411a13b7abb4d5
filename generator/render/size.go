package render

import (
	"sync"

	"github.com/irsagen/irsagen/generator/plan"
)

// RoleBytes returns a measure of roles: the number of bytes a role adds to its stack's template.
// A role template is its header plus the RoleBytes of each role (TestRoleBytesAddUp), and
// plan.BuildWith fills role stacks by it. It is measured on the renderer itself, so it follows
// whatever the renderer writes for a role: the header of each account's template is measured
// once, as the template with its first role twice less the template with it once, and each role
// is then one small template less that header. The measure is safe for concurrent use; plan
// measures roles on every CPU.
func RoleBytes() func(*plan.Role) int {
	var headers sync.Map // *plan.Account → int
	builders := sync.Pool{New: func() any { return new(builder) }}
	size := func(b *builder, roles ...*plan.Role) int {
		s := &plan.Stack{Name: "size", Kind: plan.StackRoles, Account: roles[0].Account, Roles: roles}
		return len(b.renderBuf(Header, func(b *builder) { b.templateBody(s) }))
	}
	return func(r *plan.Role) int {
		b := builders.Get().(*builder)
		defer builders.Put(b)
		h, ok := headers.Load(r.Account)
		if !ok {
			once := size(b, r)
			h, _ = headers.LoadOrStore(r.Account, once-(size(b, r, r)-once))
		}
		return size(b, r) - h.(int)
	}
}

// AssociationBytes returns a measure of Pod Identity associations, as RoleBytes does of roles:
// an association template is its header (one per cluster, whose name it holds) plus the
// AssociationBytes of each association (TestAssociationBytesAddUp).
func AssociationBytes() func(*plan.Association) int {
	var headers sync.Map // *plan.Cluster → int
	builders := sync.Pool{New: func() any { return new(builder) }}
	size := func(b *builder, as ...*plan.Association) int {
		s := &plan.Stack{Name: "size", Kind: plan.StackPodIdentity, Account: as[0].Cluster.Account, Associations: as}
		return len(b.renderBuf(Header, func(b *builder) { b.templateBody(s) }))
	}
	return func(a *plan.Association) int {
		b := builders.Get().(*builder)
		defer builders.Put(b)
		h, ok := headers.Load(a.Cluster)
		if !ok {
			once := size(b, a)
			h, _ = headers.LoadOrStore(a.Cluster, once-(size(b, a, a)-once))
		}
		return size(b, a) - h.(int)
	}
}
