// Package config reads irsa.yaml into typed values that remember where each value was written,
// and checks every rule of SPEC §1 with file:line:col diagnostics.
//
// It is the first stage of the pipeline: Load decodes strictly, Validate checks references,
// names and ranges. Later stages (plan, render) assume a config that passed both.
package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strconv"

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
	cfg, ok, err := parse(name, data, true)
	if !ok {
		cfg, _, err = parse(name, data, false)
	}
	return cfg, err
}

// parse decodes data, with the items of a long list decoded while the file is parsed if early
// is set (see items). It reports false when those items could not be used, having found the
// list elsewhere than the items expected; parsing again without early then decodes it as usual.
func parse(name string, data []byte, early bool) (*Config, bool, error) {
	var pre *items
	if early {
		pre = &items{file: name}
	}
	root, stats, err := parseYAML(data, pre)
	if err != nil {
		return nil, true, syntaxError(name, err)
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, true, diag.List{{File: name, Pos: diag.Pos{Line: 1, Col: 1}, Message: "the file is empty; run `irsagen init` for a starting point"}}
	}
	d := &decoder{file: name, budget: 2*stats.nodes + 100_000, release: !stats.alias}
	if pre != nil && pre.list != nil {
		d.take = pre
	}
	cfg := &Config{}
	d.decode(root.Content[0], reflect.ValueOf(cfg).Elem(), nil, "")
	if pre != nil && pre.list != nil && !d.took {
		return nil, false, nil
	}
	if len(d.diags) > 0 {
		return nil, true, d.diags.Sort()
	}
	return cfg, true, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parserProblems are the messages of yaml.v3's parser (not its scanner). For these it reports
// the 0-based line of the enclosing collection or of the offending token, one line early: an
// unclosed "[" on line 16 is reported at line 15.
var parserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"found undefined tag handle":             true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}

// syntaxError turns yaml.v3's "yaml: line N: msg" into a diagnostic. The parser reports lines
// only, so the column is the line's first.
func syntaxError(name string, err error) error {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		if parserProblems[m[2]] {
			line++
		}
		return diag.List{{File: name, Pos: diag.Pos{Line: line, Col: 1}, Message: "invalid YAML: " + m[2]}}
	}
	return diag.List{{File: name, Pos: diag.Pos{Line: 1, Col: 1}, Message: fmt.Sprintf("invalid YAML: %v", err)}}
}
