package config

import (
	"fmt"
	"strings"
	"testing"
)

// TestValueRules runs each rule of values.go and of the policy-document checks it adds on
// validBase edited to a value the rule allows (which must pass) and to one it refuses (which must
// fail with exactly msg at needle).
func TestValueRules(t *testing.T) {
	const (
		boundary = "permissionsBoundary: arn:aws:iam::111122223333:policy/irsa-boundary"
		segments = `a path is /segment/.../ with no empty, "." or ".." segment and no wildcard`
	)
	tests := []struct{ name, old, pass, fail, msg, needle string }{
		{
			name: "audience with a policy variable", old: "audience: sts.amazonaws.com",
			pass: `audience: "$sts.amazonaws.com{}"`, fail: `audience: "sts.${aws:username}"`,
			msg:    `audience "sts.${aws:username}" contains "${", which IAM reads as a policy variable in the trust policy's condition; write the audience without it`,
			needle: `"sts.${`,
		},
		{
			name: "audience with a control character", old: "audience: sts.amazonaws.com",
			pass: `audience: "sts.amazonaws.com"`, fail: `audience: "sts\u0007.amazonaws.com"`,
			msg: `audience "sts\a.amazonaws.com" contains the control character U+0007; remove it`, needle: `"sts\u0007`,
		},
		{
			name: "audience with a line break", old: "audience: sts.amazonaws.com",
			pass: `audience: "sts.amazonaws.com"`, fail: `audience: "sts.amazonaws.com\n"`,
			msg: `audience "sts.amazonaws.com\n" contains the control character U+000A; remove it`, needle: `"sts.amazonaws.com\n"`,
		},
		{
			name: "description with a control character", old: "description: Read the assets bucket.",
			pass: `description: "Read the\tassets bucket.\n"`, fail: `description: "Read the \u001b[31massets bucket."`,
			msg: "description contains the control character U+001B, which IAM refuses; remove it", needle: `"Read the \u001b`,
		},
		{
			name: "boundary ARN with a wildcard", old: boundary,
			pass:   "permissionsBoundary: arn:aws:iam::111122223333:policy/boundaries/irsa-boundary",
			fail:   "permissionsBoundary: arn:aws:iam::111122223333:policy/*/irsa-boundary",
			msg:    `permissionsBoundary "arn:aws:iam::111122223333:policy/*/irsa-boundary" contains a wildcard; it must name one policy exactly`,
			needle: "arn:aws:iam::111122223333:policy/*",
		},
		{
			name: "boundary name with ..", old: boundary,
			pass: "permissionsBoundary: boundaries/irsa-boundary", fail: "permissionsBoundary: ../irsa-boundary",
			msg: `permissionsBoundary "../irsa-boundary" has the path segment ".."; ` + segments, needle: "../irsa",
		},
		{
			name: "managed policy ARN with ..", old: "managedPolicies: [AmazonS3ReadOnlyAccess]",
			pass:   `managedPolicies: ["arn:aws:iam::111122223333:policy/team/reader"]`,
			fail:   `managedPolicies: [AmazonS3ReadOnlyAccess, "arn:aws:iam::111122223333:policy/team/../reader"]`,
			msg:    `managed policy "arn:aws:iam::111122223333:policy/team/../reader" has the path segment ".."; ` + segments,
			needle: `"arn:aws:iam::111122223333:policy/team/..`,
		},
		{
			name: "managed policy ARN with an empty segment", old: "managedPolicies: [AmazonS3ReadOnlyAccess]",
			pass:   `managedPolicies: ["arn:aws:iam::111122223333:policy/team/reader"]`,
			fail:   `managedPolicies: ["arn:aws:iam::111122223333:policy/team//reader"]`,
			msg:    `managed policy "arn:aws:iam::111122223333:policy/team//reader" has the path segment ""; ` + segments,
			needle: `"arn:aws:iam::111122223333:policy/team//`,
		},
		{
			name: "managed policy name with .", old: "managedPolicies: [AmazonS3ReadOnlyAccess]",
			pass: "managedPolicies: [service-role/AmazonEBSCSIDriverPolicy]", fail: "managedPolicies: [./AmazonS3ReadOnlyAccess]",
			msg: `managed policy "./AmazonS3ReadOnlyAccess" has the path segment "."; ` + segments, needle: "./Amazon",
		},
		{
			name: "role path with ..", old: "rolePath: /irsa/",
			pass: "rolePath: /irsa/team.a/", fail: "rolePath: /irsa/../x/",
			msg: `rolePath "/irsa/../x/" has the path segment ".."; ` + segments, needle: "/irsa/../x/",
		},
		{
			name: "role path with an empty segment", old: "rolePath: /irsa/",
			pass: "rolePath: /", fail: "rolePath: /irsa//",
			msg: `rolePath "/irsa//" has the path segment ""; ` + segments, needle: "/irsa//",
		},
		{
			name: "condition keys that differ only in case", old: "StringEquals: {aws:RequestedRegion: us-east-1}",
			pass:   "StringEquals: {aws:RequestedRegion: us-east-1, aws:SourceVpc: vpc-1}",
			fail:   "StringEquals: {aws:RequestedRegion: us-east-1, aws:requestedregion: eu-west-1}",
			msg:    `condition keys "aws:RequestedRegion" and "aws:requestedregion" differ only in case; IAM compares condition keys regardless of case, so write them as one key with both values`,
			needle: "eu-west-1",
		},
		{
			name: "policy string with a control character", old: "Action: [s3:GetObject]",
			pass: `Action: ["s3:GetObject"]`, fail: `Action: ["s3:GetObject\u0000"]`,
			msg: `"s3:GetObject\x00" contains the control character U+0000, which IAM refuses in a policy; remove it`, needle: `"s3:GetObject\u0000"`,
		},
		{
			name: "policy key with a control character", old: "StringEquals: {aws:RequestedRegion: us-east-1}",
			pass: "StringEquals: {aws:RequestedRegion: us-east-1}", fail: `StringEquals: {"aws:Requested\tRegion": us-east-1}`,
			msg: `policy element "aws:Requested\tRegion" contains the control character U+0009, which IAM refuses; remove it`, needle: "us-east-1}",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n := strings.Count(validBase, tt.old); n != 1 {
				t.Fatalf("old text occurs %d times in validBase, want once: %q", n, tt.old)
			}
			if _, l := load(t, strings.Replace(validBase, tt.old, tt.pass, 1)); len(l) != 0 {
				t.Errorf("the passing variant fails:\n%s", dump(l))
			}
			failing := strings.Replace(validBase, tt.old, tt.fail, 1)
			_, l := load(t, failing)
			pos := at(t, failing, tt.needle, 0)
			want := fmt.Sprintf("%s:%d:%d: %s", testFile, pos.Line, pos.Col, tt.msg)
			if len(l) != 1 || l[0].String() != want {
				t.Errorf("got:\n%s\nwant %s", dump(l), want)
			}
		})
	}
}
