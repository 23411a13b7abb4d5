package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/internal/synth"
)

// TestEmitBlockMatchesYAMLv3 builds random trees of the shapes the builders make, with scalars
// drawn from every printable ASCII character and the strings YAML treats specially, and checks
// that whenever emitBlock accepts a tree it writes exactly what yaml.v3 writes.
func TestEmitBlockMatchesYAMLv3(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	accepted := 0
	const trees = 20000
	for i := range trees {
		root := randomMapping(rng, 0)
		want := encodeV3(root)
		got, ok := emitBlock(nil, root)
		if !ok {
			continue
		}
		accepted++
		if !bytes.Equal(got, want) {
			t.Fatalf("tree %d: emitBlock wrote\n%s\nyaml.v3 wrote\n%s", i, got, want)
		}
	}
	// The test means little if the fast path refuses most trees.
	if accepted < trees/4 {
		t.Errorf("emitBlock accepted only %d of %d trees", accepted, trees)
	}
}

// TestEmitBlockScalars checks single scalars that sit on the boundaries of yaml.v3's rules.
func TestEmitBlockScalars(t *testing.T) {
	values := []string{
		"a", "-a", "- a", "-", "?a", "? a", ":a", ": a", "a:", "a: b", "a:b", "a #b", "a#b", "#a",
		"*", "arn:aws:s3:::bucket/*", "*.example.com", "&a", "!a", "|a", ">a", "'a", "a'b", "\"a",
		"%a", "@a", "`a", ",a", "a,b", "[a", "a[b]", "{a", "a{b}", "---", "--- a", "...", "..a",
		" a", "a ", "a  b", "a\tb", "a\\b", "a\"b", "true", "True", "no", "on", "~", "null", "<<",
		"=", "1", "0x1F", ".5", "-.inf", "+1", "-a1", "+a", ".a", "2012-10-17", "1:20",
		"s3:GetObject", "system:serviceaccount:team:api", "/irsa/", "a/b", "é", "",
		strings.Repeat("k", 128), strings.Repeat("k", 129),
	}
	for _, v := range values {
		for _, style := range []yaml.Style{0, yaml.DoubleQuotedStyle} {
			for _, asKey := range []bool{false, true} {
				n := str(v)
				if style != 0 {
					n.Style = style
				}
				root := mapping("key", n)
				if asKey {
					root = mapping(v, str("value"))
					root.Content[0].Style = n.Style
				}
				want := encodeV3(root)
				if got, ok := emitBlock(nil, root); ok && !bytes.Equal(got, want) {
					t.Errorf("%q (style %d, key %t): emitBlock wrote %q, yaml.v3 %q", v, style, asKey, got, want)
				}
			}
		}
	}
}

// TestRenderEncodersAgree renders a synthetic fleet with both encoders and compares every file.
func TestRenderEncodersAgree(t *testing.T) {
	path, err := synth.WriteConfig(t.TempDir(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	f, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := config.Validate(f); err != nil {
		t.Fatal(err)
	}
	p, err := plan.Build(f, filepath.ToSlash(".."))
	if err != nil {
		t.Fatal(err)
	}
	fast := Render(p)
	forceYAMLv3 = true
	defer func() { forceYAMLv3 = false }()
	slow := Render(p)
	if len(fast) != len(slow) {
		t.Fatalf("%d files with emitBlock, %d with yaml.v3", len(fast), len(slow))
	}
	for i := range fast {
		if fast[i].Path != slow[i].Path || !bytes.Equal(fast[i].Data, slow[i].Data) {
			t.Fatalf("%s differs:\nemitBlock:\n%s\nyaml.v3:\n%s", fast[i].Path, fast[i].Data, slow[i].Data)
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
	re := regexp.MustCompile(`^[-+]?\.?[0-9]`)
	chars := []string{"", "-", "+", ".", "0", "9", "a", " ", "-.", "+.", "..", "--", "-+"}
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
	got := string(encodePlain(document(map[string]any{"Condition": map[string]any{"NumericLessThan": map[string]any{"aws:MultiFactorAuthAge": json.Number("3600")}}})))
	if !strings.Contains(got, `aws:MultiFactorAuthAge: "3600"`) {
		t.Errorf("a Jsonnet number should render as a string, got:\n%s", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("a value of an unexpected type rendered instead of panicking")
		}
	}()
	document(map[string]any{"Resource": 3.5})
}
