package output

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// File is one generated file, as the render stage produces it.
type File struct {
	// Path is relative to DIR, slash-separated and clean, without "..".
	Path string
	Data []byte
}

// reservedPrefix starts the names irsagen keeps for its own bookkeeping in DIR: the manifest and
// the temporary and backup files of a write in progress. Generated files may not use it, so a
// generated file can never be mistaken for one of them or collide with one.
const reservedPrefix = ".irsagen-"

// checkPath rejects paths that could name something outside DIR or that have two spellings.
// Two spellings of one file ("a//b", "a/./b") would defeat the manifest, which matches by string.
func checkPath(p string) error {
	switch {
	case p == "":
		return fmt.Errorf("empty path")
	case strings.HasPrefix(p, "/"):
		return fmt.Errorf("%q: absolute path; output paths are relative to the output directory", p)
	case strings.ContainsAny(p, "\\\x00"):
		return fmt.Errorf("%q: backslash or NUL in path; output paths are slash-separated", p)
	case p == "." || path.Clean(p) != p:
		return fmt.Errorf("%q: path is not clean (want %q)", p, path.Clean(p))
	}
	for elem := range strings.SplitSeq(p, "/") {
		if elem == ".." {
			return fmt.Errorf("%q: path contains \"..\"", p)
		}
		if strings.HasPrefix(elem, reservedPrefix) {
			return fmt.Errorf("%q: names starting with %q are reserved for irsagen's own files", p, reservedPrefix)
		}
	}
	// Catches what the checks above cannot see on every OS, such as Windows volume names.
	if !filepath.IsLocal(filepath.FromSlash(p)) {
		return fmt.Errorf("%q: path is not local to the output directory", p)
	}
	return nil
}

// checkFiles validates the generated tree as a whole and returns it sorted by path, so every
// later step visits files in the same order whatever order the render stage used.
func checkFiles(files []File) ([]File, error) {
	sorted := slices.Clone(files)
	slices.SortFunc(sorted, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	paths := make(map[string]bool, len(sorted))
	for i, f := range sorted {
		if err := checkPath(f.Path); err != nil {
			return nil, fmt.Errorf("generated file %w", err)
		}
		if i > 0 && sorted[i-1].Path == f.Path {
			return nil, fmt.Errorf("generated file %q appears twice", f.Path)
		}
		paths[f.Path] = true
	}
	// A path cannot be both a file and the directory of another file.
	for _, f := range sorted {
		for dir := path.Dir(f.Path); dir != "."; dir = path.Dir(dir) {
			if paths[dir] {
				return nil, fmt.Errorf("generated file %q is also the directory of %q", dir, f.Path)
			}
		}
	}
	return sorted, nil
}
