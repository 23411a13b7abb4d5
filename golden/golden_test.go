package golden_test

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/sebdah/goldie/v2"

	"github.com/irsagen/irsagen/generator"
	"github.com/irsagen/irsagen/generator/cli"
	"github.com/irsagen/irsagen/generator/output"
)

// caseDirs lists every directory with an irsa.yaml under golden/ and examples/.
func caseDirs(t *testing.T) []string {
	t.Helper()
	var dirs []string
	for _, pattern := range []string{"*/irsa.yaml", "../examples/*/irsa.yaml"} {
		matches, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range matches {
			abs, err := filepath.Abs(filepath.Dir(m))
			if err != nil {
				t.Fatal(err)
			}
			dirs = append(dirs, abs)
		}
	}
	if len(dirs) == 0 {
		t.Fatal("no cases found")
	}
	sort.Strings(dirs)
	return dirs
}

func caseName(dir string) string {
	return filepath.Base(filepath.Dir(dir)) + "/" + filepath.Base(dir)
}

// TestCases renders every case and compares it with its golden files, then hands good trees to
// their real consumers (see consumers_test.go).
func TestCases(t *testing.T) {
	for _, dir := range caseDirs(t) {
		t.Run(caseName(dir), func(t *testing.T) {
			t.Chdir(dir)
			if _, err := os.Stat("stderr"); err == nil {
				badCase(t)
				return
			}
			res, err := generator.Generate(generator.Options{ConfigPath: "irsa.yaml"})
			if err != nil {
				if os.Getenv("GOLDIE_UPDATE") != "" {
					badCase(t)
					return
				}
				t.Fatalf("generate failed; a case that must fail needs a stderr file:\n%v", err)
			}
			goodCase(t, res)
			checkConsumers(t, res)
		})
	}
}

// badCase runs the real command: it must exit 2, print exactly the golden stderr and write
// nothing at all.
func badCase(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	var stdout, stderr bytes.Buffer
	code := cli.Main([]string{"generate", "-c", "irsa.yaml", "-o", out}, &stdout, &stderr)
	if code != cli.ExitBadInput {
		t.Errorf("exit status %d, want %d (bad input)\nstderr:\n%s", code, cli.ExitBadInput, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout must be empty on bad input, got:\n%s", stdout.String())
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed run created %s", out)
	}
	g := goldie.New(t, goldie.WithFixtureDir("."), goldie.WithNameSuffix(""))
	g.Assert(t, "stderr", stderr.Bytes())
}

// goodCase compares each rendered file with out/ and checks that out/ holds nothing else but the
// manifest, which generate writes beside them.
func goodCase(t *testing.T, res *generator.Result) {
	g := goldie.New(t, goldie.WithFixtureDir("."), goldie.WithNameSuffix(""))
	want := map[string]bool{output.ManifestName: true}
	for _, f := range res.Files {
		want[f.Path] = true
		g.Assert(t, filepath.Join("out", f.Path), f.Data)
	}
	err := filepath.WalkDir("out", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, "out"+string(filepath.Separator)))
		if !want[rel] {
			if os.Getenv("GOLDIE_UPDATE") != "" {
				return os.Remove(p)
			}
			t.Errorf("out/%s is no longer generated; run make golden", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
