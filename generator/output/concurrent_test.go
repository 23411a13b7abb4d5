package output_test

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/irsagen/irsagen/generator/output"
)

// TestConcurrentWritesIntoOneDirectory runs several writes at once into one new directory, and
// into one that exists, some of one tree and some of another. Each must end truthfully: every
// write succeeds (they take turns), DIR then holds exactly one of the trees with its manifest,
// and nothing of irsagen's own is left.
func TestConcurrentWritesIntoOneDirectory(t *testing.T) {
	var trees [2][]output.File
	for i := range trees {
		for f := range 40 {
			trees[i] = append(trees[i], output.File{
				Path: fmt.Sprintf("d%d/f%02d.yaml", f%4, f),
				Data: fmt.Appendf(nil, "tree %d file %d\n", i, f),
			})
		}
	}
	for _, existing := range []bool{false, true} {
		t.Run(fmt.Sprintf("existing=%v", existing), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out", "irsa")
			if existing {
				mustWrite(t, dir, trees[1][:10], output.Options{})
			}
			var wg sync.WaitGroup
			errs := make([]error, 6)
			for i := range errs {
				wg.Go(func() { _, errs[i] = output.Write(dir, trees[i%2], output.Options{}) })
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("write %d: %v", i, err)
				}
			}
			matches := 0
			for _, tr := range trees {
				if d, err := output.Diff(dir, tr, output.Options{}); err == nil && !d.Differs {
					matches++
				}
			}
			if matches != 1 {
				t.Errorf("DIR holds %d of the trees, want exactly one", matches)
			}
			assertNoBookkeepingFiles(t, snapshot(t, dir))
		})
	}
}

// TestManyDirectoriesFewDescriptors writes, updates and compares a tree of more directories
// than OpenRoot's FS may hold open, as a fleet of 50,000 ServiceAccounts has more than a process
// may hold descriptors.
func TestManyDirectoriesFewDescriptors(t *testing.T) {
	output.MaxOpenDirs(t, 3)
	var v1, v2 []output.File
	for i := range 60 {
		p := fmt.Sprintf("c%d/ns%02d/sa%02d/kustomization.yaml", i%3, i%7, i)
		v1 = append(v1, output.File{Path: p, Data: fmt.Appendf(nil, "v1 %d\n", i)})
		if i%5 != 0 {
			v2 = append(v2, output.File{Path: p, Data: fmt.Appendf(nil, "v2 %d\n", i)})
		}
	}
	dir := t.TempDir()
	mustWrite(t, dir, v1, output.Options{})
	c := mustWrite(t, dir, v2, output.Options{})
	if len(c.Updated) != 48 || len(c.Deleted) != 12 {
		t.Errorf("changes = %d updated, %d deleted; want 48, 12", len(c.Updated), len(c.Deleted))
	}
	if d, err := output.Diff(dir, v2, output.Options{}); err != nil || d.Differs {
		t.Errorf("Diff = %+v, %v", d, err)
	}
	assertNoBookkeepingFiles(t, snapshot(t, dir))
}
