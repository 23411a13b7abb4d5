package release

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func repoFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// The image copies the release's Linux binary from where Run leaves it, and runs as non-root.
func TestDockerfileRunsTheReleaseBinary(t *testing.T) {
	df := repoFile(t, "Dockerfile")
	copyLine := regexp.MustCompile(`(?m)^COPY .*dist/\$\{TARGETOS\}_\$\{TARGETARCH\}/irsagen /usr/local/bin/irsagen$`)
	if !copyLine.MatchString(df) {
		t.Errorf("Dockerfile does not copy dist/<os>_<arch>/irsagen, the binary Run builds")
	}
	for _, arch := range []string{"amd64", "arm64"} {
		if !slices.Contains(Platforms, Platform{"linux", arch}) {
			t.Errorf("the image is built for linux/%s, which releases do not ship", arch)
		}
	}
	user := regexp.MustCompile(`(?m)^USER (\S+)$`).FindStringSubmatch(df)
	if user == nil || user[1] == "root" || strings.HasPrefix(user[1], "0") {
		t.Errorf("Dockerfile: USER %v, want a non-root user", user)
	}
}

// The workflows run make targets that the Makefile has.
func TestWorkflowsNameMakeTargets(t *testing.T) {
	makefile := repoFile(t, "Makefile")
	for _, wf := range []string{".github/workflows/ci.yml", ".github/workflows/release.yml"} {
		var doc struct {
			Jobs map[string]struct {
				Steps []struct{ Run string }
			}
		}
		if err := yaml.Unmarshal([]byte(repoFile(t, wf)), &doc); err != nil {
			t.Fatalf("%s: %v", wf, err)
		}
		if len(doc.Jobs) == 0 {
			t.Fatalf("%s has no jobs", wf)
		}
		for _, job := range doc.Jobs {
			for _, s := range job.Steps {
				for _, m := range regexp.MustCompile(`\bmake ([a-z-]+)`).FindAllStringSubmatch(s.Run, -1) {
					if !regexp.MustCompile(`(?m)^` + m[1] + `:`).MatchString(makefile) {
						t.Errorf("%s runs make %s, which the Makefile lacks", wf, m[1])
					}
				}
			}
		}
	}
}
