package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/irsagen/irsagen/internal/synth"
)

// TestWriteScalars writes single scalars that sit on the boundaries of yaml.v3's rules, as
// values and as keys, and checks that whenever the builder writes
// one it writes exactly what yaml.v3 writes.
func TestWriteScalars(t *testing.T) {
	values := []string{
		"a", "-a", "- a", "-", "?a", "? a", ":a", ": a", "a:", "a: b", "a:b", "a #b", "a#b", "#a",
		"*", "arn:aws:s3:::bucket/*", "*.example.com", "&a", "!a", "|a", ">a", "'a", "a'b", "\"a",
		"%a", "@a", "`a", ",a", "a,b", "[a", "a[b]", "{a", "a{b}", "---", "--- a", "...", "..a",
		" a", "a ", "a  b", "a\tb", "a\\b", "a\"b", "true", "True", "no", "on", "~", "null", "<<",
		"=", "1", "0x1F", ".5", "-.inf", "+1", "-a1", "+a", ".a", "2012-10-17", "1:20", "-_0", "+_1", "._5", "-._5", "-_a",
		"s3:GetObject", "system:serviceaccount:team:api", "/irsa/", "a/b", "é", "",
		strings.Repeat("k", 128), strings.Repeat("k", 129),
	}
	var b builder
	written := 0
	for _, v := range values {
		for _, asKey := range []bool{false, true} {
			root := mapping("key", str(v))
			if asKey {
				root = mapping(v, str("value"))
			}
			want := Header + string(encodeV3(root))
			got, ok := b.write(Header, func(b *builder) { replay(b, root) })
			if !ok {
				continue
			}
			written++
			if string(got) != want {
				t.Errorf("%q (key %t): the builder wrote %q, yaml.v3 %q", v, asKey, got, want)
			}
		}
	}
	if written < len(values) {
		t.Errorf("the builder wrote only %d of %d documents", written, 2*len(values))
	}
}

// TestRenderEncodersAgree renders a synthetic fleet with both encoders and compares every file.
func TestRenderEncodersAgree(t *testing.T) {
	p := synth.Plan(t, 1000)
	fast := Render(p)
	forceYAMLv3 = true
	defer func() { forceYAMLv3 = false }()
	slow := Render(p)
	if len(fast) != len(slow) {
		t.Fatalf("%d files written, %d with yaml.v3", len(fast), len(slow))
	}
	for i := range fast {
		if fast[i].Path != slow[i].Path || !bytes.Equal(fast[i].Data, slow[i].Data) {
			t.Fatalf("%s differs:\nwritten:\n%s\nyaml.v3:\n%s", fast[i].Path, fast[i].Data, slow[i].Data)
		}
	}
}

// Characters and strings random scalars are made of.
var (
	scalarPieces = []string{
		"a", "Z", "0", "9", " ", "-", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|",
		">", "'", "\"", "%", "@", "`", "/", ".", "\\", "~", "=", "<", "+", "_", "\t", "\n",
		"true", "null", "---", "...", ": ", " #", "arn:aws:iam::111122223333:role/x", "é",
	}
	wholeScalars = []string{"", "1", "0.5", ".inf", "yes", "<<", "~", "-", "2012-10-17"}
)

func randomString(rng *rand.Rand) string {
	if rng.IntN(10) == 0 {
		return wholeScalars[rng.IntN(len(wholeScalars))]
	}
	var b strings.Builder
	for range 1 + rng.IntN(5) {
		b.WriteString(scalarPieces[rng.IntN(len(scalarPieces))])
	}
	return b.String()
}

func randomScalar(rng *rand.Rand) *yaml.Node {
	switch rng.IntN(12) {
	case 0:
		return integer(rng.IntN(100000) - 50)
	case 1:
		return boolean(rng.IntN(2) == 0)
	case 2:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	case 3:
		lines := []string{"apiVersion: v1", "kind: X", "metadata:", "  name: a", "  labels:", "    b: c"}
		var b strings.Builder
		for range 1 + rng.IntN(4) {
			b.WriteString(lines[rng.IntN(len(lines))] + "\n")
		}
		return literal(b.String())
	}
	return str(randomString(rng))
}

func randomMapping(rng *rand.Rand, depth int) *yaml.Node {
	n := mapping()
	for range 1 + rng.IntN(4) {
		k := str(randomString(rng))
		if rng.IntN(8) == 0 {
			k = str(fmt.Sprintf("key%d", rng.IntN(10)))
		}
		n.Content = append(n.Content, k, randomValue(rng, depth+1))
	}
	return n
}

func randomValue(rng *rand.Rand, depth int) *yaml.Node {
	if depth > 4 {
		return randomScalar(rng)
	}
	switch rng.IntN(6) {
	case 0:
		return randomMapping(rng, depth)
	case 1:
		s := seq()
		for range rng.IntN(4) {
			if rng.IntN(3) == 0 {
				s.Content = append(s.Content, randomMapping(rng, depth+1))
			} else {
				s.Content = append(s.Content, randomScalar(rng))
			}
		}
		return s
	}
	return randomScalar(rng)
}

// TestYAML11Number holds the hand-written check to the regular expression it replaces.
func TestYAML11Number(t *testing.T) {
	re := regexp.MustCompile(`^[-+]?[._]*[0-9]`)
	chars := []string{"", "-", "+", ".", "_", "0", "9", "a", " ", "-.", "+.", "-_", "..", "--", "-+"}
	for _, a := range chars {
		for _, b := range chars {
			for _, c := range chars {
				s := a + b + c
				if got, want := yaml11Number(s), re.MatchString(s); got != want {
					t.Errorf("yaml11Number(%q) = %t, want %t", s, got, want)
				}
			}
		}
	}
}

func TestDocumentValues(t *testing.T) {
	var b builder
	doc := func(v map[string]any) string {
		return string(b.render("", func(b *builder) { b.document(v) }))
	}
	got := doc(map[string]any{"Condition": map[string]any{"NumericLessThan": map[string]any{"aws:MultiFactorAuthAge": json.Number("3600")}}})
	if !strings.Contains(got, `aws:MultiFactorAuthAge: "3600"`) {
		t.Errorf("a Jsonnet number should render as a string, got:\n%s", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("a value of an unexpected type rendered instead of panicking")
		}
	}()
	doc(map[string]any{"Resource": 3.5})
}

// Trees for the tests, as the builders describe them.

func str(s string) *yaml.Node { return strNode(s) }

func mapping(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		n.Content = append(n.Content, str(kv[i].(string)), kv[i+1].(*yaml.Node))
	}
	return n
}

func seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Content: items}
}

func literal(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: yaml.LiteralStyle}
}

func integer(i int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(i)}
}

func boolean(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

// replay describes the tree n, made by the functions above, with the builder's methods.
func replay(b *builder, n *yaml.Node) {
	switch n.Kind {
	case yaml.MappingNode:
		b.openMap()
		for i := 0; i+1 < len(n.Content); i += 2 {
			b.key(n.Content[i].Value)
			replay(b, n.Content[i+1])
		}
		b.close()
	case yaml.SequenceNode:
		b.openSeq()
		for _, item := range n.Content {
			replay(b, item)
		}
		b.close()
	default:
		switch {
		case n.Style == yaml.LiteralStyle:
			b.literal(n.Value)
		case n.Tag == "!!str":
			b.str(n.Value)
		case n.Tag == "!!int":
			i, err := strconv.Atoi(n.Value)
			if err != nil {
				panic(err)
			}
			b.integer(i)
		case n.Tag == "!!bool":
			b.boolean(n.Value == "true")
		case n.Tag == "!!null":
			b.null()
		default:
			panic("replay: " + n.Tag)
		}
	}
}

// TestWriteMatchesYAMLv3 builds random trees of the shapes the builders make, with scalars
// drawn from every printable ASCII character and the strings YAML treats specially, describes
// each with the builder's methods, and checks that whenever the builder writes the document it
// writes exactly what yaml.v3 writes for the tree, and that it describes the same tree for
// encode.
func TestWriteMatchesYAMLv3(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var b builder // reused, as Render reuses it
	accepted := 0
	const trees = 20000
	for i := range trees {
		root := randomMapping(rng, 0)
		if got, ok := b.write(Header, func(b *builder) { replay(b, root) }); ok {
			accepted++
			if want := Header + string(encodeV3(root)); string(got) != want {
				t.Fatalf("tree %d: the builder wrote\n%s\nyaml.v3 wrote\n%s", i, got, want)
			}
		}
		if tree := b.describe(func(b *builder) { replay(b, root) }); !sameTree(tree, root) {
			t.Fatalf("tree %d: described\n%s\nwant\n%s", i, encodeV3(tree), encodeV3(root))
		}
	}
	// The test means little if the writer refuses most trees.
	if accepted < trees/4 {
		t.Errorf("the builder wrote only %d of %d trees", accepted, trees)
	}
}

// TestWriteRefuses checks shapes the random trees above never have: the builder refuses them,
// and Render's fallback encodes them with yaml.v3.
func TestWriteRefuses(t *testing.T) {
	var b builder
	for _, root := range []*yaml.Node{
		seq(str("a")),
		str("a"),
		mapping("k", seq(seq(str("a")))),
		mapping("k", seq(literal("a\n"))),
		mapping("k", mapping()),
		mapping("k", seq()),
		mapping(),
	} {
		if out, ok := b.write("", func(b *builder) { replay(b, root) }); ok {
			t.Errorf("the builder wrote\n%s\nfor\n%s", out, encodeV3(root))
		}
		want := string(encodeV3(root))
		if got := string(b.renderBuf("", func(b *builder) { replay(b, root) })); got != want {
			t.Errorf("rendered\n%s\nwant\n%s", got, want)
		}
	}
}

// sameTree reports whether a and b are the same tree in everything yaml.v3 writes.
func sameTree(a, b *yaml.Node) bool {
	if a.Kind != b.Kind || a.Style != b.Style || a.Tag != b.Tag || a.Value != b.Value || a.Anchor != b.Anchor ||
		a.HeadComment != b.HeadComment || a.LineComment != b.LineComment || a.FootComment != b.FootComment ||
		len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if !sameTree(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}
