package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/irsagen/irsagen/generator/cli"
)

// TestBrokenStacksJSONIsBadInput checks that a committed stacks.json that is not JSON, as a merge
// with conflicts leaves it, makes generate, diff and validate exit 2 with its line and column,
// as bad input does, and that generate writes nothing.
func TestBrokenStacksJSONIsBadInput(t *testing.T) {
	dir := t.TempDir()
	config := filepath.Join(dir, "irsa.yaml")
	if err := os.WriteFile(config, []byte(`apiVersion: irsagen/v1
kind: Config
accounts:
  - {name: platform, id: "111122223333", region: us-east-1}
clusters:
  - {name: prod, account: platform, region: us-east-1, oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/AAAABBBBCCCCDDDDEEEEFFFF00001111"}
serviceAccounts:
  - {name: api, namespace: web, clusters: [prod]}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	if code := cli.Main([]string{"generate", "-c", config}, new(bytes.Buffer), new(bytes.Buffer)); code != 0 {
		t.Fatalf("generate: exit %d", code)
	}
	stacks := filepath.Join(dir, "out", "cloudformation", "stacks.json")
	broken := []byte("{\n  \"stacks\": [\n<<<<<<< HEAD\n")
	if err := os.WriteFile(stacks, broken, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"generate", "diff", "validate"} {
		var stderr bytes.Buffer
		code := cli.Main([]string{cmd, "-c", config}, new(bytes.Buffer), &stderr)
		if code != cli.ExitBadInput || !strings.HasPrefix(stderr.String(), stacks+":3:1: ") {
			t.Errorf("%s: exit %d, %q; want exit 2 and %s:3:1: ...", cmd, code, stderr.String(), stacks)
		}
	}
	if got, _ := os.ReadFile(stacks); !bytes.Equal(got, broken) {
		t.Errorf("stacks.json was rewritten:\n%s", got)
	}
}
