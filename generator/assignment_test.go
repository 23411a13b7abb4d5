package generator_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/irsagen/irsagen/generator"
	"github.com/irsagen/irsagen/generator/diag"
	"github.com/irsagen/irsagen/generator/output"
	"github.com/irsagen/irsagen/generator/plan"
)

func TestReadAssignment(t *testing.T) {
	write := func(t *testing.T, dir, rel, data string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, p, []byte(data))
	}
	t.Run("missing", func(t *testing.T) {
		for _, dir := range []string{filepath.Join(t.TempDir(), "none"), t.TempDir()} {
			a, err := generator.ReadAssignment(dir)
			if err != nil || len(a) != 0 {
				t.Errorf("%s: %v, %v; want an empty assignment", dir, a, err)
			}
		}
	})
	t.Run("roles listed", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "cloudformation/stacks.json", `{"version": 1, "stacks": [
  {"name": "irsa-p-policies", "template": "cloudformation/p/irsa-p-policies.yaml"},
  {"name": "irsa-p-roles", "template": "cloudformation/p/irsa-p-roles.yaml", "roles": ["a", "b"]},
  {"name": "irsa-p-roles-1", "template": "cloudformation/p/irsa-p-roles-1.yaml", "roles": ["c"]}]}`)
		a, err := generator.ReadAssignment(dir)
		if want := (plan.Assignment{"irsa-p-roles": {"a", "b"}, "irsa-p-roles-1": {"c"}}); err != nil || !reflect.DeepEqual(a, want) {
			t.Errorf("got %v, %v; want %v", a, err, want)
		}
	})
	t.Run("written before stacks.json listed roles", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "cloudformation/stacks.json", `{"version": 1, "stacks": [
  {"name": "irsa-p-roles", "template": "cloudformation/p/irsa-p-roles.yaml"},
  {"name": "irsa-p-roles-3", "template": "cloudformation/p/irsa-p-roles-3.yaml"}]}`)
		write(t, dir, "cloudformation/p/irsa-p-roles.yaml", "Resources:\n  RoleA1:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: team_a\n      Path: /\n  RoleB1:\n    Properties:\n      RoleName: \"123\"\n")
		write(t, dir, "cloudformation/p/irsa-p-roles-3.yaml", "Resources:\n  RoleC1:\n    Properties:\n      RoleName: 'yes'\n")
		a, err := generator.ReadAssignment(dir)
		if want := (plan.Assignment{"irsa-p-roles": {"team_a", "123"}, "irsa-p-roles-3": {"yes"}}); err != nil || !reflect.DeepEqual(a, want) {
			t.Errorf("got %v, %v; want %v", a, err, want)
		}
	})
	t.Run("associations", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "cloudformation/stacks.json", `{"version": 1, "stacks": [
  {"name": "irsa-p-pod-identity-roles", "template": "cloudformation/p/irsa-p-pod-identity-roles.yaml", "roles": ["a@pod-identity"]},
  {"name": "irsa-pod-identity-c0", "template": "cloudformation/p/irsa-pod-identity-c0.yaml", "associations": ["team/a", "team/b"]},
  {"name": "irsa-pod-identity-c0-2", "template": "cloudformation/p/irsa-pod-identity-c0-2.yaml", "associations": ["x/c"]}]}`)
		a, err := generator.ReadAssignment(dir)
		want := plan.Assignment{
			"irsa-p-pod-identity-roles": {"a@pod-identity"},
			"irsa-pod-identity-c0":      {"team/a", "team/b"},
			"irsa-pod-identity-c0-2":    {"x/c"},
		}
		if err != nil || !reflect.DeepEqual(a, want) {
			t.Errorf("got %v, %v; want %v", a, err, want)
		}
	})
	t.Run("links do not lead out", func(t *testing.T) {
		dir, outside := t.TempDir(), t.TempDir()
		write(t, outside, "stacks.json", `{"stacks": [{"name": "irsa-p-roles", "roles": ["x"]}]}`)
		write(t, outside, "roles.yaml", "      RoleName: x\n")
		if err := os.MkdirAll(filepath.Join(dir, "cloudformation"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join(outside, "stacks.json"), filepath.Join(dir, "cloudformation", "stacks.json")); err != nil {
			t.Skip("no symbolic links here:", err)
		}
		if a, err := generator.ReadAssignment(dir); !errors.Is(err, output.ErrSymlink) || !strings.Contains(err.Error(), filepath.Join("cloudformation", "stacks.json")+": ") ||
			!strings.Contains(err.Error(), "replace the link") {
			t.Errorf("got %v, %v through a link out of the directory; want the error of a symbolic link, naming stacks.json and what to do", a, err)
		}
		os.Remove(filepath.Join(dir, "cloudformation", "stacks.json"))
		write(t, dir, "cloudformation/stacks.json", `{"version": 1, "stacks": [{"name": "irsa-p-roles", "template": "../../`+filepath.Base(outside)+`/roles.yaml"}]}`)
		_, err := generator.ReadAssignment(dir)
		var list diag.List
		if !errors.As(err, &list) || len(list) != 1 {
			t.Fatalf("got %v; want one diagnostic: a path out of the directory is bad input", err)
		}
		want := filepath.Join(dir, "cloudformation", "stacks.json") + ":1:64: template \"../../"
		if got := list[0].String(); !strings.HasPrefix(got, want) {
			t.Errorf("got  %s\nwant %s...", got, want)
		}
	})
	t.Run("malformed", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "cloudformation/stacks.json", `{"stacks": [`)
		_, err := generator.ReadAssignment(dir)
		if err == nil || !strings.Contains(err.Error(), "stacks.json") || !strings.Contains(err.Error(), "restore it") {
			t.Errorf("got %v; want an error naming stacks.json and what to do", err)
		}
	})
	// A stacks.json that is not JSON is bad input, like irsa.yaml (exit 2, not 3), at the line
	// and column of the problem: here the conflict markers of a merge.
	t.Run("merge conflict", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "cloudformation/stacks.json", "{\n  \"stacks\": [\n<<<<<<< HEAD\n")
		_, err := generator.ReadAssignment(dir)
		var list diag.List
		if !errors.As(err, &list) || len(list) != 1 {
			t.Fatalf("got %v; want one diagnostic", err)
		}
		want := filepath.Join(dir, "cloudformation", "stacks.json") + ":3:1: "
		if got := list[0].String(); !strings.HasPrefix(got, want) || !strings.Contains(got, "restore it") {
			t.Errorf("got  %s\nwant %s... restore it ...", got, want)
		}
	})
	// A role is in one stack. A stacks.json that lists a role of an account under two of its
	// stacks (a hand edit, a merge) does not say which one holds it: keeping either could move a
	// deployed role without a warning, so it is bad input at the second listing. Roles of one
	// name in two accounts are two roles.
	t.Run("role listed twice", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "cloudformation/stacks.json", `{"version": 1, "stacks": [
  {"name": "irsa-q-roles", "account": "q", "roles": ["a"]},
  {"name": "irsa-p-roles", "account": "p", "roles": ["a", "b"]},
  {"name": "irsa-p-roles-1", "account": "p",
   "roles": ["c", "a"]}]}`)
		_, err := generator.ReadAssignment(dir)
		var list diag.List
		if !errors.As(err, &list) || len(list) != 1 {
			t.Fatalf("got %v; want one diagnostic", err)
		}
		want := filepath.Join(dir, "cloudformation", "stacks.json") + `:5:19: role "a" of account "p" is listed under stack irsa-p-roles-1 and under stack irsa-p-roles (line 3), but it is in one stack`
		if got := list[0].String(); !strings.HasPrefix(got, want) {
			t.Errorf("got  %s\nwant %s...", got, want)
		}
	})
	// Likewise an association is in one stack of its cluster; one key in two clusters' stacks is
	// two associations.
	t.Run("association listed twice", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "cloudformation/stacks.json", `{"version": 1, "stacks": [
  {"name": "irsa-pod-identity-west", "account": "p", "cluster": "west", "associations": ["ns/a"]},
  {"name": "irsa-pod-identity-prod", "account": "p", "cluster": "prod", "associations": ["ns/a", "ns/b"]},
  {"name": "irsa-pod-identity2-prod", "account": "p", "cluster": "prod",
   "associations": ["ns/c", "ns/a"]}]}`)
		_, err := generator.ReadAssignment(dir)
		var list diag.List
		if !errors.As(err, &list) || len(list) != 1 {
			t.Fatalf("got %v; want one diagnostic", err)
		}
		want := filepath.Join(dir, "cloudformation", "stacks.json") + `:5:29: association "ns/a" of cluster "prod" is listed under stack irsa-pod-identity2-prod and under stack irsa-pod-identity-prod (line 3)`
		if got := list[0].String(); !strings.HasPrefix(got, want) {
			t.Errorf("got  %s\nwant %s...", got, want)
		}
	})
	// stacks.json is read whole: one larger than any fleet writes (a stray file, a runaway
	// generator) is refused before it is read, not read into memory.
	t.Run("too large", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "cloudformation/stacks.json", "{}")
		if err := os.Truncate(filepath.Join(dir, "cloudformation", "stacks.json"), generator.MaxStacksFileBytes+1); err != nil {
			t.Fatal(err)
		}
		_, err := generator.ReadAssignment(dir)
		var list diag.List
		if !errors.As(err, &list) || len(list) != 1 || !strings.Contains(list[0].String(), "stacks.json: ") || !strings.Contains(list[0].String(), "larger than") {
			t.Fatalf("got %v; want one diagnostic saying stacks.json is too large", err)
		}
	})
	// A value of the wrong type is named by its field, in the words of JSON, not of Go.
	t.Run("wrong type", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "cloudformation/stacks.json", `{"stacks": [{"name": "irsa-p-roles", "roles": ["a", 5]}]}`)
		_, err := generator.ReadAssignment(dir)
		var list diag.List
		if !errors.As(err, &list) || len(list) != 1 {
			t.Fatalf("got %v; want one diagnostic", err)
		}
		want := filepath.Join(dir, "cloudformation", "stacks.json") + ":1:53: stacks.roles holds a number where a string belongs; "
		if got := list[0].String(); !strings.HasPrefix(got, want) {
			t.Errorf("got  %s\nwant %s...", got, want)
		}
	})
	// A file that decodes but is not a stacks.json of this version (an emptied one, "null", one
	// written by a later irsagen) is not read as "no roles anywhere": that would lay every
	// stack out afresh, moving deployed roles without a warning.
	t.Run("not version 1", func(t *testing.T) {
		for src, want := range map[string]string{
			`null`:                         ":1:1: not a stacks.json that irsagen writes",
			`{}`:                           ":1:1: not a stacks.json that irsagen writes",
			`{"version": 2, "stacks": []}`: ":1:1: written by a later irsagen (version 2)",
		} {
			dir := t.TempDir()
			write(t, dir, "cloudformation/stacks.json", src)
			_, err := generator.ReadAssignment(dir)
			var list diag.List
			if !errors.As(err, &list) || len(list) != 1 || !strings.HasPrefix(list[0].String(), filepath.Join(dir, "cloudformation", "stacks.json")+want) {
				t.Errorf("%s: got %v; want one diagnostic ...%s...", src, err, want)
			}
		}
	})
	// Two entries of one stack (a merge that kept both sides) are not merged, nor is one of them
	// dropped with its roles.
	t.Run("stack listed twice", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "cloudformation/stacks.json", `{"version": 1, "stacks": [
  {"name": "irsa-p-roles", "account": "p", "roles": ["a"]},
  {"name": "irsa-p-roles", "account": "p", "roles": ["b"]}]}`)
		_, err := generator.ReadAssignment(dir)
		var list diag.List
		if !errors.As(err, &list) || len(list) != 1 {
			t.Fatalf("got %v; want one diagnostic", err)
		}
		want := filepath.Join(dir, "cloudformation", "stacks.json") + `:3:12: stack irsa-p-roles is listed twice (first at line 2)`
		if got := list[0].String(); !strings.HasPrefix(got, want) {
			t.Errorf("got  %s\nwant %s...", got, want)
		}
	})
}
