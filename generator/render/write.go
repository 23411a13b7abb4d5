package render

import (
	"strconv"

	"go.yaml.in/yaml/v3"
)

// The methods below describe a document top-down: a mapping is opened, then each key is followed
// by its value, and the mapping is closed. Written, they produce the block-style YAML that
// yaml.v3's Encoder with SetIndent(2) writes for the tree of the same calls, and refuse
// (b.ok = false) the shapes outside that subset: an empty collection, a sequence in a sequence,
// a scalar appendScalar or appendLiteral refuses. TestWriteMatchesYAMLv3 holds the two to the
// same bytes. Described (b.tree), they build that tree for encode.

// frame is a collection being written.
type frame struct {
	seq    bool
	indent int  // of its keys or dashes
	inline bool // a mapping that is a sequence item: its first key follows the "- "
	items  int  // keys or items written
}

// openMap starts a mapping: the document's root, a key's value or a sequence item.
func (b *builder) openMap() {
	if b.tree {
		b.push(&yaml.Node{Kind: yaml.MappingNode})
		return
	}
	if len(b.frames) == 0 {
		b.frames = append(b.frames, frame{})
		return
	}
	f := &b.frames[len(b.frames)-1]
	b.startValue(f, '\n')
	b.frames = append(b.frames, frame{indent: f.indent + 2, inline: f.seq})
}

// openSeq starts a sequence as a key's value; the writer writes no other.
func (b *builder) openSeq() {
	if b.tree {
		b.push(&yaml.Node{Kind: yaml.SequenceNode})
		return
	}
	indent := 0
	if n := len(b.frames); n == 0 || b.frames[n-1].seq {
		b.ok = false
	} else {
		indent = b.frames[n-1].indent + 2
		b.buf = append(b.buf, '\n')
	}
	b.frames = append(b.frames, frame{seq: true, indent: indent})
}

// close ends the innermost open collection. The writer writes no empty one.
func (b *builder) close() {
	if b.tree {
		b.open = b.open[:len(b.open)-1]
		return
	}
	if b.frames[len(b.frames)-1].items == 0 {
		b.ok = false
	}
	b.frames = b.frames[:len(b.frames)-1]
}

// key starts a pair of the innermost mapping; its value follows.
func (b *builder) key(k string) {
	if b.tree {
		b.add(strNode(k))
		return
	}
	f := &b.frames[len(b.frames)-1]
	if f.seq {
		b.ok = false
	}
	if f.items > 0 || !f.inline {
		b.buf = appendSpaces(b.buf, f.indent)
	}
	f.items++
	var ok bool
	if b.buf, ok = appendScalar(b.buf, "!!str", strStyle(k), k, true); !ok {
		b.ok = false
	}
	b.buf = append(b.buf, ':')
}

// str is a string scalar, quoted as strNode says.
func (b *builder) str(v string) {
	if b.tree {
		b.add(strNode(v))
		return
	}
	b.scalar("!!str", strStyle(v), v)
}

// pair is a key with a string value.
func (b *builder) pair(k, v string) {
	b.key(k)
	b.str(v)
}

// strs is a sequence of strings.
func (b *builder) strs(list []string) {
	b.openSeq()
	for _, s := range list {
		b.str(s)
	}
	b.close()
}

func (b *builder) integer(i int) {
	var digits [24]byte
	v := strconv.AppendInt(digits[:0], int64(i), 10)
	if b.tree {
		b.add(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: string(v)})
		return
	}
	b.scalar("!!int", 0, string(v))
}

func (b *builder) boolean(v bool) {
	if b.tree {
		b.add(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v)})
		return
	}
	b.scalar("!!bool", 0, strconv.FormatBool(v))
}

func (b *builder) null() {
	if b.tree {
		b.add(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"})
		return
	}
	b.scalar("!!null", 0, "null")
}

// literal is a literal block scalar ("|"), as a key's value.
func (b *builder) literal(v string) {
	if b.tree {
		b.add(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Style: yaml.LiteralStyle})
		return
	}
	f := b.value()
	if f == nil || f.seq {
		b.ok = false
		return
	}
	var ok bool
	if b.buf, ok = appendLiteral(b.buf, v, f.indent+2); !ok {
		b.ok = false
	}
}

// scalar writes a scalar as a key's value or a sequence item.
func (b *builder) scalar(tag string, style yaml.Style, v string) {
	f := b.value()
	if f == nil {
		b.ok = false
		return
	}
	b.startValue(f, ' ')
	var ok bool
	if b.buf, ok = appendScalar(b.buf, tag, style, v, false); !ok {
		b.ok = false
	}
	b.buf = append(b.buf, '\n')
}

// startValue writes what comes before a value in f: the dash of a sequence item, or after a
// key, afterKey (a space before a scalar, a line break before a nested mapping).
func (b *builder) startValue(f *frame, afterKey byte) {
	if !f.seq {
		b.buf = append(b.buf, afterKey)
		return
	}
	b.buf = appendSpaces(b.buf, f.indent)
	b.buf = append(b.buf, '-', ' ')
	f.items++
}

// value is the collection a value goes into, nil at the root.
func (b *builder) value() *frame {
	if len(b.frames) == 0 {
		return nil
	}
	return &b.frames[len(b.frames)-1]
}

// push adds a collection to the tree and opens it.
func (b *builder) push(n *yaml.Node) {
	b.add(n)
	b.open = append(b.open, n)
}

// add adds a node to the innermost open collection of the tree, or makes it the root.
func (b *builder) add(n *yaml.Node) {
	if len(b.open) == 0 {
		b.root = n
		return
	}
	p := b.open[len(b.open)-1]
	p.Content = append(p.Content, n)
}
