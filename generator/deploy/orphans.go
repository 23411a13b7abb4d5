package deploy

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// findOrphans lists the stacks of an account that irsagen tagged, whose names start with the
// config's stack prefix, and that stacks.json no longer holds. The prefix keeps the stacks of
// another irsa.yaml deployed into the same account out of it.
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
			name := aws.ToString(s.StackName)
			if known[name] || s.StackStatus == types.StackStatusDeleteComplete ||
				!strings.HasPrefix(name, opts.StackPrefix+"-") || tag(s.Tags, TagManaged) != "true" {
				continue
			}
			account := tag(s.Tags, TagAccount)
			if account == "" {
				account = ref.Name
			}
			out = append(out, &Orphan{Name: name, Account: account, AccountID: acc.id, Region: acc.region,
				Status: string(s.StackStatus), acc: acc, id: aws.ToString(s.StackId)})
		}
	}
	return out, nil
}

func tag(tags []types.Tag, key string) string {
	for _, t := range tags {
		if aws.ToString(t.Key) == key {
			return aws.ToString(t.Value)
		}
	}
	return ""
}
