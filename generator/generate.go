// Package generator runs irsagen's pipeline: load and validate irsa.yaml, build the plan, render
// the files. Everything happens in memory; the commands decide whether to write the result
// (generate), compare it (diff) or check it (validate).
package generator

import (
	"path/filepath"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/output"
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
}

// Options select the config and the output directory.
type Options struct {
	ConfigPath string // default ./irsa.yaml
	OutDir     string // default: the config's output.dir, else out/ beside the config
}

// Generate renders the output tree for a config and holds it to IAM's and CloudFormation's
// quotas and to the trust rules. Bad input is returned as a diag.List.
func Generate(opts Options) (*Result, error) {
	f, err := LoadConfig(opts.ConfigPath)
	if err != nil {
		return nil, err
	}
	out := OutDir(f, opts.OutDir)
	p, err := plan.Build(f, configDirFrom(out, f.Dir))
	if err != nil {
		return nil, err
	}
	files := render.Render(p)
	if err := rules.Check(f, p, files).Err(); err != nil {
		return nil, err
	}
	return &Result{Config: f, Plan: p, OutDir: out, Files: files}, nil
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
	if err := config.Validate(f); err != nil {
		return nil, err
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
