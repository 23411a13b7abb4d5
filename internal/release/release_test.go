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
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeBuild writes a stand-in binary that records what it was built for, so the test needs no
// cross-compiler.
func fakeBuild(_ context.Context, p Platform, path string, o Options) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(p.String()+" "+LinkFlags(o)), 0o755)
}

func build(t *testing.T, dir string) (Options, Artifacts) {
	t.Helper()
	readme := filepath.Join(t.TempDir(), "README.md")
	if err := os.WriteFile(readme, []byte("# irsagen\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	o := Options{
		Version: "v1.2.3", Commit: strings.Repeat("ab", 20), Dir: dir, Platforms: Platforms,
		Date: time.Date(2026, 12, 6, 10, 30, 0, 0, time.FixedZone("CET", 3600)), Extra: []string{readme}, Build: fakeBuild,
	}
	a, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return o, a
}

func TestRunIsReproducible(t *testing.T) {
	root := t.TempDir()
	_, a1 := build(t, filepath.Join(root, "one"))
	_, a2 := build(t, filepath.Join(root, "two"))
	if len(a1.Archives) != len(Platforms) || a1.Checksums != "irsagen_1.2.3_checksums.txt" {
		t.Fatalf("artifacts %+v", a1)
	}
	for _, name := range append(a1.Archives, a1.Checksums) {
		one, err1 := os.ReadFile(filepath.Join(root, "one", name))
		two, err2 := os.ReadFile(filepath.Join(root, "two", name))
		if err1 != nil || err2 != nil || !bytes.Equal(one, two) {
			t.Errorf("%s differs between two runs (%v, %v)", name, err1, err2)
		}
	}
	sums, err := os.ReadFile(filepath.Join(root, "two", a2.Checksums))
	if err != nil {
		t.Fatal(err)
	}
	// Every archive is listed once, with the sha256 of its bytes, as `sha256sum -c` reads it.
	lines := strings.Split(strings.TrimSuffix(string(sums), "\n"), "\n")
	if len(lines) != len(a2.Archives) {
		t.Fatalf("%d checksum lines for %d archives:\n%s", len(lines), len(a2.Archives), sums)
	}
	for _, line := range lines {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			t.Fatalf("line %q is not sha256sum's format", line)
		}
		data, err := os.ReadFile(filepath.Join(root, "two", name))
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprintf("%x", sha256.Sum256(data)); got != sum {
			t.Errorf("%s: checksum %s, file has %s", name, sum, got)
		}
	}
}

func TestArchiveContents(t *testing.T) {
	dir := t.TempDir()
	o, a := build(t, dir)
	for _, name := range a.Archives {
		files := map[string]string{}
		modes := map[string]os.FileMode{}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.HasSuffix(name, ".zip"):
			zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range zr.File {
				if !f.Modified.Equal(o.Date) {
					t.Errorf("%s: %s has time %v, want the commit's %v", name, f.Name, f.Modified, o.Date)
				}
				rc, _ := f.Open()
				b, _ := io.ReadAll(rc)
				files[f.Name], modes[f.Name] = string(b), f.Mode()
			}
		case strings.HasSuffix(name, ".tar.gz"):
			gz, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			tr := tar.NewReader(gz)
			for {
				h, err := tr.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if !h.ModTime.Equal(o.Date) || h.Uid != 0 || h.Gid != 0 {
					t.Errorf("%s: %s has time %v owner %d:%d", name, h.Name, h.ModTime, h.Uid, h.Gid)
				}
				b, _ := io.ReadAll(tr)
				files[h.Name], modes[h.Name] = string(b), h.FileInfo().Mode()
			}
		default:
			t.Fatalf("unexpected archive %s", name)
		}
		base := strings.TrimSuffix(strings.TrimSuffix(name, ".zip"), ".tar.gz")
		platform := strings.TrimPrefix(base, "irsagen_1.2.3_")
		bin := base + "/irsagen"
		if strings.HasPrefix(platform, "windows") {
			bin += ".exe"
		}
		want := platform + " " + LinkFlags(o)
		if files[bin] != want || modes[bin].Perm() != 0o755 {
			t.Errorf("%s: %s = %q mode %v, want %q mode 0755", name, bin, files[bin], modes[bin], want)
		}
		if files[base+"/README.md"] != "# irsagen\n" || len(files) != 2 {
			t.Errorf("%s holds %v", name, files)
		}
	}
}

func TestLinkFlagsSetTheVersionVariables(t *testing.T) {
	o := Options{Version: "v1.2.3", Commit: "abc", Date: time.Date(2026, 12, 6, 10, 30, 0, 0, time.FixedZone("CET", 3600))}
	want := "-s -w -X github.com/irsagen/irsagen/generator/cli.Version=v1.2.3 -X github.com/irsagen/irsagen/generator/cli.Commit=abc -X github.com/irsagen/irsagen/generator/cli.Date=2026-12-06T09:30:00Z"
	if got := LinkFlags(o); got != want {
		t.Errorf("LinkFlags = %q\nwant %q", got, want)
	}
}
