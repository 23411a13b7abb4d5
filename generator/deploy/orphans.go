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

// ownName reports whether name is what prefix gives a stack of account: PREFIX-ACCOUNT-KIND
// (oidc-providers, policies, roles, pod-identity-roles, the last two with an optional -N), or a
// cluster's PREFIX-pod-identity-CLUSTER.
func ownName(prefix, account, name string) bool {
	if account == "" {
		return false
	}
	if kind, ok := strings.CutPrefix(name, prefix+"-"+account+"-"); ok && stackKind.MatchString(kind) {
		return true
	}
	return strings.HasPrefix(name, prefix+"-"+plan.StackPodIdentity+"-")
}

var stackKind = regexp.MustCompile(`^(` + plan.StackProviders + `|` + plan.StackPolicies + `|(` + plan.StackRoles + `|` + plan.StackPodIdentityRoles + `)(-[1-9][0-9]*)?)$`)

func tag(tags []types.Tag, key string) string {
	for _, t := range tags {
		if aws.ToString(t.Key) == key {
			return aws.ToString(t.Value)
		}
	}
	return ""
}
