package cfncheck

import (
	"encoding/json"
	"maps"
	"regexp"
	"unicode/utf8"
)

// Rules of AWS::EKS::PodIdentityAssociation that the schema lacks, from the EKS API reference
// (CreatePodIdentityAssociation): Kubernetes names for the namespace and ServiceAccount, role
// ARNs, and a session policy that needs session tags off.

const maxSessionPolicyChars = 2048

var (
	eksClusterName = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$`)
	k8sLabel       = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
	k8sSubdomain   = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	roleARN        = regexp.MustCompile(`^arn:aws(-[a-z]+)*:iam::[0-9]{12}:role/([\x21-\x7F]*/)?[\w+=,.@-]{1,64}$`)
)

func checkPodIdentityAssociation(r *report, res resource) {
	props, p := res.props, res.propsPath()
	if s, ok := literal(props["ClusterName"]); ok && !eksClusterName.MatchString(s) {
		r.add(p.key("ClusterName"), "cluster name %q must be 1 to 100 letters, digits, '-' and '_', starting with a letter or digit", s)
	}
	if s, ok := literal(props["Namespace"]); ok && !k8sLabel.MatchString(s) {
		r.add(p.key("Namespace"), "namespace %q is not a Kubernetes namespace name (lowercase letters, digits and '-', at most 63)", s)
	}
	if s, ok := literal(props["ServiceAccount"]); ok && (len(s) > 253 || !k8sSubdomain.MatchString(s)) {
		r.add(p.key("ServiceAccount"), "ServiceAccount %q is not a Kubernetes object name (lowercase letters, digits, '-' and '.', at most 253)", s)
	}
	for _, k := range []string{"RoleArn", "TargetRoleArn"} {
		if s, ok := literal(props[k]); ok && !roleARN.MatchString(s) {
			r.add(p.key(k), "%q is not an IAM role ARN such as arn:aws:iam::111122223333:role/name", s)
		}
	}
	disabled, _ := props["DisableSessionTags"].(bool)
	if v, ok := props["Policy"]; ok {
		q := p.key("Policy")
		if s, ok := literal(v); ok {
			var doc any
			if err := json.Unmarshal([]byte(s), &doc); err != nil {
				r.add(q, "session policy is not JSON: %v", err)
			} else {
				checkPolicyDocument(r, q, doc, identityPolicy)
			}
			if n := utf8.RuneCountInString(s); n > maxSessionPolicyChars {
				r.add(q, "session policy is %d characters; STS allows at most %d", n, maxSessionPolicyChars)
			}
		}
		if !disabled {
			r.add(q, "a session policy needs DisableSessionTags: true")
		}
	}
	if v, ok := props["Tags"]; ok {
		checkTags(r, p.key("Tags"), v)
	}
}

// newerProperties are properties that CloudFormation takes but the copy of a registry schema in
// testdata/registry predates: the type's cross-account target role, session tags switch and
// session policy (EKS CreatePodIdentityAssociation since June 2025; rain v1.24.4's cache, the
// copy's source, has the schema from before). They are added to the compiled schema, and the file
// stays the registry's text; a refreshed file that has them makes this a no-op.
var newerProperties = map[string]map[string]any{
	"AWS::EKS::PodIdentityAssociation": {
		"TargetRoleArn":      map[string]any{"type": "string"},
		"DisableSessionTags": map[string]any{"type": "boolean"},
		"Policy":             map[string]any{"type": "string"},
	},
}

// withNewerProperties returns doc with the properties of newerProperties it lacks.
func withNewerProperties(typ string, doc map[string]any) map[string]any {
	props, _ := doc["properties"].(map[string]any)
	if props == nil || newerProperties[typ] == nil {
		return doc
	}
	props = maps.Clone(props)
	for name, schema := range newerProperties[typ] {
		if _, ok := props[name]; !ok {
			props[name] = schema
		}
	}
	out := maps.Clone(doc)
	out["properties"] = props
	return out
}
