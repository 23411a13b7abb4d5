package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/irsagen/irsagen/schema"
)

// Version, Commit and Date describe a release build. The release builder sets them at link time
// (-ldflags "-X github.com/irsagen/irsagen/generator/cli.Version=v1.2.3 ..."); left empty, they
// come from the build information the Go toolchain records: the module version for
// `go install github.com/irsagen/irsagen/cmd/irsagen@v1.2.3`, the revision and commit time for a
// build in a git checkout. None of them ever reaches a generated file.
var Version, Commit, Date string

// BuildVersion is what `irsagen version` reports.
type BuildVersion struct {
	Version   string `json:"version"`
	Commit    string `json:"commit,omitempty"`
	Date      string `json:"date,omitempty"`
	Modified  bool   `json:"modified,omitempty"` // built from a work tree with uncommitted changes
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// pseudoVersion matches a Go pseudo-version's time and revision, e.g.
// v0.0.0-20261206103000-0123456789ab, which `go install ...@<commit>` records.
var pseudoVersion = regexp.MustCompile(`[-.](\d{14})-([0-9a-f]{12})(\+incompatible)?$`)

// releaseTag matches a version that is a tag of the repository: v1.2.3 or v1.2.3-rc.1.
var releaseTag = regexp.MustCompile(`^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`)

// CurrentVersion is the running binary's version.
func CurrentVersion() BuildVersion {
	info, _ := debug.ReadBuildInfo()
	return versionOf(info, Version, Commit, Date)
}

// versionOf combines the link-time values, which win, with the build information.
func versionOf(info *debug.BuildInfo, version, commit, date string) BuildVersion {
	v := BuildVersion{GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if info != nil {
		v.GoVersion = info.GoVersion
		if info.Main.Version != "" && info.Main.Version != "(devel)" {
			v.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Commit = s.Value
			case "vcs.time":
				v.Date = s.Value
			case "vcs.modified":
				v.Modified = s.Value == "true"
			}
		}
		if m := pseudoVersion.FindStringSubmatch(v.Version); m != nil && v.Commit == "" {
			v.Commit = m[2]
			t := m[1]
			v.Date = fmt.Sprintf("%s-%s-%sT%s:%s:%sZ", t[0:4], t[4:6], t[6:8], t[8:10], t[10:12], t[12:14])
		}
	}
	if version != "" {
		v.Version = version
	}
	if commit != "" {
		v.Commit = commit
	}
	if date != "" {
		v.Date = date
	}
	if v.Version == "" {
		v.Version = "(devel)"
	}
	return v
}

// Release reports whether the version is a tag of the repository.
func (v BuildVersion) Release() bool {
	return releaseTag.MatchString(v.Version) && !pseudoVersion.MatchString(v.Version) && !v.Modified
}

// SchemaURL is the raw JSON Schema of irsa.yaml as this version has it: the tag's file for a
// release, the commit's for a build of a commit, main's otherwise.
func (v BuildVersion) SchemaURL() string {
	switch {
	case v.Release():
		return schema.URL(v.Version)
	case len(v.Commit) == 40 && !v.Modified:
		return schema.URL(v.Commit)
	}
	return schema.URL("main")
}

func (v BuildVersion) String() string {
	var parts []string
	if v.Commit != "" {
		c := v.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		if v.Modified {
			c += "-modified"
		}
		parts = append(parts, "commit "+c)
	}
	if v.Date != "" {
		parts = append(parts, "built "+v.Date)
	}
	parts = append(parts, v.GoVersion+" "+v.Platform)
	return fmt.Sprintf("irsagen %s (%s)", v.Version, strings.Join(parts, ", "))
}

func newVersion(stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print irsagen's version, commit and build date",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := CurrentVersion()
			switch format := settings(cmd).GetString("output"); format {
			case "text":
				fmt.Fprintln(stdout, v)
			case "json":
				data, err := json.MarshalIndent(v, "", "  ")
				if err != nil {
					return fail(err)
				}
				fmt.Fprintf(stdout, "%s\n", data)
			default:
				return &exitError{code: ExitBadInput, err: fmt.Errorf("--output %q: want text or json", format)}
			}
			return nil
		},
	}
	cmd.Flags().String("output", "text", "text or json")
	return cmd
}
