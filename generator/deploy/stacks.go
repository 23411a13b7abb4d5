// Package deploy compares irsagen's CloudFormation stacks with what is live in AWS and deploys
// them: Plan creates a change set per stack and describes it as a review, Apply executes the
// change sets in dependency order. It takes the tree that generator.Generate rendered in memory,
// never the files in DIR, and talks to AWS only through the SDK's CloudFormation and STS clients,
// so the SDK's credential chain, retries and endpoint settings (AWS_ENDPOINT_URL and the like)
// apply as in every AWS tool.
package deploy

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/irsagen/irsagen/generator"
	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/diag"
	"github.com/irsagen/irsagen/generator/plan"
)

// Stack is one stack of stacks.json with the template it deploys.
type Stack struct {
	Name         string
	Account      string // the account's name in irsa.yaml
	AccountID    string
	Region       string
	Template     string // path relative to DIR
	Body         string
	Capabilities []string
	DependsOn    []string
	clusters     []string // clusters whose providers or roles the stack holds
	creds        Credentials
}

// Tags every stack that irsagen creates carries; orphans are found by them.
const (
	TagManaged = "irsagen:managed"
	TagAccount = "irsagen:account"
)

// changeSetName names the change set of a stack's template: the same template, capabilities and
// tags always give the same name, so apply can find the change set that plan --keep left and know
// that it is the one reviewed.
func (s *Stack) changeSetName() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", s.Body, strings.Join(s.Capabilities, ","), s.Account)
	return "irsagen-" + hex.EncodeToString(h.Sum(nil))[:20]
}

// Selection narrows a run to some accounts, stacks or clusters; empty lists select everything.
type Selection struct {
	Accounts []string
	Stacks   []string
	Clusters []string
}

// Fleet is what a plan or an apply works on: the selected stacks, and where orphans are searched.
type Fleet struct {
	// Stacks are the selected stacks, in stacks.json's order (dependencies first).
	Stacks []*Stack
	// Known holds every stack name of stacks.json, selected or not.
	Known map[string]bool
	// Accounts are searched for orphans: stacks tagged by irsagen that are not Known. None when
	// the selection names stacks or clusters.
	Accounts []AccountRef
}

// AccountRef is an account to search for orphans. ID is empty for an account that left
// irsa.yaml; Region is then the SDK's default unless Options.FormerRegion is set.
type AccountRef struct {
	Name, ID, Region string
	Creds            Credentials
}

// NewFleet returns the stacks of a rendered tree narrowed to sel, with each account's
// credentials from irsa.yaml overridden by flags (keyed by account name). A flag for a name that
// is not an account of irsa.yaml names an account that left it: it is searched for orphans only.
// Unknown names in sel are an error.
func NewFleet(res *generator.Result, sel Selection, flags map[string]Credentials) (*Fleet, error) {
	if err := checkDeploy(res.Config); err != nil {
		return nil, err
	}
	stacks, err := selectStacks(res, sel, flags)
	if err != nil {
		return nil, err
	}
	f := &Fleet{Stacks: stacks, Known: map[string]bool{}}
	for _, s := range res.Plan.Stacks {
		f.Known[s.Name] = true
	}
	if len(sel.Stacks) > 0 || len(sel.Clusters) > 0 {
		return f, nil
	}
	known := map[string]bool{}
	for _, a := range res.Plan.Accounts {
		known[a.Name] = true
		if len(sel.Accounts) > 0 && !slices.Contains(sel.Accounts, a.Name) {
			continue
		}
		ref := AccountRef{Name: a.Name, ID: a.ID, Region: a.Region}
		if src := a.Source; src != nil {
			ref.Creds = Credentials{Profile: src.Deploy.Profile, RoleARN: src.Deploy.RoleARN, ExternalID: src.Deploy.ExternalID}
		}
		if c, ok := flags[a.Name]; ok {
			ref.Creds = ref.Creds.override(c)
		}
		f.Accounts = append(f.Accounts, ref)
		// A cluster's Pod Identity associations live in the cluster's region: its orphans are
		// searched for there too.
		regions := []string{a.Region}
		for _, c := range res.Plan.Clusters {
			if c.Account == a && !slices.Contains(regions, c.Region) {
				regions = append(regions, c.Region)
				r := ref
				r.Region = c.Region
				f.Accounts = append(f.Accounts, r)
			}
		}
	}
	var former []string
	for name := range flags {
		if !known[name] {
			former = append(former, name)
		}
	}
	slices.Sort(former)
	for _, name := range former {
		f.Accounts = append(f.Accounts, AccountRef{Name: name, Creds: flags[name]})
	}
	return f, nil
}

func selectStacks(res *generator.Result, sel Selection, flags map[string]Credentials) ([]*Stack, error) {
	bodies := make(map[string][]byte, len(res.Files))
	for _, f := range res.Files {
		if strings.HasPrefix(f.Path, "cloudformation/") {
			bodies[f.Path] = f.Data
		}
	}
	if err := checkNames(res.Plan, sel); err != nil {
		return nil, err
	}
	var out []*Stack
	for _, ps := range res.Plan.Stacks {
		body, ok := bodies[ps.Template]
		if !ok {
			return nil, fmt.Errorf("deploy: stack %s: template %s was not rendered", ps.Name, ps.Template)
		}
		region := ps.Account.Region
		if ps.Region != "" {
			region = ps.Region // a cluster's Pod Identity associations, in the cluster's region
		}
		s := &Stack{
			Name: ps.Name, Account: ps.Account.Name, AccountID: ps.Account.ID, Region: region,
			Template: ps.Template, Body: string(body), Capabilities: ps.Capabilities,
			DependsOn: ps.DependsOn, clusters: stackClusters(ps),
		}
		if src := ps.Account.Source; src != nil {
			s.creds = Credentials{Profile: src.Deploy.Profile, RoleARN: src.Deploy.RoleARN, ExternalID: src.Deploy.ExternalID}
		}
		if c, ok := flags[s.Account]; ok {
			s.creds = s.creds.override(c)
		}
		if selected(s, sel) {
			out = append(out, s)
		}
	}
	return out, nil
}

func stackClusters(ps *plan.Stack) []string {
	var cs []string
	for _, p := range ps.Providers {
		cs = append(cs, p.Cluster.Name)
	}
	for _, r := range ps.Roles {
		for _, t := range r.Trust {
			cs = append(cs, t.Cluster.Name)
		}
	}
	slices.Sort(cs)
	return slices.Compact(cs)
}

func selected(s *Stack, sel Selection) bool {
	if len(sel.Accounts) > 0 && !slices.Contains(sel.Accounts, s.Account) {
		return false
	}
	if len(sel.Stacks) > 0 && !slices.Contains(sel.Stacks, s.Name) {
		return false
	}
	if len(sel.Clusters) > 0 && !slices.ContainsFunc(s.clusters, func(c string) bool { return slices.Contains(sel.Clusters, c) }) {
		return false
	}
	return true
}

// InputError is a mistake in the command line: an unknown account, stack or cluster.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

func checkNames(p *plan.Plan, sel Selection) error {
	var accounts, stacks, clusters []string
	for _, a := range p.Accounts {
		accounts = append(accounts, a.Name)
	}
	for _, s := range p.Stacks {
		stacks = append(stacks, s.Name)
	}
	for _, c := range p.Clusters {
		clusters = append(clusters, c.Name)
	}
	check := func(flag string, names, known []string) error {
		for _, n := range names {
			if !slices.Contains(known, n) {
				return &InputError{fmt.Sprintf("--%s %s: no such %s in the config; known: %s", flag, n, flag, strings.Join(known, ", "))}
			}
		}
		return nil
	}
	if err := check("account", sel.Accounts, accounts); err != nil {
		return err
	}
	if err := check("stack", sel.Stacks, stacks); err != nil {
		return err
	}
	return check("cluster", sel.Clusters, clusters)
}

// roleARN is what accounts[].deploy.roleArn must look like.
var roleARN = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$`)

// checkDeploy checks accounts[].deploy, which only plan and apply read: a role ARN that IAM
// would take, an external id only with a role.
func checkDeploy(f *config.File) error {
	var errs diag.List
	for _, a := range f.Config.Accounts {
		d := &a.Deploy
		if d.RoleARN != "" && !roleARN.MatchString(d.RoleARN) {
			errs.Add(f.Path, d.At("roleArn"), "account %q: deploy.roleArn %q is not a role ARN (arn:aws:iam::ACCOUNT-ID:role/NAME)", a.Name, d.RoleARN)
		}
		if d.ExternalID != "" && d.RoleARN == "" {
			errs.Add(f.Path, d.At("externalId"), "account %q: deploy.externalId is only used to assume deploy.roleArn; give the role too", a.Name)
		}
	}
	return errs.Sort().Err()
}
