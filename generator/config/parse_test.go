package config_test

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/internal/synth"
)

// head is the start of an irsa.yaml that decodes; the tests below add to it.
const head = "apiVersion: irsagen/v1\nkind: Config\n"

// parseCase is an input and the one diagnostic Parse must give for it ("L:C: message"), or ""
// when Parse must accept it.
type parseCase struct{ name, src, want string }

func checkParse(t *testing.T, tests []parseCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse("irsa.yaml", []byte(tt.src))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			l, ok := asList(err)
			if !ok || len(l) != 1 {
				t.Fatalf("want one diagnostic, got %v", err)
			}
			if got := fmt.Sprintf("%s: %s", l[0].Pos, l[0].Message); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

const (
	startsSecond = `a line "---" starts a second YAML document, which irsagen would ignore with everything after it; irsa.yaml is one document: remove the line`
	endsDocument = `a line "..." ends the YAML document, and irsagen would ignore everything after it; remove the line`
	directive    = `a line starting with "%" is a YAML directive, which ends the document, and irsagen would ignore everything after it; irsa.yaml is one document: remove the line`
)

// TestDocumentMarkers checks that a document marker can neither end the configuration early nor
// start a second one, which yaml.v3 reads as the end of the first and irsagen used to ignore.
func TestDocumentMarkers(t *testing.T) {
	checkParse(t, []parseCase{
		{"start marker", "---\n" + head, ""},
		{"start marker after comments", "# irsa.yaml\n\n--- # the fleet\n" + head, ""},
		{"directive and start marker", "%YAML 1.1\n---\n" + head, ""},
		{"end marker at the end", head + "...\n", ""},
		{"end marker and comments", head + "...\n# the end\n\n", ""},
		{"end marker in the middle", "apiVersion: irsagen/v1\n...\nkind: Config\n", "2:1: " + endsDocument},
		{"end marker with a comment", "apiVersion: irsagen/v1\n... # stop\nkind: Config\n", "2:1: " + endsDocument},
		{"end marker, then a second document", head + "...\n---\nkind: Config\n", "3:1: " + endsDocument},
		{"second document", "apiVersion: irsagen/v1\n---\nkind: Config\n", "2:1: " + startsSecond},
		{"second document with CRLF", "apiVersion: irsagen/v1\r\n---\r\nkind: Config\r\n", "2:1: " + startsSecond},
		{"second document with lone CRs", "apiVersion: irsagen/v1\r---\rkind: Config\r", "2:1: " + startsSecond},
		{"end marker with lone CRs", "apiVersion: irsagen/v1\r...\rkind: Config\r", "2:1: " + endsDocument},
		{"directive after the content with lone CRs", "apiVersion: irsagen/v1\rkind: Config\routput: {}\r%YAML 1.1\r", "4:1: " + directive},
		{"second start marker", "---\n---\n" + head, "2:1: " + startsSecond},
		{"empty second document", head + "---\n", "3:1: " + startsSecond},
		{"marker with content", head + "--- {kind: Config}\n", "3:1: " + startsSecond},
		{"marker in a comment-only file", "# nothing\n---\n---\n", "3:1: " + startsSecond},
		{"after a byte order mark", "\ufeff---\n" + head + "---\n", "4:1: " + startsSecond},
		{"directive after the content", head + "output: {}\n%YAML 1.1\n", "4:1: " + directive},
		{"directive and a second document", head + "%YAML 1.1\n---\nkind: Config\n", "3:1: " + directive},
		{"percent sign continuing a quoted string", head + "output: {dir: \"50\n%\"}\n", ""},
		{"not a marker: more dashes", head + "output: {dir: a}\n", ""},
		{"not a marker: indented", "defaults:\n  tags:\n    a: |\n      ---\n      ...\n" + head, ""},
		{"not a marker: quoted in a value", head + "output: {dir: \"---\"}\n", ""},
	})
}

// TestTags checks that a tag other than YAML's standard ones is refused where it is written,
// instead of being dropped with its meaning.
func TestTags(t *testing.T) {
	const rest = " is not supported; remove it: irsa.yaml holds plain strings, numbers, booleans, lists and mappings"
	checkParse(t, []parseCase{
		{"standard tags", "apiVersion: !!str irsagen/v1\nkind: !<tag:yaml.org,2002:str> Config\naccounts: !!seq []\noutput: !!map {}\n", ""},
		{"non-specific tag", "apiVersion: ! irsagen/v1\nkind: Config\n", ""},
		{"custom tag on a value", "apiVersion: !custom irsagen/v1\nkind: Config\n", "1:13: YAML tag !custom" + rest},
		{"custom tag on a mapping", head + "output: !dir\n  dir: x\n", "3:9: YAML tag !dir" + rest},
		{"custom tag on a key", head + "!k output: {}\n", "3:1: YAML tag !k" + rest},
		{"binary", head + "output: {dir: !!binary b3V0}\n", "3:15: YAML tag !!binary" + rest},
		{"timestamp", head + "output: {dir: !!timestamp 2001-12-14}\n", "3:15: YAML tag !!timestamp" + rest},
		{"tag directive", "%TAG !e! tag:example.com,2000:\n---\n" + head + "output: {dir: !e!x a}\n", "5:15: YAML tag tag:example.com,2000:x" + rest},
		{"in a policy document", head + "policies:\n  - name: p\n    document:\n      Statement: !ref x\n", "6:18: YAML tag !ref" + rest},
	})
	// Every tag is reported, not only the first.
	_, err := config.Parse("irsa.yaml", []byte(head+"output: {dir: !a x, stackPrefix: !b y}\n"))
	if l, _ := asList(err); len(l) != 2 {
		t.Errorf("want both tags reported, got %v", err)
	}
}

// TestSyntaxErrorPositions checks that a YAML syntax error is reported at the line and column of
// the problem, not where yaml.v3 says (the start of the enclosing mapping or list, or of the
// scalar a tab would continue, counted from 0 for the parser's problems), and says what to do.
func TestSyntaxErrorPositions(t *testing.T) {
	const (
		tabs   = "; indent with spaces, not tabs"
		indent = "; check the indentation of this line against the lines above it"
	)
	accounts := head + "accounts:\n  - name: a\n    id: \"111122223333\"\n"
	checkParse(t, []parseCase{
		{"tab before a list item", head + "accounts:\n\t- name: a\n", "4:1: invalid YAML: found character that cannot start any token" + tabs},
		{"tab before a key", accounts + "\tregion: us-east-1\n", "6:1: invalid YAML: found character that cannot start any token" + tabs},
		{"tab after spaces", accounts + "    \tregion: us-east-1\n", "6:5: invalid YAML: found character that cannot start any token" + tabs},
		{"tab after a plain value", head + "accounts:\n  - name: a\n\tid: x\n", "5:1: invalid YAML: found a tab character that violates indentation" + tabs},
		{"tab after spaces after a plain value", head + "accounts:\n  - name: a\n  \tid: x\n", "5:3: invalid YAML: found a tab character that violates indentation" + tabs},
		{"item one column left", accounts + " - name: b\n", "6:2: invalid YAML: did not find expected key" + indent},
		{"item one column right", accounts + "   - name: b\n", "6:4: invalid YAML: did not find expected '-' indicator" + indent},
		{"key one column left", accounts + "   region: us-east-1\n", "6:4: invalid YAML: did not find expected '-' indicator" + indent},
		{"key one column right", accounts + "     region: us-east-1\n", "6:6: invalid YAML: did not find expected key" + indent},
		{"continuation of a plain value", head + "output:\n  dir: out\n   stackPrefix: x\n", "5:4: invalid YAML: mapping values are not allowed in this context" + indent},
		{"unclosed flow list", head + "clusters: [a,\n  b\noutput: {}\n", "3:11: invalid YAML: did not find expected ',' or ']'; the list that starts here needs a ',' between items and a closing ']'"},
		{"unclosed flow list on the first line", "clusters: [a,\n  b\noutput: {}\n", "1:11: invalid YAML: did not find expected ',' or ']'; the list that starts here needs a ',' between items and a closing ']'"},
		{"unclosed flow mapping", head + "output: {dir: a,\n  stackPrefix: b\nkind: c\n", "3:9: invalid YAML: did not find expected ',' or '}'; the mapping that starts here needs a ',' between entries and a closing '}'"},
		{"unclosed quote", head + "output:\n  dir: \"out\n  stackPrefix: x\n", "4:8: invalid YAML: found unexpected end of stream; the quoted string that starts here is not closed"},
		{"key without a value", head + "output:\n  dir: a\n  stackPrefix\n  other: b\n", "5:3: invalid YAML: could not find expected ':'"},
		{"tab in a block scalar", head + "output:\n  dir: |\n    text\n\tmore\n", "6:1: invalid YAML: found a tab character where an indentation space is expected" + tabs},
		{"unknown escape", head + "output:\n  dir: \"a\\q\"\n", "4:3: invalid YAML: found unknown escape character"},
		{"unknown alias", accounts + "    region: *r\n", "6:5: invalid YAML: unknown anchor 'r' referenced"},
		{"lone CR line breaks", "apiVersion: irsagen/v1\rkind: Config\r  \tx: 1\r", "3:3: invalid YAML: mapping values are not allowed in this context" + tabs},
		{"unclosed quote after lone CRs", "\r\r\n \"", "3:2: invalid YAML: found unexpected end of stream; the quoted string that starts here is not closed"},
		{"first line", "\tapiVersion: irsagen/v1\n", "1:1: invalid YAML: found character that cannot start any token" + tabs},
	})
}

// TestSyntaxErrorInLargeFile misindents a list item deep in a fleet of 1,000 ServiceAccounts,
// where yaml.v3 names the line of the list's key, thousands of lines before.
func TestSyntaxErrorInLargeFile(t *testing.T) {
	src := synth.New(synth.Preset(1000)).YAML()
	lines := bytes.SplitAfter(src, []byte("\n"))
	target := 0
	for i := len(lines) * 9 / 10; i < len(lines); i++ {
		if bytes.HasPrefix(lines[i], []byte("  - name: ")) {
			target = i
			break
		}
	}
	if target == 0 {
		t.Fatal("no list item found near the end of the fleet")
	}
	for _, shift := range []string{"left", "right"} {
		edited := append([][]byte(nil), lines...)
		if shift == "left" {
			edited[target] = edited[target][1:]
		} else {
			edited[target] = append([]byte(" "), edited[target]...)
		}
		_, err := config.Parse("irsa.yaml", bytes.Join(edited, nil))
		l, _ := asList(err)
		if len(l) != 1 || l[0].Pos.Line != target+1 || !strings.Contains(l[0].Message, "indentation") {
			t.Errorf("item moved %s at line %d: got %v", shift, target+1, err)
		}
	}
}

// TestParallelValidationSameResult validates every input with long lists of ServiceAccounts
// checked on every CPU and again on one goroutine, and compares the diagnostics.
func TestParallelValidationSameResult(t *testing.T) {
	validate := func(data []byte) string {
		cfg, err := config.Parse("irsa.yaml", data)
		if err != nil {
			return err.Error()
		}
		if err := config.Validate(&config.File{Path: "irsa.yaml", Config: cfg}); err != nil {
			return err.Error()
		}
		return ""
	}
	inputs := map[string][]byte{}
	for _, n := range []int{100, 1000} {
		inputs[fmt.Sprintf("fleet %d", n)] = synth.New(synth.Preset(n)).YAML()
	}
	// Each seed with its list of ServiceAccounts repeated, so that the items checked apart also
	// produce duplicate bindings, and with broken items among them.
	broken := []string{
		"  - just a string\n", "  - name: x\n    bogus: 1\n",
		"  - name: y\n    namespace: BAD\n    clusters: [nope]\n",
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
		}
	}
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) {
			config.Parallel(t, 1<<40)
			want := validate(data)
			config.Parallel(t, 0)
			if got := validate(data); !reflect.DeepEqual(got, want) {
				t.Fatalf("on every CPU:\n%s\nwant\n%s", got, want)
			}
		})
	}
}
