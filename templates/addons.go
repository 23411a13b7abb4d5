package templates

import (
	"encoding/json"
	"path"
	"sort"
	"sync"
)

// AddonDir is where the add-on policies live in FS and in the import namespace.
const AddonDir = "irsagen/addons"

// Addon describes one policy of the built-in library, usable as serviceAccounts[].wellKnown.
type Addon struct {
	Name        string `json:"name"`        // the wellKnown name, e.g. "external-dns"
	Description string `json:"description"` // one line: what the add-on does with AWS
	Source      string `json:"source"`      // the published policy this one follows
	Version     string `json:"version"`     // the add-on version it matches
	// EKSAddon is the EKS managed add-on that installs it, when there is one, and ServiceAccount
	// (namespace/name) the ServiceAccount the add-on runs as; its role may be reached through
	// IRSA or an EKS Pod Identity association.
	EKSAddon       string `json:"eksAddon,omitempty"`
	ServiceAccount string `json:"serviceAccount,omitempty"`
	Args           []Arg  `json:"args"`
}

// Arg is one argument of an add-on policy; the .libsonnet file is a function taking them.
type Arg struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Required    bool   `json:"required"`
	Example     any    `json:"example,omitempty"`
}

// File is the add-on's Jsonnet file, as templates import it.
func (a Addon) File() string { return path.Join(AddonDir, a.Name+".libsonnet") }

var (
	addonsOnce sync.Once
	addons     []Addon
)

// Addons lists the library, sorted by name. The index is part of the binary, so a broken index
// is a build defect: a test reads it, and Addons panics rather than pretend the library is empty.
func Addons() []Addon {
	addonsOnce.Do(func() {
		data, err := FS.ReadFile(path.Join(AddonDir, "index.json"))
		if err != nil {
			panic("templates: " + err.Error())
		}
		if err := json.Unmarshal(data, &addons); err != nil {
			panic("templates: addons/index.json: " + err.Error())
		}
		sort.Slice(addons, func(i, j int) bool { return addons[i].Name < addons[j].Name })
	})
	return addons
}

// Lookup finds an add-on by name.
func Lookup(name string) (Addon, bool) {
	for _, a := range Addons() {
		if a.Name == name {
			return a, true
		}
	}
	return Addon{}, false
}
