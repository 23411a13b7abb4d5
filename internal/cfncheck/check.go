package cfncheck

import "errors"

// Check reports every problem that would stop CloudFormation from deploying the template in
// src, in document order; none means the template is deployable as far as CloudFormation and
// IAM can tell without an AWS account.
func Check(src []byte) []Problem {
	r := newReport()
	checkSize(r, src)
	if root, ok := decodeYAML(src, r); ok {
		t := newTemplate(root)
		checkTemplate(r, t)
		checkIntrinsics(r, t)
		checkReferences(r, t)
		checkIAM(r, t)
		checkSchema(r, t)
	}
	return r.sorted()
}

// Validate is Check for callers that only need pass or fail: it joins the problems into one
// error, nil when there are none.
func Validate(src []byte) error {
	problems := Check(src)
	errs := make([]error, len(problems))
	for i, p := range problems {
		errs[i] = p
	}
	return errors.Join(errs...)
}

// iamChecks hold the rules the schema lacks for each type irsagen emits.
var iamChecks = map[string]func(*report, resource){
	"AWS::IAM::Role":          checkRole,
	"AWS::IAM::OIDCProvider":  checkOIDCProvider,
	"AWS::IAM::ManagedPolicy": checkManagedPolicy,
	// EKS's, not IAM's, but of the same kind: names and ARNs the service checks.
	"AWS::EKS::PodIdentityAssociation": checkPodIdentityAssociation,
}

func checkIAM(r *report, t *template) {
	for _, res := range t.resources {
		if check := iamChecks[res.typ]; check != nil && res.props != nil {
			check(r, res)
		}
	}
}
