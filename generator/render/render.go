// Package render turns a plan into the files of the output tree: CloudFormation templates, the
// deploy plan stacks.json, and the Kustomize overlays and Components.
//
// Render is pure and deterministic: files are built from typed values in the plan's order and
// encoded without map iteration, and the list it returns is sorted by path. It assumes a plan
// from plan.Build and writes nothing; the output package owns the disk.
package render

import (
	"sort"

	"github.com/irsagen/irsagen/generator/output"
	"github.com/irsagen/irsagen/generator/plan"
)

// Render returns every generated file of the plan, sorted by path.
func Render(p *plan.Plan) []output.File {
	var files []output.File
	for _, s := range p.Stacks {
		files = append(files, output.File{Path: s.Template, Data: Template(s)})
	}
	files = append(files, output.File{Path: StacksFile, Data: stacksJSON(p)})
	files = append(files, kubernetes(p)...)
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files
}
