package render_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/irsagen/irsagen/generator"
	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/output"
	"github.com/irsagen/irsagen/generator/overlay"
)

// fleet exercises every list irsa.yaml has and most features: several accounts and partitions,
// shared, per-cluster and cross-account roles, an existing provider, named, managed and inline
// policies, defaults and overrides, audiences, kustomize bases and spread role stacks.
const fleet = `apiVersion: irsagen/v1
kind: Config
output:
  stackPrefix: irsa
accounts:
  - name: platform
    id: "111122223333"
    region: us-east-1
    roleStacks: 3
  - name: apps
    id: "444455556666"
    region: us-west-2
  - name: china
    id: "777788889999"
    region: cn-north-1
  - name: gov
    id: 012345678901
    region: us-gov-west-1
clusters:
  - name: prod-use1
    account: platform
    region: us-east-1
    oidcIssuer: https://oidc.eks.us-east-1.amazonaws.com/id/AAAA0000
    thumbprints: [9e99a48a9960b14926bb7f3b02e22da2b0ab7280, 06b25927c42a721631c1efd9431e648fa62e1e39, aaaa48a9960b14926bb7f3b02e22da2b0ab72800]
    kustomize:
      resources: [apps/prod, apps/shared, apps/monitoring]
  - name: prod-use2
    account: platform
    region: us-east-2
    oidcIssuer: https://oidc.eks.us-east-2.amazonaws.com/id/BBBB1111
    identity: both
  - name: apps-usw2
    account: apps
    region: us-west-2
    oidcIssuer: https://oidc.eks.us-west-2.amazonaws.com/id/CCCC2222
    oidcProvider: existing
    kustomize:
      resources: [apps/web, apps/api]
  - name: cn-bj
    account: china
    region: cn-north-1
    oidcIssuer: https://oidc.eks.cn-north-1.amazonaws.com.cn/id/DDDD3333
  - name: gov-w1
    account: gov
    region: us-gov-west-1
    oidcIssuer: https://oidc.eks.us-gov-west-1.amazonaws.com/id/EEEE4444
defaults:
  rolePath: /irsa/
  maxSessionDuration: 3600
  tags: {Owner: platform, CostCenter: "0042", env: prod}
  stsRegionalEndpoints: true
policies:
  - name: s3-read
    description: Read the assets bucket.
    document:
      Version: "2012-10-17"
      Statement:
        - Sid: Read
          Effect: Allow
          Action: [s3:ListBucket, s3:GetObject]
          Resource: [arn:aws:s3:::assets, arn:aws:s3:::assets/*]
          Condition:
            StringEquals: {aws:PrincipalAccount: 111122223333, s3:prefix: [b, a, c]}
  - name: sqs-send
    document:
      Version: "2012-10-17"
      Statement: [{Effect: Allow, Action: sqs:SendMessage, Resource: "*"}, {Effect: Deny, Action: sqs:Delete*, Resource: "*"}]
  - name: kms-use
    document:
      Version: "2012-10-17"
      Statement: [{Effect: Allow, Action: [kms:Decrypt, kms:Encrypt], Resource: "*"}]
serviceAccounts:
  - name: poc-sa
    namespace: poc
    clusters: [prod-use1, prod-use2]
    managedPolicies: [AmazonS3ReadOnlyAccess, arn:aws:iam::111122223333:policy/custom, AmazonSQSReadOnlyAccess]
    policies: [s3-read, sqs-send, kms-use]
    deployments: [ubuntu, web, worker]
    annotations: {example.com/b: "2", example.com/a: "1"}
    labels: {team: core, app: poc}
  - name: agent
    namespace: kube-system
    clusters: ["*"]
    managedPolicies: [ReadOnlyAccess]
  - name: worker
    namespace: jobs
    clusters: [prod-use2, prod-use1, apps-usw2]
    perCluster: true
    policies: [sqs-send, kms-use]
    deployments: [consumer, producer]
    tags: {env: Staging, Team: jobs}
  - name: reader
    namespace: data
    clusters: [prod-use2, prod-use1]
    account: apps
    audience: vault
    tokenExpiration: 3600
    policies: [s3-read]
    inlinePolicy:
      Version: "2012-10-17"
      Statement:
        - {Effect: Allow, Action: [dynamodb:Query, dynamodb:GetItem], Resource: "*"}
        - {Effect: Deny, NotAction: [dynamodb:*, s3:*], Resource: "*"}
  - name: yes
    namespace: no
    clusters: [cn-bj, gov-w1]
    roleName: on
    managedPolicies: [AmazonS3ReadOnlyAccess]
    deployments: ["012345678901", 1e3]
  - name: web
    namespace: web
    clusters: [apps-usw2]
    deployments: [frontend, backend]
    rolePath: /web/
    maxSessionDuration: 7200
  - name: monitor
    namespace: monitoring
    clusters: [prod-use1]
    deployments: [prometheus]
    stsRegionalEndpoints: false
  - name: exporter
    namespace: reports
    clusters: [prod-use2, prod-use1, apps-usw2]
    account: apps
    identity: podIdentity
  - name: shipper
    namespace: audit
    clusters: [prod-use1, prod-use2]
    identity: both
    podIdentity:
      disableSessionTags: true
      sessionPolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: [logs:PutLogEvents, logs:CreateLogStream], Resource: "*"}]}
`

// listPaths are the lists of config items and names whose order must not matter. Lists inside
// policy documents are not among them: they are written out as given.
var listPaths = map[string]bool{
	"accounts": true, "clusters": true, "policies": true, "serviceAccounts": true,
	"serviceAccounts[].clusters": true, "serviceAccounts[].managedPolicies": true,
	"serviceAccounts[].policies": true, "serviceAccounts[].deployments": true,
	"clusters[].kustomize.resources": true, "clusters[].thumbprints": true,
}

// documentPaths hold free-form data whose mappings are left alone too.
var documentPaths = regexp.MustCompile(`(^|\.)(document|inlinePolicy|args|sessionPolicy)(\.|$)`)

// shuffle returns src with every list of listPaths, and the keys of every config mapping, in an
// order drawn from seed.
func shuffle(t *testing.T, src string, seed uint64) string {
	t.Helper()
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(src), &root); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode:
			walk(n.Content[0], "")
		case yaml.SequenceNode:
			if listPaths[path] {
				rng.Shuffle(len(n.Content), func(i, j int) { n.Content[i], n.Content[j] = n.Content[j], n.Content[i] })
			}
			for _, item := range n.Content {
				walk(item, path+"[]")
			}
		case yaml.MappingNode:
			if documentPaths.MatchString(path) {
				return
			}
			pairs := len(n.Content) / 2
			rng.Shuffle(pairs, func(i, j int) {
				n.Content[2*i], n.Content[2*j] = n.Content[2*j], n.Content[2*i]
				n.Content[2*i+1], n.Content[2*j+1] = n.Content[2*j+1], n.Content[2*i+1]
			})
			for i := 0; i+1 < len(n.Content); i += 2 {
				sub := n.Content[i].Value
				if path != "" {
					sub = path + "." + sub
				}
				walk(n.Content[i+1], sub)
			}
		}
	}
	walk(&root, "")
	out, err := yaml.Marshal(&root)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// fleetAppBases are the app bases that fleet's clusters list, each with the Deployments (by
// namespace) that fleet's ServiceAccounts claim in those clusters: generate checks them.
var fleetAppBases = map[string]map[string][]string{
	"apps/prod":       {"poc": {"ubuntu", "web", "worker"}},
	"apps/shared":     {"jobs": {"consumer", "producer"}},
	"apps/monitoring": {"monitoring": {"prometheus"}},
	"apps/web":        {"web": {"frontend", "backend"}},
	"apps/api":        {"jobs": {"consumer", "producer"}},
}

func writeAppBases(t *testing.T, dir string) {
	t.Helper()
	for base, namespaces := range fleetAppBases {
		var docs [][]byte
		for ns, names := range namespaces {
			for _, name := range names {
				docs = append(docs, overlay.Deployment(ns, name))
			}
		}
		files := map[string][]byte{
			"kustomization.yaml": []byte("resources: [deployments.yaml]\n"),
			"deployments.yaml":   bytes.Join(docs, []byte("---\n")),
		}
		for name, data := range files {
			p := filepath.Join(dir, filepath.FromSlash(base), name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// generate writes src as irsa.yaml in a fresh directory and renders it.
func generate(t *testing.T, src string) []output.File {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "irsa.yaml")
	if err := os.WriteFile(cfg, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	writeAppBases(t, dir)
	res, err := generator.Generate(generator.Options{ConfigPath: cfg, OutDir: filepath.Join(dir, "out")})
	if err != nil {
		t.Fatalf("generate:\n%v\nconfig:\n%s", err, src)
	}
	return res.Files
}

func sameFiles(t *testing.T, what string, want, got []output.File) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%s: %d files, want %d", what, len(got), len(want))
	}
	for i := range want {
		if want[i].Path != got[i].Path {
			t.Fatalf("%s: file %d is %s, want %s", what, i, got[i].Path, want[i].Path)
		}
		if !bytes.Equal(want[i].Data, got[i].Data) {
			t.Errorf("%s: %s differs:\n--- want\n%s\n--- got\n%s", what, want[i].Path, want[i].Data, got[i].Data)
		}
	}
}

// TestShuffledListsSameBytes checks SPEC §4: the order of irsa.yaml's lists never changes the
// output.
func TestShuffledListsSameBytes(t *testing.T) {
	want := generate(t, fleet)
	if len(want) < 20 {
		t.Fatalf("the fleet renders only %d files; it is meant to be non-trivial", len(want))
	}
	for seed := uint64(1); seed <= 8; seed++ {
		shuffled := shuffle(t, fleet, seed)
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			sameFiles(t, "shuffled", want, generate(t, shuffled))
		})
	}
}

// TestShuffleShuffles makes sure the shuffle above changes the order of every list it should, and
// leaves policy documents as they are.
func TestShuffleShuffles(t *testing.T) {
	orig := parse(t, fleet)
	moved := map[string]bool{}
	for seed := uint64(1); seed <= 8; seed++ {
		got := parse(t, shuffle(t, fleet, seed))
		for path, list := range lists(orig) {
			if fmt.Sprint(lists(got)[path]) != fmt.Sprint(list) {
				moved[path] = true
			}
		}
		docs := func(c *config.Config) map[string]any {
			m := map[string]any{}
			for _, p := range c.Policies {
				m[p.Name] = map[string]any(p.Document)
			}
			for _, sa := range c.ServiceAccounts {
				m[sa.Name] = map[string]any(sa.InlinePolicy)
			}
			return m
		}
		if !reflect.DeepEqual(docs(orig), docs(got)) {
			t.Errorf("seed %d changed a policy document", seed)
		}
	}
	for path, list := range lists(orig) {
		if len(list) > 1 && !moved[path] {
			t.Errorf("the shuffle never reorders %s %v", path, list)
		}
	}
}

func parse(t *testing.T, src string) *config.Config {
	t.Helper()
	c, err := config.Parse("irsa.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// lists returns every list of listPaths in c, by a path that names its owner.
func lists(c *config.Config) map[string][]string {
	out := map[string][]string{}
	for _, a := range c.Accounts {
		out["accounts"] = append(out["accounts"], a.Name)
	}
	for _, cl := range c.Clusters {
		out["clusters"] = append(out["clusters"], cl.Name)
		out[cl.Name+".thumbprints"] = cl.Thumbprints
		out[cl.Name+".kustomize.resources"] = cl.Kustomize.Resources
	}
	for _, p := range c.Policies {
		out["policies"] = append(out["policies"], p.Name)
	}
	for _, sa := range c.ServiceAccounts {
		out["serviceAccounts"] = append(out["serviceAccounts"], sa.Name)
		out[sa.Name+".clusters"] = sa.Clusters
		out[sa.Name+".managedPolicies"] = sa.ManagedPolicies
		out[sa.Name+".policies"] = sa.Policies
		out[sa.Name+".deployments"] = sa.Deployments
	}
	return out
}

// digest is one line per file: its path and the SHA-256 of its bytes.
func digest(files []output.File) string {
	var b strings.Builder
	for _, f := range files {
		sum := sha256.Sum256(f.Data)
		fmt.Fprintf(&b, "%s %s\n", hex.EncodeToString(sum[:]), f.Path)
	}
	return b.String()
}

const helperEnv = "IRSAGEN_TEST_RENDER_DIGEST"

// TestRenderDigestHelper is not a test of its own: TestEnvironmentSameBytes runs the test binary
// again with this test selected and another time zone and locale, and reads its output.
func TestRenderDigestHelper(t *testing.T) {
	if os.Getenv(helperEnv) == "" {
		t.Skip("run by TestEnvironmentSameBytes")
	}
	fmt.Print("DIGEST-BEGIN\n" + digest(generate(t, fleet)) + "DIGEST-END\n")
}

var digestBlock = regexp.MustCompile(`(?s)DIGEST-BEGIN\n(.*)DIGEST-END\n`)

// TestEnvironmentSameBytes checks SPEC §4: the time zone, the locale and the like do not reach
// the output. Each environment runs in a fresh process, since Go reads TZ once at start.
func TestEnvironmentSameBytes(t *testing.T) {
	want := digest(generate(t, fleet))
	envs := [][]string{
		{"TZ=UTC", "LANG=C", "LC_ALL=C"},
		{"TZ=Pacific/Chatham", "LANG=tr_TR.UTF-8", "LC_ALL=tr_TR.UTF-8"},
		{"TZ=America/St_Johns", "LANG=de_DE.ISO-8859-1", "LC_ALL=de_DE.ISO-8859-1", "LC_NUMERIC=fr_FR.UTF-8", "LC_COLLATE=sv_SE.UTF-8"},
		{"TZ=Asia/Kathmandu", "LANG=ja_JP.eucJP", "LANGUAGE=ja", "HOME=/nonexistent", "USER=nobody", "PWD=/"},
	}
	for _, env := range envs {
		t.Run(env[0], func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestRenderDigestHelper$", "-test.count=1")
			cmd.Env = append(filterEnv(os.Environ()), append(env, helperEnv+"=1")...)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("helper: %v\n%s", err, out)
			}
			m := digestBlock.FindSubmatch(out)
			if m == nil {
				t.Fatalf("helper printed no digest:\n%s", out)
			}
			if got := string(m[1]); got != want {
				t.Errorf("output under %v differs:\n--- want\n%s--- got\n%s", env, want, got)
			}
		})
	}
	// And in this process, for whatever reads the environment lazily.
	for _, kv := range envs[1] {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	if got := digest(generate(t, fleet)); got != want {
		t.Errorf("output after changing the environment in-process differs:\n--- want\n%s--- got\n%s", want, got)
	}
}

func filterEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "TZ" || k == "LANG" || k == "LANGUAGE" || strings.HasPrefix(k, "LC_"):
		default:
			out = append(out, kv)
		}
	}
	return out
}

// TestRepeatedRunsSameBytes renders one config many times in one process: nothing may depend on
// map iteration order.
func TestRepeatedRunsSameBytes(t *testing.T) {
	want := generate(t, fleet)
	for i := 0; i < 20; i++ {
		sameFiles(t, fmt.Sprint("run ", i), want, generate(t, fleet))
	}
}
