package generator

import (
	"path/filepath"

	"github.com/irsagen/irsagen/generator/diag"
	"github.com/irsagen/irsagen/generator/explain"
	"github.com/irsagen/irsagen/generator/overlay"
)

// Verify runs the checks that need the rendered tree and its consumers: every cluster overlay and
// every Component is built with kustomize's library. It returns findings, not errors: the config
// itself was valid, but something it points at (an app base, a Deployment) does not fit.
// Every binding is also proved both ways it uses (IRSA, Pod Identity): its trust policies admit it
// and not its neighbours (explain.CheckBindings).
func Verify(res *Result) diag.List {
	var findings diag.List
	for _, f := range overlay.Verify(res.Plan, res.Files, res.OutDir) {
		findings = append(findings, diag.Diagnostic{
			File:    filepath.Join(res.OutDir, filepath.FromSlash(f.Dir)),
			Message: f.Message,
		})
	}
	bindings, err := explain.CheckBindings(res.Plan)
	if err != nil {
		findings = append(findings, diag.Diagnostic{File: res.Config.Path, Message: err.Error()})
	}
	for _, f := range bindings {
		findings = append(findings, diag.Diagnostic{File: res.Config.Path, Pos: f.ServiceAccount.Source.Pos(), Message: f.Message})
	}
	return findings.Sort()
}
