package rules_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/rules"
)

// sizeByEncoding is how Size used to count: encode the document, then count what is not white
// space. Size must give the same number for every document without encoding it.
func sizeByEncoding(doc any) int {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
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

// runePool holds the characters that encoding/json treats differently: escaped ones, HTML
// characters it leaves alone here, white space ASCII and Unicode, U+2028 and U+2029, characters
// of two to four bytes, and bytes that are not UTF-8.
var runePool = func() []string {
	var pool []string
	for b := range 0x80 {
		pool = append(pool, string(rune(b)))
	}
	for _, r := range []rune{
		'\u0085', '\u00a0', '\u1680', '\u2000', '\u2005', '\u200a', '\u200b', '\u2028', '\u2029',
		'\u202f', '\u205f', '\u3000', '\ufeff', '\ufffd', 'é', 'ü', 'ß', '中', '文', '😀', '\U0010ffff',
	} {
		pool = append(pool, string(r))
	}
	// A lone continuation byte, a truncated sequence, an encoded surrogate, an overlong slash.
	pool = append(pool, "\xff", "\x80", "\xc3", "\xe2\x80", "\xf0\x9f\x98", "\xed\xa0\x80", "\xc0\xaf")
	return pool
}()

func randomString(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(12) {
		switch r.IntN(4) {
		case 0: // plain text, as most of a policy is
			b.WriteString("arn:aws:s3:::bucket/"[:1+r.IntN(20)])
		default:
			b.WriteString(runePool[r.IntN(len(runePool))])
		}
	}
	return b.String()
}

var numbers = []json.Number{"", "0", "-0", "7", "3600", "-12", "1.5", "0.001", "-2.5e+10", "1E-7", "123456789012345678901234567890"}

var floats = []float64{0, math.Copysign(0, -1), 1, -1.5, 3600, 1e20, 1e21, 1e-6, 1e-7, 123456.789, -9.87654321e-300, math.MaxFloat64, math.SmallestNonzeroFloat64}

// randomValue builds a decoded JSON value of the shapes policy documents take, and a few that only
// the encoder handles (floats, ints, typed lists).
func randomValue(r *rand.Rand, depth int) any {
	kinds := 12
	if depth >= 4 {
		kinds = 7 // scalars only
	}
	switch r.IntN(kinds) {
	case 0:
		return nil
	case 1:
		return r.IntN(2) == 0
	case 2, 3:
		return randomString(r)
	case 4:
		return numbers[r.IntN(len(numbers))]
	case 5:
		if r.IntN(2) == 0 {
			return floats[r.IntN(len(floats))]
		}
		return r.NormFloat64() * math.Pow(10, float64(r.IntN(40)-20))
	case 6:
		switch r.IntN(3) {
		case 0:
			return r.IntN(100000) - 50000
		case 1:
			return int64(r.Uint64())
		default:
			return uint8(r.IntN(256))
		}
	case 7:
		if r.IntN(8) == 0 {
			return []string(nil)
		}
		l := make([]string, r.IntN(4))
		for i := range l {
			l[i] = randomString(r)
		}
		return l
	case 8, 9:
		if r.IntN(8) == 0 {
			return []any(nil)
		}
		l := make([]any, r.IntN(5))
		for i := range l {
			l[i] = randomValue(r, depth+1)
		}
		return l
	default:
		return randomObject(r, depth)
	}
}

func randomObject(r *rand.Rand, depth int) any {
	if r.IntN(10) == 0 {
		if r.IntN(2) == 0 {
			return map[string]any(nil)
		}
		return config.Document(nil)
	}
	m := map[string]any{}
	for range r.IntN(5) {
		m[randomString(r)] = randomValue(r, depth+1)
	}
	if r.IntN(3) == 0 {
		return config.Document(m)
	}
	return m
}

func TestSizeMatchesEncoding(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 2048))
	for i := range 20000 {
		var doc any
		if i%4 == 0 {
			doc = randomValue(r, 0)
		} else {
			doc = randomObject(r, 0)
		}
		if got, want := rules.Size(doc), sizeByEncoding(doc); got != want {
			t.Fatalf("document %d: Size = %d, encoding counts %d\n%#v", i, got, want, doc)
		}
	}
}

// TestSizeOfEveryCharacter compares the count for each character of the pool alone, in a key and
// in a value, so that a wrong count is named.
func TestSizeOfEveryCharacter(t *testing.T) {
	for _, s := range runePool {
		for _, doc := range []any{s, map[string]any{s: s}, []any{s, s + s}} {
			if got, want := rules.Size(doc), sizeByEncoding(doc); got != want {
				t.Errorf("Size(%#v) = %d, encoding counts %d", doc, got, want)
			}
		}
	}
}

func TestSizeOfWhatDoesNotEncode(t *testing.T) {
	for _, doc := range []any{
		map[string]any{"n": json.Number("1x")},
		map[string]any{"Statement": []any{math.NaN()}},
		config.Document{"c": make(chan int)},
	} {
		want := panicOf(func() { sizeByEncoding(doc) })
		got := panicOf(func() { rules.Size(doc) })
		if want == "" || got != want {
			t.Errorf("Size(%#v) panics with %q, encoding with %q", doc, got, want)
		}
	}
}

func panicOf(f func()) (msg string) {
	defer func() {
		if v := recover(); v != nil {
			msg = fmt.Sprint(v)
		}
	}()
	f()
	return ""
}

func FuzzSize(f *testing.F) {
	for _, s := range []string{"", "s3:GetObject", "a b\tc\nd", `"\`, "<>&", "\u2028\u2029", "\u00a0\u0085\u3000", "é😀", "\xff\xc3", "\x00\x1f\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		doc := map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{s: s, "Action": []any{s, true, nil}}}}
		if got, want := rules.Size(doc), sizeByEncoding(doc); got != want {
			t.Errorf("Size = %d, encoding counts %d for %q", got, want, s)
		}
	})
}
