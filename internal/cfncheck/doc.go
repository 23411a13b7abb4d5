// Package cfncheck is the CloudFormation stand-in that every generated template is checked
// against in tests.
//
// irsagen's output is deployed by an ops team, long after the run that produced it; a template
// that CloudFormation or IAM rejects is found only then. Check reads a template the way
// CloudFormation does (YAML 1.1 without aliases or merges, short-form intrinsic functions) and
// reports every reason it would be rejected:
//
//   - CloudFormation's own registry schema of each resource type (unknown properties, missing
//     required properties, wrong property types, read-only properties), embedded in
//     testdata/registry and validated one resource at a time; the template's sections against
//     testdata/template.schema.json;
//   - template rules and quotas of CloudFormation (size, resource count, logical IDs, intrinsic
//     functions and what they reference);
//   - the property rules of the IAM types irsagen emits (AWS::IAM::Role, AWS::IAM::OIDCProvider,
//     AWS::IAM::ManagedPolicy), which the schema does not carry: name lengths and patterns,
//     ranges, list sizes, tags and policy documents.
//
// Tests call it on every template a run renders:
//
//	for _, p := range cfncheck.Check(body) {
//		t.Errorf("%s:%v", name, p) // e.g. stack.yaml:39:7: Resources.Role.Properties.MaxSessionDuration: ...
//	}
//
// Quotas that an account can raise are checked at the highest value AWS grants, so a problem
// here means no account can deploy the template; the account's own quotas belong to config
// validation.
package cfncheck
