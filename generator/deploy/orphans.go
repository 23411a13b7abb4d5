package deploy

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/irsagen/irsagen/generator/plan"
)

// findOrphans lists the stacks of an account that irsagen tagged, whose names are those the
// config's stack prefix gives a stack of their tagged account, and that stacks.json no longer
// holds. That keeps out the stacks of another irsa.yaml deployed into the same account, even one
// whose prefix starts with this one's (irsa-team2 against irsa).
func findOrphans(ctx context.Context, conns *connections, ref AccountRef, known map[string]bool, opts *Options) ([]*Orphan, error) {
	region := ref.Region
	if ref.ID == "" {
		region = opts.FormerRegion
	}
	acc, err := conns.get(ctx, ref.Name, ref.ID, region, ref.Creds)
	if err != nil {
		return nil, err
	}
	var out []*Orphan
	p := cloudformation.NewDescribeStacksPaginator(acc.cfn, &cloudformation.DescribeStacksInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("account %s: listing stacks: %w", ref.Name, err)
		}
		for _, s := range page.Stacks {
			name, account := aws.ToString(s.StackName), tag(s.Tags, TagAccount)
			if known[name] || s.StackStatus == types.StackStatusDeleteComplete ||
				tag(s.Tags, TagManaged) != "true" || !ownName(opts.StackPrefix, account, name) {
				continue
			}
			out = append(out, &Orphan{Name: name, Account: account, AccountID: acc.id, Region: acc.region,
				Status: string(s.StackStatus), acc: acc, id: aws.ToString(s.StackId)})
		}
	}
	return out, nil
}

// findRecreated fills the orphans' Recreated: the roles and providers they hold that a stack of
// the review adds in the same account. An orphan whose resources cannot be listed counts as
// holding something, so that it is not deleted unasked.
func (r *Review) findRecreated(ctx context.Context) {
	adds := map[string]string{} // account id, type, IAM name → the stack that adds it
	for _, s := range r.Stacks {
		for _, c := range s.Changes {
			if c.Action == string(types.ChangeActionAdd) && guarded[c.Type] && c.Name != "" {
				adds[s.AccountID+"\x00"+c.Type+"\x00"+c.Name] = s.Name
			}
		}
	}
	if len(adds) == 0 {
		return
	}
	for _, o := range r.Orphans {
		p := cloudformation.NewListStackResourcesPaginator(o.acc.cfn, &cloudformation.ListStackResourcesInput{StackName: aws.String(o.id)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				o.Recreated = append(o.Recreated, "(its resources could not be listed: "+err.Error()+")")
				break
			}
			for _, res := range page.StackResourceSummaries {
				typ, name := aws.ToString(res.ResourceType), aws.ToString(res.PhysicalResourceId)
				if _, host, ok := strings.Cut(name, ":oidc-provider/"); ok && typ == "AWS::IAM::OIDCProvider" {
					name = "https://" + host
				}
				if stack, ok := adds[o.AccountID+"\x00"+typ+"\x00"+name]; ok {
					o.Recreated = append(o.Recreated, fmt.Sprintf("%s %s, which %s adds", typ, name, stack))
				}
			}
		}
	}
}

// ownName reports whether name is what prefix gives a stack of account: PREFIX-ACCOUNT-KIND
// (oidc-providers, policies, roles, pod-identity-roles, the last two with an optional -N), or a
// cluster's PREFIX-pod-identity-CLUSTER, PREFIX-pod-identity2-CLUSTER, ...
func ownName(prefix, account, name string) bool {
	if account == "" {
		return false
	}
	if kind, ok := strings.CutPrefix(name, prefix+"-"+account+"-"); ok && stackKind.MatchString(kind) {
		return true
	}
	rest, ok := strings.CutPrefix(name, prefix+"-"+plan.StackPodIdentity)
	return ok && associationStack.MatchString(rest)
}

// associationStack is what follows PREFIX-pod-identity in a cluster's association stacks: the
// stack's number from the second on, then the cluster.
var associationStack = regexp.MustCompile(`^([2-9]|[1-9][0-9]+)?-.`)

var stackKind = regexp.MustCompile(`^(` + plan.StackProviders + `|` + plan.StackPolicies + `|(` + plan.StackRoles + `|` + plan.StackPodIdentityRoles + `)(-[1-9][0-9]*)?)$`)

func tag(tags []types.Tag, key string) string {
	for _, t := range tags {
		if aws.ToString(t.Key) == key {
			return aws.ToString(t.Value)
		}
	}
	return ""
}
