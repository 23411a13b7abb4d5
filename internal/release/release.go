// Package release builds irsagen's release archives: one binary per platform, packed with the
// README into a tar.gz (a zip for Windows), and a checksums file. `make release` and
// `make release-snapshot` run it; publishing the files is the release workflow's job.
//
// The archives are reproducible: every entry has the commit's time, fixed owners and modes, and
// the binaries are built with -trimpath and the commit's date as their build date, so the same
// commit gives the same bytes on any machine.
package release

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Platform is a GOOS/GOARCH pair that a release ships a binary for.
type Platform struct{ OS, Arch string }

func (p Platform) String() string { return p.OS + "_" + p.Arch }

// binary is the binary's name on the platform.
func (p Platform) binary() string {
	if p.OS == "windows" {
		return "irsagen.exe"
	}
	return "irsagen"
}

// Platforms are the platforms every release ships.
var Platforms = []Platform{
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"linux", "amd64"}, {"linux", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

// Options say what to build and where.
type Options struct {
	Version   string    // v1.2.3, or a snapshot's version
	Commit    string    // the full commit hash
	Date      time.Time // the commit's time: build date and archive entries' time
	Dir       string    // output directory; its previous content is replaced
	Platforms []Platform
	Extra     []string // files packed beside the binary, relative to the module root (README.md)
	// Build builds the binary for a platform into path; nil means `go build`.
	Build func(ctx context.Context, p Platform, path string, o Options) error
}

// Artifacts are the files a release publishes, relative to Options.Dir.
type Artifacts struct {
	Archives  []string
	Checksums string
}

// Run builds every platform's binary and archive and writes the checksums. The unpacked binaries
// stay in Dir/<os>_<arch>/, where the container image takes the Linux ones from.
func Run(ctx context.Context, o Options) (Artifacts, error) {
	if o.Build == nil {
		o.Build = goBuild
	}
	if err := os.RemoveAll(o.Dir); err != nil {
		return Artifacts{}, err
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return Artifacts{}, err
	}
	var a Artifacts
	sums := map[string][32]byte{}
	for _, p := range o.Platforms {
		bin := filepath.Join(o.Dir, p.String(), p.binary())
		if err := o.Build(ctx, p, bin, o); err != nil {
			return Artifacts{}, fmt.Errorf("%s: %w", p, err)
		}
		name, data, err := archive(p, bin, o)
		if err != nil {
			return Artifacts{}, fmt.Errorf("%s: %w", p, err)
		}
		if err := os.WriteFile(filepath.Join(o.Dir, name), data, 0o644); err != nil {
			return Artifacts{}, err
		}
		a.Archives = append(a.Archives, name)
		sums[name] = sha256.Sum256(data)
	}
	a.Checksums = prefix(o) + "checksums.txt"
	if err := os.WriteFile(filepath.Join(o.Dir, a.Checksums), checksums(sums), 0o644); err != nil {
		return Artifacts{}, err
	}
	return a, nil
}

// checksums is sha256sum's format, sorted by name: `sha256sum -c` verifies it.
func checksums(sums map[string][32]byte) []byte {
	var b bytes.Buffer
	names := make([]string, 0, len(sums))
	for n := range sums {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(&b, "%x  %s\n", sums[n], n)
	}
	return b.Bytes()
}

// LinkFlags set the version the binary reports (generator/cli.Version, Commit, Date).
func LinkFlags(o Options) string {
	const pkg = "github.com/irsagen/irsagen/generator/cli"
	return strings.Join([]string{
		"-s", "-w",
		"-X", pkg + ".Version=" + o.Version,
		"-X", pkg + ".Commit=" + o.Commit,
		"-X", pkg + ".Date=" + o.Date.UTC().Format(time.RFC3339),
	}, " ")
}

func goBuild(ctx context.Context, p Platform, path string, o Options) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false",
		"-ldflags", LinkFlags(o), "-o", path, "./cmd/irsagen")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+p.OS, "GOARCH="+p.Arch)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

// prefix starts every published file's name: irsagen_1.2.3_.
func prefix(o Options) string { return "irsagen_" + strings.TrimPrefix(o.Version, "v") + "_" }

// entry is one file of an archive.
type entry struct {
	name string
	mode int64
	data []byte
}

// archive packs the binary and the extra files under a directory named like the archive.
func archive(p Platform, bin string, o Options) (string, []byte, error) {
	base := prefix(o) + p.String()
	data, err := os.ReadFile(bin)
	if err != nil {
		return "", nil, err
	}
	entries := []entry{{p.binary(), 0o755, data}}
	for _, x := range o.Extra {
		data, err := os.ReadFile(x)
		if err != nil {
			return "", nil, err
		}
		entries = append(entries, entry{filepath.Base(x), 0o644, data})
	}
	var b bytes.Buffer
	if p.OS == "windows" {
		err := writeZip(&b, base, entries, o.Date)
		return base + ".zip", b.Bytes(), err
	}
	err = writeTarGz(&b, base, entries, o.Date)
	return base + ".tar.gz", b.Bytes(), err
}

func writeTarGz(w *bytes.Buffer, dir string, entries []entry, mtime time.Time) error {
	gz := gzip.NewWriter(w) // no name or time in the gzip header: same input, same bytes
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		h := &tar.Header{
			Name: dir + "/" + e.name, Mode: e.mode, Size: int64(len(e.data)), ModTime: mtime.UTC(),
			Typeflag: tar.TypeReg, Format: tar.FormatPAX, Uname: "root", Gname: "root",
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := tw.Write(e.data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeZip(w io.Writer, dir string, entries []entry, mtime time.Time) error {
	zw := zip.NewWriter(w)
	for _, e := range entries {
		h := &zip.FileHeader{Name: dir + "/" + e.name, Method: zip.Deflate, Modified: mtime.UTC()}
		h.SetMode(os.FileMode(e.mode))
		f, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := f.Write(e.data); err != nil {
			return err
		}
	}
	return zw.Close()
}
