package deploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// Drift is a resource that was changed outside CloudFormation: a policy attached by hand, an
// edited trust policy, a role deleted.
type Drift struct {
	LogicalID   string             `json:"logicalId"`
	PhysicalID  string             `json:"physicalId,omitempty"`
	Type        string             `json:"type"`
	Status      string             `json:"status"` // MODIFIED or DELETED
	Differences []*DriftDifference `json:"differences,omitempty"`
}

// DriftDifference is one property that differs from what the stack expects.
type DriftDifference struct {
	Path     string `json:"path"`
	Type     string `json:"type"` // ADD, REMOVE, NOT_EQUAL
	Expected string `json:"expected,omitempty"`
	Actual   string `json:"actual,omitempty"`
}

// detectDrift runs CloudFormation's drift detection on a live stack and returns its drifted
// resources.
func detectDrift(ctx context.Context, acc *account, name string, opts *Options) ([]*Drift, error) {
	started, err := acc.cfn.DetectStackDrift(ctx, &cloudformation.DetectStackDriftInput{StackName: aws.String(name)})
	if err != nil {
		return nil, fmt.Errorf("detecting drift: %w", err)
	}
	for {
		st, err := acc.cfn.DescribeStackDriftDetectionStatus(ctx, &cloudformation.DescribeStackDriftDetectionStatusInput{StackDriftDetectionId: started.StackDriftDetectionId})
		if err != nil {
			return nil, fmt.Errorf("detecting drift: %w", err)
		}
		if st.DetectionStatus == types.StackDriftDetectionStatusDetectionFailed {
			return nil, fmt.Errorf("drift detection failed: %s", aws.ToString(st.DetectionStatusReason))
		}
		if st.DetectionStatus == types.StackDriftDetectionStatusDetectionComplete {
			break
		}
		if err := sleep(ctx, opts.PollInterval); err != nil {
			return nil, err
		}
	}
	var out []*Drift
	p := cloudformation.NewDescribeStackResourceDriftsPaginator(acc.cfn, &cloudformation.DescribeStackResourceDriftsInput{
		StackName:                       aws.String(name),
		StackResourceDriftStatusFilters: []types.StackResourceDriftStatus{types.StackResourceDriftStatusModified, types.StackResourceDriftStatusDeleted},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading drift: %w", err)
		}
		for _, d := range page.StackResourceDrifts {
			if d.StackResourceDriftStatus != types.StackResourceDriftStatusModified && d.StackResourceDriftStatus != types.StackResourceDriftStatusDeleted {
				continue
			}
			dr := &Drift{LogicalID: aws.ToString(d.LogicalResourceId), PhysicalID: aws.ToString(d.PhysicalResourceId),
				Type: aws.ToString(d.ResourceType), Status: string(d.StackResourceDriftStatus)}
			for _, pd := range d.PropertyDifferences {
				dr.Differences = append(dr.Differences, &DriftDifference{Path: aws.ToString(pd.PropertyPath), Type: string(pd.DifferenceType),
					Expected: aws.ToString(pd.ExpectedValue), Actual: aws.ToString(pd.ActualValue)})
			}
			out = append(out, dr)
		}
	}
	return out, nil
}
