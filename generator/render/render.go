// Package render turns a plan into the files of the output tree: CloudFormation templates, the
// deploy plan stacks.json, and the Kustomize overlays and Components.
//
// Render is pure and deterministic: files are built from typed values in the plan's order and
// encoded without map iteration, and the list it returns is sorted by path. It assumes a plan
// from plan.Build and writes nothing; the output package owns the disk.
package render

import (
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/irsagen/irsagen/generator/output"
	"github.com/irsagen/irsagen/generator/plan"
)

// Render returns every generated file of the plan, sorted by path. Files do not depend on one
// another, so they are built on every CPU; which goroutine built a file changes nothing in it.
func Render(p *plan.Plan) []output.File {
	tasks := make([]func() []output.File, 0, len(p.Stacks)+1+len(p.Clusters))
	for _, s := range p.Stacks {
		tasks = append(tasks, func() []output.File { return []output.File{{Path: s.Template, Data: Template(s)}} })
	}
	tasks = append(tasks, func() []output.File { return []output.File{{Path: StacksFile, Data: stacksJSON(p)}} })
	for _, c := range p.Clusters {
		tasks = append(tasks, func() []output.File { return clusterFiles(p, c) })
	}
	results := make([][]output.File, len(tasks))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(tasks)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(tasks); i = int(next.Add(1) - 1) {
				results[i] = tasks[i]()
			}
		})
	}
	wg.Wait()
	var files []output.File
	for _, r := range results {
		files = append(files, r...)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files
}
