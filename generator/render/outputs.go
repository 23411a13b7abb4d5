package render

import (
	"go.yaml.in/yaml/v3"

	"github.com/irsagen/irsagen/generator/plan"
)

// OutputSuffix ends the key of a role's output: the role's logical id, then "Arn".
const OutputSuffix = "Arn"

// outputs writes the Outputs of a roles stack: each role's ARN under its logical id and
// OutputSuffix, for whatever consumes the ARN outside the Kubernetes tree (the values of a Helm
// chart that owns its ServiceAccount, an EKS add-on's serviceAccountRoleArn, another stack).
// Each is one line, `RoleXArn: {Value: "arn:..."}`, so a template grows by one line per role and
// a role's change stays a small diff. The value is the literal ARN, like everything else in the
// template; no export, which would tie other stacks to this one.
//
// CloudFormation takes at most 200 outputs per template. A role with its output takes well over
// 256 bytes, so a template under CloudFormation's 51,200 bytes, which rules.CheckTemplates
// measures on these very bytes, never holds 200 roles.
func (b *builder) outputs(roles []*plan.Role) {
	b.key("Outputs")
	b.openMap()
	for _, r := range roles {
		b.key(r.LogicalID + OutputSuffix)
		b.valueMap(r.ARN)
	}
	b.close()
}

// valueMap writes {Value: "v"} as a key's value, in flow style, v double-quoted.
func (b *builder) valueMap(v string) {
	if b.tree {
		b.add(&yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle, Content: []*yaml.Node{
			strNode("Value"),
			{Kind: yaml.ScalarNode, Tag: "!!str", Style: yaml.DoubleQuotedStyle, Value: v},
		}})
		return
	}
	f := b.value()
	if f == nil || f.seq || !printableASCII(v) || !canDoubleQuote(v) {
		// The tree, which yaml.v3 encodes, escapes what this writer does not.
		b.ok = false
		return
	}
	b.buf = append(b.buf, ` {Value: "`...)
	b.buf = append(b.buf, v...)
	b.buf = append(b.buf, "\"}\n"...)
}
