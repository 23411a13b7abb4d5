package cli_test

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/irsagen/irsagen/generator/cli"
)

// The scripts in testdata/script run the real irsagen command in-process, one txtar file per
// workflow: exit statuses, messages, what is written and what is left alone.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"irsagen": func() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: os.Getenv("GOLDIE_UPDATE") != "",
		Setup: func(env *testscript.Env) error {
			// Keep runs independent of the developer's environment.
			env.Setenv("IRSAGEN_CONFIG", "")
			env.Setenv("IRSAGEN_OUTPUT", "")
			return nil
		},
	})
}
