package templates_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gojsonnet "github.com/google/go-jsonnet"

	"github.com/irsagen/irsagen/generator/jsonnet"
	"github.com/irsagen/irsagen/templates"
)

// TestLibraryParses keeps a syntax error in any library file from reaching a user, who could
// not fix it.
func TestLibraryParses(t *testing.T) {
	n := 0
	err := fs.WalkDir(templates.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		if path == "irsagen/addons/index.json" {
			return nil // the add-on index, read by TestAddonIndex
		}
		if !strings.HasSuffix(path, ".libsonnet") {
			t.Errorf("%s: library files are .libsonnet", path)
		}
		src, err := fs.ReadFile(templates.FS, path)
		if err != nil {
			return err
		}
		if _, err := gojsonnet.SnippetToAST(path, string(src)); err != nil {
			t.Errorf("%v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("the embedded library is empty")
	}
}

// TestLibHelpers evaluates the helpers of lib.libsonnet as a user template would call them.
func TestLibHelpers(t *testing.T) {
	dir := t.TempDir()
	template := `
local irsa = import 'irsagen/lib.libsonnet';
local ctx = std.extVar('irsagen');
irsa.document([
  irsa.allow('s3:ListBucket', irsa.arn(ctx.partition, 's3', '', '', 'assets')),
  irsa.allow(['s3:GetObject', 's3:PutObject'], [irsa.arn(ctx.partition, 's3', '', '', 'assets/*')],
             condition={StringEquals: {'aws:ResourceAccount': ctx.accountId}}),
  irsa.deny('s3:DeleteObject', '*', sid='NoDelete'),
])`
	if err := os.WriteFile(filepath.Join(dir, "policy.jsonnet"), []byte(template), 0o644); err != nil {
		t.Fatal(err)
	}
	docs, err := (&jsonnet.Evaluator{Root: dir}).Evaluate([]jsonnet.Job{{
		File:    "policy.jsonnet",
		Context: map[string]any{"partition": "aws-cn", "accountId": "111122223333"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(docs[0], "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "Statement": [
    {
      "Action": [
        "s3:ListBucket"
      ],
      "Effect": "Allow",
      "Resource": [
        "arn:aws-cn:s3:::assets"
      ]
    },
    {
      "Action": [
        "s3:GetObject",
        "s3:PutObject"
      ],
      "Condition": {
        "StringEquals": {
          "aws:ResourceAccount": "111122223333"
        }
      },
      "Effect": "Allow",
      "Resource": [
        "arn:aws-cn:s3:::assets/*"
      ]
    },
    {
      "Action": [
        "s3:DeleteObject"
      ],
      "Effect": "Deny",
      "Resource": [
        "*"
      ],
      "Sid": "NoDelete"
    }
  ],
  "Version": "2012-10-17"
}`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestLibStatementRejectsEmptyLists(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "policy.jsonnet"),
		[]byte("local irsa = import 'irsagen/lib.libsonnet';\nirsa.document([irsa.allow([], '*')])"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := (&jsonnet.Evaluator{Root: dir}).Evaluate([]jsonnet.Job{{File: "policy.jsonnet"}})
	if err == nil || !strings.Contains(err.Error(), "a statement needs at least one action (called from policy.jsonnet:2:16)") {
		t.Errorf("got %v", err)
	}
}

// TestLibARNHelpers evaluates the ARN helpers the add-on policies share, in the forms users
// write their inputs.
func TestLibARNHelpers(t *testing.T) {
	dir := t.TempDir()
	template := `
local irsa = import 'irsagen/lib.libsonnet';
{
  zones: [irsa.hostedZoneArn('aws-cn', 'Z0123456789ABC'), irsa.hostedZoneArn('aws', '/hostedzone/Z0123456789ABC')],
  roles: [
    irsa.roleArn('aws', '111122223333', 'nodes'),
    irsa.roleArn('aws', '111122223333', '/karpenter/nodes'),
    irsa.roleArn('aws', '111122223333', 'arn:aws:iam::444455556666:role/nodes'),
  ],
  s3: [irsa.s3Arns('aws', 'assets'), irsa.s3Arns('aws', 'assets', '/backups'), irsa.s3Arns('aws', 'assets', 'backups/')],
  optional: [irsa.optionalList(null), irsa.optionalList('a'), irsa.optionalList(['a', 'b'])],
}`
	if err := os.WriteFile(filepath.Join(dir, "policy.jsonnet"), []byte(template), 0o644); err != nil {
		t.Fatal(err)
	}
	docs, err := (&jsonnet.Evaluator{Root: dir}).Evaluate([]jsonnet.Job{{File: "policy.jsonnet"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(docs[0])
	if err != nil {
		t.Fatal(err)
	}
	want := `{"optional":[[],["a"],["a","b"]],` +
		`"roles":["arn:aws:iam::111122223333:role/nodes","arn:aws:iam::111122223333:role/karpenter/nodes","arn:aws:iam::444455556666:role/nodes"],` +
		`"s3":[{"bucket":"arn:aws:s3:::assets","objects":"arn:aws:s3:::assets/*"},` +
		`{"bucket":"arn:aws:s3:::assets","objects":"arn:aws:s3:::assets/backups/*"},` +
		`{"bucket":"arn:aws:s3:::assets","objects":"arn:aws:s3:::assets/backups/*"}],` +
		`"zones":["arn:aws-cn:route53:::hostedzone/Z0123456789ABC","arn:aws:route53:::hostedzone/Z0123456789ABC"]}`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
