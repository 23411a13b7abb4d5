package generator

import (
	"path/filepath"

	"github.com/irsagen/irsagen/generator/diag"
	"github.com/irsagen/irsagen/generator/overlay"
)

// Check runs the checks that need the rendered tree and its consumers: every cluster overlay and
// every Component is built with kustomize's library. It returns findings, not errors: the config
// itself was valid, but something it points at (an app base, a Deployment) does not fit.
func Check(res *Result) diag.List {
	var findings diag.List
	for _, f := range overlay.Check(res.Plan, res.Files, res.OutDir) {
		findings = append(findings, diag.Diagnostic{
			File:    filepath.Join(res.OutDir, filepath.FromSlash(f.Dir)),
			Message: f.Message,
		})
	}
	return findings.Sort()
}
