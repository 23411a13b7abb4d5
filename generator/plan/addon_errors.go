package plan

import (
	"path"
	"strings"

	"github.com/irsagen/irsagen/generator/jsonnet"
	"github.com/irsagen/irsagen/templates"
)

// templateDiagnostics reports a failed evaluation. A failure of an add-on job inside the built-in
// library (the add-on's file or the helpers it calls) comes from the arguments a wellKnown entry
// gave it (or from the role it serves), and the user can act only on irsa.yaml: it is reported at each entry that failed, with the library's message
// and not its file. Any other failure is in the user's template and is reported there.
func (b *builder) templateDiagnostics(je *jsonnet.Error) {
	var addonJobs []templateJob
	for _, i := range je.Jobs {
		if i < len(b.jobs) && b.jobs[i].policy == nil {
			addonJobs = append(addonJobs, b.jobs[i])
		}
	}
	if len(addonJobs) == 0 || !strings.HasPrefix(je.File, path.Dir(templates.AddonDir)+"/") {
		b.diags = append(b.diags, je.Diagnostic())
		return
	}
	for _, j := range addonJobs {
		// The library's own messages start with the add-on's name.
		msg := strings.TrimPrefix(je.Message, j.name+": ")
		b.errorf(j.role.Source.At(j.at), "wellKnown policy %s for role %s: %s", j.name, j.role.Name, msg)
	}
}
