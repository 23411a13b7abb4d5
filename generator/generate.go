// Package generator runs irsagen's pipeline: load and validate irsa.yaml, build the plan, render
// the files. Everything happens in memory; the commands decide whether to write the result
// (generate), compare it (diff) or check it (validate).
package generator

import (
	"path/filepath"
	"sync"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/diag"
	"github.com/irsagen/irsagen/generator/lint"
	"github.com/irsagen/irsagen/generator/output"
	"github.com/irsagen/irsagen/generator/overlay"
	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/generator/render"
	"github.com/irsagen/irsagen/generator/rules"
)

// Result is a rendered tree and what it was rendered from.
type Result struct {
	Config *config.File
	Plan   *plan.Plan
	OutDir string // the output directory, as the user named it or as derived from the config
	Files  []output.File
	// Lint is the permission lint's verdict. Its findings fail Generate unless
	// Options.KeepLintFindings is set.
	Lint lint.Result
}

// Options select the config and the output directory.
type Options struct {
	ConfigPath string // default ./irsa.yaml
	OutDir     string // default: the config's output.dir, else out/ beside the config
	// KeepLintFindings returns permission-lint findings in Result.Lint instead of failing with
	// them: validate reports them as findings, explain does not need them.
	KeepLintFindings bool
}

// Generate renders the output tree for a config and holds it to IAM's and CloudFormation's
// quotas and to the trust rules. Bad input is returned as a diag.List.
func Generate(opts Options) (*Result, error) {
	f, err := LoadConfig(opts.ConfigPath)
	if err != nil {
		return nil, err
	}
	out := OutDir(f, opts.OutDir)
	// Roles stay in the stacks of the output being replaced: diff and validate read the same
	// directory they compare with, so all three commands lay the stacks out alike.
	previous, err := ReadAssignment(out)
	if err != nil {
		return nil, err
	}
	p, err := plan.BuildWith(f, configDirFrom(out, f.Dir), plan.Options{
		Previous: previous, RoleBytes: render.RoleBytes(), AssociationBytes: render.AssociationBytes(),
	})
	if err != nil {
		return nil, err
	}
	// rules.CheckPlan and the permission lint only read the config and the plan, so they run
	// while the plan is rendered; only the template quotas wait for the files. errs is sorted
	// before it is returned, so the order in which the checks finish changes nothing.
	var planErrs, appBaseErrs diag.List
	var findings lint.Result
	var wg sync.WaitGroup
	wg.Go(func() { planErrs = rules.CheckPlan(f, p) })
	// App bases are read from disk and built with kustomize: a Deployment missing from them
	// would make the written overlay fail to build.
	wg.Go(func() { appBaseErrs = overlay.CheckAppBases(f, p) })
	wg.Go(func() { findings = lint.Run(f, p) })
	files := render.Render(p)
	errs := rules.CheckTemplates(f, p, files)
	wg.Wait()
	errs = append(errs, planErrs...)
	errs = append(errs, appBaseErrs...)
	if !opts.KeepLintFindings {
		errs = append(errs, findings.Diagnostics()...)
	}
	if err := errs.Sort().Err(); err != nil {
		return nil, err
	}
	return &Result{Config: f, Plan: p, OutDir: out, Files: files, Lint: findings}, nil
}

// LoadConfig loads and validates a config.
func LoadConfig(path string) (*config.File, error) {
	if path == "" {
		path = "irsa.yaml"
	}
	f, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	// Accept entries are checked with the config, so that a misspelt rule id is reported with
	// the other config errors.
	var errs diag.List
	for _, err := range []error{config.Validate(f), lint.CheckAccepts(f)} {
		if list, ok := err.(diag.List); ok {
			errs = append(errs, list...)
		} else if err != nil {
			return nil, err
		}
	}
	if len(errs) > 0 {
		return nil, errs.Sort()
	}
	return f, nil
}

// OutDir is the output directory: the flag, else output.dir relative to the config, else out/
// beside the config.
func OutDir(f *config.File, flag string) string {
	if flag != "" {
		return flag
	}
	dir := f.Config.Output.Dir
	if dir == "" {
		dir = "out"
	}
	if filepath.IsAbs(dir) {
		return dir
	}
	return filepath.Join(filepath.Dir(f.Path), dir)
}

// configDirFrom is the config's directory relative to the output directory, with '/'
// separators; overlays reference app bases through it.
func configDirFrom(outDir, configDir string) string {
	absOut, err := filepath.Abs(outDir)
	if err != nil {
		return "."
	}
	rel, err := filepath.Rel(absOut, configDir)
	if err != nil {
		return filepath.ToSlash(configDir)
	}
	return filepath.ToSlash(rel)
}
