// Package render turns a plan into the files of the output tree: CloudFormation templates, the
// deploy plan stacks.json, and the Kustomize overlays and Components.
//
// Render is pure and deterministic: files are built from typed values in the plan's order and
// encoded without map iteration, and the list it returns is sorted by path. It assumes a plan
// from plan.Build and writes nothing; the output package owns the disk.
package render

import (
	"slices"
	"strings"

	"github.com/irsagen/irsagen/generator/output"
	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/internal/parallel"
)

// Render returns every generated file of the plan, sorted by path. Files do not depend on one
// another, so they are built on every CPU; which goroutine built a file changes nothing in it.
func Render(p *plan.Plan) []output.File {
	tasks := make([]func(b *builder) []output.File, 0, len(p.Stacks)+1+len(p.Clusters))
	for _, s := range p.Stacks {
		tasks = append(tasks, func(b *builder) []output.File { return []output.File{{Path: s.Template, Data: b.template(s)}} })
	}
	tasks = append(tasks, func(*builder) []output.File { return []output.File{{Path: StacksFile, Data: stacksJSON(p)}} })
	for _, c := range p.Clusters {
		tasks = append(tasks, func(b *builder) []output.File { return b.clusterFiles(p, c) })
	}
	results := make([][]output.File, len(tasks))
	// Each goroutine reuses one builder, and its buffers, for all its files; they are garbage
	// once Render returns.
	builders := make([]builder, parallel.Workers(len(tasks), 1))
	parallel.For(len(tasks), 1, func(w, i int) { results[i] = tasks[i](&builders[w]) })
	n := 0
	for _, r := range results {
		n += len(r)
	}
	files := make([]output.File, 0, n)
	for _, r := range results {
		files = append(files, r...)
	}
	// Paths are unique (output refuses a path that appears twice), so any sort gives one order.
	slices.SortFunc(files, func(a, b output.File) int { return strings.Compare(a.Path, b.Path) })
	return files
}
