package cli_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/irsagen/irsagen/generator/cli"
)

// movesConfig is an account with 40 ServiceAccounts; the inline policy of each lists actions
// number of actions, and those in big list bigActions.
func movesConfig(big map[int]bool, bigActions int) string {
	var b strings.Builder
	b.WriteString(`apiVersion: irsagen/v1
kind: Config
accounts:
  - {name: platform, id: "111122223333", region: us-east-1}
clusters:
  - name: prod
    account: platform
    region: us-east-1
    oidcIssuer: https://oidc.eks.us-east-1.amazonaws.com/id/AAAABBBBCCCCDDDDEEEEFFFF00001111
serviceAccounts:
`)
	for i := range 40 {
		n := 20
		if big[i] {
			n = bigActions
		}
		fmt.Fprintf(&b, "  - name: app-%02d\n    namespace: apps\n    clusters: [prod]\n    inlinePolicy:\n      Version: \"2012-10-17\"\n      Statement:\n        - Effect: Allow\n          Resource: \"*\"\n          Action:\n", i)
		for j := range n {
			fmt.Fprintf(&b, "            - sqs:ReceiveMessageFromQueueNumber%03d\n", j)
		}
	}
	return b.String()
}

// generateInto returns a function that writes a config and generates it into one output
// directory, returning generate's stderr and the stacks.json it wrote.
func generateInto(t *testing.T) func(src string) (string, []byte) {
	dir := t.TempDir()
	config := filepath.Join(dir, "irsa.yaml")
	out := filepath.Join(dir, "out")
	return func(src string) (string, []byte) {
		t.Helper()
		if err := os.WriteFile(config, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		if code := cli.Main([]string{"generate", "-c", config, "-o", out}, &stdout, &stderr); code != 0 {
			t.Fatalf("exit %d:\n%s", code, stderr.String())
		}
		stacks, err := os.ReadFile(filepath.Join(out, "cloudformation", "stacks.json"))
		if err != nil {
			t.Fatal(err)
		}
		return stderr.String(), stacks
	}
}

// TestGrownRoleMoveIsAnnounced grows two roles of one stack until the stack no longer holds
// them: the larger moves to another stack, every other role stays, and generate says so on
// stderr with the way to deploy it.
func TestGrownRoleMoveIsAnnounced(t *testing.T) {
	run := generateInto(t)
	stderr, before := run(movesConfig(nil, 0))
	if stderr != "" {
		t.Fatalf("stderr of the first run:\n%s", stderr)
	}
	if !bytes.Contains(before, []byte(`"irsa-platform-roles-1"`)) || !bytes.Contains(before, []byte(`"apps_app-01"`)) {
		t.Fatalf("want two role stacks listing their roles:\n%s", before)
	}
	// app-01 and app-02 share the first stack; each grows by some 7 KB, and the stack no longer fits.
	stderr, after := run(movesConfig(map[int]bool{1: true, 2: true}, 150))
	want := "warning: role arn:aws:iam::111122223333:role/apps_app-02 moves from stack irsa-platform-roles to stack "
	if !strings.Contains(stderr, want) || !strings.Contains(stderr, "stack refactoring") || strings.Count(stderr, "moves from") != 1 {
		t.Errorf("stderr:\n%s\nwant one move, %q...", stderr, want)
	}
	if bytes.Equal(before, after) {
		t.Error("stacks.json is unchanged")
	}
	// A third run reads the new assignment: nothing moves again.
	if stderr, again := run(movesConfig(map[int]bool{1: true, 2: true}, 150)); stderr != "" || !bytes.Equal(again, after) {
		t.Errorf("a run with nothing changed moves again or changes stacks.json:\n%s", stderr)
	}
}

// associationsConfig is a cluster on Pod Identity with 240 ServiceAccounts; those in tags carry
// that many long tags, which their associations carry too.
func associationsConfig(tags map[int]int) string {
	var b strings.Builder
	b.WriteString(`apiVersion: irsagen/v1
kind: Config
accounts:
  - {name: platform, id: "111122223333", region: us-east-1}
clusters:
  - {name: prod, account: platform, region: us-east-1, oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/AAAABBBBCCCCDDDDEEEEFFFF00001111", identity: podIdentity}
serviceAccounts:
`)
	for i := range 240 {
		fmt.Fprintf(&b, "  - name: app-%03d\n    namespace: apps\n    clusters: [prod]\n", i)
		if n := tags[i]; n > 0 {
			b.WriteString("    tags:\n")
			for j := range n {
				fmt.Fprintf(&b, "      tag-%02d: %s\n", j, strings.Repeat("v", 200))
			}
		}
	}
	return b.String()
}

// TestGrownAssociationMoveIsAnnounced grows two associations of the first association stack
// until it no longer holds them: the larger moves, generate says so, and that it must be deleted
// from its old stack before the new one can create it.
func TestGrownAssociationMoveIsAnnounced(t *testing.T) {
	run := generateInto(t)
	stderr, before := run(associationsConfig(nil))
	if stderr != "" {
		t.Fatalf("stderr of the first run:\n%s", stderr)
	}
	if !bytes.Contains(before, []byte(`"irsa-pod-identity2-prod"`)) || !bytes.Contains(before, []byte(`"apps/app-001"`)) {
		t.Fatalf("want two association stacks listing their associations:\n%s", before)
	}
	// app-001 and app-002 share the first stack; they grow by some 10 and 7 KB.
	stderr, after := run(associationsConfig(map[int]int{1: 45, 2: 32}))
	want := "warning: Pod Identity association of ServiceAccount apps/app-001 in cluster prod moves from stack irsa-pod-identity-prod to stack irsa-pod-identity2-prod"
	if !strings.Contains(stderr, want) || !strings.Contains(stderr, "deploy the stack it leaves alone first") || strings.Count(stderr, "Pod Identity association of") != 1 {
		t.Errorf("stderr:\n%s\nwant one association move, %q...", stderr, want)
	}
	if bytes.Equal(before, after) {
		t.Error("stacks.json is unchanged")
	}
	if stderr, again := run(associationsConfig(map[int]int{1: 45, 2: 32})); stderr != "" || !bytes.Equal(again, after) {
		t.Errorf("a run with nothing changed moves again or changes stacks.json:\n%s", stderr)
	}
}
