// Package config reads irsa.yaml into typed values that remember where each value was written,
// and checks every rule of SPEC §1 with file:line:col diagnostics.
//
// It is the first stage of the pipeline: Load decodes strictly, Validate checks references,
// names and ranges. Later stages (plan, render) assume a config that passed both.
package config

import (
	"errors"
	"os"
	"reflect"

	"github.com/irsagen/irsagen/generator/diag"
)

// File is a loaded config and where it came from.
type File struct {
	Path   string // as given by the user; diagnostics name it
	Dir    string // directory that relative paths in the config are resolved against
	Config *Config
}

// Load reads and decodes a config file. Errors are a diag.List naming the file.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, diag.List{{File: path, Message: "cannot read config: " + errors.Unwrap(err).Error()}}
	}
	cfg, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	return &File{Path: path, Dir: dirOf(path), Config: cfg}, nil
}

// Parse decodes config bytes; name is used in diagnostics only.
func Parse(name string, data []byte) (*Config, error) {
	root, nodes, err := parseYAML(name, data)
	if err != nil {
		return nil, err
	}
	if root == nil || len(root.Content) == 0 {
		return nil, diag.List{{File: name, Pos: diag.Pos{Line: 1, Col: 1}, Message: "the file is empty; run `irsagen init` for a starting point"}}
	}
	d := &decoder{file: name, budget: 2*nodes + 100_000}
	cfg := &Config{}
	d.decode(root.Content[0], reflect.ValueOf(cfg).Elem(), nil, "")
	if len(d.diags) > 0 {
		return nil, d.diags.Sort()
	}
	return cfg, nil
}
