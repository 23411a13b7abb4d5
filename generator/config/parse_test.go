package config_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/internal/synth"
)

// splitCases are files made to trip up a parse in pieces: items that are multi-line scalars of
// every kind, "- " inside them, comments and continuations at column 0, CRLF, byte order marks,
// document markers, directives, anchors, tags, flow collections across lines, and errors at and
// around the cuts. split says whether the file must be parsed in pieces ("yes"), must not be
// ("no"), or either.
var splitCases = []struct{ name, src, split string }{
	{"plain items", "a: 1\nlist:\n  - x\n  - y\n  - z\n", "yes"},
	{"mapping items", "list:\n  - name: a\n    tags: {k: v}\n  - name: b\n    clusters: [x, y]\n", "yes"},
	{"indentless list and tail", "list:\n- x\n- y\n- {a: b}\nb: 2\n", "yes"},
	{"tail keys", "list:\n  - x\n  - y\nafter: 1\nmore:\n  - q\n  - r\n", "yes"},
	{"the larger list wins", "small:\n  - a\n  - b\nlarge:\n  - aaaaaaaaaa\n  - bbbbbbbbbb\n  - cccccccccc\nend: 1\n", "yes"},
	{"comments at column 0", "list:\n  - a: 1\n# between\n  - b: 2\n#tail\n  # indented\n  - c\n# end\n", "yes"},
	{"comments after the key and items", "list: # the list\n  - a # one\n  - b # two\n# foot\n", "yes"},
	{"block scalars", "list:\n  - a: |\n      text\n       - not an item\n  - b: >-\n      folded\n\n      more\n  - |2\n     two\n  - c: |+\n      keep\n\n  - d\n", "yes"},
	{"block scalar with an indentation indicator", "list:\n  - a: |1\n      x\n  - |4\n        y\n  - b\n", ""},
	{"block scalar with blank lines at column 0", "list:\n  - |\n    a\n\n    b\n\n  - c\n", "yes"},
	{"block scalar ended by a comment at column 0", "list:\n  - |\n    a\n# c\n  - b\n", "yes"},
	{"block scalar item with dash lines inside", "list:\n  - |\n    - x\n  - - y\n  - >\n    - z\n", "yes"},
	{"multi-line plain scalars", "list:\n  - a: one\n      two\n     three\n  - b\n   c\n  - d\n", "yes"},
	{"plain scalar ended by a less-indented line", "list:\n  - a: one\n    two\n  - b\n", "no"},
	{"item continued at a deeper column", "list:\n  - a\n   - b\n  - c\n", ""},
	{"double-quoted over a dash line", "list:\n  - a: \"one\n  - two\"\n  - b\n", "no"},
	{"single-quoted over a dash line", "list:\n  - 'x\n  - y'\n  - z\n", "no"},
	{"quoted key over a dash line", "list:\n  - \"a\n  - b\": c\n  - d\n", "no"},
	{"quoted continuation at column 0", "list:\n  - a: \"x\ny: z\"\n  - b\n", "no"},
	{"quoted continuation at column 0 looking like an item", "list:\n  - a: \"x\n- y\"\n  - b\n", "no"},
	{"dash inside quotes on one line", "list:\n  - \"- a\"\n  - '  - b'\n  - c\n", "yes"},
	{"flow sequence over lines", "list:\n  - [a,\n  - b]\n  - c\n", "no"},
	{"flow mapping over lines", "list:\n  - {a: 1,\n  b: 2}\n  - c\n", "no"},
	{"flow sequence at column 0", "list:\n  - [a,\nb]\n  - c\n", "no"},
	{"flow top level", "{list:\n  - a\n  - b\n}\n", "no"},
	{"flow value of the key", "list: [\n  - a\n  - b\n  ]\n", "no"},
	{"CRLF", "a: 1\r\nlist:\r\n  - x: 1\r\n    y: \"q\r\n      r\"\r\n  - y\r\n  - z\r\nb: 2\r\n", "yes"},
	{"CRLF without a final line break", "list:\r\n  - x\r\n  - y", "yes"},
	{"mixed line breaks", "list:\r\n  - x\n  - y\r\n  - z\n", "yes"},
	{"lone CR", "list:\r  - x\r  - y\r", "no"},
	{"NEL", "list:\n  - x\u0085  - y\n  - z\n", "no"},
	{"line separator", "list:\n  - x\u2028  - y\n  - z\n", "no"},
	{"byte order mark", "\ufefflist:\n  - x\n  - y\n", "no"},
	{"byte order mark inside", "list:\n  - x\n\ufeff  - y\n  - z\n", "no"},
	{"UTF-16", "\xff\xfel\x00:\x00\n\x00", "no"},
	{"document start", "---\nlist:\n  - x\n  - y\n", "yes"},
	{"document start with a comment", "--- # c\nlist:\n  - x\n  - y\n", "no"},
	{"document end", "list:\n  - x\n  - y\n...\n", "no"},
	{"two documents", "list:\n  - x\n---\nlist:\n  - y\n  - z\n", "no"},
	{"directive", "%YAML 1.2\n---\nlist:\n  - x\n  - y\n", "no"},
	{"tag directive", "%TAG !e! tag:example.com,2000:\n---\nlist:\n  - !e!x a\n  - !e!y b\n", "no"},
	{"aliases to the head", "base: &b {x: 1}\nlist:\n  - *b\n  - *b\n", "no"},
	{"anchor and alias in the items", "list:\n  - &a x\n  - *a\n  - y\n", "no"},
	{"anchor in an item, alias in the tail", "h: &a 1\nlist:\n  - x\n  - &a y\nt: *a\n", "no"},
	{"alias in the tail to the head", "h: &a 1\nlist:\n  - x\n  - y\nt: *a\n", "no"},
	{"anchor and alias in the tail", "list:\n  - x\n  - y\nt: &a 1\nu: *a\n", "yes"},
	{"alias without an anchor", "list:\n  - x\n  - *y\n", "no"},
	{"ampersand and exclamation mark inside words", "list:\n  - R&D\n  - hello!\n  - a&b: c!d\n", "yes"},
	{"anchored list aliased in the tail", "list: &l\n  - a\n  - b\nagain: *l\n", "no"},
	{"alias bomb in the head", "a: &a [x, x]\nb: &b [*a, *a]\nlist:\n  - 1\n  - 2\n", "yes"},
	{"tags in the items", "list:\n  - !!str 012\n  - !!int 1\n", "no"},
	{"tagged list", "list: !!seq\n  - a\n  - b\n", "no"},
	{"merge keys", "list:\n  - <<: {a: 1}\n    b: 2\n  - c\n", "yes"},
	{"tabs", "list:\n  - a:\tb\n  - c\n", "no"},
	{"nested lists", "list:\n  - - a\n    - b\n  - - c\n  -\n    - d\n", "yes"},
	{"empty items", "list:\n  -\n  - \n  -   # c\n  - x\n  -", "yes"},
	{"items far right", "list:\n      - a\n      - b\n", "yes"},
	{"explicit key", "? list\n:\n  - a\n  - b\n", "no"},
	{"explicit key without a value in the last item of a piece", "list:\n  - ? k\n  - x\n  - a: b\n    ? k\n  - y\n", "no"},
	{"key and value on the list's line", "list: x\n  - a\n  - b\n", "no"},
	{"duplicate list key", "list:\n  - a\n  - b\nlist:\n  - c\n  - d\n  - e\n", "yes"},
	{"no final line break", "list:\n  - a\n  - b", "yes"},
	{"long simple key", "list:\n  - " + strings.Repeat("k", 1100) + ": v\n  - b\n", "no"},
	{"less-indented key after an item", "list:\n  - a\n b: c\n  - d\n", "no"},
	{"same-column key after an item", "list:\n  - a\n  b: c\n  - d\n", "no"},
	{"top-level scalar after the list", "list:\n  - a\n  - b\nc\n", "no"},
	{"top-level item after the list", "list:\n  - a\n  - b\n- c\n", "no"},
	{"unclosed flow in the last item", "list:\n  - a\n  - [b\n", "no"},
	{"unclosed quote in the last item", "list:\n  - a\n  - \"b\n", "no"},
	{"error in the tail", "list:\n  - a\n  - b\nc: [\n", "no"},
	{"error in an item", "list:\n  - a\n  - b: c: d\n  - e\n", "no"},
	{"unknown alias in an item", "list:\n  - a\n  - *nope\n", "no"},
	{"invalid UTF-8", "list:\n  - a\n  - \xff\n", "no"},
	{"control character", "list:\n  - a\n  - \x01\n", "no"},
	{"NUL", "list:\n  - a\n  - b\x00\n", "no"},
	{"block nesting over yaml.v3's limit", "list:\n  - a\n  - " + strings.Repeat("- ", 9999) + "x\n", "no"},
	{"block nesting at yaml.v3's limit", "list:\n  - a\n  - " + strings.Repeat("- ", 9998) + "x\n", "yes"},
}

// corpus is every input the tests have at hand: the cases above, FuzzLoad's seeds and corpus,
// and synthetic fleets.
func corpus(t testing.TB) map[string][]byte {
	inputs := map[string][]byte{}
	for _, c := range splitCases {
		inputs[c.name] = []byte(c.src)
	}
	for i, s := range seeds {
		inputs[fmt.Sprintf("seed %d", i)] = []byte(s)
	}
	files, err := filepath.Glob("testdata/fuzz/FuzzLoad/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fuzz corpus: %v", err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, arg, _ := strings.Cut(string(raw), "[]byte(")
		data, err := strconv.Unquote(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(arg), ")")))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		inputs[filepath.Base(f)] = []byte(data)
	}
	for _, n := range []int{100, 1000} {
		inputs[fmt.Sprintf("fleet %d", n)] = synth.New(synth.Preset(n)).YAML()
	}
	return inputs
}

// checkSplit parses data in pieces of about pieceBytes and, if it splits, fails the test unless
// yaml.v3 gives the same tree for the whole file. It reports whether data split.
func checkSplit(t testing.TB, data []byte, pieceBytes int) bool {
	t.Helper()
	got, nodes, alias, ok := config.ParseSplit(data, pieceBytes)
	if !ok {
		return false
	}
	var want yaml.Node
	if err := unmarshal(data, &want); err != nil {
		t.Fatalf("pieces of %d bytes parsed, but yaml.v3 rejects the whole file: %v\n%q", pieceBytes, err, data)
	}
	if diff := diffTree(&want, got, "document"); diff != "" {
		t.Fatalf("pieces of %d bytes: %s\n%q", pieceBytes, diff, data)
	}
	if wantNodes, wantAlias := countTree(&want); nodes != wantNodes || alias != wantAlias {
		t.Fatalf("pieces of %d bytes: counted %d nodes (alias %v), want %d (%v)\n%q", pieceBytes, nodes, alias, wantNodes, wantAlias, data)
	}
	return true
}

// unmarshal is yaml.Unmarshal, with a panic as an error.
func unmarshal(data []byte, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return yaml.Unmarshal(data, n)
}

// diffTree describes the first difference between two node trees, or returns "". Comments are not
// compared: the pieces attach a comment next to a cut to another node, and nothing reads them.
func diffTree(want, got *yaml.Node, path string) string {
	if (want == nil) != (got == nil) {
		return fmt.Sprintf("%s: node %v, want %v", path, got, want)
	}
	if want == nil {
		return ""
	}
	type fields struct {
		Kind         yaml.Kind
		Style        yaml.Style
		Tag, Value   string
		Anchor       string
		Line, Column int
		Content      int
	}
	of := func(n *yaml.Node) fields {
		return fields{n.Kind, n.Style, n.Tag, n.Value, n.Anchor, n.Line, n.Column, len(n.Content)}
	}
	if of(want) != of(got) {
		return fmt.Sprintf("%s: got %+v, want %+v", path, of(got), of(want))
	}
	if want.Kind == yaml.AliasNode {
		if d := diffTree(want.Alias, got.Alias, path+" (alias)"); d != "" {
			return d
		}
	}
	for i := range want.Content {
		if d := diffTree(want.Content[i], got.Content[i], fmt.Sprintf("%s[%d]", path, i)); d != "" {
			return d
		}
	}
	return ""
}

func countTree(n *yaml.Node) (int, bool) {
	count, alias := 1, n.Kind == yaml.AliasNode
	for _, c := range n.Content {
		cn, ca := countTree(c)
		count += cn
		alias = alias || ca
	}
	return count, alias
}

// TestParseSplit parses every input the tests have in pieces of several sizes, down to one item
// per piece, and compares the tree with yaml.v3's for the whole file.
func TestParseSplit(t *testing.T) {
	want := map[string]string{}
	for _, c := range splitCases {
		want[c.name] = c.split
	}
	for name, data := range corpus(t) {
		split := false
		for _, size := range []int{1, 16, 4096, 1 << 20} {
			split = checkSplit(t, data, size) || split
		}
		if strings.HasPrefix(name, "fleet") {
			want[name] = "yes"
		}
		if (want[name] == "yes" && !split) || (want[name] == "no" && split) {
			t.Errorf("%s: split %v, want %s", name, split, want[name])
		}
	}
}

// TestParseSplitMutations compares the trees of random files built from the pieces of YAML that
// matter to the cuts, and of random edits of them, with yaml.v3's whole-file parse.
func TestParseSplitMutations(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 1))
	cases := 3000
	if testing.Short() {
		cases = 300
	}
	split := 0
	for range cases {
		data := randomFile(rng)
		for _, size := range []int{1, 1 + rng.IntN(200)} {
			if checkSplit(t, data, size) {
				split++
			}
		}
	}
	// Most files split: the test exercises the pieces, not only the fallback.
	if split < cases {
		t.Errorf("only %d of %d parses split", split, 2*cases)
	}
}

var (
	topFragments = []string{
		"apiVersion: irsagen/v1\n", "kind: Config\n", "a: &x {b: 1}\n", "# comment\n",
		"d: |\n  text\n  - dash\n", "e: [1,\n  2]\n", "f: 'q\n  - r'\n", "\n", "g:\n  h: i\n",
		"j:\n  - k\n  - l\n", "m: \"n\"\n", "p:\n- q\n- r\n", "s: t # c\n",
	}
	itemFragments = []string{
		"- name: a\n  namespace: b\n", "- |\n  text\n  - dash\n", "- >2\n   folded\n\n   more\n",
		"- 'single\n\n  quoted'\n", "-\n", "- - n1\n  - n2\n", "# comment\n",
		"- a: b\n  # indented comment\n  c: d\n", "- plain\n  continued\n", "- k: v # trailing\n",
		"- k:\n    - v\n    - w\n", "- <<: {m: 1}\n  n: 2\n", "- \"- not an item\"\n", "\n",
		"- x: |-\n    a\n\n    b\n", "- a: b\n  c:\n  - indentless\n",
		"- {a: 1, b: [2, 3]}\n", "- \"quoted\n   over lines\"\n",
	}
	// riskyFragments are what a split must refuse, or must find out about by a piece's failure.
	riskyFragments = []string{
		"- \"multi\n  - line\"\n", "- [a,\n  b]\n", "- {a: 1,\n   b: 2}\n", "- &anc x\n", "- *anc\n",
		"- *x\n", "- !!str 1\n", "c: *x\n", "o: !!str 1\n", "- 'q\nr'\n", "---\n", "- \t\n",
		"- ? complex\n  : value\n", "- ? complex\n",
	}
	edits = []string{
		"\"", "'", "\n", "\n- ", "\n  - ", "\r\n", "\r", ": ", "#", " #c", "|", "|2", ">-", "[", "]",
		"{", "}", ",", "&a ", "*a", "!!str ", "---\n", "...\n", "%TAG ! x\n", "\t", "\ufeff", "? ",
		"<<: ", "\n\n", " ", "  ", "\\", "x", "-", "\u2028", "\xff",
	}
)

// randomFile builds a file of top-level keys around a list of 2 to 30 items at column 0, 2 or 4,
// written with CRLF now and then. One in four files has risky fragments among its items, and one
// in three is edited in up to three places.
func randomFile(rng *rand.Rand) []byte {
	var b strings.Builder
	for range rng.IntN(4) {
		b.WriteString(topFragments[rng.IntN(len(topFragments))])
	}
	b.WriteString("list:\n")
	indent := strings.Repeat(" ", 2*rng.IntN(3))
	risky := rng.IntN(4) == 0
	for range 2 + rng.IntN(29) {
		item := itemFragments[rng.IntN(len(itemFragments))]
		if risky && rng.IntN(4) == 0 {
			item = riskyFragments[rng.IntN(len(riskyFragments))]
		}
		for _, line := range strings.SplitAfter(item, "\n") {
			if line != "" && line != "\n" {
				b.WriteString(indent)
			}
			b.WriteString(line)
		}
	}
	for range rng.IntN(3) {
		b.WriteString(topFragments[rng.IntN(len(topFragments))])
	}
	s := b.String()
	if rng.IntN(8) == 0 {
		s = strings.ReplaceAll(s, "\n", "\r\n")
	}
	if rng.IntN(3) == 0 {
		for range 1 + rng.IntN(3) {
			at := rng.IntN(len(s) + 1)
			switch rng.IntN(3) {
			case 0:
				s = s[:at] + edits[rng.IntN(len(edits))] + s[at:]
			case 1:
				s = s[:at] + s[min(len(s), at+1+rng.IntN(8)):]
			default:
				end := at + strings.IndexByte(s[at:]+"\n", '\n')
				line := s[strings.LastIndexByte(s[:at], '\n')+1 : min(len(s), end+1)]
				s = s[:at] + line + s[at:]
			}
		}
	}
	return []byte(s)
}

// TestParseInPiecesSameConfig loads every input with the file cut into pieces and long lists
// decoded on every CPU, and again in one piece on one goroutine, and compares the configs (every
// value and position) and the diagnostics of Parse and Validate.
func TestParseInPiecesSameConfig(t *testing.T) {
	type result struct {
		cfg   *config.Config
		parse string
		valid string
	}
	load := func(data []byte) result {
		cfg, err := config.Parse("irsa.yaml", data)
		r := result{cfg: cfg}
		if err != nil {
			r.parse = err.Error()
			return r
		}
		if err := config.Validate(&config.File{Path: "irsa.yaml", Config: cfg}); err != nil {
			r.valid = err.Error()
		}
		return r
	}
	inputs := corpus(t)
	// Each seed with its list of ServiceAccounts repeated, so that the items decoded apart also
	// produce duplicate bindings, dangling references and the like.
	// And with broken items among them, whose errors name the item's index and position.
	broken := []string{
		"  - just a string\n", "  - [a, b]\n", "  - name: x\n    bogus: 1\n", "  -\n",
		"  - name: [not, a, name]\n    namespace: n\n    clusters: {a: b}\n",
		"  - name: y\n    inlinePolicy: [x]\n    perCluster: maybe\n",
	}
	for i, s := range seeds {
		if head, list, ok := strings.Cut(s, "\nserviceAccounts:\n"); ok {
			inputs[fmt.Sprintf("seed %d repeated", i)] = []byte(head + "\nserviceAccounts:\n" + strings.Repeat(list, 5))
			var b strings.Builder
			for j := range 6 {
				b.WriteString(list)
				b.WriteString(broken[(i+j)%len(broken)])
			}
			inputs[fmt.Sprintf("seed %d with broken items", i)] = []byte(head + "\nserviceAccounts:\n" + b.String())
			// The longest list, the one cut into pieces, is the value of a repeated key.
			inputs[fmt.Sprintf("seed %d with the key twice", i)] = []byte(head + "\nserviceAccounts:\n" + list + "serviceAccounts:\n" + strings.Repeat(list, 3))
		}
	}
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) {
			config.Parallel(t, 1<<40, 0, 1<<40)
			want := load(data)
			for _, size := range []int{1, 1000} {
				config.Parallel(t, 0, size, 0)
				got := load(data)
				if got.parse != want.parse || got.valid != want.valid {
					t.Fatalf("pieces of %d bytes: errors\n%s\n%s\nwant\n%s\n%s", size, got.parse, got.valid, want.parse, want.valid)
				}
				if !reflect.DeepEqual(got.cfg, want.cfg) {
					t.Fatalf("pieces of %d bytes: the configs differ", size)
				}
			}
		})
	}
}

// FuzzParseSplit checks that whenever a file parses in pieces, the tree is yaml.v3's for the
// whole file. `go test -fuzz '^FuzzParseSplit$' ./generator/config` runs it.
func FuzzParseSplit(f *testing.F) {
	for _, data := range corpus(f) {
		if len(data) < 16<<10 { // larger inputs make the fuzzer crawl
			f.Add(data, uint16(1))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, pieceBytes uint16) {
		checkSplit(t, data, int(pieceBytes))
	})
}
