package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/irsagen/irsagen/schema"
)

func buildInfo(version string, settings ...string) *debug.BuildInfo {
	info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/irsagen/irsagen", Version: version}}
	for i := 0; i+1 < len(settings); i += 2 {
		info.Settings = append(info.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
	}
	return info
}

const commit = "0123456789abcdef0123456789abcdef01234567"

func TestVersionOf(t *testing.T) {
	tests := []struct {
		name                   string
		info                   *debug.BuildInfo
		linkVersion, linkDate  string
		want                   BuildVersion
		wantRelease            bool
		wantSchemaRef, wantOut string
	}{{
		name:          "go install of a tag",
		info:          buildInfo("v1.4.0"),
		want:          BuildVersion{Version: "v1.4.0", GoVersion: "go1.26.8"},
		wantRelease:   true,
		wantSchemaRef: "v1.4.0",
		wantOut:       "irsagen v1.4.0 (go1.26.8 ",
	}, {
		name:          "go install of a commit",
		info:          buildInfo("v0.0.0-20261206103000-0123456789ab"),
		want:          BuildVersion{Version: "v0.0.0-20261206103000-0123456789ab", Commit: "0123456789ab", Date: "2026-12-06T10:30:00Z", GoVersion: "go1.26.8"},
		wantSchemaRef: "main",
		wantOut:       "irsagen v0.0.0-20261206103000-0123456789ab (commit 0123456789ab, built 2026-12-06T10:30:00Z, go1.26.8 ",
	}, {
		name:          "make build in a checkout",
		info:          buildInfo("(devel)", "vcs.revision", commit, "vcs.time", "2026-12-01T09:00:00Z", "vcs.modified", "false"),
		want:          BuildVersion{Version: "(devel)", Commit: commit, Date: "2026-12-01T09:00:00Z", GoVersion: "go1.26.8"},
		wantSchemaRef: commit,
		wantOut:       "irsagen (devel) (commit 0123456789ab, built 2026-12-01T09:00:00Z, go1.26.8 ",
	}, {
		name:          "a checkout with uncommitted changes",
		info:          buildInfo("(devel)", "vcs.revision", commit, "vcs.modified", "true"),
		want:          BuildVersion{Version: "(devel)", Commit: commit, Modified: true, GoVersion: "go1.26.8"},
		wantSchemaRef: "main",
		wantOut:       "irsagen (devel) (commit 0123456789ab-modified, go1.26.8 ",
	}, {
		name:          "release build: link-time values win",
		info:          buildInfo("(devel)", "vcs.revision", commit, "vcs.time", "2026-12-01T09:00:00Z"),
		linkVersion:   "v2.0.0-rc.1",
		linkDate:      "2026-12-02T00:00:00Z",
		want:          BuildVersion{Version: "v2.0.0-rc.1", Commit: commit, Date: "2026-12-02T00:00:00Z", GoVersion: "go1.26.8"},
		wantRelease:   true,
		wantSchemaRef: "v2.0.0-rc.1",
		wantOut:       "irsagen v2.0.0-rc.1 (commit 0123456789ab, built 2026-12-02T00:00:00Z, go1.26.8 ",
	}, {
		name:          "no build information",
		want:          BuildVersion{Version: "(devel)"},
		wantSchemaRef: "main",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := versionOf(tt.info, tt.linkVersion, "", tt.linkDate)
			if tt.info == nil {
				tt.want.GoVersion = got.GoVersion
			}
			tt.want.Platform = got.Platform
			if got != tt.want {
				t.Errorf("versionOf = %+v\nwant %+v", got, tt.want)
			}
			if got.Release() != tt.wantRelease {
				t.Errorf("Release() = %v, want %v", got.Release(), tt.wantRelease)
			}
			if want := schema.URL(tt.wantSchemaRef); got.SchemaURL() != want {
				t.Errorf("SchemaURL() = %s, want %s", got.SchemaURL(), want)
			}
			if !strings.HasPrefix(got.String(), tt.wantOut) {
				t.Errorf("String() = %q, want prefix %q", got.String(), tt.wantOut)
			}
		})
	}
}

func TestVersionJSON(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"version", "--output", "json"}, &stdout, &stderr); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var v BuildVersion
	dec := json.NewDecoder(&stdout)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	if v != CurrentVersion() {
		t.Errorf("version --output json = %+v, want %+v", v, CurrentVersion())
	}
	if code := Main([]string{"version", "--output", "yaml"}, &stdout, &stderr); code != ExitBadInput {
		t.Errorf("--output yaml: exit %d, want %d", code, ExitBadInput)
	}
}

// The modeline that init writes names the raw schema file of the running version, at the path the
// repository keeps it, and that file says it lives there.
func TestStarterModeline(t *testing.T) {
	v := versionOf(buildInfo("v1.4.0"), "", "", "")
	first, rest, _ := strings.Cut(string(starterFor(v)), "\n")
	want := "# yaml-language-server: $schema=https://raw.githubusercontent.com/irsagen/irsagen/v1.4.0/schema/irsa.schema.json"
	if first != want {
		t.Fatalf("modeline %q, want %q", first, want)
	}
	path := strings.TrimPrefix(schema.URL("REF"), "https://raw.githubusercontent.com/irsagen/irsagen/REF/")
	data, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(path)))
	if err != nil {
		t.Fatalf("the schema URL names %s, which the repository does not hold: %v", path, err)
	}
	var doc struct {
		ID string `json:"$id"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.ID != schema.URL("main") {
		t.Errorf("%s has $id %q, want %q", path, doc.ID, schema.URL("main"))
	}
	if _, want, _ := strings.Cut(string(starter), "\n"); rest != want {
		t.Error("starterFor changed more than the modeline")
	}
}
