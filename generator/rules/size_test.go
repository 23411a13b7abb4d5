package rules_test

import (
	"testing"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/rules"
)

// TestSize counts documents by hand: whitespace, ASCII or not, is not counted; what JSON escapes
// counts as its escape; HTML characters are not escaped; a byte that is not UTF-8 becomes
// \ufffd.
func TestSize(t *testing.T) {
	for _, c := range []struct {
		doc  any
		want int
	}{
		{map[string]any{"Action": "s3:GetObject"}, len(`{"Action":"s3:GetObject"}`)},
		{map[string]any{"Action": "s3:Get Object\t\n"}, len(`{"Action":"s3:GetObject\t\n"}`)},
		{config.Document{"Sid": "a\u00a0\u3000b"}, len(`{"Sid":"ab"}`)},
		{map[string]any{"a": `"\`}, len(`{"a":"\"\\"}`)},
		{map[string]any{"a": "<>&"}, len(`{"a":"<>&"}`)},
		{map[string]any{"a": "\x01\u2028"}, len(`{"a":"\u0001\u2028"}`)},
		{map[string]any{"a": "\xff"}, len(`{"a":"\ufffd"}`)},
		{map[string]any{"a": "é中😀"}, len(`{"a":"xxx"}`)},
		{map[string]any{"a": []any{true, nil, 1.5}}, len(`{"a":[true,null,1.5]}`)},
	} {
		if got := rules.Size(c.doc); got != c.want {
			t.Errorf("Size(%#v) = %d, want %d", c.doc, got, c.want)
		}
	}
}
