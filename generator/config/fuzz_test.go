package config_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/diag"
	"github.com/irsagen/irsagen/generator/jsonnet"
	"github.com/irsagen/irsagen/generator/lint"
	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/generator/render"
	"github.com/irsagen/irsagen/generator/trust"
)

// maxFuzzTime bounds one input, from bytes to checked trust policies. Real configs take
// milliseconds; the bound is loose so that a slow CI machine running the instrumented fuzzer
// does not fail, and tight enough to catch anything exponential. An input that renders Jsonnet
// also gets the evaluator's own deadline, which bounds a template however its arguments are
// mutated.
const maxFuzzTime = 2 * time.Second

// FuzzLoad feeds arbitrary bytes to the loader and, when they are accepted, to the rest of the
// pipeline up to the trust policies. It asserts that nothing panics, that each input finishes
// in bounded time, that a rejection is a positioned diagnostic list, and that every config the
// loader and validator accept yields roles whose rendered trust policies obey every rule of
// trust.Audit: no config can talk irsagen into a trust policy that admits more than one
// ServiceAccount.
//
// Seeds are in testdata/fuzz/FuzzLoad (alias bombs, deep nesting, huge numbers, YAML 1.1
// booleans, leading-zero ids) and below. Run it with `make fuzz`.
func FuzzLoad(f *testing.F) {
	for _, seed := range seeds {
		f.Add([]byte(seed))
	}
	// Templates named by jsonnet: are read from this empty directory, so an input can reach
	// nothing else on disk; wellKnown add-ons come from the embedded library.
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		templates := checkPipeline(t, dir, data)
		limit := maxFuzzTime
		if templates {
			limit += jsonnet.DefaultTimeout
		}
		if d := time.Since(start); d > limit {
			t.Fatalf("one input took %v (over %v); %d bytes", d, limit, len(data))
		}
	})
}

// checkPipeline runs data through the pipeline and reports whether it got as far as rendering
// policy templates.
func checkPipeline(t *testing.T, dir string, data []byte) (templates bool) {
	cfg, err := config.Parse("irsa.yaml", data)
	if err != nil {
		mustBeDiagnostics(t, err)
		mustBeInFile(t, err, data)
		return false
	}
	if cfg == nil {
		t.Fatal("Parse returned neither a config nor an error")
	}
	file := &config.File{Path: "irsa.yaml", Dir: dir, Config: cfg}
	if err := config.Validate(file); err != nil {
		mustBeDiagnostics(t, err)
		return false
	}
	if err := lint.CheckAccepts(file); err != nil {
		mustBeDiagnostics(t, err)
		return false
	}
	templates = usesTemplates(cfg)
	p, err := plan.Build(file, ".")
	if err != nil {
		mustBeDiagnostics(t, err)
		return templates
	}
	lint.Run(file, p)
	for _, r := range p.Roles {
		doc := render.TrustPolicy(r)
		// Check what IAM receives: the policy after a JSON round trip.
		raw, err := json.Marshal(doc)
		if err != nil {
			t.Fatalf("role %s: trust policy does not marshal: %v", r.Name, err)
		}
		var decoded any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&decoded); err != nil {
			t.Fatalf("role %s: %v", r.Name, err)
		}
		if findings := trust.Audit(decoded); len(findings) > 0 {
			var msgs []string
			for _, f := range findings {
				msgs = append(msgs, f.String())
			}
			t.Fatalf("accepted config yields role %s whose trust policy breaks the rules:\n%s\npolicy: %s\nconfig:\n%s",
				r.Name, strings.Join(msgs, "\n"), raw, data)
		}
		// And it admits its own ServiceAccount from every cluster it names.
		for _, ts := range r.Trust {
			res, err := trust.Evaluate(decoded, trust.WebIdentityRequest(ts.Provider.ARN, ts.Subject, ts.Audience))
			if err != nil || res.Decision != trust.Allow {
				t.Fatalf("role %s does not admit %s from cluster %s: %v %v", r.Name, ts.Subject, ts.Cluster.Name, err, res)
			}
		}
	}
	render.Render(p)
	return templates
}

func usesTemplates(cfg *config.Config) bool {
	for _, p := range cfg.Policies {
		if p.Jsonnet != "" {
			return true
		}
	}
	for _, sa := range cfg.ServiceAccounts {
		if len(sa.WellKnown) > 0 {
			return true
		}
	}
	return false
}

// mustBeDiagnostics fails unless err is a non-empty diag.List whose entries name the file and
// have a message: a rejection must always tell the user where and why.
func mustBeDiagnostics(t *testing.T, err error) {
	t.Helper()
	l, ok := asList(err)
	if !ok {
		t.Fatalf("error is a %T, not a diag.List: %v", err, err)
	}
	if len(l) == 0 {
		t.Fatal("an empty diag.List was returned as an error")
	}
	for _, d := range l {
		if d.File != "irsa.yaml" || d.Message == "" {
			t.Fatalf("diagnostic without file or message: %#v", d)
		}
	}
}

// mustBeInFile fails unless every diagnostic names a line of data and a column of that line: a
// syntax error must point at the problem, not before the start of the file or past its end.
// Lines end where yaml.v3 ends them: at "\n", "\r\n" and a lone "\r", and also at U+0085, U+2028
// and U+2029; in a file with those or with bytes that are not UTF-8, only the start is checked.
func mustBeInFile(t *testing.T, err error, data []byte) {
	t.Helper()
	text := strings.ReplaceAll(strings.ReplaceAll(string(data), "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(text, "\n")
	exact := utf8.ValidString(text) && !strings.ContainsAny(text, "\u0085\u2028\u2029")
	l, _ := asList(err)
	for _, d := range l {
		if d.Pos.Line < 1 || d.Pos.Col < 1 ||
			exact && (d.Pos.Line > len(lines) || d.Pos.Col > utf8.RuneCountInString(lines[d.Pos.Line-1])+1) {
			t.Fatalf("%s is outside the file's %d lines:\n%q", d, len(lines), data)
		}
	}
}

func asList(err error) (diag.List, bool) {
	var l diag.List
	ok := errors.As(err, &l)
	return l, ok
}

// seeds are configs that pass, so that the fuzzer starts from inputs that reach every stage;
// the hostile inputs are files in testdata/fuzz/FuzzLoad.
var seeds = []string{
	`apiVersion: irsagen/v1
kind: Config
accounts:
  - {name: platform, id: "111122223333", region: us-east-1}
clusters:
  - name: prod-use1
    account: platform
    region: us-east-1
    oidcIssuer: https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF
serviceAccounts:
  - name: poc-sa
    namespace: poc
    clusters: [prod-use1]
    managedPolicies: [AmazonS3ReadOnlyAccess]
    deployments: [ubuntu]
`,
	`apiVersion: irsagen/v1
kind: Config
output: {stackPrefix: irsa}
accounts:
  - {name: platform, id: "111122223333", region: us-east-1, roleStacks: 3}
  - {name: network, id: "123456789012", region: us-east-1}
  - {name: china, id: "210987654321", region: cn-north-1}
clusters:
  - {name: prod, account: platform, region: us-east-1, oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/AAAABBBBCCCCDDDDEEEEFFFF00001111"}
  - {name: west, account: platform, region: us-west-2, oidcIssuer: "https://oidc.eks.us-west-2.amazonaws.com/id/AAAABBBBCCCCDDDDEEEEFFFF00002222", oidcProvider: existing}
  - {name: cn, account: china, region: cn-north-1, oidcIssuer: "https://oidc.eks.cn-north-1.amazonaws.com.cn/id/AAAABBBBCCCCDDDDEEEEFFFF00003333"}
defaults:
  rolePath: /irsa/
  permissionsBoundary: irsa-boundary
  tags: {owner: platform}
  stsRegionalEndpoints: true
policies:
  - name: read
    document:
      Version: "2012-10-17"
      Statement:
        - {Effect: Allow, Action: [s3:GetObject], Resource: ["arn:aws:s3:::assets/*"]}
    accept: [{rule: arn-partition, reason: only used in aws}]
serviceAccounts:
  - {name: api, namespace: web, clusters: [prod, west], policies: [read], deployments: [api]}
  - {name: dns, namespace: external-dns, clusters: [prod, west], account: network, audience: dns.example.com}
  - {name: agent, namespace: kube-system, clusters: ["*"], perCluster: true, tokenExpiration: 3600,
     inlinePolicy: {Version: "2012-10-17", Statement: {Effect: Allow, Action: "*", Resource: "*"}},
     accept: [{rule: allow-all, reason: node agent}]}
`,
	`apiVersion: irsagen/v1
kind: Config
accounts:
  - {name: platform, id: "111122223333", region: us-east-1}
  - {name: china, id: "210987654321", region: cn-north-1}
clusters:
  - {name: prod, account: platform, region: us-east-1, oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/AAAABBBBCCCCDDDDEEEEFFFF00001111"}
  - {name: cn, account: china, region: cn-north-1, oidcIssuer: "https://oidc.eks.cn-north-1.amazonaws.com.cn/id/AAAABBBBCCCCDDDDEEEEFFFF00003333"}
serviceAccounts:
  - name: external-dns
    namespace: kube-system
    clusters: ["*"]
    wellKnown:
      - {name: external-dns, args: {hostedZones: [Z0123456789ABC]}}
      - {name: ebs-csi-driver, args: {kmsKeyArns: ["arn:aws:kms:us-east-1:111122223333:key/k"]}}
    accept: [{rule: arn-partition, reason: fuzz seed}]
`,
}

// TestFuzzRegressions pins what FuzzLoad found: each input was accepted by Validate and yielded
// a role whose trust policy breaks the trust rules; each is now a positioned config error.
func TestFuzzRegressions(t *testing.T) {
	const issuerMsg = "must be https://<DNS name>/<path> with path segments of letters, digits and ._~- only; no wildcards, escapes or colons"
	tests := []struct{ issuer, want string }{
		// A wildcard in the issuer became a wildcard in Principal.Federated (trust-principal-wildcard).
		{"https://oidc.eks.us-east-1.amazonaws.com/id/*", issuerMsg},
		{"https://oidc.eks.us-east-1.amazonaws.com/id/A?B", "without port, query, fragment"},
		// A colon split the condition key "<issuer>:sub" in the wrong place (trust-provider-arn).
		{"https://example.com/a:b", issuerMsg},
		// An escape or an underscore is not part of a provider ARN IAM accepts (trust-provider-arn).
		{"https://example.com/a%20b", issuerMsg},
		{"https://exa_mple.com/a", issuerMsg},
		// url.Parse lowercases the scheme, but the issuer's host and path are what remains after
		// "https://" (trust-provider-arn).
		{"HTTPS://oidc.eks.us-east-1.amazonaws.com/id/AAAA", issuerMsg},
	}
	for _, tt := range tests {
		src := `apiVersion: irsagen/v1
kind: Config
accounts: [{name: platform, id: "111122223333", region: us-east-1}]
clusters: [{name: prod, account: platform, region: us-east-1, oidcIssuer: "` + tt.issuer + `"}]
serviceAccounts: [{name: app, namespace: web, clusters: [prod]}]
`
		cfg, err := config.Parse("irsa.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		err = config.Validate(&config.File{Path: "irsa.yaml", Config: cfg})
		l, _ := asList(err)
		if len(l) != 1 || !strings.Contains(l[0].Message, tt.want) || l[0].Pos.Line != 4 {
			t.Errorf("%s: got %v, want one error at line 4 containing %q", tt.issuer, err, tt.want)
		}
		checkPipeline(t, t.TempDir(), []byte(src))
	}
}

// TestRefusalSeeds checks that the corpus entries made for the loader's refusals are refused for
// the reason each was made for, so that the fuzzer starts from every one of them.
func TestRefusalSeeds(t *testing.T) {
	for file, want := range map[string]string{
		"document-end-in-the-middle": `7:1: a line "..." ends the YAML document`,
		"second-document":            `11:1: a line "---" starts a second YAML document`,
		"custom-tag":                 "11:22: YAML tag !custom is not supported",
		"tag-directive":              "13:15: YAML tag tag:example.com,2000:aud is not supported",
		"binary-tag":                 "11:15: YAML tag !!binary is not supported",
		"audience-policy-variable":   `11:15: audience "sts.${aws:username}" contains "${"`,
		"audience-control-character": "11:15: audience \"sts.amazonaws.com\\x00\" contains the control character U+0000",
		"boundary-wildcard":          `7:33: permissionsBoundary "arn:aws:iam::111122223333:policy/*/b" contains a wildcard`,
		"managed-policy-dotdot":      `11:23: managed policy "arn:aws:iam::aws:policy/../AdministratorAccess" has the path segment ".."`,
		"condition-key-case":         `11:162: condition keys "aws:SourceVpc" and "aws:sourcevpc" differ only in case`,
		"tab-indentation":            "9:1: invalid YAML: found a tab character that violates indentation; indent with spaces, not tabs",
		"misindented-item":           "11:4: invalid YAML: did not find expected '-' indicator",
	} {
		raw, err := os.ReadFile(filepath.Join("testdata/fuzz/FuzzLoad", file))
		if err != nil {
			t.Fatal(err)
		}
		_, lit, _ := strings.Cut(string(raw), "[]byte(")
		data, err := strconv.Unquote(strings.TrimSuffix(strings.TrimSpace(lit), ")"))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		cfg, err := config.Parse("irsa.yaml", []byte(data))
		if err == nil {
			err = config.Validate(&config.File{Path: "irsa.yaml", Config: cfg})
		}
		l, _ := asList(err)
		if len(l) != 1 || !strings.HasPrefix(l[0].Pos.String()+": "+l[0].Message, want) {
			t.Errorf("%s: got %v, want %s…", file, err, want)
		}
	}
}
