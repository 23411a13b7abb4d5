// Command release builds irsagen's release archives and checksums into dist/ (see package
// release). Run from the module root:
//
//	go run ./internal/release/cmd/release -version v1.2.3   # make release VERSION=v1.2.3
//	go run ./internal/release/cmd/release -snapshot         # make release-snapshot
//
// A release needs a clean work tree whose HEAD is tagged with the version; a snapshot builds
// whatever is checked out, as version v0.0.0-SNAPSHOT-<commit>, and is never published.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/irsagen/irsagen/internal/release"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func run() error {
	version := flag.String("version", "", "the version to build: a tag of HEAD such as v1.2.3")
	snapshot := flag.Bool("snapshot", false, "build HEAD as a snapshot, unpublished")
	dir := flag.String("dir", "dist", "output directory (replaced)")
	only := flag.String("platforms", "", "comma-separated os_arch list (default: every platform)")
	flag.Parse()

	commit, err := git("rev-parse", "HEAD")
	if err != nil {
		return err
	}
	when, err := git("log", "-1", "--format=%cI")
	if err != nil {
		return err
	}
	date, err := time.Parse(time.RFC3339, when)
	if err != nil {
		return err
	}
	switch {
	case *snapshot && *version == "":
		*version = "v0.0.0-SNAPSHOT-" + commit[:12]
	case *snapshot:
		return errors.New("-snapshot takes no -version")
	case *version == "":
		return errors.New("say -version vX.Y.Z, or -snapshot")
	default:
		if dirty, err := git("status", "--porcelain"); err != nil || dirty != "" {
			return fmt.Errorf("a release is built from a clean work tree; git status shows:\n%s", dirty)
		}
		if tagged, err := git("rev-parse", *version+"^{commit}"); err != nil || tagged != commit {
			return fmt.Errorf("HEAD %s is not tagged %s", commit[:12], *version)
		}
	}
	platforms := release.Platforms
	if *only != "" {
		platforms = nil
		for _, name := range strings.Split(*only, ",") {
			goos, goarch, ok := strings.Cut(name, "_")
			if !ok {
				return fmt.Errorf("-platforms: %q is not os_arch", name)
			}
			platforms = append(platforms, release.Platform{OS: goos, Arch: goarch})
		}
	}
	a, err := release.Run(context.Background(), release.Options{
		Version: *version, Commit: commit, Date: date, Dir: *dir,
		Platforms: platforms, Extra: []string{"README.md"},
	})
	if err != nil {
		return err
	}
	for _, name := range append(a.Archives, a.Checksums) {
		fmt.Printf("%s/%s\n", *dir, name)
	}
	return checkHostBinary(*dir, platforms, *version)
}

// checkHostBinary runs the binary built for this machine, if any, and checks that it reports the
// version it was built as: the link-time flags reached it.
func checkHostBinary(dir string, platforms []release.Platform, version string) error {
	host := release.Platform{OS: runtime.GOOS, Arch: runtime.GOARCH}
	if !slices.Contains(platforms, host) {
		return nil
	}
	bin := filepath.Join(dir, host.String(), "irsagen")
	if host.OS == "windows" {
		bin += ".exe"
	}
	out, err := exec.Command(bin, "version", "--output", "json").Output()
	if err != nil {
		return fmt.Errorf("%s version: %w", bin, err)
	}
	var v struct{ Version string }
	if err := json.Unmarshal(out, &v); err != nil || v.Version != version {
		return fmt.Errorf("%s reports version %q, want %q (%v)", bin, v.Version, version, err)
	}
	fmt.Printf("%s version: %s\n", bin, v.Version)
	return nil
}

func git(args ...string) (string, error) {
	out, err := exec.Command("git", args...).Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out)), nil
}
