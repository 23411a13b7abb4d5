package cli

import (
	"encoding/json"
	"io"
	"os"
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
