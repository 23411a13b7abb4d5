package overlay

import (
	"errors"
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// layeredFS shows kustomize the rendered tree in memory at the output directory and the rest of
// the disk (the app bases the overlays include) read-only, so overlays are built as they will be
// once written, without writing them and whatever the output directory holds today.
type layeredFS struct {
	out  string // absolute output directory
	mem  filesys.FileSystem
	disk filesys.FileSystem
}

var errReadOnly = errors.New("the build reads files only")

func (l *layeredFS) pick(p string) filesys.FileSystem {
	abs, err := filepath.Abs(p)
	if err == nil && (abs == l.out || strings.HasPrefix(abs, l.out+string(filepath.Separator))) {
		return l.mem
	}
	return l.disk
}

func (l *layeredFS) Create(string) (filesys.File, error) { return nil, errReadOnly }
func (l *layeredFS) Mkdir(string) error                  { return errReadOnly }
func (l *layeredFS) MkdirAll(string) error               { return errReadOnly }
func (l *layeredFS) RemoveAll(string) error              { return errReadOnly }
func (l *layeredFS) WriteFile(string, []byte) error      { return errReadOnly }

func (l *layeredFS) Open(p string) (filesys.File, error) { return l.pick(p).Open(p) }
func (l *layeredFS) IsDir(p string) bool                 { return l.pick(p).IsDir(p) }
func (l *layeredFS) ReadDir(p string) ([]string, error)  { return l.pick(p).ReadDir(p) }
func (l *layeredFS) Exists(p string) bool                { return l.pick(p).Exists(p) }
func (l *layeredFS) ReadFile(p string) ([]byte, error)   { return l.pick(p).ReadFile(p) }
func (l *layeredFS) Glob(pattern string) ([]string, error) {
	return l.pick(pattern).Glob(pattern)
}
func (l *layeredFS) Walk(p string, fn filepath.WalkFunc) error { return l.pick(p).Walk(p, fn) }
func (l *layeredFS) CleanedAbs(p string) (filesys.ConfirmedDir, string, error) {
	return l.pick(p).CleanedAbs(p)
}
