package jsonnet

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/google/go-jsonnet"
)

// LibraryPrefix is the first element of every path that names the built-in library. The library
// is mounted there, so a directory of that name beside irsa.yaml is hidden from templates.
const LibraryPrefix = "irsagen"

// maxFileSize bounds what one import may read. Policy templates are a few kilobytes; the bound
// keeps an importstr of a large file from filling memory before the deadline.
const maxFileSize = 8 << 20

// importer resolves Jsonnet imports inside the config directory and the built-in library.
//
// Every file is named by its slash-separated path relative to the config directory
// ("policies/send-mail.jsonnet", "irsagen/lib.libsonnet"). go-jsonnet uses that name as the
// file name in its error positions, which is why errors read as the user wrote the path in
// irsa.yaml, and passes it back as importedFrom, which is how relative imports resolve against
// the importing file's directory.
type importer struct {
	root    *os.Root // the config directory; refuses "..", absolute paths and escaping symlinks
	library fs.FS    // package templates' FS, holding irsagen/...
	cache   map[string]imported
}

type imported struct {
	contents jsonnet.Contents
	err      error
}

// importError is an import that irsagen refuses or cannot satisfy. go-jsonnet turns it into a
// runtime error at the import expression, so its text is the whole message the user reads.
type importError struct {
	path    string // as written in the import
	name    string // resolved, relative to the config directory; "" if it could not be resolved
	problem string // a predicate: "does not exist in the config directory"
}

func (e *importError) Error() string {
	subject := "it"
	if e.name != "" && e.name != e.path {
		// A relative import is easier to fix when the message says where it led.
		subject = e.name
	}
	return fmt.Sprintf("cannot import %q: %s %s", e.path, subject, e.problem)
}

func newImporter(root *os.Root, library fs.FS) *importer {
	return &importer{root: root, library: library, cache: map[string]imported{}}
}

// Import implements jsonnet.Importer. Results, failures included, are cached by resolved path:
// go-jsonnet requires the same Contents for the same path, and a cache also makes a file read
// once however many jobs import it.
func (im *importer) Import(importedFrom, importedPath string) (jsonnet.Contents, string, error) {
	name, err := resolve(importedFrom, importedPath)
	if err != nil {
		return jsonnet.Contents{}, "", err
	}
	r, ok := im.cache[name]
	if !ok {
		r = im.read(name)
		im.cache[name] = r
	}
	if r.err != nil {
		return jsonnet.Contents{}, "", &importError{path: importedPath, name: name, problem: r.err.Error()}
	}
	return r.contents, name, nil
}

// resolve turns an import into a path relative to the config directory. from is the importing
// file's resolved path, or "" for the file a job names.
func resolve(from, p string) (string, error) {
	switch {
	case p == "":
		return "", &importError{path: p, problem: "is an empty path"}
	case strings.Contains(p, `\`):
		return "", &importError{path: p, problem: `contains a backslash; separate directories with "/"`}
	case path.IsAbs(p) || filepath.IsAbs(p) || filepath.VolumeName(p) != "":
		return "", &importError{path: p, problem: "is an absolute path, which could read anything on the machine; " +
			"import relative to the importing file, or from the built-in library as '" + LibraryPrefix + "/...'"}
	}
	// 'irsagen/x' names the library from anywhere, like a Go import path; anything else is
	// relative to the importing file.
	var name string
	if isLibrary(p) {
		name = path.Clean(p)
	} else {
		name = path.Join(path.Dir(from), p)
	}
	if name == ".." || strings.HasPrefix(name, "../") {
		return "", &importError{path: p, problem: "is outside the config directory"}
	}
	return name, nil
}

func isLibrary(name string) bool {
	return name == LibraryPrefix || strings.HasPrefix(name, LibraryPrefix+"/")
}

// read returns a resolved file's contents. Its errors are predicates about the file ("does not
// exist ..."), which importError completes with the file's name.
func (im *importer) read(name string) imported {
	var data []byte
	var err error
	if isLibrary(name) {
		if data, err = fs.ReadFile(im.library, name); err != nil {
			err = errors.New("is not in the built-in library")
		}
	} else {
		data, err = readFile(im.root, name)
	}
	if err != nil {
		return imported{err: err}
	}
	return imported{contents: jsonnet.MakeContentsRaw(data)}
}

// readFile reads name through root, which is what confines it: os.Root refuses a name, or a
// symbolic link on the way to it, that leads outside the directory.
func readFile(root *os.Root, name string) ([]byte, error) {
	f, err := root.Open(filepath.FromSlash(name))
	if err != nil {
		return nil, describe(err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && !st.Mode().IsRegular() {
		return nil, errors.New("is not a regular file")
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, describe(err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("is larger than %d MiB", maxFileSize>>20)
	}
	return data, nil
}

// describe rewords os errors, which name the absolute path on this machine, in terms of the
// config directory, so that messages are the same on every machine.
func describe(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("does not exist in the config directory")
	case errors.Is(err, fs.ErrPermission):
		return errors.New("is not readable")
	case strings.Contains(err.Error(), "path escapes from parent"):
		// os.Root's error for a symbolic link that leads outside the directory; it has no
		// exported sentinel.
		return errors.New("leads outside the config directory through a symbolic link")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("cannot be read: %v", err)
}
