package jsonnet

import (
	"os"
	"path/filepath"
	"testing"
)

func TestImports(t *testing.T) {
	dir := configDir(t, map[string]string{
		"policies/main.jsonnet": `
local sibling = import 'common.libsonnet';
local nested = import 'lib/s3.libsonnet';
local irsa = import 'irsagen/lib.libsonnet';
irsa.document([sibling.statement, nested.statement])`,
		"policies/common.libsonnet": `{statement: (import 'irsagen/lib.libsonnet').allow('sts:GetCallerIdentity', '*')}`,
		// A relative import from a subdirectory climbs back, still inside the config directory.
		"policies/lib/s3.libsonnet": `{statement: (import '../../shared/s3.libsonnet')}`,
		"shared/s3.libsonnet":       `{Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::assets/*']}`,
	})
	got := evaluateOne(t, &Evaluator{Root: dir}, Job{File: "policies/main.jsonnet"})
	want := `{"Statement":[{"Action":["sts:GetCallerIdentity"],"Effect":"Allow","Resource":["*"]},` +
		`{"Action":["s3:GetObject"],"Effect":"Allow","Resource":["arn:aws:s3:::assets/*"]}],"Version":"2012-10-17"}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestLibraryFileAsJob(t *testing.T) {
	dir := configDir(t, nil)
	// The library's helpers are hidden fields, so the file itself manifests as an empty object.
	if got := evaluateOne(t, &Evaluator{Root: dir}, Job{File: "irsagen/lib.libsonnet"}); got != `{}` {
		t.Errorf("got %s, want {}", got)
	}
}

func TestSymlinkInsideRootIsFollowed(t *testing.T) {
	dir := configDir(t, map[string]string{
		"shared/base.jsonnet":   `{Version: '2012-10-17'}`,
		"policies/main.jsonnet": `import 'base.jsonnet'`,
	})
	if err := os.Symlink("../shared/base.jsonnet", filepath.Join(dir, "policies", "base.jsonnet")); err != nil {
		t.Skipf("cannot create symbolic links here: %v", err)
	}
	if got := evaluateOne(t, &Evaluator{Root: dir}, Job{File: "policies/main.jsonnet"}); got != `{"Version":"2012-10-17"}` {
		t.Errorf("got %s", got)
	}
}

// TestImportsAreConfined tries every way out of the config directory. Each must fail at the
// import, with the file and position of the import, whether or not the target exists.
func TestImportsAreConfined(t *testing.T) {
	parent := t.TempDir()
	secret := filepath.Join(parent, "secret.jsonnet")
	if err := os.WriteFile(secret, []byte(`{Version: 'stolen'}`), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(parent, "config")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"policies/up.jsonnet":         "{a: import '../../secret.jsonnet'}",
		"policies/absolute.jsonnet":   "{a: importstr '/etc/passwd'}",
		"policies/library-up.jsonnet": "{a: import 'irsagen/../../secret.jsonnet'}",
		"policies/link.jsonnet":       "{a: import 'secret.jsonnet'}",
		"policies/missing.jsonnet":    "{a: import 'irsagen/nope.libsonnet'}",
		"policies/backslash.jsonnet":  "{a: import '..\\\\secret.jsonnet'}",
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A link inside the config directory to a file outside it, by relative and by absolute path.
	if err := os.Symlink("../../secret.jsonnet", filepath.Join(dir, "policies", "secret.jsonnet")); err != nil {
		t.Skipf("cannot create symbolic links here: %v", err)
	}
	if err := os.Symlink(secret, filepath.Join(dir, "policies", "absolute-link.jsonnet")); err != nil {
		t.Fatal(err)
	}

	e := &Evaluator{Root: dir}
	tests := []struct {
		file string
		want string
	}{
		{"policies/up.jsonnet", `policies/up.jsonnet:1:5: cannot import "../../secret.jsonnet": it is outside the config directory`},
		{"policies/absolute.jsonnet", `policies/absolute.jsonnet:1:5: cannot import "/etc/passwd": it is an absolute path, ` +
			`which could read anything on the machine; import relative to the importing file, or from the built-in library as 'irsagen/...'`},
		{"policies/library-up.jsonnet", `policies/library-up.jsonnet:1:5: cannot import "irsagen/../../secret.jsonnet": it is outside the config directory`},
		{"policies/link.jsonnet", `policies/link.jsonnet:1:5: cannot import "secret.jsonnet": policies/secret.jsonnet leads outside the config directory through a symbolic link`},
		{"policies/missing.jsonnet", `policies/missing.jsonnet:1:5: cannot import "irsagen/nope.libsonnet": it is not in the built-in library`},
		{"policies/backslash.jsonnet", `policies/backslash.jsonnet:1:5: cannot import "..\\secret.jsonnet": it contains a backslash; separate directories with "/"`},
		// The job's own file obeys the same rules.
		{"../secret.jsonnet", `../secret.jsonnet: the file is outside the config directory`},
		{secret, secret + `: the file is an absolute path`},
		{"policies/absolute-link.jsonnet", `policies/absolute-link.jsonnet: the file leads outside the config directory through a symbolic link`},
		{"policies/none.jsonnet", `policies/none.jsonnet: the file does not exist in the config directory`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := failOne(t, e, Job{File: tt.file}).Error()
			wantContains(t, got, tt.want)
		})
	}
}

func TestResolve(t *testing.T) {
	tests := []struct{ from, path, want string }{
		{"", "policies/a.jsonnet", "policies/a.jsonnet"},
		{"policies/a.jsonnet", "b.libsonnet", "policies/b.libsonnet"},
		{"policies/a.jsonnet", "./lib/../b.libsonnet", "policies/b.libsonnet"},
		{"policies/a.jsonnet", "../shared/c.libsonnet", "shared/c.libsonnet"},
		// The library is named from anywhere, and relative imports inside it stay in it.
		{"policies/a.jsonnet", "irsagen/lib.libsonnet", "irsagen/lib.libsonnet"},
		{"irsagen/external-dns.libsonnet", "lib.libsonnet", "irsagen/lib.libsonnet"},
		{"policies/a.jsonnet", "../irsagen/lib.libsonnet", "irsagen/lib.libsonnet"},
	}
	for _, tt := range tests {
		got, err := resolve(tt.from, tt.path)
		if err != nil || got != tt.want {
			t.Errorf("resolve(%q, %q) = %q, %v; want %q", tt.from, tt.path, got, err, tt.want)
		}
	}
}
