package templates_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"testing"

	gojsonnet "github.com/google/go-jsonnet"
	"github.com/google/go-jsonnet/ast"
	"github.com/sebdah/goldie/v2"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/jsonnet"
	"github.com/irsagen/irsagen/templates"
)

// managedPolicyQuota is IAM's limit on a managed policy document, in characters without white
// space. Library policies are attached as managed policies, so each must fit on its own.
const managedPolicyQuota = 6144

// clusterRegion is where the clusters of the test contexts run: prod-use2 and prod-euw1 in the
// regions their names say, every other one in us-east-1, the account's region.
func clusterRegion(name string) string {
	switch name {
	case "prod-use2":
		return "us-east-2"
	case "prod-euw1":
		return "eu-west-1"
	}
	return "us-east-1"
}

// roleContext is the context of a role in the aws partition, in an account of us-east-1, that
// serves the given clusters (prod-use1 if none).
func roleContext(clusters ...string) map[string]any {
	if len(clusters) == 0 {
		clusters = []string{"prod-use1"}
	}
	list := make([]any, len(clusters))
	byCluster := map[string]any{}
	var regions []any
	for i, c := range clusters {
		list[i] = c
		r := clusterRegion(c)
		byCluster[c] = r
		if !slices.Contains(regions, any(r)) {
			regions = append(regions, r)
		}
	}
	slices.SortFunc(regions, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
	return map[string]any{
		"accountId":      "111122223333",
		"accountName":    "platform",
		"partition":      "aws",
		"region":         "us-east-1",
		"regions":        regions,
		"clusterRegions": byCluster,
		"clusters":       list,
		"namespace":      "kube-system",
		"serviceAccount": "addon",
		"roleName":       "prod-use1-addon",
	}
}

// inRegion puts a test context's account and clusters in region r.
func inRegion(ctx map[string]any, r string) {
	ctx["region"] = r
	ctx["regions"] = []any{r}
	byCluster := map[string]any{}
	for _, c := range ctx["clusters"].([]any) {
		byCluster[c.(string)] = r
	}
	ctx["clusterRegions"] = byCluster
}

// libraryCase is one evaluation of a library policy that a golden file pins.
type libraryCase struct {
	golden  string // testdata/<golden>.json
	addon   string
	args    map[string]any
	context map[string]any
}

// exampleArgs are the index's examples of every argument of a, the fullest policy it makes.
func exampleArgs(a templates.Addon) map[string]any {
	args := map[string]any{}
	for _, arg := range a.Args {
		args[arg.Name] = arg.Example
	}
	return args
}

// oneOf names, for the add-ons that need at least one of several optional arguments, the one
// that their defaults case gives.
var oneOf = map[string]string{
	"external-secrets":         "secretPrefixes",
	"mountpoint-s3-csi-driver": "buckets",
}

// requiredArgs are the examples of a's required arguments only, the policy its defaults make.
func requiredArgs(a templates.Addon) map[string]any {
	args := map[string]any{}
	for _, arg := range a.Args {
		if arg.Required || oneOf[a.Name] == arg.Name {
			args[arg.Name] = arg.Example
		}
	}
	return args
}

func libraryCases() []libraryCase {
	var cases []libraryCase
	for _, a := range templates.Addons() {
		cases = append(cases,
			libraryCase{golden: a.Name, addon: a.Name, args: exampleArgs(a), context: roleContext()},
			libraryCase{golden: a.Name + ".defaults", addon: a.Name, args: requiredArgs(a), context: roleContext()})
	}
	// Variants the examples and defaults do not reach: the other IP family, and roles shared by
	// two clusters where a cluster is part of a tag key (one statement per cluster).
	two := roleContext("prod-use1", "prod-use2")
	return append(cases,
		libraryCase{golden: "vpc-cni.ipv6", addon: "vpc-cni", args: map[string]any{"ipv6": true}, context: roleContext()},
		libraryCase{golden: "vpc-cni.two-clusters", addon: "vpc-cni", args: map[string]any{"vpcIds": []any{"vpc-0123456789abcdef0"}}, context: two},
		libraryCase{golden: "cluster-autoscaler.two-clusters", addon: "cluster-autoscaler", args: map[string]any{}, context: two},
		libraryCase{golden: "aws-load-balancer-controller.two-clusters", addon: "aws-load-balancer-controller", args: map[string]any{}, context: two},
		libraryCase{golden: "ebs-csi-driver.two-clusters", addon: "ebs-csi-driver", args: map[string]any{"k8sTagClusterId": []any{"prod-use1", "prod-use2"}}, context: two},
		libraryCase{golden: "karpenter.two-clusters", addon: "karpenter", args: map[string]any{"nodeRole": "arn:aws:iam::111122223333:role/nodes/KarpenterNodeRole-prod-use2", "clusterName": "prod-use2"}, context: two},
		// Region-scoped resources follow the clusters the role serves, not the account's
		// region: a cluster outside the account's region, and a role shared across regions.
		libraryCase{golden: "karpenter.cluster-region", addon: "karpenter", args: map[string]any{"nodeRole": "KarpenterNodeRole-prod-euw1"}, context: roleContext("prod-euw1")},
		libraryCase{golden: "node-termination-handler.two-regions", addon: "node-termination-handler", args: map[string]any{"queue": "nth-events"}, context: roleContext("prod-euw1", "prod-use1")},
		libraryCase{golden: "external-secrets.two-regions", addon: "external-secrets", args: map[string]any{"secretPrefixes": []any{"prod/"}, "parameterPrefixes": []any{"/prod/"}}, context: roleContext("prod-euw1", "prod-use1")},
		libraryCase{golden: "amazon-managed-prometheus.two-regions", addon: "amazon-managed-prometheus", args: map[string]any{"workspaces": []any{"ws-0123abcd-4567-89ef-0123-456789abcdef"}}, context: roleContext("prod-euw1", "prod-use1")},
	)
}

// evaluate runs cases in one Evaluate call, as the pipeline does.
func evaluate(t *testing.T, cases []libraryCase) []map[string]any {
	t.Helper()
	jobs := make([]jsonnet.Job, len(cases))
	for i, c := range cases {
		addon, ok := templates.Lookup(c.addon)
		if !ok {
			t.Fatalf("%s: no add-on %q in the index", c.golden, c.addon)
		}
		jobs[i] = jsonnet.Job{File: addon.File(), Args: c.args, Context: c.context}
	}
	docs, err := (&jsonnet.Evaluator{Root: t.TempDir()}).Evaluate(jobs)
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// TestLibraryPolicies pins every library policy, evaluated with the index's examples and with
// its defaults, and checks that each is a valid policy within IAM's managed policy quota and free
// of the grants the permission lint reports.
func TestLibraryPolicies(t *testing.T) {
	cases := libraryCases()
	docs := evaluate(t, cases)
	g := goldie.New(t, goldie.WithFixtureDir("testdata"), goldie.WithNameSuffix(".json"))
	for i, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			doc := docs[i]
			config.CheckDocument(doc, func(path, msg string) { t.Errorf("%s: %s", path, msg) })
			for _, f := range lintFindings(doc) {
				t.Errorf("lint: %s", f)
			}
			checkARNs(t, doc, "aws")
			if n := len(minified(t, doc)); n > managedPolicyQuota {
				t.Errorf("%d characters without white space; IAM's managed policy quota is %d", n, managedPolicyQuota)
			}
			g.Assert(t, c.golden, pretty(t, doc))
		})
	}
}

// TestLibraryChinaPartition evaluates every library policy for a role in aws-cn: an ARN of
// another partition would never match there.
func TestLibraryChinaPartition(t *testing.T) {
	var cases []libraryCase
	for _, a := range templates.Addons() {
		ctx := roleContext()
		ctx["partition"] = "aws-cn"
		inRegion(ctx, "cn-north-1")
		// The examples' own ARNs (KMS keys) are written for aws; a China user writes aws-cn.
		args := map[string]any{}
		for k, v := range exampleArgs(a) {
			args[k] = toPartition(v, "aws-cn")
		}
		cases = append(cases, libraryCase{golden: a.Name, addon: a.Name, args: args, context: ctx})
	}
	docs := evaluate(t, cases)
	for i, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			checkARNs(t, docs[i], "aws-cn")
			if n := len(minified(t, docs[i])); n > managedPolicyQuota {
				t.Errorf("%d characters without white space; IAM's managed policy quota is %d", n, managedPolicyQuota)
			}
		})
	}
}

// TestLibraryLongestNames checks the quota in the worst case a role's context allows: the longest
// partition and the longest cluster name irsa.yaml accepts, in the condition keys that repeat it.
func TestLibraryLongestNames(t *testing.T) {
	long := strings.Repeat("c", 40)
	var cases []libraryCase
	for _, a := range templates.Addons() {
		ctx := roleContext(long)
		ctx["partition"] = "aws-us-gov"
		inRegion(ctx, "us-gov-west-1")
		args := map[string]any{}
		for k, v := range exampleArgs(a) {
			args[k] = replaceStrings(toPartition(v, "aws-us-gov"), "prod-use1", long)
		}
		cases = append(cases, libraryCase{golden: a.Name, addon: a.Name, args: args, context: ctx})
	}
	docs := evaluate(t, cases)
	for i, c := range cases {
		n := len(minified(t, docs[i]))
		if n > managedPolicyQuota {
			t.Errorf("%s: %d characters without white space; IAM's managed policy quota is %d", c.addon, n, managedPolicyQuota)
		}
		t.Logf("%-28s %5d characters", c.addon, n)
	}
}

// TestAddonIndex keeps index.json and the files in step: one entry per file, sorted, every entry
// and argument documented, each file's header naming the entry's source and version.
func TestAddonIndex(t *testing.T) {
	raw, err := fs.ReadFile(templates.FS, path.Join(templates.AddonDir, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var index []templates.Addon
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&index); err != nil {
		t.Fatalf("index.json: %v", err)
	}

	var names []string
	for _, a := range index {
		names = append(names, a.Name)
	}
	if !sort.StringsAreSorted(names) {
		t.Errorf("index.json is not sorted by name: %s", strings.Join(names, ", "))
	}

	entries, err := fs.ReadDir(templates.FS, templates.AddonDir)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".libsonnet"); ok {
			files = append(files, name)
		} else if e.Name() != "index.json" {
			t.Errorf("%s/%s: the add-on directory holds .libsonnet files and index.json only", templates.AddonDir, e.Name())
		}
	}
	if got, want := strings.Join(names, "\n"), strings.Join(files, "\n"); got != want {
		t.Errorf("index.json lists\n%s\nbut %s holds\n%s", got, templates.AddonDir, want)
	}

	seen := map[string]bool{}
	for _, a := range index {
		if seen[a.Name] {
			t.Errorf("%s is listed twice", a.Name)
		}
		seen[a.Name] = true
		if a.Description == "" || a.Version == "" || !strings.HasPrefix(a.Source, "https://") {
			t.Errorf("%s: needs a description, a version and an https source: %+v", a.Name, a)
		}
		args := map[string]bool{}
		for _, arg := range a.Args {
			if arg.Name == "" || arg.Description == "" || arg.Example == nil {
				t.Errorf("%s: argument %q needs a name, a description and an example", a.Name, arg.Name)
			}
			if args[arg.Name] {
				t.Errorf("%s: argument %q is listed twice", a.Name, arg.Name)
			}
			args[arg.Name] = true
		}
		src, err := fs.ReadFile(templates.FS, a.File())
		if err != nil {
			t.Errorf("%s: %v", a.Name, err)
			continue
		}
		header := leadingComment(string(src))
		if !strings.Contains(header, a.Source) || !strings.Contains(header, a.Version) {
			t.Errorf("%s: the file's leading comment must name its source %s and version %s", a.File(), a.Source, a.Version)
		}
	}
}

// TestAddonParameters checks that each file's top-level function takes exactly the arguments the
// index documents, in the same order, and that an argument is required exactly when the function
// gives it no default.
func TestAddonParameters(t *testing.T) {
	for _, a := range templates.Addons() {
		src, err := fs.ReadFile(templates.FS, a.File())
		if err != nil {
			t.Fatal(err)
		}
		node, err := gojsonnet.SnippetToAST(a.File(), string(src))
		if err != nil {
			t.Fatal(err)
		}
		for l, ok := node.(*ast.Local); ok; l, ok = node.(*ast.Local) {
			node = l.Body
		}
		fn, ok := node.(*ast.Function)
		if !ok {
			t.Errorf("%s: the file must be a function of its arguments, not %T", a.File(), node)
			continue
		}
		var params, documented []string
		for _, p := range fn.Parameters {
			params = append(params, fmt.Sprintf("%s(required=%t)", p.Name, p.DefaultArg == nil))
		}
		for _, arg := range a.Args {
			documented = append(documented, fmt.Sprintf("%s(required=%t)", arg.Name, arg.Required))
		}
		if got, want := strings.Join(params, ", "), strings.Join(documented, ", "); got != want {
			t.Errorf("%s takes\n  %s\nbut index.json documents\n  %s", a.File(), got, want)
		}
	}
}

// TestAddonUnknownArgument shows what a user who misspells an argument reads: the parameters the
// policy takes.
func TestAddonUnknownArgument(t *testing.T) {
	_, err := (&jsonnet.Evaluator{Root: t.TempDir()}).Evaluate([]jsonnet.Job{{
		File:    "irsagen/addons/external-dns.libsonnet",
		Args:    map[string]any{"hostedZone": "Z0123456789ABC"},
		Context: roleContext(),
	}})
	if err == nil || !strings.Contains(err.Error(), `unknown argument "hostedZone" (did you mean "hostedZones"?)`) ||
		!strings.Contains(err.Error(), "(hostedZones)") {
		t.Errorf("got %v", err)
	}
}

// TestKarpenterNeedsOneCluster: a role shared by several clusters cannot guess which one
// Karpenter manages.
func TestKarpenterNeedsOneCluster(t *testing.T) {
	_, err := (&jsonnet.Evaluator{Root: t.TempDir()}).Evaluate([]jsonnet.Job{{
		File:    "irsagen/addons/karpenter.libsonnet",
		Args:    map[string]any{"nodeRole": "KarpenterNodeRole"},
		Context: roleContext("prod-use1", "prod-use2"),
	}})
	if err == nil || !strings.Contains(err.Error(), "set clusterName to the one Karpenter runs in") {
		t.Errorf("got %v", err)
	}
}

func leadingComment(src string) string {
	var b strings.Builder
	for _, line := range strings.Split(src, "\n") {
		if !strings.HasPrefix(line, "//") {
			break
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// pretty is the golden form of a document: indented, keys sorted, nothing escaped.
func pretty(t *testing.T, doc map[string]any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// minified is the document as IAM counts it against its quotas: without white space.
func minified(t *testing.T, doc map[string]any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// toPartition rewrites the ARNs in an argument value for another partition.
func toPartition(v any, partition string) any {
	switch v := v.(type) {
	case string:
		if rest, ok := strings.CutPrefix(v, "arn:aws:"); ok {
			return "arn:" + partition + ":" + rest
		}
		return v
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = toPartition(e, partition)
		}
		return out
	}
	return v
}

func replaceStrings(v any, old, new string) any {
	switch v := v.(type) {
	case string:
		return strings.ReplaceAll(v, old, new)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = replaceStrings(e, old, new)
		}
		return out
	}
	return v
}

// checkARNs reports every string of the document that is an ARN of another partition or does not
// have an ARN's six parts, wherever it is (Resource, or a condition value such as ec2:Vpc).
func checkARNs(t *testing.T, doc map[string]any, partition string) {
	t.Helper()
	var walk func(where string, v any)
	walk = func(where string, v any) {
		switch v := v.(type) {
		case string:
			if !strings.HasPrefix(v, "arn:") {
				return
			}
			if !strings.HasPrefix(v, "arn:"+partition+":") {
				t.Errorf("%s: %s is not an ARN of partition %s", where, v, partition)
			}
			if parts := strings.SplitN(v, ":", 6); len(parts) < 6 || parts[2] == "" || parts[5] == "" {
				t.Errorf("%s: %s is not arn:partition:service:region:account:resource", where, v)
			}
		case []any:
			for i, e := range v {
				walk(fmt.Sprintf("%s[%d]", where, i), e)
			}
		case map[string]any:
			for k, e := range v {
				walk(where+"."+k, e)
			}
		}
	}
	walk("", doc)
}

// lintFindings reports the grants that irsagen's permission lint (docs/lint.md) objects to, so
// that no library policy needs an accepted finding: every action of every service, a service's
// every action, iam:PassRole without iam:PassedToService, sts:AssumeRole on every resource, and
// NotAction in an Allow.
func lintFindings(doc map[string]any) []string {
	var findings []string
	statements, _ := doc["Statement"].([]any)
	for i, s := range statements {
		st, _ := s.(map[string]any)
		if st["Effect"] != "Allow" {
			continue
		}
		where := fmt.Sprintf("Statement[%d]", i)
		if _, ok := st["NotAction"]; ok {
			findings = append(findings, where+": NotAction in an Allow")
		}
		resources := strings.Join(stringList(st["Resource"]), " ")
		_, everyResource := st["NotResource"]
		for _, r := range stringList(st["Resource"]) {
			everyResource = everyResource || r == "*"
		}
		for _, action := range stringList(st["Action"]) {
			a := strings.ToLower(action)
			service, name, _ := strings.Cut(a, ":")
			switch {
			case a == "*" || name == "*" && everyResource:
				findings = append(findings, fmt.Sprintf("%s: %s on %s", where, action, resources))
			case service == "iam" && wildcardMatch(name, "passrole"):
				if everyResource || !passedToService(st) {
					findings = append(findings, fmt.Sprintf("%s: %s on %s without an iam:PassedToService condition", where, action, resources))
				}
			case service == "sts" && wildcardMatch(name, "assumerole") && everyResource:
				findings = append(findings, fmt.Sprintf("%s: %s on every resource", where, action))
			}
		}
	}
	return findings
}

func passedToService(st map[string]any) bool {
	cond, _ := st["Condition"].(map[string]any)
	for _, kv := range cond {
		for k, v := range kv.(map[string]any) {
			if strings.EqualFold(k, "iam:PassedToService") {
				values := stringList(v)
				return len(values) > 0 && !strings.Contains(strings.Join(values, " "), "*")
			}
		}
	}
	return false
}

// wildcardMatch matches IAM's action wildcards, * and ?.
func wildcardMatch(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		return wildcardMatch(pattern[1:], s) || s != "" && wildcardMatch(pattern, s[1:])
	case '?':
		return s != "" && wildcardMatch(pattern[1:], s[1:])
	}
	return s != "" && pattern[0] == s[0] && wildcardMatch(pattern[1:], s[1:])
}

func stringList(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			s, _ := e.(string)
			out = append(out, s)
		}
		return out
	}
	return nil
}
