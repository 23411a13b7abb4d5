package plan

import (
	"fmt"
	"maps"
	"math"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/irsagen/irsagen/internal/parallel"
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

// A stack takes new roles (or associations) only while it stays within these, 80% of
// CloudFormation's quotas (of bytes, less TemplateBase): the rest is room for what it holds to
// grow (a trust statement more, a longer policy) without moving. TemplateBase bounds what a
// template holds beside its roles or associations (the header, its description, the Resources
// key); render's TestRoleBytesAddUp and TestAssociationBytesAddUp check it.
const (
	TemplateBase = 1024
	fillBytes    = (MaxTemplateBytes - TemplateBase) * 8 / 10
	fillRoles    = MaxStackRoles * 8 / 10
	// unmeasuredRoleBytes is what a role counts for when Build has no RoleBytes: a role with a
	// few trust statements and a policy. Only plans that are never rendered are built so.
	unmeasuredRoleBytes = 2500
	// unmeasuredAssociationBytes is what an association counts for when Build has no
	// AssociationBytes.
	unmeasuredAssociationBytes = 300
)

// quota is how full a kind of stack may be: items are roles, or associations.
type quota struct {
	fillBytes, fillItems int // what new items fill a stack up to
	maxItems             int // CloudFormation's quota: over it, a stack gives items up
}

var (
	// A role stack lists each role's ARN as an output.
	roleQuota = quota{fillBytes: fillBytes, fillItems: fillRoles, maxItems: MaxStackRoles}
	// An association stack has no outputs.
	associationQuota = quota{fillBytes: fillBytes, fillItems: MaxTemplateResources * 8 / 10, maxItems: MaxTemplateResources}
)

// Assignment is where an earlier output put its roles and associations: for each stack's name,
// the names of the roles its template holds, or the keys (AssociationKey) of its associations.
// It is read from the committed cloudformation/stacks.json.
type Assignment map[string][]string

// Move is a role, or an association, that leaves the stack an earlier output put it in, because
// its stack's contents grew and no longer fit there. Deployed stack by stack, a move would delete
// the role before creating it again; CloudFormation stack refactoring moves it whole
// (docs/stacks.md). An association cannot be in two stacks at once either (EKS takes one per
// ServiceAccount): the old stack must delete it before the new one creates it.
type Move struct {
	Role        *Role        // the role that moves, or nil
	Association *Association // the association that moves, or nil
	From        string       // the stack it was in
	To          *Stack
	// Bytes and Count are what its old stack would have held with it: over CloudFormation's
	// quota of bytes, or of resources (and outputs, for roles: MaxStackRoles).
	Bytes, Count int
}

// Name is what moves: a role's ARN, or an association's cluster and ServiceAccount.
func (m Move) Name() string {
	if m.Association != nil {
		return "Pod Identity association of ServiceAccount " + AssociationKey(m.Association) + " in cluster " + m.Association.Cluster.Name
	}
	return "role " + m.Role.ARN
}

// MaxItems is the most roles or associations the stack it leaves may hold.
func (m Move) MaxItems() int {
	if m.Association != nil {
		return associationQuota.maxItems
	}
	return roleQuota.maxItems
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
	// Stacks are told apart by account and kind, not by name: names are checked to differ once
	// every stack is known (checkStackNames).
	type key struct {
		account *Account
		kind    string
		i       int
	}
	stacks := map[key]*Stack{}
	get := func(a *Account, kind string, i int) *Stack {
		name := stackName(b.plan.StackPrefix, a.Name, kind, i)
		s, ok := stacks[key{a, kind, i}]
		if !ok {
			s = &Stack{
				Name: name, Account: a, Kind: kind, Index: i, base: stackName(b.plan.StackPrefix, a.Name, kind, 0),
				Template:     path.Join("cloudformation", a.Name, name+".yaml"),
				Capabilities: []string{"CAPABILITY_NAMED_IAM"},
			}
			stacks[key{a, kind, i}] = s
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
	// Roles are sorted by account, then name: each account's roles of a kind are one run. Roles
	// that only chain to a Pod Identity target have stacks of their own.
	sizes := measure(b.plan.Roles, opts.RoleBytes, unmeasuredRoleBytes)
	for _, kind := range []string{StackRoles, StackPodIdentityRoles} {
		var roles []*Role
		var n []int
		for i, r := range b.plan.Roles {
			if podIdentityStack(r) == kind {
				roles = append(roles, r)
				n = append(n, sizes[i])
			}
		}
		for start := 0; start < len(roles); {
			a := roles[start].Account
			end := start
			for end < len(roles) && roles[end].Account == a {
				end++
			}
			run := roles[start:end]
			names := make([]string, len(run))
			for i, r := range run {
				names[i] = r.Name
			}
			base := stackName(b.plan.StackPrefix, a.Name, kind, 0)
			p := packer{previous: previousIndex(opts.Previous, base), quota: roleQuota}
			for i, at := range p.pack(names, n[start:end]) {
				run[i].Stack = get(a, kind, at)
			}
			for _, m := range p.moves {
				r := run[m.item]
				b.plan.Moves = append(b.plan.Moves, Move{
					Role: r, From: stackName(b.plan.StackPrefix, a.Name, kind, m.from), To: r.Stack, Bytes: m.bytes, Count: m.count,
				})
			}
			start = end
		}
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
	b.assignPodIdentityStacks(opts)
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
		if x.base != y.base { // the association stacks of one cluster together
			return x.base < y.base
		}
		if x.Index != y.Index {
			return x.Index < y.Index
		}
		return x.Name < y.Name
	})
	slices.SortFunc(b.plan.Moves, func(x, y Move) int { return strings.Compare(x.sortKey(), y.sortKey()) })
	b.checkStackNames()
}

// checkStackNames refuses two stacks of one name. stacks.json, the committed assignment and
// irsagen apply tell stacks apart by name, and an account's name can make its stacks' names
// another's: account "a-pod-identity"'s roles stack is irsa-a-pod-identity-roles, the name of
// account "a"'s Pod Identity roles stack; account "pod-identity"'s is that of cluster "roles"'s
// association stack.
func (b *builder) checkStackNames() {
	seen := map[string]*Stack{}
	for _, s := range b.plan.Stacks {
		prev, dup := seen[s.Name]
		if !dup {
			seen[s.Name] = s
			continue
		}
		what := func(s *Stack) string {
			if s.Kind == StackPodIdentity && len(s.Associations) > 0 {
				return fmt.Sprintf("the Pod Identity associations of cluster %q", s.Associations[0].Cluster.Name)
			}
			kinds := map[string]string{StackProviders: "OIDC providers", StackPolicies: "named policies", StackRoles: "roles", StackPodIdentityRoles: "Pod Identity chaining roles"}
			return fmt.Sprintf("the %s of account %q", kinds[s.Kind], s.Account.Name)
		}
		b.errorf(s.Account.Source.At("name"), "stack name %s would be both %s and %s; rename account %q so that the names of its stacks are its own",
			s.Name, what(prev), what(s), s.Account.Name)
	}
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

// sortKey orders moves by account, then kind, then name.
func (m Move) sortKey() string {
	if m.Association != nil {
		return m.Association.Cluster.Account.Name + "\x00b\x00" + m.Association.Cluster.Name + "\x00" + AssociationKey(m.Association)
	}
	return m.Role.Account.Name + "\x00a\x00" + m.Role.Name
}

// previousIndex maps each role of an account's earlier stacks of one kind, named base, base-1,
// ..., to the index of its stack. Stacks of other accounts, or of an earlier stackPrefix, do not
// match.
func previousIndex(prev Assignment, base string) map[string]int {
	return previousIndexFunc(prev, func(name string) (int, bool) {
		if name == base {
			return 0, true
		}
		if rest, ok := strings.CutPrefix(name, base+"-"); ok {
			if n, err := strconv.Atoi(rest); err == nil && n > 0 && strconv.Itoa(n) == rest {
				return n, true
			}
		}
		return 0, false
	})
}

// previousIndexFunc maps each item (role name, association key) of the earlier stacks that
// index knows to the index index gives its stack. An item listed twice (a hand-edited
// stacks.json) keeps the lowest index.
func previousIndexFunc(prev Assignment, index func(stack string) (int, bool)) map[string]int {
	out := map[string]int{}
	for _, name := range slices.Sorted(maps.Keys(prev)) {
		i, ok := index(name)
		if !ok {
			continue
		}
		for _, r := range prev[name] {
			if j, ok := out[r]; !ok || i < j {
				out[r] = i
			}
		}
	}
	return out
}

// packer places the roles of one account and kind, or the associations of one cluster: the
// items. An item stays in the stack it was in; new items fill the stacks in the order of their
// names, each while it stays within the quota's fill line, then a new stack.
type packer struct {
	previous map[string]int // item name → index of its earlier stack
	quota    quota
	moves    []packMove
}

// packMove is an item that leaves stack from, which would have been bytes and count items with it.
type packMove struct {
	item, from, bytes, count int
}

type bin struct {
	index int
	bytes int
	items []int
}

func (b *bin) fits(n int, q quota) bool {
	return b.bytes+n <= q.fillBytes && len(b.items)+1 <= q.fillItems
}

// pack places items, given by their names and sizes, and returns the index of each one's stack.
func (p *packer) pack(names []string, sizes []int) []int {
	bins := map[int]*bin{}
	var order []int // the indexes of bins, ascending
	var pending []int
	for k, name := range names {
		i, ok := p.previous[name]
		if !ok {
			pending = append(pending, k)
			continue
		}
		if bins[i] == nil {
			bins[i] = &bin{index: i}
			order = append(order, i)
		}
		bins[i].bytes += sizes[k]
		bins[i].items = append(bins[i].items, k)
	}
	slices.Sort(order)
	// A stack its items have outgrown gives up its largest items until it fits; an item alone
	// that does not fit stays, and the template check reports it.
	moved := map[int]packMove{}
	for _, i := range order {
		b := bins[i]
		for len(b.items) > 1 && (TemplateBase+b.bytes > MaxTemplateBytes || len(b.items) > p.quota.maxItems) {
			largest := 0
			for j, k := range b.items {
				if l := b.items[largest]; sizes[k] > sizes[l] || (sizes[k] == sizes[l] && names[k] > names[l]) {
					largest = j
				}
			}
			k := b.items[largest]
			moved[k] = packMove{item: k, from: i, bytes: TemplateBase + b.bytes, count: len(b.items)}
			b.items = slices.Delete(b.items, largest, largest+1)
			b.bytes -= sizes[k]
			pending = append(pending, k)
		}
	}
	slices.SortFunc(pending, func(x, y int) int { return strings.Compare(names[x], names[y]) })
	ordered := make([]*bin, 0, len(order)) // the bins by index
	for _, i := range order {
		ordered = append(ordered, bins[i])
	}
	smallest := math.MaxInt
	for _, k := range pending {
		smallest = min(smallest, sizes[k])
	}
	open := 0 // the bins before it have no room for even the smallest pending item
	for _, k := range pending {
		for open < len(ordered) && !ordered[open].fits(smallest, p.quota) {
			open++
		}
		var into *bin
		for _, b := range ordered[open:] {
			if b.fits(sizes[k], p.quota) {
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
		into.bytes += sizes[k]
		into.items = append(into.items, k)
		if m, ok := moved[k]; ok {
			p.moves = append(p.moves, m)
		}
	}
	at := make([]int, len(names))
	for _, b := range ordered {
		for _, k := range b.items {
			at[k] = b.index
		}
	}
	return at
}

// measure sizes every item with size, on every CPU: measuring renders each item once. A nil size
// counts every item as fallback bytes.
func measure[T any](items []T, size func(T) int, fallback int) []int {
	n := make([]int, len(items))
	if size == nil {
		for i := range n {
			n[i] = fallback
		}
		return n
	}
	parallel.For(len(items), 1, func(_, i int) { n[i] = size(items[i]) })
	return n
}
