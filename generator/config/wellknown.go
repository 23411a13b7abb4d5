package config

import (
	"slices"

	"github.com/irsagen/irsagen/templates"
)

// wellKnown checks a ServiceAccount's add-on policies against the built-in library: the name,
// the argument names and the required arguments.
func (v *validator) wellKnown(sa *ServiceAccount) {
	seen := map[string]bool{}
	for i := range sa.WellKnown {
		w := &sa.WellKnown[i]
		addon, ok := templates.Lookup(w.Name)
		switch {
		case w.Name == "":
			v.errorf(w.Pos(), "wellKnown entry needs a name; irsagen policies lists them")
			continue
		case !ok:
			var names []string
			for _, a := range templates.Addons() {
				names = append(names, a.Name)
			}
			v.errorf(w.At("name"), "%q is not a policy of irsagen's library%s", w.Name, didYouMean(w.Name, names, "policies"))
			continue
		case seen[w.Name]:
			v.errorf(w.At("name"), "wellKnown policy %q is listed twice", w.Name)
			continue
		}
		seen[w.Name] = true
		var params []string
		for _, arg := range addon.Args {
			params = append(params, arg.Name)
			if _, given := w.Args[arg.Name]; arg.Required && !given {
				v.errorf(w.Pos(), "wellKnown policy %s needs argument %s (%s)", w.Name, arg.Name, arg.Description)
			}
		}
		for _, k := range keys(w.Args) {
			if !slices.Contains(params, k) {
				v.errorf(w.At("args."+k), "wellKnown policy %s has no argument %q%s", w.Name, k, didYouMean(k, params, "arguments"))
			}
		}
	}
}
