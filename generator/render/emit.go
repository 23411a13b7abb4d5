package render

import (
	"go.yaml.in/yaml/v3"
)

// emitBlock writes root exactly as yaml.v3's Encoder with SetIndent(2) writes it, for the node
// trees the builders in this package make: block mappings and sequences of scalars, with
// mapping keys that are short single-line strings. It reports false, having written garbage to
// buf, for anything outside that subset (an empty collection, a sequence in a sequence, a scalar
// that needs escapes, a long key, comments, anchors, tags yaml.v3 would print); the caller then
// uses yaml.v3.
//
// It exists for speed: yaml.v3's emitter keeps every event of a document in a slice of
// ~300-byte structs that only grows, so encoding the 18,000 files of a 10,000-ServiceAccount
// fleet allocated 2 GB and took seconds. The scalar rules below are yaml.v3's
// (yaml_emitter_analyze_scalar and yaml_emitter_select_scalar_style) restricted to printable
// ASCII; TestEmitBlockMatchesYAMLv3 holds the two encoders to the same bytes.
//
// The builder (write.go) writes files without a tree, exactly as emitBlock would write theirs,
// and comes here only with the tree of a document it refused.
func emitBlock(buf []byte, root *yaml.Node) ([]byte, bool) {
	if root.Kind != yaml.MappingNode || !plainCollection(root) || len(root.Content) == 0 {
		return buf, false
	}
	return emitMapping(buf, root, 0, false)
}

// emitMapping writes the pairs of m at indent. With inline, the first key continues the current
// line (a mapping that is a sequence item, after "- ").
func emitMapping(buf []byte, m *yaml.Node, indent int, inline bool) ([]byte, bool) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if i > 0 || !inline {
			buf = appendSpaces(buf, indent)
		}
		var ok bool
		if buf, ok = emitScalar(buf, k, true); !ok {
			return buf, false
		}
		buf = append(buf, ':')
		switch v.Kind {
		case yaml.ScalarNode:
			if v.Style == yaml.LiteralStyle {
				if buf, ok = emitLiteral(buf, v, indent+2); !ok {
					return buf, false
				}
				continue
			}
			buf = append(buf, ' ')
			if buf, ok = emitScalar(buf, v, false); !ok {
				return buf, false
			}
			buf = append(buf, '\n')
		case yaml.MappingNode:
			if !plainCollection(v) || len(v.Content) == 0 {
				return buf, false
			}
			buf = append(buf, '\n')
			if buf, ok = emitMapping(buf, v, indent+2, false); !ok {
				return buf, false
			}
		case yaml.SequenceNode:
			if !plainCollection(v) || len(v.Content) == 0 {
				return buf, false
			}
			buf = append(buf, '\n')
			if buf, ok = emitSequence(buf, v, indent+2); !ok {
				return buf, false
			}
		default:
			return buf, false
		}
	}
	return buf, true
}

func emitSequence(buf []byte, s *yaml.Node, indent int) ([]byte, bool) {
	var ok bool
	for _, item := range s.Content {
		buf = appendSpaces(buf, indent)
		buf = append(buf, '-', ' ')
		switch item.Kind {
		case yaml.ScalarNode:
			if item.Style == yaml.LiteralStyle {
				return buf, false
			}
			if buf, ok = emitScalar(buf, item, false); !ok {
				return buf, false
			}
			buf = append(buf, '\n')
		case yaml.MappingNode:
			if !plainCollection(item) || len(item.Content) == 0 {
				return buf, false
			}
			if buf, ok = emitMapping(buf, item, indent+2, true); !ok {
				return buf, false
			}
		default:
			return buf, false
		}
	}
	return buf, true
}

// plainCollection reports whether a mapping or sequence carries nothing yaml.v3 would print
// besides its items: no tag of its own, anchor, comment or flow style.
func plainCollection(n *yaml.Node) bool {
	switch n.Tag {
	case "", "!!map", "!!seq":
	default:
		return false
	}
	if n.Tag == "!!map" && n.Kind != yaml.MappingNode || n.Tag == "!!seq" && n.Kind != yaml.SequenceNode {
		return false
	}
	return n.Style == 0 && n.Anchor == "" && !hasComments(n)
}

func hasComments(n *yaml.Node) bool {
	return n.HeadComment != "" || n.LineComment != "" || n.FootComment != ""
}

// emitScalar writes a scalar as yaml.v3 would in block context: plain when the value reads back
// as itself, else single-quoted, or double-quoted when asked for.
func emitScalar(buf []byte, n *yaml.Node, key bool) ([]byte, bool) {
	if n.Kind != yaml.ScalarNode || n.Anchor != "" || hasComments(n) {
		return buf, false
	}
	return appendScalar(buf, n.Tag, n.Style, n.Value, key)
}

// appendScalar is emitScalar for a scalar of that tag, style and value and nothing else; the
// builders write scalars with it directly.
func appendScalar(buf []byte, tag string, style yaml.Style, v string, key bool) ([]byte, bool) {
	if !printableASCII(v) {
		return buf, false
	}
	if key && len(v) > 128 {
		return buf, false // yaml.v3 writes a long key as "? key"
	}
	switch tag {
	case "!!str":
		switch style {
		case yaml.DoubleQuotedStyle:
			if !canDoubleQuote(v) {
				return buf, false
			}
			buf = append(buf, '"')
			buf = append(buf, v...)
			return append(buf, '"'), true
		case 0:
			// yaml.v3 quotes a string that would read back as another type; str quotes every
			// such string itself, so one that reaches here unquoted is left to yaml.v3.
			if yaml11Special(v) {
				return buf, false
			}
			if plainAllowed(v) {
				return append(buf, v...), true
			}
			buf = append(buf, '\'')
			for i := 0; i < len(v); i++ {
				if v[i] == '\'' {
					buf = append(buf, '\'')
				}
				buf = append(buf, v[i])
			}
			return append(buf, '\''), true
		}
	case "!!int":
		if style == 0 && isDecimal(v) {
			return append(buf, v...), true
		}
	case "!!bool":
		if style == 0 && (v == "true" || v == "false") {
			return append(buf, v...), true
		}
	case "!!null":
		if style == 0 && v == "null" {
			return append(buf, v...), true
		}
	}
	return buf, false
}

// emitLiteral writes a literal block scalar as a mapping value, for text that yaml.v3 writes with
// a bare "|".
func emitLiteral(buf []byte, n *yaml.Node, indent int) ([]byte, bool) {
	if n.Tag != "!!str" || n.Anchor != "" || hasComments(n) {
		return buf, false
	}
	return appendLiteral(buf, n.Value, indent)
}

// appendLiteral is emitLiteral for a string: lines of printable ASCII, a single newline at the
// end, no blank lines, no leading space on the first line and no trailing spaces.
func appendLiteral(buf []byte, v string, indent int) ([]byte, bool) {
	if len(v) < 2 || v[0] == ' ' || v[len(v)-1] != '\n' {
		return buf, false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\n':
			if i > 0 && (v[i-1] == '\n' || v[i-1] == ' ') {
				return buf, false
			}
		case c < 0x20 || c > 0x7e:
			return buf, false
		}
	}
	buf = append(buf, " |\n"...)
	start := 0
	for i := 0; i < len(v); i++ {
		if v[i] == '\n' {
			buf = appendSpaces(buf, indent)
			buf = append(buf, v[start:i+1]...)
			start = i + 1
		}
	}
	return buf, true
}

// plainAllowed is yaml.v3's block_plain_allowed for printable ASCII without line breaks: no
// leading or trailing space, no document marker at the start, no indicator where YAML would read
// one.
func plainAllowed(v string) bool {
	if v == "" || v[0] == ' ' || v[len(v)-1] == ' ' {
		return false
	}
	if len(v) >= 3 && (v[:3] == "---" || v[:3] == "...") {
		return false
	}
	switch v[0] {
	case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	case '?', ':', '-':
		if len(v) == 1 || v[1] == ' ' {
			return false
		}
	}
	for i := 1; i < len(v); i++ {
		switch v[i] {
		case ':':
			if i+1 == len(v) || v[i+1] == ' ' {
				return false
			}
		case '#':
			if v[i-1] == ' ' {
				return false
			}
		}
	}
	return true
}

// printableASCII reports whether s holds only the characters 0x20 to 0x7e.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// canDoubleQuote reports whether s needs no escape inside double quotes.
func canDoubleQuote(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			return false
		}
	}
	return true
}

func isDecimal(s string) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	if s == "" || len(s) > 18 || (len(s) > 1 && s[0] == '0') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func appendSpaces(buf []byte, n int) []byte {
	for range n {
		buf = append(buf, ' ')
	}
	return buf
}
