package render

import (
	"path"
	"slices"
	"strings"
	"testing"

	k8syaml "sigs.k8s.io/yaml"

	"github.com/irsagen/irsagen/generator/plan"
)

// yaml11Strings are strings that a YAML 1.1 reader (kustomize, kubectl, through sigs.k8s.io/yaml)
// would turn into something else if written plain: booleans, nulls, ints, octals, hex, floats,
// sexagesimals and merge keys.
var yaml11Strings = []string{
	"no", "No", "NO", "yes", "Yes", "on", "On", "off", "OFF", "y", "Y", "n", "N", "true", "False",
	"null", "Null", "~", "", "<<", "=",
	"1:20", "190:20:30", "-1:20", "012345678901", "111122223333", "0", "-0", "+12", "007", "0x1F", "0X1f", "0b1010", "0o17",
	"1e3", "1E3", "-1.5e-3", "1_000", "-_0", "+_1_0", "1.0", ".5", "-.5", "+.5", "3.", ".inf", ".Inf", "-.INF", "+.inf", ".nan", ".NaN",
	"2001-12-14", "2001-12-14t21:59:43.10-05:00", "2012-10-17",
}

// otherStrings are harmless strings and strings the encoder itself must quote; every one must
// still come back unchanged.
var otherStrings = []string{
	"poc", "poc-sa", "arn:aws:iam::111122223333:role/irsa/poc_poc-sa", "sts.amazonaws.com",
	"system:serviceaccount:no:yes", "a: b", "#comment", "- dash", "@at", "`tick", "*", "&anchor", "!tag",
	"%percent", "key:", " leading", "trailing ", "multi\nline", "yes please", "no-op", "on-call", "nope",
	"0xZZ", "1.2.3", "1e3x", "ünïcode", "'quoted'", `"double"`, "{a}", "[a]", "?", "|", ">",
	"oidc.eks.us-east-1.amazonaws.com/id/0123:aud", "s3:*", "*:*",
}

// TestYAML11StringsSurviveKustomize writes each string the way every generated file does and
// reads it back with the YAML 1.1 reader kustomize uses.
func TestYAML11StringsSurviveKustomize(t *testing.T) {
	for _, s := range append(append([]string{}, yaml11Strings...), otherStrings...) {
		t.Run(s, func(t *testing.T) {
			var b builder
			doc := b.render(Header, func(b *builder) {
				b.openMap()
				b.pair("value", s)
				b.key("list")
				b.strs([]string{s})
				b.pair(s, "as-key")
				b.close()
			})
			var got map[string]any
			if err := k8syaml.Unmarshal(doc, &got); err != nil {
				t.Fatalf("sigs.k8s.io/yaml cannot read:\n%s\n%v", doc, err)
			}
			if v, ok := got["value"].(string); !ok || v != s {
				t.Errorf("value %q came back as %T %#v from:\n%s", s, got["value"], got["value"], doc)
			}
			if l, ok := got["list"].([]any); !ok || len(l) != 1 || l[0] != s {
				t.Errorf("list item %q came back as %#v from:\n%s", s, got["list"], doc)
			}
			if got[s] != "as-key" {
				t.Errorf("key %q did not come back; keys: %v from:\n%s", s, keysOf(got), doc)
			}
		})
	}
}

// TestYAML11ReaderIsYAML11 makes sure the test above tests something: written plain, these
// values are not strings for sigs.k8s.io/yaml. (Its reader has no sexagesimals, so plain 1:20
// stays a string there; other YAML 1.1 readers, PyYAML among them, read 80, hence the quotes.)
func TestYAML11ReaderIsYAML11(t *testing.T) {
	if !yaml11Special("1:20") {
		t.Errorf(`yaml11Special("1:20") = false`)
	}
	for _, s := range []string{"no", "on", "yes", "012345678901", "0x1F", "1e3", "~"} {
		var got map[string]any
		if err := k8syaml.Unmarshal([]byte("value: "+s+"\n"), &got); err != nil {
			t.Fatal(err)
		}
		if v, isString := got["value"].(string); isString && v == s {
			t.Errorf("plain %s reads as the string %q; the reader is not YAML 1.1 and the test proves nothing", s, v)
		}
		if !yaml11Special(s) {
			t.Errorf("yaml11Special(%q) = false", s)
		}
	}
}

// TestYAML11SpecialOnlyWhenNeeded keeps ordinary names unquoted, so generated files stay readable.
func TestYAML11SpecialOnlyWhenNeeded(t *testing.T) {
	for _, s := range []string{"poc", "poc-sa", "arn:aws:iam::111122223333:role/x", "sts.amazonaws.com", "nope", "yes-no", "onion"} {
		if yaml11Special(s) {
			t.Errorf("yaml11Special(%q) = true", s)
		}
		var b builder
		if doc := string(b.render("", func(b *builder) { b.openMap(); b.pair("v", s); b.close() })); strings.ContainsAny(doc, `"'`) {
			t.Errorf("%q is written quoted: %s", s, doc)
		}
	}
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestYAML11SpecialMatchesToLower holds yaml11Special's ASCII lower-casing to the strings.ToLower
// it replaces: every case of every word, the two non-ASCII letters that lower to ASCII, and
// strings around them.
func TestYAML11SpecialMatchesToLower(t *testing.T) {
	words := []string{"y", "yes", "n", "no", "on", "off", "true", "false", "null", "~", "=", "<<", ".inf", "-.inf", "+.inf", ".nan"}
	want := func(s string) bool {
		if s == "" || yaml11Number(s) {
			return true
		}
		return len(s) <= len("false") && slices.Contains(words, strings.ToLower(s))
	}
	var cases []string
	for _, w := range words {
		for mask := range 1 << len(w) {
			b := []byte(w)
			for i := range b {
				if mask&(1<<i) != 0 {
					b[i] = strings.ToUpper(string(b[i]))[0]
				}
			}
			cases = append(cases, string(b), string(b)+"x", "x"+string(b), string(b[1:]))
		}
	}
	cases = append(cases, ".İnf", ".İNF", "-.İnf", "+.İnf", "İ", "K", "yeK", "nİ", "é", "Falsé", "FALSE", "Nul", "ON ", " on", "")
	for _, s := range cases {
		if got := yaml11Special(s); got != want(s) {
			t.Errorf("yaml11Special(%q) = %t, want %t", s, got, want(s))
		}
	}
}

// TestServiceAccountFileIsPathJoin holds serviceAccountFile to the path.Join it replaces.
func TestServiceAccountFileIsPathJoin(t *testing.T) {
	parts := []string{"", ".", "..", "a", "a/b", "/a", "a/", "a//b", "../a", strings.Repeat("n", 250), strings.Repeat("n", 251)}
	for _, cluster := range parts {
		for _, ns := range parts {
			for _, name := range parts {
				sa := &plan.ServiceAccount{Cluster: &plan.Cluster{Name: cluster}, Namespace: ns, Name: name}
				dir := clusterDir(cluster)
				want := path.Join(dir, ns, yamlFileName(name))
				if got := serviceAccountFile(dir, sa); got != want {
					t.Errorf("cluster %q, namespace %q, name %q: %q, want %q", cluster, ns, name, got, want)
				}
			}
		}
	}
}
