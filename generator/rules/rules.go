// Package rules holds every generated role, policy and template to IAM's and CloudFormation's
// quotas and to irsagen's trust rules, before anything is written. Only the template quotas need
// the rendered files (CheckTemplates); the rest needs the plan alone (CheckPlan), so Generate runs
// it while the plan is rendered.
//
// Its findings are errors: a tree that breaks one would fail to deploy, or would let the wrong
// pod assume a role. Each names the role or stack, the size and the limit, and what to do, at the
// config line the resource comes from.
package rules

import (
	"bytes"
	"fmt"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/diag"
	"github.com/irsagen/irsagen/generator/output"
	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/generator/render"
	"github.com/irsagen/irsagen/generator/trust"
	"github.com/irsagen/irsagen/internal/parallel"
)

// CloudFormation's quotas for one template. They cannot be raised.
const (
	MaxTemplateBytes     = plan.MaxTemplateBytes
	MaxTemplateResources = plan.MaxTemplateResources
	maxTagsPerRole       = 50
)

// Check returns every quota or rule the plan and its rendered files break: CheckPlan and
// CheckTemplates together.
func Check(f *config.File, p *plan.Plan, files []output.File) diag.List {
	return append(CheckPlan(f, p), CheckTemplates(f, p, files)...).Sort()
}

// CheckPlan returns every quota or rule that the plan decides alone: everything but the size of
// the rendered templates. It only reads f and p, so it can run while the plan is rendered. Roles
// do not depend on one another and are checked on every CPU; the list is sorted, so which
// goroutine checked a role changes nothing in it.
func CheckPlan(f *config.File, p *plan.Plan) diag.List {
	c := &checker{file: f.Path, cfg: f.Config}
	c.roles(p.Roles)
	for _, mp := range p.Policies {
		c.managedPolicy(mp)
	}
	c.providers(p)
	c.policyNames(p)
	c.logicalIDs(p)
	return c.diags.Sort()
}

// CheckTemplates returns the templates of files that break CloudFormation's quotas: the one check
// that needs the rendered tree.
func CheckTemplates(f *config.File, p *plan.Plan, files []output.File) diag.List {
	c := &checker{file: f.Path, cfg: f.Config}
	c.templates(p, files)
	return c.diags.Sort()
}

type checker struct {
	file  string
	cfg   *config.Config
	diags diag.List
}

func (c *checker) errorf(pos diag.Pos, format string, args ...any) {
	c.diags.Add(c.file, pos, format, args...)
}

// roleBatch is how many roles a worker takes at a time: enough that handing out work costs
// nothing next to checking it, few enough that the workers finish together.
const roleBatch = 64

// roles checks every role on GOMAXPROCS goroutines. Each batch of roles gets its own checker, and
// the batches' diagnostics are joined in role order, as if one goroutine had checked them all.
func (c *checker) roles(roles []*plan.Role) {
	batches := (len(roles) + roleBatch - 1) / roleBatch
	found := make([]diag.List, batches)
	parallel.For(batches, 1, func(_, b int) {
		w := &checker{file: c.file, cfg: c.cfg}
		for _, r := range roles[b*roleBatch : min((b+1)*roleBatch, len(roles))] {
			w.role(r)
		}
		found[b] = w.diags
	})
	for _, d := range found {
		c.diags = append(c.diags, d...)
	}
}

func (c *checker) role(r *plan.Role) {
	pos := r.Source.Pos()
	limits := r.Account.Limits
	if len(r.Trust) == 0 && len(r.PodIdentity) == 0 && len(r.Chain) == 0 {
		c.errorf(pos, "role %s has no bound ServiceAccount; nothing could assume it", r.Name)
	}
	trustPolicy := render.TrustPolicy(r)
	for _, f := range trust.Audit(trustPolicy) {
		if f.Rule == trust.RulePodIdentityUnscoped && chainsWithoutTags(r) {
			continue
		}
		c.errorf(pos, "role %s breaks trust rule %s: %s", r.Name, f.Rule, f.Message)
	}
	if n := Size(trustPolicy); n > limits.TrustPolicySize {
		c.errorf(pos, "role %s: trust policy is %d characters for %d clusters, over IAM's %d; set perCluster: true to give each cluster its own role, or raise limits.trustPolicySize if the account's quota was raised",
			r.Name, n, len(r.Trust), limits.TrustPolicySize)
	}
	if n := len(r.ManagedPolicyARNs); n > limits.ManagedPoliciesPerRole {
		c.errorf(pos, "role %s: %d managed policies, over IAM's %d per role; merge named policies, or raise limits.managedPoliciesPerRole if the account's quota was raised",
			r.Name, n, limits.ManagedPoliciesPerRole)
	}
	inline := 0
	for _, p := range r.InlinePolicies {
		inline += Size(p.Document)
	}
	if inline > limits.InlinePolicySize {
		at := r.Source.Pos()
		if len(r.InlinePolicies) == 1 && r.InlinePolicies[0].Name == "inline" {
			at = r.Source.At("inlinePolicy")
		}
		c.errorf(at, "role %s: inline policies are %d characters, over IAM's %d for all inline policies of a role; move statements into named policies",
			r.Name, inline, limits.InlinePolicySize)
	}
	if n := len(r.Tags); n > maxTagsPerRole {
		c.errorf(pos, "role %s: %d tags with the defaults merged in, over IAM's %d", r.Name, n, maxTagsPerRole)
	}
}

func (c *checker) managedPolicy(mp *plan.ManagedPolicy) {
	limit := mp.Account.Limits.ManagedPolicySize
	if n := Size(mp.Document); n > limit {
		c.errorf(mp.Source.Pos(), "policy %s: %d characters in account %q, over IAM's %d for a managed policy; split it into two named policies",
			mp.Name, n, mp.Account.Name, limit)
	}
}

// providers checks the OIDC providers each account needs against its quota.
func (c *checker) providers(p *plan.Plan) {
	count := map[*plan.Account]int{}
	for _, pr := range p.Providers {
		count[pr.Account]++
	}
	for _, a := range p.Accounts {
		if n := count[a]; n > a.Limits.OIDCProviders {
			c.errorf(a.Source.Pos(), "account %q needs %d OIDC providers, over IAM's %d; raise limits.oidcProviders if the account's quota was raised",
				a.Name, n, a.Limits.OIDCProviders)
		}
	}
}

// policyNames reports named policies whose names meet in one account: IAM compares them without
// regard to case.
func (c *checker) policyNames(p *plan.Plan) {
	seen := map[string]*plan.ManagedPolicy{}
	for _, mp := range p.Policies {
		key := mp.Account.Name + "/" + lower(mp.Name)
		if prev, dup := seen[key]; dup {
			c.errorf(mp.Source.Pos(), "policy %s and policy %s (line %d) differ only in case; IAM would see one name in account %q",
				mp.Name, prev.Name, prev.Source.Pos().Line, mp.Account.Name)
			continue
		}
		seen[key] = mp
	}
}

// logicalIDs reports two resources of one template with one logical id. Ids carry a hash of the
// resource's IAM name, so this takes a hash collision; CloudFormation would keep only one of them.
func (c *checker) logicalIDs(p *plan.Plan) {
	for _, s := range p.Stacks {
		seen := map[string]diag.Pos{}
		add := func(id, what string, pos diag.Pos) {
			if prev, dup := seen[id]; dup {
				c.errorf(pos, "%s would have logical id %s in stack %s, like the resource from line %d; rename one of them", what, id, s.Name, prev.Line)
				return
			}
			seen[id] = pos
		}
		for _, pr := range s.Providers {
			add(pr.LogicalID, "the OIDC provider of cluster "+pr.Cluster.Name, pr.Cluster.Source.Pos())
		}
		for _, mp := range s.Policies {
			add(mp.LogicalID, "policy "+mp.Name, mp.Source.Pos())
		}
		for _, r := range s.Roles {
			add(r.LogicalID, "role "+r.Name, r.Source.Pos())
		}
	}
}

// templates checks each rendered template against CloudFormation's quotas.
func (c *checker) templates(p *plan.Plan, files []output.File) {
	size := map[string]int{}
	for _, f := range files {
		size[f.Path] = len(f.Data)
	}
	for _, s := range p.Stacks {
		resources := len(s.Providers) + len(s.Policies) + len(s.Roles) + len(s.Associations)
		over := ""
		switch {
		case size[s.Template] > MaxTemplateBytes:
			over = fmt.Sprintf("%d bytes, over CloudFormation's %d", size[s.Template], MaxTemplateBytes)
		case resources > MaxTemplateResources:
			over = fmt.Sprintf("%d resources, over CloudFormation's %d", resources, MaxTemplateResources)
		case len(s.Roles) > plan.MaxTemplateOutputs: // one output per role
			over = fmt.Sprintf("%d outputs, over CloudFormation's %d", len(s.Roles), plan.MaxTemplateOutputs)
		default:
			continue
		}
		advice := "see docs/stacks.md"
		switch {
		case s.Kind == plan.StackRoles && len(s.Roles) == 1:
			// irsagen sizes role stacks itself; only a role too large for any template is left.
			advice = fmt.Sprintf("role %s alone is too large for a template: move its inline policies into named policies under policies:, which are their own resources", s.Roles[0].Name)
		case s.Kind == plan.StackPolicies:
			advice = "the account's named policies do not fit one template: make them smaller or fewer"
		}
		at := s.Account.Source.Pos()
		if s.Kind == plan.StackPodIdentity {
			at = s.Associations[0].Cluster.Source.At("identity")
		}
		c.errorf(at, "stack %s would be %s; %s", s.Name, over, advice)
	}
}

func lower(s string) string { return string(bytes.ToLower([]byte(s))) }

// chainsWithoutTags reports a role that EKS Pod Identity assumes without session tags and that
// can do nothing but assume its target: its trust cannot name the ServiceAccount, and the
// target's trust checks the association's sts:ExternalId instead.
func chainsWithoutTags(r *plan.Role) bool {
	if r.Target == nil {
		return false
	}
	for _, t := range r.PodIdentity {
		if t.SessionTags {
			return false
		}
	}
	return true
}
