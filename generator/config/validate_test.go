package config

import (
	"fmt"
	"strings"
	"testing"
)

// validBase passes Load and Validate. Each rule below edits it twice: once to a value at the edge
// of what the rule allows (which must still pass) and once past it (which must fail at the spot).
const validBase = `apiVersion: irsagen/v1
kind: Config
output:
  dir: out
  stackPrefix: irsa
accounts:
  - name: platform
    id: "111122223333"
    region: us-east-1
    roleStacks: 1
    limits:
      managedPolicySize: 6144
  - name: apps
    id: "444455556666"
    region: us-west-2
  - name: china
    id: "777788889999"
    region: cn-north-1
clusters:
  - name: prod-use1
    account: platform
    region: us-east-1
    oidcIssuer: https://oidc.eks.us-east-1.amazonaws.com/id/AAAA0000
    oidcProvider: create
    thumbprints: ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]
    kustomize:
      resources: [apps/prod]
  - name: prod-usw2
    account: apps
    region: us-west-2
    oidcIssuer: https://oidc.eks.us-west-2.amazonaws.com/id/BBBB1111
defaults:
  rolePath: /irsa/
  permissionsBoundary: arn:aws:iam::111122223333:policy/irsa-boundary
  maxSessionDuration: 3600
  tokenExpiration: 86400
  audience: sts.amazonaws.com
  stsRegionalEndpoints: true
  tags: {owner: platform}
limits:
  trustPolicySize: 2048
policies:
  - name: s3-read
    description: Read the assets bucket.
    document:
      Version: "2012-10-17"
      Statement:
        - Sid: ReadAssets
          Effect: Allow
          Action: [s3:GetObject]
          Resource: "arn:aws:s3:::assets/*"
          Condition:
            StringEquals: {aws:RequestedRegion: us-east-1}
  - name: mail
    jsonnet: policies/mail.jsonnet
    args: {domain: example.com}
serviceAccounts:
  - name: poc-sa
    namespace: poc
    clusters: [prod-use1]
    roleName: poc-s3-reader
    managedPolicies: [AmazonS3ReadOnlyAccess]
    policies: [s3-read]
    deployments: [ubuntu]
    annotations: {example.com/team: core}
    labels: {team: core}
    tags: {Team: core}
  - name: worker
    namespace: jobs
    clusters: ["*"]
    account: platform
    perCluster: true
    inlinePolicy:
      Version: "2012-10-17"
      Statement:
        Effect: Allow
        NotAction: iam:*
        NotResource: ["arn:aws:iam::*:role/admin"]
`

func TestValidBasePasses(t *testing.T) {
	if _, l := load(t, validBase); len(l) != 0 {
		t.Fatalf("the base config must be valid:\n%s", dump(l))
	}
}

// TestValidateRules runs every rule of validate.go, validate_sa.go and document.go on a config
// that passes it and on one that breaks it.
func TestValidateRules(t *testing.T) {
	tests := []struct {
		name string
		// old is replaced in validBase by pass (must load cleanly) and by fail.
		old, pass, fail string
		// msg is the expected message (a substring, or the whole message when exact is set);
		// needle and nth locate where it must be reported in the failing config.
		msg    string
		exact  bool
		needle string
		nth    int
		// lineOf locates the line that LINE in msg stands for.
		lineOf string
	}{
		// validate.go: top level
		{
			name: "apiVersion", old: "apiVersion: irsagen/v1", pass: "apiVersion: 'irsagen/v1'", fail: "apiVersion: irsagen/v2",
			msg: `apiVersion must be "irsagen/v1", not "irsagen/v2"`, exact: true, needle: "irsagen/v2",
		},
		{
			name: "apiVersion missing", old: "apiVersion: irsagen/v1\n", pass: "apiVersion: \"irsagen/v1\"\n", fail: "",
			msg: `apiVersion must be "irsagen/v1", not ""`, needle: "kind",
		},
		{
			name: "kind", old: "kind: Config", pass: "kind: \"Config\"", fail: "kind: config",
			msg: `kind must be "Config", not "config"`, exact: true, needle: "config",
		},
		{
			name: "stackPrefix", old: "stackPrefix: irsa", pass: "stackPrefix: A" + strings.Repeat("b", 31), fail: "stackPrefix: 1rsa",
			msg: `stackPrefix "1rsa" must start with a letter and hold at most 32 letters, digits and hyphens`, exact: true, needle: "1rsa",
		},
		{
			name: "stackPrefix length", old: "stackPrefix: irsa", pass: "stackPrefix: i-r-s-a", fail: "stackPrefix: A" + strings.Repeat("b", 32),
			msg: "stackPrefix", needle: "Abbb",
		},
		// accounts
		{
			name: "account name pattern", old: "- name: china", pass: "- name: " + strings.Repeat("a", 40), fail: "- name: China",
			msg: `account name "China" is invalid: lowercase letters, digits and '-', at most 40`, exact: true, needle: "China",
		},
		{
			name: "account name length", old: "- name: china", pass: "- name: a-" + strings.Repeat("b", 38), fail: "- name: " + strings.Repeat("a", 41),
			msg: "is invalid", needle: strings.Repeat("a", 41),
		},
		{
			name: "account name missing", old: "  - name: china\n    id", pass: "  - name: \"china\"\n    id", fail: "  - id",
			msg: "account needs a name", exact: true, needle: `id: "777788889999"`,
		},
		{
			name: "account name empty", old: "- name: china", pass: "- name: 'china'", fail: "- name: ''",
			msg: "account name must not be empty", exact: true, needle: "''",
		},
		{
			name: "account defined twice", old: "- name: china", pass: "- name: china2", fail: "- name: platform",
			msg: `account "platform" is defined twice (first at line LINE)`, lineOf: "name: platform", exact: true, needle: "platform", nth: 1,
		},
		{
			name: "account id digits", old: `id: "777788889999"`, pass: "id: 000000000000", fail: `id: "77778888999"`,
			msg: `account id "77778888999" must be exactly 12 digits, written as a string`, exact: true, needle: `"77778888999"`,
		},
		{
			name: "account id missing", old: "    id: \"777788889999\"\n", pass: "    id: '777788889999'\n", fail: "",
			msg: `account "china" needs an id`, exact: true, needle: "name: china",
		},
		{
			name: "account id used twice", old: `id: "777788889999"`, pass: `id: "444455556667"`, fail: `id: "111122223333"`,
			msg: `account id 111122223333 is used by accounts "platform" and "china" (line LINE); one account, one entry`, lineOf: "name: platform", exact: true,
			needle: `"111122223333"`, nth: 1,
		},
		{
			name: "account region", old: "region: cn-north-1\nclusters", pass: "region: us-gov-west-1\nclusters", fail: "region: cn-north\nclusters",
			msg: `region "cn-north" is not an AWS region such as us-east-1, cn-north-1 or us-gov-west-1`, exact: true, needle: "cn-north\n",
		},
		{
			name: "account region missing", old: "    region: cn-north-1\nclusters", pass: "    region: cn-northwest-1\nclusters", fail: "clusters",
			msg: "region is required", exact: true, needle: "name: china",
		},
		{
			name: "roleStacks", old: "roleStacks: 1", pass: "roleStacks: 1000", fail: "roleStacks: 0",
			msg: "roleStacks must be between 1 and 1000, not 0", exact: true, needle: "0\n    limits",
		},
		{
			name: "roleStacks high", old: "roleStacks: 1", pass: "roleStacks: 999", fail: "roleStacks: 1001",
			msg: "roleStacks must be between 1 and 1000, not 1001", needle: "1001",
		},
		{
			name: "account limits", old: "managedPolicySize: 6144", pass: "managedPolicySize: 1", fail: "managedPolicySize: 6145",
			msg: `account "platform": limits.managedPolicySize must be between 1 and 6144, not 6145`, exact: true, needle: "6145",
		},
		{
			name: "top-level limits", old: "trustPolicySize: 2048", pass: "trustPolicySize: 8192", fail: "trustPolicySize: 0",
			msg: "limits.trustPolicySize must be between 1 and 8192, not 0", exact: true, needle: "0\npolicies",
		},
		{
			name: "top-level limits others", old: "trustPolicySize: 2048",
			pass: "managedPoliciesPerRole: 20\n  inlinePolicySize: 10240\n  oidcProviders: 700",
			fail: "managedPoliciesPerRole: 20\n  inlinePolicySize: 10240\n  oidcProviders: 701",
			msg:  "limits.oidcProviders must be between 1 and 700, not 701", needle: "701",
		},
		// clusters
		{
			name: "cluster name", old: "- name: prod-usw2", pass: "- name: 0Prod_US-West-2", fail: "- name: _prod-usw2",
			msg: `cluster name "_prod-usw2" is invalid: an EKS cluster name is 1 to 100 letters, digits, '-' and '_', starting with a letter or digit`, exact: true, needle: "_prod-usw2",
		},
		{
			name: "cluster name length", old: "- name: prod-usw2", pass: "- name: " + strings.Repeat("C", 100), fail: "- name: " + strings.Repeat("C", 101),
			msg: `cluster name "` + strings.Repeat("C", 101) + `" is invalid`, needle: strings.Repeat("C", 101),
		},
		{
			name: "cluster name star", old: "- name: prod-usw2", pass: "- name: star", fail: "- name: '*'",
			msg: `cluster name "*"`, needle: "'*'",
		},
		{
			name: "cluster defined twice", old: "- name: prod-usw2", pass: "- name: prod-usw3", fail: "- name: prod-use1",
			msg: `cluster "prod-use1" is defined twice (first at line LINE)`, lineOf: "name: prod-use1", exact: true, needle: "prod-use1", nth: 1,
		},
		{
			name: "cluster account undefined", old: "account: apps\n", pass: "account: platform\n", fail: "account: app\n",
			msg: `account "app" is not defined; did you mean "apps"?`, exact: true, needle: "app\n",
		},
		{
			name: "cluster account far from any", old: "account: apps\n", pass: "account: 'apps'\n", fail: "account: zzzzzzzz\n",
			msg: `account "zzzzzzzz" is not defined; defined accounts: apps, china, platform`, exact: true, needle: "zzzzzzzz",
		},
		{
			name: "cluster account missing", old: "    account: apps\n", pass: "    account: \"apps\"\n", fail: "",
			msg: "account is required", exact: true, needle: "name: prod-usw2",
		},
		{
			name: "cluster and account partitions", old: "account: apps\n", pass: "account: platform\n", fail: "account: china\n",
			msg: `cluster "prod-usw2" is in us-west-2 (partition aws), but account "china" is in cn-north-1 (partition aws-cn)`, needle: "china\n", nth: 1,
		},
		{
			name: "cluster region", old: "region: us-west-2\n    oidc", pass: "region: us-west-2\n    oidc", fail: "region: US-WEST-2\n    oidc",
			msg: `region "US-WEST-2" is not an AWS region`, needle: "US-WEST-2",
		},
		{
			name: "issuer missing", old: "    oidcIssuer: https://oidc.eks.us-west-2.amazonaws.com/id/BBBB1111\n", pass: "    oidcIssuer: https://issuer.example.com/x\n", fail: "",
			msg: `cluster "prod-usw2" needs an oidcIssuer (aws eks describe-cluster --name prod-usw2 --query cluster.identity.oidc.issuer)`, exact: true,
			needle: "name: prod-usw2",
		},
		{
			name: "issuer not https", old: "https://oidc.eks.us-west-2", pass: "https://oidc.eks.us-west-2", fail: "http://oidc.eks.us-west-2",
			msg: `oidcIssuer "http://oidc.eks.us-west-2.amazonaws.com/id/BBBB1111" must be an https:// URL`, exact: true, needle: "http://",
		},
		{
			name: "issuer not a URL", old: "oidcIssuer: https://oidc.eks.us-west-2.amazonaws.com/id/BBBB1111", pass: "oidcIssuer: https://oidc.eks.us-west-2.amazonaws.com/id/B",
			fail: "oidcIssuer: oidc.eks.us-west-2.amazonaws.com/id/BBBB1111",
			msg:  "must be an https:// URL", needle: "oidc.eks.us-west-2",
		},
		{
			name: "issuer trailing slash", old: "/id/BBBB1111", pass: "/id/BBBB1111", fail: "/id/BBBB1111/",
			msg: "must be a plain https://host/path URL in lowercase, without port, query, fragment or trailing slash", needle: "https://oidc.eks.us-west-2",
		},
		{
			name: "issuer port", old: "us-west-2.amazonaws.com/id", pass: "us-west-2.amazonaws.com/id", fail: "us-west-2.amazonaws.com:443/id",
			msg: "without port", needle: "https://oidc.eks.us-west-2",
		},
		{
			name: "issuer uppercase host", old: "https://oidc.eks.us-west-2", pass: "https://oidc.eks.us-west-2", fail: "https://OIDC.eks.us-west-2",
			msg: "in lowercase", needle: "https://OIDC",
		},
		{
			name: "issuer query", old: "/id/BBBB1111", pass: "/id/BBBB1111", fail: "/id/BBBB1111?x=1",
			msg: "without port, query", needle: "https://oidc.eks.us-west-2",
		},
		{
			name: "issuer region", old: "https://oidc.eks.us-west-2", pass: "https://oidc.eks.us-west-2", fail: "https://oidc.eks.us-west-1",
			msg: `oidcIssuer is in region us-west-1 but cluster "prod-usw2" is in us-west-2`, exact: true, needle: "https://oidc.eks.us-west-1",
		},
		{
			name: "issuer china host", old: "account: apps\n    region: us-west-2\n    oidcIssuer: https://oidc.eks.us-west-2.amazonaws.com/",
			pass: "account: china\n    region: cn-north-1\n    oidcIssuer: https://oidc.eks.cn-north-1.amazonaws.com.cn/",
			fail: "account: china\n    region: cn-north-1\n    oidcIssuer: https://oidc.eks.cn-north-1.amazonaws.com/",
			msg:  "oidcIssuer host oidc.eks.cn-north-1.amazonaws.com should end in .amazonaws.com.cn in region cn-north-1", exact: true,
			needle: "https://oidc.eks.cn-north-1",
		},
		{
			name: "oidcProvider", old: "oidcProvider: create", pass: "oidcProvider: existing", fail: "oidcProvider: exists",
			msg: `oidcProvider must be "create" or "existing", not "exists"`, exact: true, needle: "exists",
		},
		{
			name: "thumbprint count", old: `thumbprints: ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]`,
			pass: "thumbprints: [" + strings.Repeat(strings.Repeat("a", 40)+", ", 4) + strings.Repeat("A", 40) + "]",
			fail: "thumbprints: [" + strings.Repeat(strings.Repeat("a", 40)+", ", 5) + strings.Repeat("b", 40) + "]",
			msg:  "an OIDC provider takes at most 5 thumbprints, not 6", exact: true, needle: "[aaaa",
		},
		{
			name: "thumbprint hex", old: `["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]`, pass: `["9E99A48A9960B14926BB7F3B02E22DA2B0AB7280"]`,
			fail: `["9e99a48a9960b14926bb7f3b02e22da2b0ab728g"]`,
			msg:  `thumbprint "9e99a48a9960b14926bb7f3b02e22da2b0ab728g" must be 40 hexadecimal characters (a SHA-1 fingerprint)`, exact: true,
			needle: `"9e99`,
		},
		{
			name: "kustomize resource absolute", old: "resources: [apps/prod]", pass: "resources: [../apps/prod, ./x]", fail: "resources: [apps/prod, /srv/apps]",
			msg: `path "/srv/apps" must be relative to irsa.yaml, with '/' separators`, exact: true, needle: "/srv/apps",
		},
		{
			name: "kustomize resource URL", old: "resources: [apps/prod]", pass: "resources: [apps/prod]", fail: "resources: [https://github.com/x/y]",
			msg: "must be relative to irsa.yaml", needle: "https://github.com/x/y",
		},
		{
			name: "kustomize resource backslash", old: "resources: [apps/prod]", pass: "resources: [apps/prod]", fail: `resources: ['apps\prod']`,
			msg: "must be relative to irsa.yaml", needle: `'apps\prod'`,
		},
		{
			name: "kustomize resource empty", old: "resources: [apps/prod]", pass: "resources: [apps/prod]", fail: `resources: [""]`,
			msg: "path must not be empty", exact: true, needle: `""`,
		},
		// settings, in defaults and in a ServiceAccount
		{
			name: "rolePath", old: "rolePath: /irsa/", pass: "rolePath: /", fail: "rolePath: /irsa",
			msg: `rolePath "/irsa" must start and end with '/' and hold printable ASCII only, e.g. /irsa/`, exact: true, needle: "/irsa\n",
		},
		{
			name: "rolePath length", old: "rolePath: /irsa/", pass: "rolePath: /" + strings.Repeat("a", 510) + "/", fail: "rolePath: /" + strings.Repeat("a", 511) + "/",
			msg: "rolePath", needle: "/aaaa",
		},
		{
			name: "permissionsBoundary", old: "permissionsBoundary: arn:aws:iam::111122223333:policy/irsa-boundary",
			pass: "permissionsBoundary: arn:aws:iam::111122223333:policy/boundaries/irsa-boundary",
			fail: "permissionsBoundary: arn:aws:iam::1111:policy/irsa-boundary",
			msg:  `permissionsBoundary "arn:aws:iam::1111:policy/irsa-boundary" must be a policy ARN`, needle: "arn:aws:iam::1111",
		},
		{
			name: "maxSessionDuration", old: "maxSessionDuration: 3600", pass: "maxSessionDuration: 43200", fail: "maxSessionDuration: 43201",
			msg: "maxSessionDuration must be between 3600 and 43200 seconds, not 43201", exact: true, needle: "43201",
		},
		{
			name: "maxSessionDuration low", old: "maxSessionDuration: 3600", pass: "maxSessionDuration: 3600", fail: "maxSessionDuration: 3599",
			msg: "not 3599", needle: "3599",
		},
		{
			name: "tokenExpiration", old: "tokenExpiration: 86400", pass: "tokenExpiration: 600", fail: "tokenExpiration: 599",
			msg: "tokenExpiration must be between 600 and 86400 seconds, not 599", exact: true, needle: "599",
		},
		{
			name: "tokenExpiration high", old: "tokenExpiration: 86400", pass: "tokenExpiration: 86400", fail: "tokenExpiration: 86401",
			msg: "not 86401", needle: "86401",
		},
		{
			name: "audience wildcard", old: "audience: sts.amazonaws.com", pass: "audience: my-audience", fail: "audience: sts.*",
			msg: `audience "sts.*" must be 1 to 255 characters without spaces or wildcards`, exact: true, needle: "sts.*",
		},
		{
			name: "audience empty", old: "audience: sts.amazonaws.com", pass: "audience: " + strings.Repeat("a", 255), fail: `audience: ""`,
			msg: "must be 1 to 255 characters", needle: `""`,
		},
		{
			name: "audience length", old: "audience: sts.amazonaws.com", pass: "audience: x", fail: "audience: " + strings.Repeat("a", 256),
			msg: "must be 1 to 255 characters", needle: "aaaa",
		},
		{
			name: "tag count", old: "tags: {owner: platform}", pass: "tags: {" + tags(50) + "}", fail: "tags: {" + tags(51) + "}",
			msg: "a role takes at most 50 tags, not 51", exact: true, needle: "{t00",
		},
		{
			name: "tag key characters", old: "tags: {owner: platform}", pass: "tags: {'Cost Center:/=+-@_.': x, 'Ünïcode': ü}", fail: "tags: {owner: platform, 'cost#center': x}",
			msg: `tag key "cost#center" must be 1 to 128 letters, digits, spaces or _.:/=+-@`, exact: true, needle: "x}",
		},
		{
			name: "tag key length", old: "tags: {owner: platform}", pass: "tags: {" + strings.Repeat("k", 128) + ": v}", fail: "tags: {" + strings.Repeat("k", 129) + ": v}",
			msg: "tag key", needle: "v}",
		},
		{
			name: "tag key aws prefix", old: "tags: {owner: platform}", pass: "tags: {awsx: y}", fail: "tags: {AWS:owner: y}",
			msg: `tag key "AWS:owner" uses the reserved prefix aws:`, exact: true, needle: "y}",
		},
		{
			name: "tag keys differing in case", old: "tags: {owner: platform}", pass: "tags: {owner: platform, Owners: y}", fail: "tags: {owner: platform, Owner: x}",
			msg: `tag keys "Owner" and "owner" differ only in case; IAM treats them as one key`, exact: true, needle: "platform, Owner",
		},
		{
			name: "tag value", old: "tags: {owner: platform}", pass: "tags: {owner: ''}", fail: "tags: {owner: 'plat|form'}",
			msg: `tag "owner": value must be at most 256 letters, digits, spaces or _.:/=+-@`, exact: true, needle: "'plat|form'",
		},
		{
			name: "tag value length", old: "tags: {owner: platform}", pass: "tags: {owner: " + strings.Repeat("v", 256) + "}", fail: "tags: {owner: " + strings.Repeat("v", 257) + "}",
			msg: `tag "owner": value`, needle: "vvvv",
		},
		{
			name: "ServiceAccount settings", old: "tags: {Team: core}", pass: "tags: {Team: core}\n    maxSessionDuration: 7200", fail: "tags: {Team: core}\n    maxSessionDuration: 60",
			msg: "maxSessionDuration must be between 3600 and 43200 seconds, not 60", exact: true, needle: "60\n",
		},
		{
			name: "ServiceAccount tags", old: "tags: {Team: core}", pass: "tags: {Team: ''}", fail: "tags: {aws:team: core}",
			msg: `tag key "aws:team" uses the reserved prefix aws:`, exact: true, needle: "core}", nth: 2,
		},
		// validate_sa.go: policies
		{
			name: "policy name", old: "- name: mail", pass: "- name: Mail+=,.@_-x", fail: "- name: mail box",
			msg: `policy name "mail box" is invalid: letters, digits and +=,.@_- only`, exact: true, needle: "mail box",
		},
		{
			name: "policy name length", old: "- name: mail\n", pass: "- name: " + strings.Repeat("p", 128) + "\n", fail: "- name: " + strings.Repeat("p", 129) + "\n",
			msg: "is longer than 128 characters", needle: "pppp",
		},
		{
			name: "policy defined twice", old: "- name: mail", pass: "- name: mail2", fail: "- name: s3-read",
			msg: `policy "s3-read" is defined twice (first at line LINE)`, lineOf: "name: s3-read", exact: true, needle: "s3-read", nth: 1,
		},
		{
			name: "policy document and jsonnet", old: "description: Read the assets bucket.", pass: "description: x", fail: "jsonnet: x.jsonnet",
			msg: `policy "s3-read" sets both document and jsonnet; choose one`, exact: true, needle: "x.jsonnet",
		},
		{
			name: "policy without document", old: "    jsonnet: policies/mail.jsonnet\n    args: {domain: example.com}\n", pass: "    document: {Version: \"2012-10-17\", Statement: {Effect: Deny, Action: '*', Resource: '*'}}\n", fail: "    description: x\n",
			msg: `policy "mail" needs a document or a jsonnet file`, exact: true, needle: "name: mail",
		},
		{
			name: "policy jsonnet path", old: "jsonnet: policies/mail.jsonnet", pass: "jsonnet: ../shared/mail.jsonnet", fail: "jsonnet: /etc/mail.jsonnet",
			msg: `path "/etc/mail.jsonnet" must be relative to irsa.yaml, with '/' separators`, exact: true, needle: "/etc/mail.jsonnet",
		},
		{
			name: "policy args without jsonnet", old: "description: Read the assets bucket.", pass: "description: ok", fail: "args: {a: b}",
			msg: "args are only for jsonnet policies", exact: true, needle: "{a: b}",
		},
		// ServiceAccounts
		{
			name: "ServiceAccount name", old: "- name: worker", pass: "- name: worker.v2", fail: "- name: Worker",
			msg: `ServiceAccount name "Worker" is invalid: lowercase letters, digits, '-' and '.' (a Kubernetes object name)`, exact: true, needle: "Worker",
		},
		{
			name: "ServiceAccount name length", old: "- name: worker", pass: "- name: " + dotted(253), fail: "- name: " + dotted(254),
			msg: "ServiceAccount name is longer than 253 characters", exact: true, needle: "a.a.a",
		},
		{
			name: "ServiceAccount name missing", old: "  - name: worker\n    namespace: jobs", pass: "  - namespace: jobs\n    name: worker", fail: "  - namespace: jobs",
			msg: "ServiceAccount needs a name", exact: true, needle: "namespace: jobs",
		},
		{
			name: "namespace missing", old: "    namespace: jobs\n", pass: "    namespace: \"no\"\n", fail: "",
			msg: `ServiceAccount "worker" needs a namespace`, exact: true, needle: "name: worker",
		},
		{
			name: "namespace invalid", old: "namespace: jobs", pass: "namespace: " + strings.Repeat("n", 63), fail: "namespace: jobs.batch",
			msg: `namespace "jobs.batch" is invalid: lowercase letters, digits and '-', at most 63`, exact: true, needle: "jobs.batch",
		},
		{
			name: "namespace length", old: "namespace: jobs", pass: "namespace: j0bs", fail: "namespace: " + strings.Repeat("n", 64),
			msg: "is invalid", needle: "nnnn",
		},
		{
			name: "bound twice", old: "- name: worker\n    namespace: jobs", pass: "- name: poc-sa\n    namespace: poc2", fail: "- name: poc-sa\n    namespace: poc",
			msg: `ServiceAccount poc/poc-sa is already bound to cluster "prod-use1" at line LINE`, lineOf: "name: poc-sa", exact: true, needle: "name: poc-sa", nth: 1,
		},
		{
			name: "ServiceAccount account", old: "    account: platform\n    perCluster", pass: "    account: apps\n    perCluster", fail: "    account: platfrom\n    perCluster",
			msg: `account "platfrom" is not defined; did you mean "platform"?`, exact: true, needle: "platfrom",
		},
		{
			name: "roleName", old: "roleName: poc-s3-reader", pass: "roleName: " + strings.Repeat("R", 64), fail: "roleName: poc/s3",
			msg: `roleName "poc/s3" must be 1 to 64 letters, digits or +=,.@_-`, exact: true, needle: "poc/s3",
		},
		{
			name: "roleName length", old: "roleName: poc-s3-reader", pass: "roleName: a+=,.@_-", fail: "roleName: " + strings.Repeat("R", 65),
			msg: "must be 1 to 64", needle: "RRRR",
		},
		{
			name: "roleName with perCluster", old: "clusters: [prod-use1]\n    roleName", pass: "perCluster: true\n    clusters: [prod-use1]\n    roleName", fail: "perCluster: true\n    clusters: [prod-use1, prod-usw2]\n    roleName",
			msg: "roleName names one role, but perCluster makes one role per cluster; remove roleName or perCluster", exact: true, needle: "poc-s3-reader",
		},
		{
			name: "clusters missing", old: "    clusters: [prod-use1]\n", pass: "    clusters: [\"*\"]\n", fail: "",
			msg: `ServiceAccount "poc-sa" needs clusters: a list of cluster names, or ["*"] for all`, exact: true, needle: "name: poc-sa",
		},
		{
			name: "clusters empty", old: "clusters: [prod-use1]", pass: "clusters: [prod-usw2, prod-use1]", fail: "clusters: []",
			msg: "needs clusters", needle: "[]",
		},
		{
			name: "cluster undefined", old: "clusters: [prod-use1]", pass: "clusters: [prod-usw2]", fail: "clusters: [prod-usw2, prod-use2]",
			msg: `cluster "prod-use2" is not defined; did you mean "prod-use1"?`, exact: true, needle: "prod-use2",
		},
		{
			name: "star not alone", old: `clusters: ["*"]`, pass: `clusters: ['*']`, fail: `clusters: [prod-use1, "*"]`,
			msg: `"*" means every cluster and must stand alone in clusters`, exact: true, needle: `"*"`,
		},
		{
			name: "cluster listed twice", old: "clusters: [prod-use1]", pass: "clusters: [prod-use1, prod-usw2]", fail: "clusters: [prod-use1, prod-use1]",
			msg: `"prod-use1" is listed twice in clusters (also at line LINE)`, lineOf: "clusters: [prod-use1, prod-use1]", exact: true, needle: "prod-use1]",
		},
		{
			name: "managed policy ARN", old: "managedPolicies: [AmazonS3ReadOnlyAccess]", pass: "managedPolicies: [arn:aws:iam::111122223333:policy/team/x, service-role/AmazonEC2RoleforSSM]",
			fail: "managedPolicies: [arn:aws:iam::111122223333:role/x]",
			msg:  `managed policy "arn:aws:iam::111122223333:role/x" is not a policy ARN (arn:aws:iam::111122223333:policy/name)`, exact: true,
			needle: "arn:aws:iam::111122223333:role/x",
		},
		{
			name: "managed policy name", old: "managedPolicies: [AmazonS3ReadOnlyAccess]", pass: "managedPolicies: [AmazonS3ReadOnlyAccess, ReadOnlyAccess]", fail: "managedPolicies: [Amazon S3]",
			msg: `managed policy "Amazon S3" is neither a policy ARN nor the name of an AWS-managed policy`, exact: true, needle: "Amazon S3",
		},
		{
			name: "managed policy twice", old: "managedPolicies: [AmazonS3ReadOnlyAccess]", pass: "managedPolicies: [AmazonS3ReadOnlyAccess]", fail: "managedPolicies: [AmazonS3ReadOnlyAccess, AmazonS3ReadOnlyAccess]",
			msg: `"AmazonS3ReadOnlyAccess" is listed twice in managedPolicies`, needle: "AmazonS3ReadOnlyAccess]",
		},
		{
			name: "policy undefined", old: "policies: [s3-read]", pass: "policies: [s3-read, mail]", fail: "policies: [s3-reed]",
			msg: `policy "s3-reed" is not defined; did you mean "s3-read"?`, exact: true, needle: "s3-reed",
		},
		{
			name: "deployment name", old: "deployments: [ubuntu]", pass: "deployments: [ubuntu, web.v2]", fail: "deployments: [ubuntu, Web]",
			msg: `deployment name "Web" is not a Kubernetes object name`, exact: true, needle: "Web]",
		},
		{
			name: "deployment twice", old: "deployments: [ubuntu]", pass: "deployments: [ubuntu]", fail: "deployments: [ubuntu, ubuntu]",
			msg: `"ubuntu" is listed twice in deployments`, needle: "ubuntu]",
		},
		{
			name: "reserved annotation", old: "annotations: {example.com/team: core}", pass: "annotations: {eks.amazonaws.com/other: x}",
			fail: "annotations: {eks.amazonaws.com/role-arn: x}",
			msg:  "annotation eks.amazonaws.com/role-arn is set by irsagen; it is derived from the role", exact: true, needle: "x}",
		},
		{
			name: "annotation key", old: "annotations: {example.com/team: core}", pass: "annotations: {team: core}", fail: "annotations: {'example.com/': core}",
			msg: `annotation key "example.com/" is not a valid Kubernetes key`, exact: true, needle: "core}",
		},
		{
			name: "label key", old: "labels: {team: core}", pass: "labels: {app.kubernetes.io/part-of: core}", fail: "labels: {-team: core}",
			msg: `label key "-team" is not a valid Kubernetes key`, exact: true, needle: "core}\n    tags",
		},
		{
			name: "label value", old: "labels: {team: core}", pass: "labels: {team: ''}", fail: "labels: {team: core!}",
			msg: `label team: value "core!" is not a valid Kubernetes label value`, exact: true, needle: "core!",
		},
		// document.go, in a named policy and in an inline policy
		{
			name: "document element", old: `      Version: "2012-10-17"
      Statement:
        - Sid`, pass: `      Id: x
      Version: "2012-10-17"
      Statement:
        - Sid`, fail: `      version: "2012-10-17"
      Version: "2012-10-17"
      Statement:
        - Sid`,
			msg: `unknown policy element "version"; did you mean "Version"?`, exact: true, needle: `"2012-10-17"`, nth: 0,
		},
		{
			name: "document Version missing", old: "      Version: \"2012-10-17\"\n      Statement:\n        - Sid", pass: "      Version: \"2008-10-17\"\n      Statement:\n        - Sid", fail: "      Statement:\n        - Sid",
			msg: `policy document needs Version: "2012-10-17"`, exact: true, needle: "Statement:\n        - Sid",
		},
		{
			name: "document Version", old: "      Version: \"2012-10-17\"\n      Statement:\n        - Sid", pass: "      Version: 2012-10-17\n      Statement:\n        - Sid", fail: "      Version: 2012-10-18\n      Statement:\n        - Sid",
			msg: `policy Version must be "2012-10-17", not "2012-10-18"`, exact: true, needle: "2012-10-18",
		},
		{
			name: "document Statement missing", old: "    inlinePolicy:\n      Version: \"2012-10-17\"\n      Statement:", pass: "    inlinePolicy:\n      Version: \"2012-10-17\"\n      Statement:", fail: "    inlinePolicy:\n      Version: \"2012-10-17\"\n      Id:",
			msg: "policy document needs a Statement", exact: true, needle: "Version: \"2012-10-17\"\n      Id:",
		},
		{
			name: "document Statement kind", old: "        Effect: Allow\n        NotAction: iam:*\n        NotResource: [\"arn:aws:iam::*:role/admin\"]\n",
			pass: "        - Effect: Allow\n          NotAction: iam:*\n          NotResource: [\"arn:aws:iam::*:role/admin\"]\n", fail: "        allow-all\n",
			msg: "Statement must be a list of statements", exact: true, needle: "allow-all",
		},
		{
			name: "document Statement empty", old: "        Effect: Allow\n        NotAction: iam:*\n        NotResource: [\"arn:aws:iam::*:role/admin\"]\n",
			pass: "        - {Effect: Allow, NotAction: iam:*, Resource: \"*\"}\n", fail: "        []\n",
			msg: "Statement must not be empty", exact: true, needle: "[]\n",
		},
		{
			name: "statement kind", old: "        Effect: Allow\n        NotAction: iam:*\n        NotResource: [\"arn:aws:iam::*:role/admin\"]\n",
			pass: "        - {Effect: Allow, NotAction: iam:*, Resource: \"*\"}\n", fail: "        - {Effect: Allow, NotAction: iam:*, Resource: \"*\"}\n        - allow\n",
			msg: "a statement must be a mapping", exact: true, needle: "allow\n",
		},
		{
			name: "statement Principal", old: "          Effect: Allow\n          Action: [s3:GetObject]", pass: "          Effect: Allow\n          Action: [s3:GetObject]", fail: "          Effect: Allow\n          Principal: '*'\n          Action: [s3:GetObject]",
			msg: "Principal does not belong in a permissions policy; irsagen writes the trust policy itself", exact: true, needle: "'*'",
		},
		{
			name: "statement element", old: "          Effect: Allow\n          Action: [s3:GetObject]", pass: "          Effect: Allow\n          Action: [s3:GetObject]", fail: "          Effect: Allow\n          Actions: [s3:GetObject]\n          Action: [s3:GetObject]",
			msg: `unknown statement element "Actions"; did you mean "Action"?`, exact: true, needle: "[s3:GetObject]",
		},
		{
			name: "statement Sid", old: "- Sid: ReadAssets", pass: "- Sid: Read1", fail: "- Sid: Read-Assets",
			msg: "Sid must hold letters and digits only", exact: true, needle: "Read-Assets",
		},
		{
			name: "statement Effect", old: "          Effect: Allow\n          Action: [s3", pass: "          Effect: Deny\n          Action: [s3", fail: "          Effect: allow\n          Action: [s3",
			msg: `Effect must be Allow or Deny, not "allow"`, exact: true, needle: "allow\n",
		},
		{
			name: "statement Effect missing", old: "        Effect: Allow\n        NotAction", pass: "        Effect: Deny\n        NotAction", fail: "        NotAction",
			msg: "statement needs Effect: Allow or Deny", exact: true, needle: "NotAction: iam",
		},
		{
			name: "statement Action and NotAction", old: "NotAction: iam:*", pass: "Action: iam:*", fail: "Action: s3:*\n        NotAction: iam:*",
			msg: "a statement takes Action or NotAction, not both", exact: true, needle: "iam:*",
		},
		{
			name: "statement Resource missing", old: `          Resource: "arn:aws:s3:::assets/*"`, pass: `          NotResource: "arn:aws:s3:::assets/*"`, fail: "",
			msg: "statement needs Resource (or NotResource)", exact: true, needle: "Sid: ReadAssets",
		},
		{
			name: "statement Action kind", old: "Action: [s3:GetObject]", pass: "Action: s3:GetObject", fail: "Action: [s3:GetObject, {a: b}]",
			msg: "Action must be a string or a list of strings", exact: true, needle: "[s3:GetObject, {a: b}]",
		},
		{
			name: "statement Resource empty list", old: `Resource: "arn:aws:s3:::assets/*"`, pass: `Resource: ["arn:aws:s3:::assets/*", "*"]`, fail: `Resource: []`,
			msg: "Resource must be a string or a list of strings", exact: true, needle: "[]",
		},
		{
			name: "Condition kind", old: "StringEquals: {aws:RequestedRegion: us-east-1}", pass: "StringEquals: {aws:RequestedRegion: [us-east-1, 12]}", fail: "StringEquals: [aws:RequestedRegion]",
			msg: "condition operator StringEquals must map condition keys to values", exact: true, needle: "[aws:RequestedRegion]",
		},
		{
			name: "Condition not a mapping", old: "          Condition:\n            StringEquals: {aws:RequestedRegion: us-east-1}", pass: "          Condition: {Bool: {aws:SecureTransport: true}}", fail: "          Condition: [x]",
			msg: "Condition must map operators to {key: values}", exact: true, needle: "[x]",
		},
		{
			name: "Condition values", old: "StringEquals: {aws:RequestedRegion: us-east-1}", pass: "StringEquals: {aws:RequestedRegion: [us-east-1, true]}", fail: "StringEquals: {aws:RequestedRegion: [us-east-1, [x]]}",
			msg: "condition values must be strings", exact: true, needle: "[us-east-1, [x]]",
		},
		{
			name: "Condition value mapping", old: "StringEquals: {aws:RequestedRegion: us-east-1}", pass: "StringEquals: {aws:RequestedRegion: us-east-1}", fail: "StringEquals: {aws:RequestedRegion: {a: b}}",
			msg: "condition values must be strings", exact: true, needle: "{a: b}",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n := strings.Count(validBase, tt.old); n != 1 {
				t.Fatalf("old text occurs %d times in validBase, want once: %q", n, tt.old)
			}
			passing := strings.Replace(validBase, tt.old, tt.pass, 1)
			if _, l := load(t, passing); len(l) != 0 {
				t.Errorf("the passing variant fails:\n%s", dump(l))
			}
			failing := strings.Replace(validBase, tt.old, tt.fail, 1)
			if tt.lineOf != "" {
				tt.msg = strings.Replace(tt.msg, "LINE", fmt.Sprint(at(t, failing, tt.lineOf, 0).Line), 1)
			}
			_, l := load(t, failing)
			d, ok := find(l, tt.msg)
			if !ok {
				t.Fatalf("want a diagnostic containing %q, got:\n%s", tt.msg, dump(l))
			}
			if len(l) != 1 {
				t.Errorf("want only that diagnostic, got:\n%s", dump(l))
			}
			want := at(t, failing, tt.needle, tt.nth)
			if d.File != testFile || d.Pos != want {
				t.Errorf("%q reported at %s:%s, want %s:%s", d.Message, d.File, d.Pos, testFile, want)
			}
			if tt.exact {
				if got, w := d.String(), fmt.Sprintf("%s:%d:%d: %s", testFile, want.Line, want.Col, tt.msg); got != w {
					t.Errorf("got  %s\nwant %s", got, w)
				}
			}
		})
	}
}

// TestValidateTwoPlaces checks messages that name the first definition of something defined
// twice.
func TestValidateTwoPlaces(t *testing.T) {
	src := strings.Replace(validBase, "https://oidc.eks.us-west-2.amazonaws.com/id/BBBB1111", "https://oidc.eks.us-east-1.amazonaws.com/id/AAAA0000", 1)
	_, l := load(t, src)
	first := at(t, src, "name: prod-use1", 0)
	second := at(t, src, "https://oidc.eks.us-east-1", 1)
	want := fmt.Sprintf(`irsa.yaml:%d:%d: clusters "prod-use1" (line %d) and "prod-usw2" have the same oidcIssuer; each EKS cluster has its own`,
		second.Line, second.Col, first.Line)
	if len(l) != 2 {
		t.Fatalf("want the shared issuer and the region mismatch, got:\n%s", dump(l))
	}
	if _, ok := find(l, "is in region us-east-1 but cluster \"prod-usw2\""); !ok {
		t.Errorf("missing the region mismatch:\n%s", dump(l))
	}
	if d, ok := find(l, "same oidcIssuer"); !ok || d.String() != want {
		t.Errorf("got:\n%s\nwant %s", dump(l), want)
	}
}

// TestValidateReportsEverything checks that independent problems are all reported, in order.
func TestValidateReportsEverything(t *testing.T) {
	src := strings.NewReplacer(
		"kind: Config", "kind: Konfig",
		`id: "444455556666"`, `id: "4444"`,
		"oidcProvider: create", "oidcProvider: maybe",
		"policies: [s3-read]", "policies: [nope]",
	).Replace(validBase)
	_, l := load(t, src)
	if len(l) != 4 {
		t.Fatalf("want 4 diagnostics, got:\n%s", dump(l))
	}
	for i := 1; i < len(l); i++ {
		if !l[i-1].Pos.Before(l[i].Pos) {
			t.Errorf("diagnostics out of order:\n%s", dump(l))
		}
	}
}

// TestValidateNoAccountsOrClusters checks the top-level rules that need at least one of each.
func TestValidateNoAccountsOrClusters(t *testing.T) {
	src := "apiVersion: irsagen/v1\nkind: Config\naccounts: []\n"
	_, l := load(t, src)
	want := []string{
		"irsa.yaml:1:1: at least one cluster is needed under clusters",
		"irsa.yaml:3:11: at least one account is needed under accounts",
	}
	if len(l) != len(want) {
		t.Fatalf("got:\n%s", dump(l))
	}
	for i, w := range want {
		if l[i].String() != w {
			t.Errorf("got  %s\nwant %s", l[i], w)
		}
	}
}

// tags is n distinct tags in flow style.
func tags(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("t%02d: v", i)
	}
	return strings.Join(parts, ", ")
}

// dotted is a valid Kubernetes object name of exactly n characters.
func dotted(n int) string {
	s := strings.Repeat("a.", n/2)
	if n%2 == 1 {
		return s + "a"
	}
	return s[:len(s)-1] + "b"
}

// A cluster whose name is refused is still defined: the ServiceAccounts that name it get no
// second, false error.
func TestInvalidClusterNameIsOneError(t *testing.T) {
	long := strings.Repeat("a", 101)
	cfg := strings.ReplaceAll(validBase, "prod-use1", long)
	_, l := load(t, cfg)
	if len(l) != 1 || !strings.Contains(l[0].Message, "cluster name \""+long+"\" is invalid") {
		t.Fatalf("want one diagnostic, the cluster's name, got:\n%s", dump(l))
	}
}
