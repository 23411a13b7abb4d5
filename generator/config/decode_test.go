package config

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/irsagen/irsagen/generator/diag"
)

// TestDecodeErrors checks that each kind of malformed input is reported once, at the value it is
// about, with a message that says what is wrong.
func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		// want is the whole diagnostic, "irsa.yaml:L:C: message", with L:C found by needle.
		needle string
		nth    int
		want   string
	}{
		{
			name:   "unknown top-level key suggests the closest",
			src:    "apiVersion: irsagen/v1\nservceAccounts: []\n",
			needle: "servceAccounts",
			want:   `unknown key "servceAccounts"; did you mean "serviceAccounts"?`,
		},
		{
			name:   "unknown key in a list item suggests the closest",
			src:    "accounts:\n  - name: a\n    regoin: us-east-1\n",
			needle: "regoin",
			want:   `unknown key "regoin"; did you mean "region"?`,
		},
		{
			name:   "unknown key far from any lists the keys",
			src:    "output:\n  zzzzzzzz: x\n",
			needle: "zzzzzzzz",
			want:   `unknown key "zzzzzzzz"; defined keys: dir, stackPrefix`,
		},
		{
			name:   "unknown key in inlined role settings",
			src:    "serviceAccounts:\n  - name: a\n    rolePth: /x/\n",
			needle: "rolePth",
			want:   `unknown key "rolePth"; did you mean "rolePath"?`,
		},
		{
			name:   "duplicate key names both lines",
			src:    "accounts:\n  - name: a\n    id: \"111122223333\"\n    name: b\n",
			needle: "name: b",
			want:   `duplicate key "name" (first written at line 2)`,
		},
		{
			name:   "duplicate key in a map of strings",
			src:    "defaults:\n  tags:\n    owner: a\n    owner: b\n",
			needle: "owner: b",
			want:   `duplicate key "owner" (first written at line 3)`,
		},
		{
			name:   "duplicate key inside a policy document",
			src:    "policies:\n  - name: p\n    document:\n      Version: \"2012-10-17\"\n      Version: \"2008-10-17\"\n",
			needle: "Version",
			nth:    1,
			want:   `duplicate key "Version" (first written at line 4)`,
		},
		{
			name:   "list where a string is expected",
			src:    "accounts:\n  - name: [a, b]\n",
			needle: "[a, b]",
			want:   "name must be a single value, not a list",
		},
		{
			name:   "mapping where a string is expected",
			src:    "apiVersion: {v: 1}\n",
			needle: "{v: 1}",
			want:   "apiVersion must be a single value, not a mapping",
		},
		{
			name:   "mapping where a list is expected",
			src:    "serviceAccounts:\n  - name: a\n    clusters: {prod: true}\n",
			needle: "{prod: true}",
			want:   "clusters must be a list",
		},
		{
			name:   "string where a list is expected",
			src:    "clusters: prod\n",
			needle: "prod",
			want:   "clusters must be a list",
		},
		{
			name:   "string where an object is expected names the item",
			src:    "accounts:\n  - platform\n",
			needle: "platform",
			want:   "accounts[0] must be a mapping, not a value",
		},
		{
			name:   "list where an object is expected",
			src:    "output: [a]\n",
			needle: "[a]",
			want:   "output must be a mapping, not a list",
		},
		{
			name:   "a document that is not a mapping",
			src:    "- a\n- b\n",
			needle: "- a",
			want:   "the document must be a mapping, not a list",
		},
		{
			name:   "policy document that is a string",
			src:    "policies:\n  - name: p\n    document: allow-all\n",
			needle: "allow-all",
			want:   "document must be a mapping (an IAM policy document)",
		},
		{
			name:   "jsonnet args that are a list",
			src:    "policies:\n  - name: p\n    args: [a]\n",
			needle: "[a]",
			want:   "args must be a mapping",
		},
		{
			name:   "tags that are a list",
			src:    "defaults:\n  tags: [a]\n",
			needle: "[a]",
			want:   "defaults.tags must be a mapping",
		},
		{
			name:   "tag value that is a list",
			src:    "defaults:\n  tags:\n    owner: [a]\n",
			needle: "[a]",
			want:   "defaults.tags.owner must be a single value, not a list",
		},
		{
			name:   "null where a string is required",
			src:    "apiVersion: ~\n",
			needle: "~",
			want:   "apiVersion needs a value",
		},
		{
			name:   "null inside a policy document",
			src:    "policies:\n  - name: p\n    document:\n      Version: null\n",
			needle: "null",
			want:   "document.Version needs a value",
		},
		{
			name:   "non-scalar key",
			src:    "defaults:\n  tags:\n    ? [a]\n    : b\n",
			needle: "[a]",
			want:   "keys must be plain strings",
		},
		{
			name:   "int with leading zeros",
			src:    "defaults:\n  maxSessionDuration: 03600\n",
			needle: "03600",
			want:   `defaults.maxSessionDuration must be a whole number, not "03600"`,
		},
		{
			name:   "int written as a float",
			src:    "defaults:\n  maxSessionDuration: 3600.0\n",
			needle: "3600.0",
			want:   `defaults.maxSessionDuration must be a whole number, not "3600.0"`,
		},
		{
			name:   "int in exponent form",
			src:    "defaults:\n  tokenExpiration: 1e3\n",
			needle: "1e3",
			want:   `defaults.tokenExpiration must be a whole number, not "1e3"`,
		},
		{
			name:   "int written as a quoted string",
			src:    "accounts:\n  - roleStacks: \"8\"\n",
			needle: `"8"`,
			want:   `roleStacks must be a whole number, not "8"`,
		},
		{
			name:   "int in hexadecimal",
			src:    "limits:\n  trustPolicySize: 0x800\n",
			needle: "0x800",
			want:   `trustPolicySize must be a whole number, not "0x800"`,
		},
		{
			name:   "int with underscores",
			src:    "limits:\n  inlinePolicySize: 10_240\n",
			needle: "10_240",
			want:   `inlinePolicySize must be a whole number, not "10_240"`,
		},
		{
			name:   "int too large for any int",
			src:    "limits:\n  oidcProviders: 99999999999999999999999\n",
			needle: "99999999999999999999999",
			want:   `oidcProviders must be a whole number, not "99999999999999999999999"`,
		},
		{
			name:   "bool written yes",
			src:    "defaults:\n  stsRegionalEndpoints: yes\n",
			needle: "yes",
			want:   `defaults.stsRegionalEndpoints must be true or false, not "yes"`,
		},
		{
			name:   "bool written on",
			src:    "serviceAccounts:\n  - perCluster: on\n",
			needle: "on",
			want:   `perCluster must be true or false, not "on"`,
		},
		{
			name:   "bool written as a quoted string",
			src:    "serviceAccounts:\n  - perCluster: \"true\"\n",
			needle: `"true"`,
			want:   `perCluster must be true or false, not "true"`,
		},
		{
			name:   "bool written as a number",
			src:    "serviceAccounts:\n  - perCluster: 1\n",
			needle: "1",
			want:   `perCluster must be true or false, not "1"`,
		},
		{
			name:   "merge of a scalar",
			src:    "output:\n  <<: x\n",
			needle: "x",
			want:   "<< must merge a mapping or a list of mappings",
		},
		{
			name:   "syntax error keeps the line",
			src:    "apiVersion: irsagen/v1\nkind: [Config\n",
			needle: "apiVersion",
			// yaml.v3 reports the line where it gave up, the end of the file here.
			want: "",
		},
		{
			name:   "empty file",
			src:    "",
			needle: "",
			want:   "the file is empty; run `irsagen init` for a starting point",
		},
		{
			name:   "comments only",
			src:    "# nothing here\n",
			needle: "#",
			want:   "the file is empty; run `irsagen init` for a starting point",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(testFile, []byte(tt.src))
			l := diags(t, err)
			if len(l) != 1 {
				t.Fatalf("want exactly one diagnostic, got %d:\n%s", len(l), dump(l))
			}
			if tt.want == "" {
				if !strings.HasPrefix(l[0].Message, "invalid YAML: ") || l[0].Pos.IsZero() {
					t.Fatalf("want a positioned invalid YAML message, got %q", l[0].String())
				}
				return
			}
			pos := diag.Pos{Line: 1, Col: 1}
			if tt.needle != "" {
				pos = at(t, tt.src, tt.needle, tt.nth)
			}
			want := fmt.Sprintf("%s:%d:%d: %s", testFile, pos.Line, pos.Col, tt.want)
			if got := l[0].String(); got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
			if got := err.Error(); got != want {
				t.Errorf("Error() = %q, want %q", got, want)
			}
		})
	}
}

// TestDecodeCollectsAllErrors checks that one pass reports every problem, sorted by position.
func TestDecodeCollectsAllErrors(t *testing.T) {
	src := "kind: Config\nbogus: 1\naccounts:\n  - name: a\n    id: [1]\n    roleStacks: 1.5\n  - nmae: b\n"
	_, err := Parse(testFile, []byte(src))
	l := diags(t, err)
	want := []diag.Pos{at(t, src, "bogus", 0), at(t, src, "[1]", 0), at(t, src, "1.5", 0), at(t, src, "nmae", 0)}
	if len(l) != len(want) {
		t.Fatalf("want %d diagnostics, got:\n%s", len(want), dump(l))
	}
	for i, d := range l {
		if d.Pos != want[i] || d.File != testFile {
			t.Errorf("diagnostic %d at %s:%s, want %s:%s (%s)", i, d.File, d.Pos, testFile, want[i], d.Message)
		}
	}
}

// TestDecodeScalarsKeepTheirText checks the values YAML 1.1 and 1.2 would turn into numbers or
// booleans: a string field keeps exactly what was written.
func TestDecodeScalarsKeepTheirText(t *testing.T) {
	src := `apiVersion: irsagen/v1
kind: Config
accounts:
  - name: zero
    id: 012345678901
    region: us-east-1
  - name: plain
    id: 111122223333
    region: us-east-1
  - name: octal-looking
    id: 0o1234567890
    region: us-east-1
serviceAccounts:
  - name: yes
    namespace: no
    clusters: [on, off, 1e3, 1_000, "007"]
    roleName: 0x1F
    deployments: [y, n, ~x, 2001-12-14, 1:20]
defaults:
  maxSessionDuration: +3600
  stsRegionalEndpoints: False
  audience: 1.5
`
	cfg, err := Parse(testFile, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"012345678901", "111122223333", "0o1234567890"} {
		if got := cfg.Accounts[i].ID; got != want {
			t.Errorf("accounts[%d].id = %q, want %q", i, got, want)
		}
	}
	sa := cfg.ServiceAccounts[0]
	if sa.Name != "yes" || sa.Namespace != "no" {
		t.Errorf("name/namespace = %q/%q, want yes/no", sa.Name, sa.Namespace)
	}
	if want := []string{"on", "off", "1e3", "1_000", "007"}; !reflect.DeepEqual(sa.Clusters, want) {
		t.Errorf("clusters = %q, want %q", sa.Clusters, want)
	}
	if sa.RoleName != "0x1F" {
		t.Errorf("roleName = %q, want 0x1F", sa.RoleName)
	}
	if want := []string{"y", "n", "~x", "2001-12-14", "1:20"}; !reflect.DeepEqual(sa.Deployments, want) {
		t.Errorf("deployments = %q, want %q", sa.Deployments, want)
	}
	d := cfg.Defaults
	if d.MaxSessionDuration == nil || *d.MaxSessionDuration != 3600 {
		t.Errorf("maxSessionDuration = %v, want 3600", d.MaxSessionDuration)
	}
	if d.StsRegionalEndpoints == nil || *d.StsRegionalEndpoints {
		t.Errorf("stsRegionalEndpoints = %v, want false", d.StsRegionalEndpoints)
	}
	if d.Audience == nil || *d.Audience != "1.5" {
		t.Errorf("audience = %v, want 1.5", d.Audience)
	}
}

// TestDecodeBools checks the spellings a bool field accepts.
func TestDecodeBools(t *testing.T) {
	for _, tt := range []struct {
		text string
		want bool
		ok   bool
	}{
		{"true", true, true}, {"True", true, true}, {"TRUE", true, true},
		{"false", false, true}, {"False", false, true},
		{"yes", false, false}, {"no", false, false}, {"on", false, false}, {"off", false, false},
		{"y", false, false}, {"1", false, false}, {"0", false, false}, {`"true"`, false, false}, {"'false'", false, false},
	} {
		t.Run(tt.text, func(t *testing.T) {
			cfg, err := Parse(testFile, []byte("serviceAccounts:\n  - perCluster: "+tt.text+"\n"))
			if !tt.ok {
				if err == nil {
					t.Fatalf("perCluster: %s was accepted as %v", tt.text, cfg.ServiceAccounts[0].PerCluster)
				}
				if !strings.Contains(err.Error(), "must be true or false") {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.ServiceAccounts[0].PerCluster; got != tt.want {
				t.Errorf("perCluster = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestDecodeInts checks the spellings an int field accepts.
func TestDecodeInts(t *testing.T) {
	for _, tt := range []struct {
		text string
		want int
		ok   bool
	}{
		{"3600", 3600, true}, {"+3600", 3600, true}, {"0", 0, true}, {"-5", -5, true},
		{"03600", 0, false}, {"00", 0, false}, {"3600.0", 0, false}, {"3.6e3", 0, false}, {"1e3", 0, false},
		{`"3600"`, 0, false}, {"'3600'", 0, false}, {"0x10", 0, false}, {"0o10", 0, false}, {"1_000", 0, false},
		{".inf", 0, false}, {"true", 0, false}, {"three", 0, false}, {"[3600]", 0, false},
	} {
		t.Run(tt.text, func(t *testing.T) {
			cfg, err := Parse(testFile, []byte("defaults:\n  maxSessionDuration: "+tt.text+"\n"))
			if !tt.ok {
				if err == nil {
					t.Fatalf("maxSessionDuration: %s was accepted as %d", tt.text, *cfg.Defaults.MaxSessionDuration)
				}
				if l := diags(t, err); len(l) != 1 || l[0].Pos != (diag.Pos{Line: 2, Col: 23}) {
					t.Fatalf("want one diagnostic at 2:23, got:\n%s", dump(l))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := *cfg.Defaults.MaxSessionDuration; got != tt.want {
				t.Errorf("maxSessionDuration = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestDecodeMergeKeysAndAliases checks YAML's sharing features: an alias reuses a value, << merges
// mappings, and keys written explicitly win over merged ones.
func TestDecodeMergeKeysAndAliases(t *testing.T) {
	// Unknown top-level keys are errors, so the anchors live inside the first ServiceAccount.
	src := `serviceAccounts:
  - name: first
    <<: &common
      namespace: shared
      clusters: &all [prod, stage]
      tags: &tags {team: core, Owner: platform}
      perCluster: true
  - name: second
    <<: [*common, {deployments: [api], namespace: loses}]
    namespace: own
  - name: third
    clusters: *all
    namespace: ns
    tags:
      <<: *tags
      team: edge
policies:
  - name: p
    document: &doc
      Version: "2012-10-17"
      Statement: []
  - name: q
    document: *doc
`
	cfg, err := Parse(testFile, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	sas := cfg.ServiceAccounts
	if len(sas) != 3 {
		t.Fatalf("got %d ServiceAccounts", len(sas))
	}
	want := []struct {
		ns       string
		clusters []string
		tags     map[string]string
		per      bool
		deploys  []string
	}{
		{"shared", []string{"prod", "stage"}, map[string]string{"team": "core", "Owner": "platform"}, true, nil},
		{"own", []string{"prod", "stage"}, map[string]string{"team": "core", "Owner": "platform"}, true, []string{"api"}},
		{"ns", []string{"prod", "stage"}, map[string]string{"team": "edge", "Owner": "platform"}, false, nil},
	}
	for i, w := range want {
		sa := sas[i]
		if sa.Namespace != w.ns || !reflect.DeepEqual(sa.Clusters, w.clusters) || !reflect.DeepEqual(sa.Tags, w.tags) ||
			sa.PerCluster != w.per || !reflect.DeepEqual(sa.Deployments, w.deploys) {
			t.Errorf("serviceAccounts[%d] = ns %q clusters %q tags %v perCluster %v deployments %q\nwant %+v",
				i, sa.Namespace, sa.Clusters, sa.Tags, sa.PerCluster, sa.Deployments, w)
		}
	}
	if !reflect.DeepEqual(cfg.Policies[0].Document, cfg.Policies[1].Document) || cfg.Policies[1].Document["Version"] != "2012-10-17" {
		t.Errorf("aliased document differs: %v vs %v", cfg.Policies[0].Document, cfg.Policies[1].Document)
	}
	// An explicit key that is also merged is not a duplicate; one written twice is.
	_, err = Parse(testFile, []byte("output:\n  <<: {dir: a}\n  dir: b\n  dir: c\n"))
	if l := diags(t, err); len(l) != 1 || !strings.Contains(l[0].Message, `duplicate key "dir" (first written at line 3)`) {
		t.Errorf("want one duplicate of the explicit key, got:\n%s", dump(l))
	}
}

// TestDecodeAliasBomb checks that "billion laughs" input fails with a clear message instead of
// expanding, both through aliases of lists and through merge keys.
func TestDecodeAliasBomb(t *testing.T) {
	levels := func(open, close string, item func(prev string) string) string {
		var b strings.Builder
		b.WriteString("policies:\n  - name: p\n    document:\n")
		fmt.Fprintf(&b, "      a0: &a0 %s", open)
		for i := 0; i < 9; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "k%d: lol", i)
		}
		b.WriteString(close + "\n")
		for l := 1; l <= 9; l++ {
			prev := fmt.Sprintf("a%d", l-1)
			fmt.Fprintf(&b, "      a%d: &a%d %s\n", l, l, item(prev))
		}
		return b.String()
	}
	lists := strings.Repeat("*X, ", 8) + "*X"
	tests := map[string]string{
		"aliases of lists": levels("{", "}", func(prev string) string {
			return "[" + strings.ReplaceAll(lists, "X", prev) + "]"
		}),
		"merge keys": levels("{", "}", func(prev string) string {
			var b strings.Builder
			b.WriteString("{")
			for i := 0; i < 9; i++ {
				fmt.Fprintf(&b, "m%d: {<<: *%s}, ", i, prev)
			}
			b.WriteString("end: x}")
			return b.String()
		}),
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(testFile, []byte(src))
			l := diags(t, err)
			if len(l) != 1 {
				t.Fatalf("want one diagnostic, got %d:\n%.2000s", len(l), dump(l))
			}
			if !strings.Contains(l[0].Message, "alias bombs") || l[0].Pos.IsZero() {
				t.Errorf("want a positioned alias-bomb error, got %s", l[0])
			}
		})
	}
}

// TestDecodeDeepNesting checks that very deep input is refused, quickly and without exhausting
// the stack or the memory, in a policy document and in jsonnet args; and that reasonable nesting
// decodes.
func TestDecodeDeepNesting(t *testing.T) {
	for _, depth := range []int{90, 200, 9_000, 10_000, 100_000} {
		for _, key := range []string{"document", "args"} {
			t.Run(fmt.Sprintf("%s-%d", key, depth), func(t *testing.T) {
				nested := strings.Repeat("[", depth) + "x" + strings.Repeat("]", depth)
				src := "policies:\n  - name: p\n    " + key + ":\n      Statement: " + nested + "\n"
				cfg, err := Parse(testFile, []byte(src))
				if depth > 100 {
					l := diags(t, err)
					if len(l) != 1 || l[0].Pos.IsZero() {
						t.Fatalf("want one positioned diagnostic, got:\n%.500s", dump(l))
					}
					if msg := l[0].Message; msg != key+" nests more than 100 levels deep" && !strings.HasPrefix(msg, "invalid YAML") {
						t.Errorf("unexpected message %q", msg)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				var v any = map[string]any(cfg.Policies[0].Document)
				if key == "args" {
					v = map[string]any(cfg.Policies[0].Args)
				}
				v = v.(map[string]any)["Statement"]
				for i := 0; i < depth; i++ {
					l, ok := v.([]any)
					if !ok || len(l) != 1 {
						t.Fatalf("level %d is %T %v, want a one-item list", i, v, v)
					}
					v = l[0]
				}
				if v != "x" {
					t.Errorf("innermost value = %v, want x", v)
				}
			})
		}
	}
	// The limit is on nesting, not on size or on the number of nested values.
	wide := "policies:\n  - name: p\n    document:\n      Statement: [" + strings.Repeat("[[[[a]]]], ", 5000) + "b]\n"
	if _, err := Parse(testFile, []byte(wide)); err != nil {
		t.Errorf("a wide, shallow document is refused: %.300v", err)
	}
}

// TestDecodeDocumentsKeepCaseAndText checks that policy documents reach CloudFormation as written:
// key case kept, numbers and timestamps as their literal text, booleans as booleans.
func TestDecodeDocumentsKeepCaseAndText(t *testing.T) {
	src := `policies:
  - name: p
    document:
      Version: 2012-10-17
      Statement:
        - Sid: ReadAssets
          Effect: Allow
          Action: [s3:GetObject, S3:ListBucket]
          Resource: arn:aws:s3:::assets/*
          Condition:
            StringEquals:
              aws:PrincipalAccount: 012345678901
              aws:SourceAccount: 111122223333
              s3:max-keys: 10
              ec2:Ratio: 1.50
              ec2:Hex: 0x1F
              ec2:Big: 1e3
              aws:RequestTag/CostCenter: no
            Bool:
              aws:SecureTransport: true
            NumericLessThanEquals:
              s3:max-keys: 010
    args:
      Domain: example.com
      count: 3
      ratio: 1.50
      enabled: false
      list: [1, two]
serviceAccounts:
  - name: a
    tags:
      CostCenter: 0042
      costcenter: lower
      Team: "Platform"
    annotations:
      Example.COM/Key: V
    labels:
      App: X
`
	cfg, err := Parse(testFile, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	doc := map[string]any(cfg.Policies[0].Document)
	want := map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid":      "ReadAssets",
			"Effect":   "Allow",
			"Action":   []any{"s3:GetObject", "S3:ListBucket"},
			"Resource": "arn:aws:s3:::assets/*",
			"Condition": map[string]any{
				"StringEquals": map[string]any{
					"aws:PrincipalAccount":      "012345678901",
					"aws:SourceAccount":         "111122223333",
					"s3:max-keys":               "10",
					"ec2:Ratio":                 "1.50",
					"ec2:Hex":                   "0x1F",
					"ec2:Big":                   "1e3",
					"aws:RequestTag/CostCenter": "no",
				},
				"Bool":                  map[string]any{"aws:SecureTransport": true},
				"NumericLessThanEquals": map[string]any{"s3:max-keys": "010"},
			},
		}},
	}
	if !reflect.DeepEqual(doc, want) {
		t.Errorf("document =\n%#v\nwant\n%#v", doc, want)
	}
	args := map[string]any(cfg.Policies[0].Args)
	wantArgs := map[string]any{
		"Domain": "example.com", "count": json.Number("3"), "ratio": json.Number("1.50"), "enabled": false,
		"list": []any{json.Number("1"), "two"},
	}
	if !reflect.DeepEqual(args, wantArgs) {
		t.Errorf("args = %#v, want %#v", args, wantArgs)
	}
	sa := cfg.ServiceAccounts[0]
	if want := map[string]string{"CostCenter": "0042", "costcenter": "lower", "Team": "Platform"}; !reflect.DeepEqual(sa.Tags, want) {
		t.Errorf("tags = %v, want %v", sa.Tags, want)
	}
	if want := map[string]string{"Example.COM/Key": "V"}; !reflect.DeepEqual(sa.Annotations, want) {
		t.Errorf("annotations = %v, want %v", sa.Annotations, want)
	}
	if want := map[string]string{"App": "X"}; !reflect.DeepEqual(sa.Labels, want) {
		t.Errorf("labels = %v, want %v", sa.Labels, want)
	}
}

// TestArgsAreValidJSON checks that every number kept in jsonnet args is a valid JSON number, since
// args are handed to Jsonnet as JSON.
func TestArgsAreValidJSON(t *testing.T) {
	src := "policies:\n  - name: p\n    args: {a: 0x1F, b: 0o17, c: 1_000, d: .inf, e: -.Inf, f: .nan, g: 017, h: 1e3, i: 12, j: -0.5}\n"
	cfg, err := Parse(testFile, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := json.Marshal(map[string]any(cfg.Policies[0].Args)); err != nil {
		t.Fatalf("args do not marshal to JSON: %v\nargs: %#v", err, cfg.Policies[0].Args)
	}
	if got := cfg.Policies[0].Args["i"]; got != json.Number("12") {
		t.Errorf("args.i = %#v, want json.Number(12)", got)
	}
}

// TestMetaPositions checks that Meta.At finds nested values, falls back to the nearest written
// parent and finally to the object itself.
func TestMetaPositions(t *testing.T) {
	src := `apiVersion: irsagen/v1
kind: Config
defaults:
  tags:
    Owner: platform
accounts:
  - name: platform
    id: "111122223333"
    limits:
      trustPolicySize: 4096
clusters:
  - name: prod
    kustomize:
      resources:
        - apps/one
        - apps/two
policies:
  - name: p
    document:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Action:
            - s3:GetObject
            - s3:PutObject
          Condition:
            StringEquals: {aws:SourceAccount: "111122223333"}
serviceAccounts:
  - name: a
    namespace: poc
    clusters:
      - prod
      - stage
    tags:
      owner: team
    inlinePolicy:
      Statement:
        - Action: "*"
`
	cfg, err := Parse(testFile, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	sa := &cfg.ServiceAccounts[0]
	p := &cfg.Policies[0]
	tests := []struct {
		meta         *Meta
		path, needle string
		nth          int
	}{
		{&cfg.Meta, "apiVersion", "irsagen/v1", 0},
		{&cfg.Meta, "defaults.tags.Owner", "platform", 0},
		{&cfg.Meta, "defaults.tags", "Owner", 0},
		{&cfg.Meta, "accounts[0]", "name: platform", 0},
		{&cfg.Meta, "clusters", "- name: prod", 0},
		{&cfg.Accounts[0].Meta, "name", "platform", 1},
		{&cfg.Accounts[0].Limits.Meta, "trustPolicySize", "4096", 0},
		{&cfg.Clusters[0].Kustomize.Meta, "resources[1]", "apps/two", 0},
		{&cfg.Clusters[0].Meta, "kustomize", "resources", 0},
		{&p.Meta, "document", "Version", 1},
		{&p.Meta, "document.Statement[0]", "Effect", 0},
		{&p.Meta, "document.Statement[0].Action", "- s3:GetObject", 0},
		{&p.Meta, "document.Statement[0].Action[1]", "s3:PutObject", 0},
		{&p.Meta, "document.Statement[0].Condition.StringEquals.aws:SourceAccount", `"111122223333"`, 1},
		{&sa.Meta, "clusters[0]", "prod", 1},
		{&sa.Meta, "clusters[1]", "stage", 0},
		{&sa.Meta, "tags.owner", "team", 0},
		{&sa.Meta, "inlinePolicy.Statement[0].Action", `"*"`, 0},
		// Not written: the nearest written parent, then the object.
		{&sa.Meta, "clusters[7]", "- prod", 0},
		{&sa.Meta, "tags.missing", "owner", 0},
		{&sa.Meta, "inlinePolicy.Statement[0].Effect", "Action: \"*\"", 0},
		{&sa.Meta, "roleName", "name: a", 0},
		{&cfg.Meta, "serviceAccounts[3].name", "- name: a", 0},
		{&cfg.Meta, "output.dir", "apiVersion", 0},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			want := at(t, src, tt.needle, tt.nth)
			if got := tt.meta.At(tt.path); got != want {
				t.Errorf("At(%q) = %s, want %s", tt.path, got, want)
			}
		})
	}
	if !sa.Has("tags.owner") || sa.Has("roleName") || !sa.Has("clusters[1]") || sa.Has("clusters[2]") {
		t.Errorf("Has is wrong: tags.owner %v roleName %v clusters[1] %v clusters[2] %v",
			sa.Has("tags.owner"), sa.Has("roleName"), sa.Has("clusters[1]"), sa.Has("clusters[2]"))
	}
	if got, want := sa.Pos(), at(t, src, "name: a", 0); got != want {
		t.Errorf("Pos() = %s, want %s", got, want)
	}
}
