package generator

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/generator/render"
)

// ReadAssignment reads where the output in dir put each role: the roles that
// cloudformation/stacks.json lists under each stack. An output written before stacks.json
// listed them has its roles read from the RoleName of each template instead, so an upgrade moves
// nothing. A dir, or a stacks.json, that does not exist is an empty assignment: roles are packed
// from scratch. Reading never leaves dir, whatever links it holds.
func ReadAssignment(dir string) (plan.Assignment, error) {
	root, err := os.OpenRoot(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the stack of each role: %w", err)
	}
	defer root.Close()
	data, err := root.ReadFile(render.StacksFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the stack of each role: %w", err)
	}
	var doc struct {
		Stacks []struct {
			Name     string    `json:"name"`
			Template string    `json:"template"`
			Roles    *[]string `json:"roles"`
		} `json:"stacks"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v; irsagen reads the stack of each role from it: restore it from version control, or delete it to lay the stacks out afresh", filepath.Join(dir, render.StacksFile), err)
	}
	a := plan.Assignment{}
	for _, s := range doc.Stacks {
		switch {
		case s.Roles != nil:
			a[s.Name] = *s.Roles
		case isRoleStack(s.Name) && s.Template != "":
			names, err := templateRoleNames(root, s.Template)
			if err != nil {
				return nil, fmt.Errorf("%s: reading the roles of stack %s: %w", filepath.Join(dir, filepath.FromSlash(s.Template)), s.Name, err)
			}
			a[s.Name] = names
		}
	}
	return a, nil
}

// isRoleStack reports whether a stack name ends in -roles or -roles-<n>.
func isRoleStack(name string) bool {
	if strings.HasSuffix(name, "-"+plan.StackRoles) {
		return true
	}
	i := strings.LastIndex(name, "-"+plan.StackRoles+"-")
	if i < 0 {
		return false
	}
	n := name[i+len(plan.StackRoles)+2:]
	return n != "" && strings.Trim(n, "0123456789") == ""
}

// templateRoleNames returns the RoleName of every role in a template that irsagen wrote: one
// property per line, so the lines that hold RoleName are enough, without reading the whole YAML.
func templateRoleNames(root *os.Root, template string) ([]string, error) {
	if !fs.ValidPath(template) || path.Clean(template) != template {
		return nil, fmt.Errorf("not a path inside the output directory")
	}
	data, err := root.ReadFile(template)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	for sc.Scan() {
		value, ok := strings.CutPrefix(strings.TrimLeft(sc.Text(), " "), "RoleName: ")
		if !ok {
			continue
		}
		var name string
		if err := yaml.Unmarshal([]byte(value), &name); err != nil {
			return nil, fmt.Errorf("RoleName %s: %v", value, err)
		}
		names = append(names, name)
	}
	return names, sc.Err()
}
