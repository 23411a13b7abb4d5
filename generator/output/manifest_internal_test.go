package output

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// TestEncodeManifestMatchesJSON checks encodeManifest against what encoding/json writes for the
// manifest struct, which is what every earlier irsagen wrote and every reader expects.
func TestEncodeManifestMatchesJSON(t *testing.T) {
	special := []string{
		`quote"d`, "tab\tand\nnewline", "\x01\x1f\x7f", "caf\u00e9", "line\u2028sep\u2029", "bad\xff\xfeutf8",
		"<html>&amp;", "emoji\U0001F600", "dir/sub/file.yaml", "a b", "'single'", "back\bspace\fform",
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	for n := range 200 {
		var files []File
		seen := map[string]bool{}
		for range n % 7 {
			var p string
			if rnd.IntN(2) == 0 {
				p = special[rnd.IntN(len(special))]
			} else {
				b := make([]byte, 1+rnd.IntN(12))
				for i := range b {
					b[i] = byte(rnd.IntN(256))
				}
				p = string(b)
			}
			if seen[p] {
				continue
			}
			seen[p] = true
			files = append(files, File{Path: p, Data: []byte(p)})
		}
		slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
		sums := make([]digest, len(files))
		m := manifest{Version: manifestVersion, Files: map[string]string{}}
		for i, f := range files {
			sums[i] = sha256.Sum256(f.Data)
			m.Files[f.Path] = fmt.Sprintf("%s%x", hashPrefix, sums[i])
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(m); err != nil {
			t.Fatal(err)
		}
		if got := encodeManifest(files, sums); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("encodeManifest(%q) =\n%s\nwant\n%s", files, got, want.Bytes())
		}
	}
}

func TestForEach(t *testing.T) {
	for _, workers := range []int{1, 2, 4, 100} {
		var sum atomic.Int64
		if err := forEach(1000, workers, func(i int) error { sum.Add(int64(i)); return nil }); err != nil {
			t.Fatal(err)
		}
		if sum.Load() != 999*1000/2 {
			t.Errorf("workers=%d: not every index was visited once", workers)
		}

		// After a failure no new index starts, and the failure of the lowest index is returned.
		var started atomic.Int64
		errs := []error{errors.New("at 10"), errors.New("at 11")}
		err := forEach(1000, workers, func(i int) error {
			started.Add(1)
			if i == 10 || i == 11 {
				return errs[i-10]
			}
			return nil
		})
		if workers == 1 && err != errs[0] || err != errs[0] && err != errs[1] {
			t.Errorf("workers=%d: err = %v", workers, err)
		}
		if n := started.Load(); n > 12+int64(workers) {
			t.Errorf("workers=%d: %d calls started after a failure at 10", workers, n)
		}
	}
}

// TestDecodeWrittenMatchesJSON checks the fast reading of a manifest against encoding/json's: on
// manifests as irsagen writes them it must read the same files, and on any edit of one it must
// either read what encoding/json reads, or decline.
func TestDecodeWrittenMatchesJSON(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	elems := []string{"a", "b", "cloudformation", "kubernetes", "x.yaml", "team-01", "é", `q"`, "back\\slash", "<&>", "-", "z z", ".hidden", ".irsagen-tmp-x"}
	randomPath := func() string {
		parts := make([]string, 1+rnd.IntN(3))
		for i := range parts {
			parts[i] = elems[rnd.IntN(len(elems))]
		}
		return strings.Join(parts, "/")
	}
	mutate := func(b []byte) []byte {
		b = slices.Clone(b)
		if len(b) == 0 {
			return b
		}
		switch i := rnd.IntN(max(len(b), 1)); rnd.IntN(6) {
		case 0:
			b[i] = byte(rnd.IntN(256))
		case 1:
			b[i] = "\",:{}\n \\0aAfF/"[rnd.IntN(14)]
		case 2:
			b = slices.Delete(b, i, min(i+1+rnd.IntN(8), len(b)))
		case 3:
			src := b[rnd.IntN(len(b)):]
			b = slices.Insert(b, i, slices.Clone(src[:min(1+rnd.IntN(80), len(src))])...)
		case 4:
			lines := bytes.SplitAfter(b, []byte("\n"))
			j, k := rnd.IntN(len(lines)), rnd.IntN(len(lines))
			lines[j], lines[k] = lines[k], lines[j]
			b = bytes.Join(lines, nil)
		case 5:
			b = b[:i]
		}
		return b
	}
	fast := 0
	for n := range 3000 {
		seen := map[string]bool{}
		var files []File
		for range n % 9 {
			if p := randomPath(); !seen[p] {
				seen[p] = true
				files = append(files, File{Path: p, Data: []byte(p)})
			}
		}
		slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
		sums := make([]digest, len(files))
		plain := true
		for i, f := range files {
			sums[i] = sha256.Sum256(f.Data)
			plain = plain && checkPath(f.Path) == nil && !strings.ContainsAny(f.Path, "\"\\é")
		}
		data := encodeManifest(files, sums)
		want, wantErr := decodeJSON(data)
		got, ok := decodeWritten(data)
		if ok != plain {
			t.Fatalf("decodeWritten(%q) ok = %v, want %v", data, ok, plain)
		}
		if ok && (wantErr != nil || !maps.Equal(got, want) || len(got) != len(files)) {
			t.Fatalf("decodeWritten(%q) = %v; encoding/json: %v, %v", data, got, want, wantErr)
		}
		for range 5 {
			edited := mutate(data)
			got, ok := decodeWritten(edited)
			if !ok {
				continue
			}
			fast++
			want, err := decodeJSON(edited)
			if err != nil || !maps.Equal(got, want) {
				t.Fatalf("decodeWritten(%q) = %v, but encoding/json reads %v, %v", edited, got, want, err)
			}
		}
	}
	t.Logf("%d edited manifests were read by decodeWritten", fast)
}
