package deploy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"go.yaml.in/yaml/v3"
)

// Adopting what exists: a role or an OIDC provider that eksctl, Terraform or a person made
// before has the name that irsagen's template gives it. Creating it would fail with "already
// exists"; a CloudFormation import brings it under the stack instead, after which the stack's
// update makes it what the template says.

// findExisting marks the roles and providers that sr's change set adds and that IAM already has.
func findExisting(ctx context.Context, acc *account, sr *StackReview) error {
	for _, c := range sr.Changes {
		if c.Action != string(types.ChangeActionAdd) || c.Name == "" {
			continue
		}
		var err error
		switch c.Type {
		case "AWS::IAM::Role":
			var out *iam.GetRoleOutput
			out, err = acc.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(c.Name)})
			c.importID = map[string]string{"RoleName": c.Name}
			if err == nil {
				c.live = liveRole(out.Role)
			}
		case "AWS::IAM::OIDCProvider":
			arn := fmt.Sprintf("arn:%s:iam::%s:oidc-provider/%s", acc.partition, acc.id, strings.TrimPrefix(c.Name, "https://"))
			var out *iam.GetOpenIDConnectProviderOutput
			out, err = acc.iam.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
			c.importID = map[string]string{"Arn": arn}
			if err == nil {
				c.live = map[string]any{"Url": c.Name, "ClientIdList": out.ClientIDList, "ThumbprintList": out.ThumbprintList}
			}
		default:
			continue
		}
		var missing *iamtypes.NoSuchEntityException
		switch {
		case errors.As(err, &missing):
			c.importID = nil
		case err != nil:
			return fmt.Errorf("looking for an existing %s %s: %w", c.Type, c.Name, err)
		default:
			c.Hazards = appendOnce(c.Hazards, HazardExists)
		}
	}
	return nil
}

// adoptees are the changes of a stack that --import brings in.
func (s *StackReview) adoptees() []*ResourceChange {
	var out []*ResourceChange
	for _, c := range s.Changes {
		if c.importID != nil {
			out = append(out, c)
		}
	}
	return out
}

// importResources runs an IMPORT change set that adds to the live template (none for a new
// stack) exactly the resources to adopt, each with DeletionPolicy Retain as CloudFormation
// requires, and waits for it.
func importResources(ctx context.Context, acc *account, sr *StackReview, opts *Options) error {
	adoptees := sr.adoptees()
	tmpl := map[string]any{"AWSTemplateFormatVersion": "2010-09-09", "Resources": map[string]any{}}
	if sr.Status != "" && sr.Status != string(types.StackStatusReviewInProgress) {
		out, err := acc.cfn.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String(sr.Name), TemplateStage: types.TemplateStageOriginal})
		if err != nil {
			return fmt.Errorf("reading the live template: %w", err)
		}
		tmpl = map[string]any{}
		if err := yaml.Unmarshal([]byte(aws.ToString(out.TemplateBody)), &tmpl); err != nil {
			return fmt.Errorf("reading the live template: %w", err)
		}
	}
	var want struct {
		Resources map[string]map[string]any `yaml:"Resources"`
	}
	if err := yaml.Unmarshal([]byte(sr.stack.Body), &want); err != nil {
		return fmt.Errorf("reading the template: %w", err)
	}
	resources, _ := tmpl["Resources"].(map[string]any)
	if resources == nil {
		resources = map[string]any{}
		tmpl["Resources"] = resources
	}
	var imports []types.ResourceToImport
	for _, c := range adoptees {
		r := want.Resources[c.LogicalID]
		if r == nil {
			return fmt.Errorf("resource %s is not in the template", c.LogicalID)
		}
		// The import takes the template's properties as the resource's, without changing the
		// resource: with the live values, the update that follows makes it what irsagen's
		// template says (its trust policy above all) instead of believing it already is.
		r["Properties"] = c.live
		r["DeletionPolicy"] = "Retain"
		resources[c.LogicalID] = r
		imports = append(imports, types.ResourceToImport{ResourceType: aws.String(c.Type), LogicalResourceId: aws.String(c.LogicalID), ResourceIdentifier: c.importID})
	}
	body, err := json.Marshal(tmpl)
	if err != nil {
		return fmt.Errorf("writing the import template: %w", err)
	}
	sum := sha256.Sum256(body)
	name := "irsagen-import-" + hex.EncodeToString(sum[:])[:16]
	if _, err := acc.cfn.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{
		StackName: aws.String(sr.Name), ChangeSetName: aws.String(name), ChangeSetType: types.ChangeSetTypeImport,
		TemplateBody: aws.String(string(body)), Capabilities: capabilities(sr.stack.Capabilities),
		ResourcesToImport: imports, Tags: stackTags(sr.stack), Description: aws.String("irsagen: adopt existing resources"),
	}); err != nil {
		return fmt.Errorf("creating the import change set: %w", err)
	}
	cs, err := waitChangeSet(ctx, acc, sr.Name, name, opts)
	if err != nil {
		return err
	}
	if cs.Status == types.ChangeSetStatusFailed {
		return fmt.Errorf("import change set %s failed: %s", name, aws.ToString(cs.StatusReason))
	}
	if err := executeChangeSet(ctx, acc, sr.Name, aws.ToString(cs.ChangeSetId)); err != nil {
		return fmt.Errorf("executing the import change set: %w", err)
	}
	st, err := waitStack(ctx, acc, sr.Name, opts)
	if err != nil {
		return err
	}
	if st.StackStatus != types.StackStatusImportComplete {
		return fmt.Errorf("import ended %s", st.StackStatus)
	}
	opts.Progress("%s: adopted %d existing resources", sr.Name, len(adoptees))
	return nil
}

// liveRole is what a role that exists is, as template properties: the ones that GetRole tells.
// Its managed and inline policies are left out, so the update attaches irsagen's.
func liveRole(r *iamtypes.Role) map[string]any {
	props := map[string]any{"RoleName": aws.ToString(r.RoleName), "Path": aws.ToString(r.Path)}
	doc := aws.ToString(r.AssumeRolePolicyDocument)
	if decoded, err := url.QueryUnescape(doc); err == nil {
		doc = decoded // IAM answers it URL-encoded
	}
	var trust any
	if json.Unmarshal([]byte(doc), &trust) == nil {
		props["AssumeRolePolicyDocument"] = trust
	}
	if d := aws.ToString(r.Description); d != "" {
		props["Description"] = d
	}
	if r.MaxSessionDuration != nil {
		props["MaxSessionDuration"] = *r.MaxSessionDuration
	}
	if r.PermissionsBoundary != nil {
		props["PermissionsBoundary"] = aws.ToString(r.PermissionsBoundary.PermissionsBoundaryArn)
	}
	if len(r.Tags) > 0 {
		var tags []map[string]string
		for _, t := range r.Tags {
			tags = append(tags, map[string]string{"Key": aws.ToString(t.Key), "Value": aws.ToString(t.Value)})
		}
		props["Tags"] = tags
	}
	return props
}
