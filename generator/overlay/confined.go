package overlay

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// confinedFS shows kustomize the config's directory on disk, read-only, and nothing outside it,
// with one kustomization in memory at its top that includes the app bases being checked. A base
// that reaches outside the directory, by a path or a symbolic link, fails to build as it would
// in a repository that holds only that directory.
type confinedFS struct {
	root string // absolute, symbolic links resolved
	top  string // root's kustomization.yaml, held in memory
	data []byte
	disk filesys.FileSystem
	// refused is the first kustomization refused for naming a remote base (see localOnly).
	refused error
}

// kustomizationNames are the names krusty looks for; only the one in memory exists at the top.
var kustomizationNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

var errOutside = errors.New("outside the config's directory")

func newConfinedFS(dir string, kustomization []byte) (*confinedFS, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if abs, err = filepath.EvalSymlinks(abs); err != nil {
		return nil, err
	}
	return &confinedFS{root: abs, top: filepath.Join(abs, kustomizationNames[0]), data: kustomization, disk: filesys.MakeFsOnDisk()}, nil
}

// inside cleans p and reports whether it is in the root, after any symbolic links it holds.
func (c *confinedFS) inside(p string) (string, bool) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", false
	}
	within := func(q string) bool {
		return q == c.root || strings.HasPrefix(q, c.root+string(filepath.Separator))
	}
	if !within(abs) {
		return abs, false
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil && !within(real) {
		return abs, false
	}
	return abs, true
}

// shadowed is a kustomization file at the top other than the one in memory.
func (c *confinedFS) shadowed(abs string) bool {
	if filepath.Dir(abs) != c.root || abs == c.top {
		return false
	}
	for _, n := range kustomizationNames {
		if filepath.Base(abs) == n {
			return true
		}
	}
	return false
}

func (c *confinedFS) check(p string) (string, error) {
	abs, ok := c.inside(p)
	switch {
	case !ok:
		return "", fmt.Errorf("%s: %w", c.rel(abs), errOutside)
	case c.shadowed(abs):
		return "", fmt.Errorf("%s: %w", c.rel(abs), os.ErrNotExist)
	}
	return abs, nil
}

// rel is p relative to the root, for messages: no absolute path reaches the user.
func (c *confinedFS) rel(p string) string {
	if r, err := filepath.Rel(c.root, p); err == nil {
		return filepath.ToSlash(r)
	}
	return filepath.Base(p)
}

func (c *confinedFS) Create(string) (filesys.File, error) { return nil, errReadOnly }
func (c *confinedFS) Mkdir(string) error                  { return errReadOnly }
func (c *confinedFS) MkdirAll(string) error               { return errReadOnly }
func (c *confinedFS) RemoveAll(string) error              { return errReadOnly }
func (c *confinedFS) WriteFile(string, []byte) error      { return errReadOnly }

func (c *confinedFS) Open(p string) (filesys.File, error) {
	abs, err := c.check(p)
	if err != nil {
		return nil, err
	}
	if abs == c.top {
		mem := filesys.MakeFsInMemory()
		if err := mem.WriteFile(abs, c.data); err != nil {
			return nil, err
		}
		return mem.Open(abs)
	}
	return c.disk.Open(abs)
}

func (c *confinedFS) IsDir(p string) bool {
	abs, err := c.check(p)
	return err == nil && abs != c.top && c.disk.IsDir(abs)
}

func (c *confinedFS) ReadDir(p string) ([]string, error) {
	abs, err := c.check(p)
	if err != nil {
		return nil, err
	}
	return c.disk.ReadDir(abs)
}

func (c *confinedFS) Exists(p string) bool {
	abs, err := c.check(p)
	return err == nil && (abs == c.top || c.disk.Exists(abs))
}

func (c *confinedFS) ReadFile(p string) ([]byte, error) {
	abs, err := c.check(p)
	if err != nil {
		return nil, err
	}
	if abs == c.top {
		return c.data, nil
	}
	data, err := c.disk.ReadFile(abs)
	if err != nil {
		return nil, err
	}
	if err := c.localOnly(abs, data); err != nil {
		// kustomize takes a kustomization it cannot read for a missing one: keep the reason.
		if c.refused == nil {
			c.refused = err
		}
		return nil, err
	}
	return data, nil
}

func (c *confinedFS) Glob(pattern string) ([]string, error) {
	if _, err := c.check(pattern); err != nil {
		return nil, err
	}
	matches, err := c.disk.Glob(pattern)
	var out []string
	for _, m := range matches {
		if _, err := c.check(m); err == nil {
			out = append(out, m)
		}
	}
	return out, err
}

func (c *confinedFS) Walk(p string, fn filepath.WalkFunc) error {
	abs, err := c.check(p)
	if err != nil {
		return err
	}
	return c.disk.Walk(abs, fn)
}

func (c *confinedFS) CleanedAbs(p string) (filesys.ConfirmedDir, string, error) {
	abs, err := c.check(p)
	if err != nil {
		return "", "", err
	}
	if abs == c.top {
		return filesys.ConfirmedDir(c.root), filepath.Base(abs), nil
	}
	return c.disk.CleanedAbs(abs)
}
