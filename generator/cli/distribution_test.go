package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/irsagen/irsagen/schema"
)

// repoFile reads a file at the repository's root.
func repoFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// invocation matches `irsagen <command> <args...>` up to the end of a shell command.
var invocation = regexp.MustCompile(`\birsagen ([a-z]+)([^|;&>\n]*)`)

// checkInvocations fails for every irsagen command or flag in script that irsagen does not have.
// It returns how many invocations it checked.
func checkInvocations(t *testing.T, where, script string) int {
	t.Helper()
	root := newRoot(io.Discard, io.Discard)
	n := 0
	for _, m := range invocation.FindAllStringSubmatch(script, -1) {
		cmd, _, err := root.Find([]string{m[1]})
		if err != nil || cmd == root {
			t.Errorf("%s: irsagen has no command %q", where, m[1])
			continue
		}
		n++
		for _, arg := range strings.Fields(m[2]) {
			arg = strings.TrimPrefix(arg, "${OUT:+")
			if !strings.HasPrefix(arg, "-") {
				continue
			}
			name, _, _ := strings.Cut(arg, "=")
			if !hasFlag(cmd, name) {
				t.Errorf("%s: irsagen %s has no flag %s", where, m[1], name)
			}
		}
	}
	return n
}

func hasFlag(cmd *cobra.Command, arg string) bool {
	if long, ok := strings.CutPrefix(arg, "--"); ok {
		return cmd.Flags().Lookup(long) != nil
	}
	return len(arg) == 2 && cmd.Flags().ShorthandLookup(arg[1:]) != nil
}

// The GitHub Action runs only commands and flags that irsagen has.
func TestActionNamesExistingCommands(t *testing.T) {
	var action struct {
		Runs struct {
			Using string
			Steps []struct {
				Name, Run string
			}
		}
	}
	if err := yaml.Unmarshal(repoFile(t, "action.yml"), &action); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if action.Runs.Using != "composite" {
		t.Errorf("action.yml: runs.using %q, want composite", action.Runs.Using)
	}
	n := 0
	for _, s := range action.Runs.Steps {
		n += checkInvocations(t, "action.yml step "+s.Name, s.Run)
	}
	if n < 3 {
		t.Errorf("action.yml runs %d irsagen commands, want validate, diff and plan", n)
	}
}

// The pre-commit hooks' entries are irsagen commands.
func TestPreCommitHooksNameExistingCommands(t *testing.T) {
	var hooks []struct {
		ID, Entry, Language, Files string
		PassFilenames              *bool `yaml:"pass_filenames"`
	}
	if err := yaml.Unmarshal(repoFile(t, ".pre-commit-hooks.yaml"), &hooks); err != nil {
		t.Fatalf(".pre-commit-hooks.yaml: %v", err)
	}
	if len(hooks) == 0 {
		t.Fatal(".pre-commit-hooks.yaml has no hooks")
	}
	for _, h := range hooks {
		if checkInvocations(t, "hook "+h.ID, h.Entry) != 1 {
			t.Errorf("hook %s: entry %q is not one irsagen command", h.ID, h.Entry)
		}
		if h.PassFilenames == nil || *h.PassFilenames {
			t.Errorf("hook %s: irsagen takes no file names; set pass_filenames: false", h.ID)
		}
		files := regexp.MustCompile(h.Files)
		for _, name := range []string{"irsa.yaml", "deploy/irsa.yml", "policies/send-mail.jsonnet"} {
			if !files.MatchString(name) {
				t.Errorf("hook %s: files %q does not match %s", h.ID, h.Files, name)
			}
		}
	}
}

// The SchemaStore entry matches irsa.yaml and points at the schema's own address.
func TestSchemaStoreCatalogEntry(t *testing.T) {
	var entry struct {
		Name, Description, URL string
		FileMatch              []string
	}
	if err := json.Unmarshal(repoFile(t, "schema/schemastore-catalog.json"), &entry); err != nil {
		t.Fatal(err)
	}
	if entry.URL != schema.ID {
		t.Errorf("catalog url %q, want the schema's $id %q", entry.URL, schema.ID)
	}
	if !strings.Contains(strings.Join(entry.FileMatch, " "), "irsa.yaml") || entry.Name == "" || entry.Description == "" {
		t.Errorf("catalog entry %+v", entry)
	}
}

// The action's install step accepts only a release tag as its version: the version becomes part
// of the download URL and of a directory, so anything else (a path that climbs out of the
// release, a tag with a suffix) is refused before anything is downloaded.
func TestActionInstallAcceptsOnlyReleaseTags(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	script := actionStep(t, "Install irsagen")
	run := func(version string) (code int, downloads string) {
		dir := t.TempDir()
		bin := filepath.Join(dir, "bin")
		log := filepath.Join(dir, "curl.log")
		if err := os.Mkdir(bin, 0o755); err != nil {
			t.Fatal(err)
		}
		// A curl that records what it was asked for and fails, as without a network.
		stub := "#!/bin/sh\necho \"$@\" >> '" + log + "'\nexit 22\n"
		if err := os.WriteFile(filepath.Join(bin, "curl"), []byte(stub), 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bash, "-c", script)
		cmd.Env = []string{
			"PATH=" + bin + ":/usr/bin:/bin", "VERSION=" + version, "RUNNER_OS=Linux", "RUNNER_ARCH=X64",
			"RUNNER_TEMP=" + dir, "GITHUB_PATH=" + filepath.Join(dir, "github_path"),
		}
		err := cmd.Run()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(log)
		return cmd.ProcessState.ExitCode(), string(data)
	}
	code, downloads := run("v1.2.3")
	if code == 0 || !strings.Contains(downloads, "https://github.com/irsagen/irsagen/releases/download/v1.2.3/irsagen_1.2.3_linux_amd64.tar.gz") {
		t.Errorf("v1.2.3: exit %d, downloads %q; want the release archive asked for", code, downloads)
	}
	for _, version := range []string{
		"v1.2.3/../../../../attacker/irsagen/releases/download/v1.2.3",
		"v1.2.3 ",
		"v1.2.3.4",
		"v1..2.3",
		"v1.2.3-rc.1/..",
		"main",
	} {
		if code, downloads := run(version); code != 2 || downloads != "" {
			t.Errorf("version %q: exit %d, downloads %q; want exit 2 and nothing downloaded", version, code, downloads)
		}
	}
	if code, downloads := run("v1.2.3-rc.1"); code == 2 || downloads == "" {
		t.Errorf("v1.2.3-rc.1: exit %d, downloads %q; a pre-release tag is a release tag", code, downloads)
	}
}

// actionStep returns the script of the action's step called name.
func actionStep(t *testing.T, name string) string {
	t.Helper()
	var action struct {
		Runs struct{ Steps []struct{ Name, Run string } }
	}
	if err := yaml.Unmarshal(repoFile(t, "action.yml"), &action); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	for _, s := range action.Runs.Steps {
		if s.Name == name {
			return s.Run
		}
	}
	t.Fatalf("action.yml has no step %s", name)
	return ""
}

// The plan comment edits only irsagen's own comment for the same config: the token's user also
// writes other workflows' comments, which "the user's last comment" would overwrite. gh is a stub
// that answers the comment listing with jq, as gh's --jq does.
func TestActionCommentEditsOnlyItsOwn(t *testing.T) {
	bash, errBash := exec.LookPath("bash")
	jq, errJq := exec.LookPath("jq")
	if errBash != nil || errJq != nil {
		t.Skip("needs bash and jq")
	}
	script := actionStep(t, "Comment the plan")
	const config = "platform/irsa.yaml"
	sum := sha256.Sum256([]byte(config))
	marker := "<!-- irsagen-plan:" + hex.EncodeToString(sum[:])[:16] + " -->"
	run := func(comments []map[string]any) (calls, body string) {
		dir := t.TempDir()
		bin := filepath.Join(dir, "bin")
		log := filepath.Join(dir, "gh.log")
		fixture := filepath.Join(dir, "comments.json")
		data, _ := json.Marshal(comments)
		writeTestFile(t, fixture, string(data), 0o644)
		writeTestFile(t, filepath.Join(dir, "irsagen-plan.md"), "## irsagen plan\n1 stack to update\n", 0o644)
		writeTestFile(t, filepath.Join(bin, "gh"), "#!/bin/sh\necho \"$@\" >> '"+log+"'\n"+
			"if [ \"$1\" = api ] && [ \"$2\" = --paginate ] && [ \"$4\" = --jq ]; then exec '"+jq+"' -r \"$5\" '"+fixture+"'; fi\n", 0o755)
		cmd := exec.Command(bash, "-c", script)
		cmd.Env = []string{
			"PATH=" + bin + ":/usr/bin:/bin", "RUNNER_TEMP=" + dir, "GITHUB_REPOSITORY=o/r", "PR=5", "CONFIG=" + config,
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("step failed: %v\n%s", err, out)
		}
		logged, _ := os.ReadFile(log)
		written, _ := os.ReadFile(filepath.Join(dir, "irsagen-comment.md"))
		return string(logged), string(written)
	}
	others := []map[string]any{
		{"id": 1, "body": "coverage: 81%"},
		{"id": 2, "body": "<!-- irsagen-plan:0000000000000000 -->\nthe plan of another config"},
	}
	calls, body := run(append(others, map[string]any{"id": 7, "body": marker + "\nthe previous plan"}, map[string]any{"id": 9, "body": "terraform plan"}))
	if !strings.Contains(calls, "api --method PATCH repos/o/r/issues/comments/7 ") || strings.Contains(calls, "pr comment") || strings.Contains(calls, "edit-last") {
		t.Errorf("with irsagen's comment 7 among others, gh was called:\n%s", calls)
	}
	if !strings.HasPrefix(body, marker+"\n## irsagen plan\n") {
		t.Errorf("comment body %q, want the marker and the plan", body)
	}
	calls, _ = run(others)
	if !strings.Contains(calls, "pr comment 5 --repo o/r --body-file ") || strings.Contains(calls, "PATCH") || strings.Contains(calls, "edit-last") {
		t.Errorf("without irsagen's comment, gh was called:\n%s", calls)
	}
}

func writeTestFile(t *testing.T, name, data string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
}

// Every step of the action whose command reads the output directory is given the output-dir
// input: validate lays the stacks out from the stacks.json there, as diff and plan do, and would
// judge another layout without it.
func TestActionPassesOutputDir(t *testing.T) {
	var action struct {
		Runs struct {
			Steps []struct {
				Name, Run string
				Env       map[string]string
			}
		}
	}
	if err := yaml.Unmarshal(repoFile(t, "action.yml"), &action); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	n := 0
	for _, s := range action.Runs.Steps {
		for _, m := range invocation.FindAllStringSubmatch(s.Run, -1) {
			switch m[1] {
			case "validate", "diff", "plan":
				n++
				if !strings.Contains(m[2], `${OUT:+-o "$OUT"}`) || s.Env["OUT"] != "${{ inputs.output-dir }}" {
					t.Errorf("action.yml step %s: irsagen %s is not given the output-dir input", s.Name, m[1])
				}
			}
		}
	}
	if n != 3 {
		t.Errorf("action.yml runs %d of validate, diff and plan, want 3", n)
	}
}
