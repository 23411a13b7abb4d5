package rules

// IAM counts a policy's length in the characters of its JSON, whitespace not counted. Size used to
// encode each document with encoding/json and count what came out; every role's trust and inline
// policies made that a large part of the checks. It now adds up what that encoding would write,
// value by value, without writing it: the JSON of an object or a list is its members' JSON with
// brackets, colons and commas, so the count of each value can be taken on its own. Values of any
// type other than the ones decoded documents are made of still go to the encoder.

import (
	"bytes"
	"encoding/json"
	"unicode"
	"unicode/utf8"

	"github.com/irsagen/irsagen/generator/config"
)

// Size is a policy's length as IAM counts it: the characters of its JSON, whitespace not counted.
// The JSON is encoding/json's without HTML escaping; TestSizeMatchesEncoding holds the two
// together.
func Size(doc any) int {
	return size(doc, 0)
}

// maxSizeDepth is the nesting below which size leaves a value to the encoder. No policy comes
// near it; it keeps a cyclic value a panic from the encoder, as before, not an endless recursion.
const maxSizeDepth = 1000

func size(v any, depth int) int {
	if depth > maxSizeDepth {
		return encodedSize(v)
	}
	switch v := v.(type) {
	case nil:
		return len("null")
	case string:
		return stringSize(v)
	case bool:
		if v {
			return len("true")
		}
		return len("false")
	case map[string]any:
		return objectSize(v, depth)
	case config.Document:
		return objectSize(v, depth)
	case []any:
		if v == nil {
			return len("null")
		}
		n := len("[]") + max(len(v)-1, 0) // brackets and commas
		for _, item := range v {
			n += size(item, depth+1)
		}
		return n
	}
	// Numbers (json.Number is checked and may become "0"), typed lists, anything else.
	return encodedSize(v)
}

func objectSize(m map[string]any, depth int) int {
	if m == nil {
		return len("null")
	}
	n := len("{}") + max(len(m)-1, 0) // braces and commas
	for k, v := range m {
		n += stringSize(k) + len(":") + size(v, depth+1)
	}
	return n
}

// asciiSize is what a JSON string holds for each ASCII byte, whitespace not counted: a space is
// written as is and not counted, \b \f \n \r \t " and \ are escaped with a backslash, the other
// control characters as \u00XX.
var asciiSize = func() (t [utf8.RuneSelf]uint8) {
	for b := range t {
		switch {
		case b == ' ':
			t[b] = 0
		case b == '\b' || b == '\f' || b == '\n' || b == '\r' || b == '\t' || b == '"' || b == '\\':
			t[b] = 2
		case b < 0x20:
			t[b] = 6 // \u00XX
		default:
			t[b] = 1
		}
	}
	return t
}()

// stringSize is the length of s as a JSON string, quotes included, whitespace not counted.
// encoding/json writes a byte that is not UTF-8 as \ufffd and escapes U+2028 and U+2029 even
// without HTML escaping; other characters are written as they are, and count unless they are
// Unicode white space.
func stringSize(s string) int {
	n := len(`""`)
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			n += int(asciiSize[b])
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		i += w
		switch {
		case r == utf8.RuneError && w == 1, r == '\u2028', r == '\u2029':
			n += len(`\ufffd`)
		case !unicode.IsSpace(r):
			n++
		}
	}
	return n
}

// encodedSize is Size by encoding v: the characters of its JSON that are not white space.
func encodedSize(v any) int {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("rules: policy does not encode: " + err.Error())
	}
	n := 0
	for _, r := range buf.String() {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}
