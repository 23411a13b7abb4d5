package render

import (
	"go.yaml.in/yaml/v3"
)

// The scalar rules below are yaml.v3's (yaml_emitter_analyze_scalar and
// yaml_emitter_select_scalar_style) restricted to printable ASCII. The builder (write.go) writes
// every scalar with them, and falls back to yaml.v3 for a document with any scalar they refuse;
// TestWriteMatchesYAMLv3 holds the two to the same bytes.

// appendScalar writes a scalar of that tag, style and value as yaml.v3 would in block context:
// plain when the value reads back as itself, else single-quoted, or double-quoted when asked
// for. It reports false, having written garbage to buf, for a scalar outside the subset below;
// the builder then encodes the document with yaml.v3.
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

// appendLiteral writes a literal block scalar as a mapping value, for text that yaml.v3 writes
// with a bare "|": lines of printable ASCII, a single newline at the end, no blank lines, no
// leading space on the first line and no trailing spaces.
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
