package plan

import (
	"fmt"
	"path"
	"sort"
)

// Stack kinds, in deployment order within an account.
const (
	StackProviders = "oidc-providers"
	StackPolicies  = "policies"
	StackRoles     = "roles"
)

// assignStacks places every resource in a stack. A resource's stack depends on nothing but the
// resource itself and its account's settings: providers and policies have one stack per account,
// and a role goes to bucket jump(role name, roleStacks). So adding or removing a ServiceAccount
// never moves another resource, and raising roleStacks from N to N+1 moves only the roles that
// fall into the new stack. Bucket 0 keeps the plain name "roles", so growing from one stack
// renames nothing.
func (b *builder) assignStacks() {
	stacks := map[string]*Stack{}
	get := func(a *Account, kind string, i int) *Stack {
		name := fmt.Sprintf("%s-%s-%s", b.plan.StackPrefix, a.Name, kind)
		if i > 0 {
			name = fmt.Sprintf("%s-%d", name, i)
		}
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
	for _, r := range b.plan.Roles {
		if podIdentityStack(r) == StackPodIdentityRoles {
			r.Stack = get(r.Account, StackPodIdentityRoles, 0)
		} else {
			r.Stack = get(r.Account, StackRoles, bucket(r.Name, r.Account.RoleStacks))
		}
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
}
