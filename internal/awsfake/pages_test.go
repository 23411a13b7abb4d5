package awsfake_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/irsagen/irsagen/internal/awsfake"
)

func TestPagesAreAnsweredWithNextToken(t *testing.T) {
	srv := start(t, awsfake.Polls(0), awsfake.PageSize(2))
	cfn := cfnClient(srv, platform)
	var want []string
	for i := range 5 {
		name := fmt.Sprintf("stack-%d", i)
		create(t, cfn, name, roleTemplate(fmt.Sprintf("poc_%d", i)))
		want = append(want, name)
	}

	first, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Stacks) != 2 || aws.ToString(first.NextToken) == "" {
		t.Fatalf("first page: %d stacks, token %q; want 2 and a token", len(first.Stacks), aws.ToString(first.NextToken))
	}
	var got []string
	p := cloudformation.NewDescribeStacksPaginator(cfn, &cloudformation.DescribeStacksInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.Stacks {
			got = append(got, aws.ToString(s.StackName))
		}
	}
	if slices.Sort(got); !slices.Equal(got, want) {
		t.Errorf("stacks over the pages = %v, want %v", got, want)
	}

	var listed int
	lp := cloudformation.NewListStacksPaginator(cfn, &cloudformation.ListStacksInput{})
	for lp.HasMorePages() {
		page, err := lp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		listed += len(page.StackSummaries)
	}
	if listed != 5 {
		t.Errorf("ListStacks over the pages: %d stacks, want 5", listed)
	}

	// Events come newest first across the pages, each once.
	var times []time.Time
	seen := map[string]bool{}
	ep := cloudformation.NewDescribeStackEventsPaginator(cfn, &cloudformation.DescribeStackEventsInput{StackName: aws.String("stack-0")})
	for ep.HasMorePages() {
		page, err := ep.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.StackEvents) > 2 {
			t.Errorf("a page of %d events", len(page.StackEvents))
		}
		for _, e := range page.StackEvents {
			if seen[aws.ToString(e.EventId)] {
				t.Errorf("event %s on two pages", aws.ToString(e.EventId))
			}
			seen[aws.ToString(e.EventId)] = true
			times = append(times, aws.ToTime(e.Timestamp))
		}
	}
	if len(times) < 3 || !slices.IsSortedFunc(times, func(a, b time.Time) int { return b.Compare(a) }) {
		t.Errorf("event times over the pages, want newest first: %v", times)
	}

	// A change set's changes.
	body := roleTemplate("poc_a", "poc_b", "poc_c")
	cs, _ := changeSet(t, cfn, &cloudformation.CreateChangeSetInput{StackName: aws.String("stack-9"), ChangeSetName: aws.String("three"), ChangeSetType: "CREATE", TemplateBody: &body})
	var changes int
	in := &cloudformation.DescribeChangeSetInput{ChangeSetName: cs.ChangeSetId}
	for pages := 0; ; pages++ {
		out, err := cfn.DescribeChangeSet(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		changes += len(out.Changes)
		if out.NextToken == nil {
			if pages != 1 || changes != 3 {
				t.Errorf("change set: %d changes over %d pages, want 3 over 2", changes, pages+1)
			}
			break
		}
		in.NextToken = out.NextToken
	}

	if _, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{NextToken: aws.String("bogus")}); err == nil {
		t.Error("a made-up NextToken was taken")
	}
}
