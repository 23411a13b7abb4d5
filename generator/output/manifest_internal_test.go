package output

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
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

		// A failure is returned; with one worker, it is the first and no call follows it.
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
		if n := started.Load(); workers == 1 && n != 11 {
			t.Errorf("workers=1: %d calls made, want 11: none after the failure at 10", n)
		}
	}
}
