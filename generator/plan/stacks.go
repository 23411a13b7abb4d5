package plan

import (
	"maps"
	"math"
	"path"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Stack kinds, in deployment order within an account.
const (
	StackProviders = "oidc-providers"
	StackPolicies  = "policies"
	StackRoles     = "roles"
)

// CloudFormation's quotas for one template. A role stack lists each role's ARN as an output, so
// it holds at most MaxStackRoles roles.
const (
	MaxTemplateBytes     = 51_200
	MaxTemplateResources = 500
	MaxTemplateOutputs   = 200
	MaxStackRoles        = min(MaxTemplateResources, MaxTemplateOutputs)
)

// A role stack takes new roles only while it stays within these, 80% of CloudFormation's quotas
// (of bytes, less TemplateBase): the rest is room for the roles it holds to grow (a trust statement more, a
// longer policy) without moving. TemplateBase bounds what a role template holds beside its roles
// (the header, its description, the Resources key); render's TestRoleBytesAddUp checks it.
const (
	TemplateBase = 1024
	fillBytes    = (MaxTemplateBytes - TemplateBase) * 8 / 10
	fillRoles    = MaxStackRoles * 8 / 10
	// unmeasuredRoleBytes is what a role counts for when Build has no RoleBytes: a role with a
	// few trust statements and a policy. Only plans that are never rendered are built so.
	unmeasuredRoleBytes = 2500
)

// Assignment is where an earlier output put its roles: for each role stack's name, the names of
// the roles its template holds. It is read from the committed cloudformation/stacks.json.
type Assignment map[string][]string

// Move is a role that leaves the stack an earlier output put it in, because it grew and no longer
// fits there. Deployed stack by stack, a move would delete the role before creating it again;
// CloudFormation stack refactoring moves it whole (docs/stacks.md).
type Move struct {
	Role *Role
	From string // the stack the role was in
	To   *Stack
	// Bytes and Roles are what the role's old stack would have held with it: over
	// CloudFormation's quota of bytes, or of resources or outputs (MaxStackRoles).
	Bytes, Roles int
}

// assignStacks places every resource in a stack. Providers and policies have one stack per
// account. Roles are sticky: a role stays in the stack the earlier output put it in, so adding
// or removing ServiceAccounts never moves another role, and new roles fill the account's role
// stacks in the order of their names, each while it stays within fillBytes and fillRoles,
// then a new stack. Only a stack that its own roles have outgrown (over CloudFormation's quota)
// gives roles up: its largest, until it fits, each recorded as a Move. With no earlier output
// the roles are packed from scratch, in order; the output is so a function of the config and
// the committed stacks.json.
func (b *builder) assignStacks(opts Options) {
	stacks := map[string]*Stack{}
	get := func(a *Account, kind string, i int) *Stack {
		name := stackName(b.plan.StackPrefix, a.Name, kind, i)
		s, ok := stacks[name]
		if !ok {
			s = &Stack{
				Name: name, Account: a, Kind: kind, Index: i,
				Template:     path.Join("cloudformation", a.Name, name+".yaml"),
				Capabilities: []string{"CAPABILITY_NAMED_IAM"},
			}
			stacks[name] = s
		}
		return s
	}
	for _, p := range b.plan.Providers {
		if p.Create {
			p.Stack = get(p.Account, StackProviders, 0)
			p.Stack.Providers = append(p.Stack.Providers, p)
		}
	}
	for _, p := range b.plan.Policies {
		p.Stack = get(p.Account, StackPolicies, 0)
		p.Stack.Policies = append(p.Stack.Policies, p)
	}
	// Roles that only chain to a Pod Identity target have a stack of their own per account.
	var sized []*Role
	for _, r := range b.plan.Roles {
		if podIdentityStack(r) == StackPodIdentityRoles {
			r.Stack = get(r.Account, StackPodIdentityRoles, 0)
		} else {
			sized = append(sized, r)
		}
	}
	sizes := measure(sized, opts.RoleBytes)
	// Roles are sorted by account, then name: each account's roles are one run.
	for start := 0; start < len(sized); {
		a := sized[start].Account
		end := start
		for end < len(sized) && sized[end].Account == a {
			end++
		}
		p := packer{
			sizes:    sizes,
			previous: previousIndex(opts.Previous, stackName(b.plan.StackPrefix, a.Name, StackRoles, 0)),
			name:     func(i int) string { return stackName(b.plan.StackPrefix, a.Name, StackRoles, i) },
		}
		for _, pl := range p.pack(sized[start:end]) {
			pl.role.Stack = get(a, StackRoles, pl.index)
		}
		for _, m := range p.moves {
			m.To = m.Role.Stack
			b.plan.Moves = append(b.plan.Moves, m)
		}
		start = end
	}
	for _, r := range b.plan.Roles {
		r.Stack.Roles = append(r.Stack.Roles, r)
		for _, t := range r.Trust {
			if t.Provider.Stack != nil {
				r.Stack.DependsOn = appendUnique(r.Stack.DependsOn, t.Provider.Stack.Name)
			}
		}
		for _, p := range r.Policies {
			r.Stack.DependsOn = appendUnique(r.Stack.DependsOn, p.Stack.Name)
		}
	}
	for _, r := range b.plan.Roles {
		for _, ch := range r.Chain {
			r.Stack.DependsOn = appendUnique(r.Stack.DependsOn, ch.From.Stack.Name)
		}
	}
	b.assignPodIdentityStacks(get)
	rank := map[string]int{StackProviders: 0, StackPolicies: 1, StackPodIdentityRoles: 2, StackRoles: 3, StackPodIdentity: 4}
	for _, s := range stacks {
		sort.Strings(s.DependsOn)
		b.plan.Stacks = append(b.plan.Stacks, s)
	}
	sort.Slice(b.plan.Stacks, func(i, j int) bool {
		x, y := b.plan.Stacks[i], b.plan.Stacks[j]
		if x.Account.Name != y.Account.Name {
			return x.Account.Name < y.Account.Name
		}
		if x.Kind != y.Kind {
			return rank[x.Kind] < rank[y.Kind]
		}
		if x.Index != y.Index {
			return x.Index < y.Index
		}
		return x.Name < y.Name
	})
	slices.SortFunc(b.plan.Moves, func(x, y Move) int {
		return strings.Compare(x.Role.Account.Name+"\x00"+x.Role.Name, y.Role.Account.Name+"\x00"+y.Role.Name)
	})
}

// stackName is <prefix>-<account>-<kind>, and -<i> after it for the i-th role stack but the
// first, so an account that outgrows one stack renames none.
func stackName(prefix, account, kind string, i int) string {
	name := prefix + "-" + account + "-" + kind
	if i > 0 {
		name += "-" + strconv.Itoa(i)
	}
	return name
}

// previousIndex maps each role of an account's earlier role stacks, named base, base-1, ..., to
// the index of its stack. Stacks of other accounts, or of an earlier stackPrefix, do not match.
// A role listed twice (a hand-edited stacks.json) keeps the lowest index.
func previousIndex(prev Assignment, base string) map[string]int {
	out := map[string]int{}
	for _, name := range slices.Sorted(maps.Keys(prev)) {
		roles := prev[name]
		i := -1
		if name == base {
			i = 0
		} else if rest, ok := strings.CutPrefix(name, base+"-"); ok {
			if n, err := strconv.Atoi(rest); err == nil && n > 0 && strconv.Itoa(n) == rest {
				i = n
			}
		}
		if i < 0 {
			continue
		}
		for _, r := range roles {
			if j, ok := out[r]; !ok || i < j {
				out[r] = i
			}
		}
	}
	return out
}

// packer places the roles of one account.
type packer struct {
	sizes    map[*Role]int
	previous map[string]int // role name → index of its earlier stack
	name     func(index int) string
	moves    []Move
}

type placement struct {
	role  *Role
	index int
}

type bin struct {
	index int
	bytes int
	roles []placement
}

func (b *bin) fits(n int, limitBytes, limitRoles int) bool {
	return b.bytes+n <= limitBytes && len(b.roles)+1 <= limitRoles
}

// pack places roles, sorted by name, and returns where each went.
func (p *packer) pack(roles []*Role) []placement {
	sizes := p.sizes
	bins := map[int]*bin{}
	var order []int // the indexes of bins, ascending
	var pending []*Role
	for _, r := range roles {
		i, ok := p.previous[r.Name]
		if !ok {
			pending = append(pending, r)
			continue
		}
		if bins[i] == nil {
			bins[i] = &bin{index: i}
			order = append(order, i)
		}
		bins[i].bytes += sizes[r]
		bins[i].roles = append(bins[i].roles, placement{r, i})
	}
	slices.Sort(order)
	// A stack its roles have outgrown gives up its largest roles until it fits; a role alone
	// that does not fit stays, and the template check reports it.
	moved := map[*Role]Move{}
	for _, i := range order {
		b := bins[i]
		for len(b.roles) > 1 && (TemplateBase+b.bytes > MaxTemplateBytes || len(b.roles) > MaxStackRoles) {
			largest := 0
			for j, pl := range b.roles {
				if s, l := sizes[pl.role], sizes[b.roles[largest].role]; s > l || (s == l && pl.role.Name > b.roles[largest].role.Name) {
					largest = j
				}
			}
			r := b.roles[largest].role
			moved[r] = Move{Role: r, From: p.name(i), Bytes: TemplateBase + b.bytes, Roles: len(b.roles)}
			b.roles = slices.Delete(b.roles, largest, largest+1)
			b.bytes -= sizes[r]
			pending = append(pending, r)
		}
	}
	slices.SortFunc(pending, func(x, y *Role) int { return strings.Compare(x.Name, y.Name) })
	ordered := make([]*bin, 0, len(order)) // the bins by index
	for _, i := range order {
		ordered = append(ordered, bins[i])
	}
	smallest := math.MaxInt
	for _, r := range pending {
		smallest = min(smallest, sizes[r])
	}
	open := 0 // the bins before it have no room for even the smallest pending role
	for _, r := range pending {
		for open < len(ordered) && !ordered[open].fits(smallest, fillBytes, fillRoles) {
			open++
		}
		var into *bin
		for _, b := range ordered[open:] {
			if b.fits(sizes[r], fillBytes, fillRoles) {
				into = b
				break
			}
		}
		if into == nil {
			i := 0 // the lowest free index: a stack emptied earlier is taken again
			for bins[i] != nil {
				i++
			}
			into = &bin{index: i}
			bins[i] = into
			at, _ := slices.BinarySearchFunc(ordered, i, func(b *bin, i int) int { return b.index - i })
			ordered = slices.Insert(ordered, at, into)
			open = min(open, at)
		}
		into.bytes += sizes[r]
		into.roles = append(into.roles, placement{r, into.index})
		if m, ok := moved[r]; ok {
			p.moves = append(p.moves, m)
		}
	}
	var out []placement
	for _, b := range ordered {
		out = append(out, b.roles...)
	}
	return out
}

// measure sizes every role with size, on every CPU: measuring renders each role once. A nil size
// counts every role as unmeasuredRoleBytes.
func measure(roles []*Role, size func(*Role) int) map[*Role]int {
	n := make([]int, len(roles))
	if size == nil {
		for i := range n {
			n[i] = unmeasuredRoleBytes
		}
	} else {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range min(runtime.GOMAXPROCS(0), len(roles)) {
			wg.Go(func() {
				for i := int(next.Add(1) - 1); i < len(roles); i = int(next.Add(1) - 1) {
					n[i] = size(roles[i])
				}
			})
		}
		wg.Wait()
	}
	sizes := make(map[*Role]int, len(roles))
	for i, r := range roles {
		sizes[r] = n[i]
	}
	return sizes
}
