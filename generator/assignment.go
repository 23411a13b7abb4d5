package generator

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/irsagen/irsagen/generator/diag"
	"github.com/irsagen/irsagen/generator/output"
	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/generator/render"
)

// ReadAssignment reads where the output in dir put each role and each Pod Identity association:
// the roles and association keys that cloudformation/stacks.json lists under each stack. An output written before stacks.json
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
	data, err := readLimited(root, render.StacksFile, MaxStacksFileBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if errors.Is(err, errTooLarge) {
		return nil, diag.List{{
			File: filepath.Join(dir, render.StacksFile),
			Message: fmt.Sprintf("larger than %d MiB, far more than irsagen writes for any fleet; restore it from version control, or delete it to lay the stacks out afresh",
				MaxStacksFileBytes>>20),
		}}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: reading the stack of each role: %w", filepath.Join(dir, render.StacksFile), err)
	}
	var doc struct {
		Version *int `json:"version"`
		Stacks  []struct {
			Name         string    `json:"name"`
			Account      string    `json:"account"`
			Cluster      string    `json:"cluster"`
			Template     string    `json:"template"`
			Roles        *[]string `json:"roles"`
			Associations *[]string `json:"associations"`
		} `json:"stacks"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		// The committed stacks.json is an input of the run, as irsa.yaml is: a broken one (the
		// conflict markers of a merge, say) is bad input, at the line and column of the problem.
		return nil, diag.List{{
			File:    filepath.Join(dir, render.StacksFile),
			Pos:     jsonErrorPos(data, err),
			Message: fmt.Sprintf("%s; irsagen reads the stack of each role from it: restore it from version control, or delete it to lay the stacks out afresh", jsonErrorText(err)),
		}}
	}
	// A file that is not a stacks.json of this version is not read as one without stacks: that
	// would lay every stack out afresh, moving deployed roles without a warning.
	if doc.Version == nil || *doc.Version != render.StacksVersion {
		msg := fmt.Sprintf("not a stacks.json that irsagen writes (no \"version\": %d); restore it from version control, or delete it to lay the stacks out afresh", render.StacksVersion)
		if doc.Version != nil && *doc.Version > render.StacksVersion {
			msg = fmt.Sprintf("written by a later irsagen (version %d); this one reads version %d: run the irsagen that wrote it", *doc.Version, render.StacksVersion)
		}
		return nil, diag.List{{File: filepath.Join(dir, render.StacksFile), Pos: diag.Pos{Line: 1, Col: 1}, Message: msg}}
	}
	names := map[string]int{}
	for i, s := range doc.Stacks {
		first, dup := names[s.Name]
		if !dup {
			names[s.Name] = i
			continue
		}
		return nil, diag.List{{
			File: filepath.Join(dir, render.StacksFile),
			Pos:  jsonPos(data, i, "name", -1),
			Message: fmt.Sprintf("stack %s is listed twice (first at line %d); irsagen lists each stack once: restore stacks.json from version control, or keep one entry with the roles and associations the stack holds",
				s.Name, jsonPos(data, first, "name", -1).Line),
		}}
	}
	// A role is in one stack of its account, an association in one stack of its cluster: one
	// listed under two leaves it unknown which holds it, and keeping either could move it
	// without a warning.
	for _, kind := range []struct{ key, what, owner string }{{"roles", "role", "account"}, {"associations", "association", "cluster"}} {
		listed := map[[2]string]int{} // owner and item → the stack that lists it first
		for i, s := range doc.Stacks {
			items, owner := s.Roles, s.Account
			if kind.key == "associations" {
				items, owner = s.Associations, s.Cluster
			}
			if items == nil || owner == "" {
				continue
			}
			for j, item := range *items {
				k := [2]string{owner, item}
				first, dup := listed[k]
				if !dup || first == i {
					listed[k] = i
					continue
				}
				firstItems := doc.Stacks[first].Roles
				if kind.key == "associations" {
					firstItems = doc.Stacks[first].Associations
				}
				return nil, diag.List{{
					File: filepath.Join(dir, render.StacksFile),
					Pos:  jsonPos(data, i, kind.key, j),
					Message: fmt.Sprintf("%s %q of %s %q is listed under stack %s and under stack %s (line %d), but it is in one stack: "+
						"keep the listing of the stack that holds it in CloudFormation (its resources in the console, or aws cloudformation describe-stack-resources) and delete the other",
						kind.what, item, kind.owner, owner, s.Name, doc.Stacks[first].Name, jsonPos(data, first, kind.key, slices.Index(*firstItems, item)).Line),
				}}
			}
		}
	}
	a := plan.Assignment{}
	for i, s := range doc.Stacks {
		if s.Roles == nil && s.Associations == nil && s.Template != "" && (!fs.ValidPath(s.Template) || path.Clean(s.Template) != s.Template) {
			return nil, diag.List{{
				File: filepath.Join(dir, render.StacksFile),
				Pos:  jsonPos(data, i, "template", -1),
				Message: fmt.Sprintf("template %q of stack %s is not a path inside the output directory, such as cloudformation/<account>/%s.yaml; restore stacks.json from version control",
					s.Template, s.Name, s.Name),
			}}
		}
		if s.Associations != nil {
			a[s.Name] = *s.Associations
			continue
		}
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

// MaxStacksFileBytes bounds the stacks.json that ReadAssignment reads, and each template it reads
// roles from: 50,000 roles or associations take a few MiB.
const MaxStacksFileBytes = 256 << 20

var errTooLarge = errors.New("file too large")

// readLimited reads a file in root, or fails with errTooLarge when it holds more than limit bytes,
// without reading more than that.
// A link is not followed, even one that stays inside the root: the output directory's writer
// refuses links in it too (output.ErrSymlink).
func readLimited(root *os.Root, name string, limit int64) ([]byte, error) {
	if fi, err := root.Lstat(name); err != nil {
		return nil, err
	} else if fi.Mode()&fs.ModeSymlink != 0 {
		return nil, fmt.Errorf("%w; irsagen does not follow symbolic links inside its output directory, "+
			"so that it never reads, writes or deletes anything outside it; replace the link with the file", output.ErrSymlink)
	}
	f, err := root.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > limit {
		return nil, fmt.Errorf("%s: %w", name, errTooLarge)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: %w", name, errTooLarge)
	}
	return data, nil
}

// jsonErrorText says what is wrong in the words of JSON: a value of the wrong type by its field
// and the type it should have, not by the Go type it was decoded into.
func jsonErrorText(err error) string {
	var typ *json.UnmarshalTypeError
	if !errors.As(err, &typ) {
		return err.Error()
	}
	want := map[reflect.Kind]string{reflect.Slice: "an array", reflect.Struct: "an object", reflect.String: "a string"}[typ.Type.Kind()]
	if want == "" {
		want = "a " + typ.Type.Kind().String()
	}
	field := typ.Field
	if field == "" {
		field = "the file"
	}
	return fmt.Sprintf("%s holds %s %s where %s belongs", field, article(typ.Value), typ.Value, want)
}

// article is "an" before a word that starts with a vowel, else "a".
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

// jsonErrorPos is the line and column of the byte at which encoding/json stopped with err, or the
// zero Pos when err does not say.
func jsonErrorPos(data []byte, err error) diag.Pos {
	var off int64
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		off = syntax.Offset
	case errors.As(err, &typ):
		off = typ.Offset
	default:
		return diag.Pos{}
	}
	// The offset is just after the byte that stopped the decoder.
	return offsetPos(data, min(int(off), len(data))-1)
}

// jsonPos is the line and column in a stacks.json that decodes of stacks[stack].key, or with
// item >= 0 of stacks[stack].key[item]; the zero Pos when it is not found.
func jsonPos(data []byte, stack int, key string, item int) diag.Pos {
	// Each open object or array, with the key or index of the value being read in it.
	type frame struct {
		object  bool
		key     string
		index   int
		readKey bool // an object's next string is a key
	}
	var path []frame
	at := func(depth int, key string) bool { return len(path) > depth && path[depth].key == key }
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		off := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return diag.Pos{}
		}
		if n := len(path); n > 0 && path[n-1].object && path[n-1].readKey {
			if k, ok := tok.(string); ok {
				path[n-1].key, path[n-1].readKey = k, false
				continue
			}
		}
		if at(0, "stacks") && len(path) > 2 && path[1].index == stack && at(2, key) &&
			(item < 0 && len(path) == 3 || item >= 0 && len(path) == 4 && path[3].index == item) {
			for off < len(data) && strings.IndexByte(" \t\r\n,:", data[off]) >= 0 {
				off++
			}
			return offsetPos(data, off)
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			path = append(path, frame{object: tok == json.Delim('{'), readKey: tok == json.Delim('{')})
			continue
		case json.Delim('}'), json.Delim(']'):
			path = path[:len(path)-1]
		}
		// A value has been read whole: the next is a key, or the next item.
		if n := len(path); n > 0 {
			path[n-1].readKey = path[n-1].object
			if !path[n-1].object {
				path[n-1].index++
			}
		}
	}
}

// offsetPos is the line and column of the byte at off.
func offsetPos(data []byte, off int) diag.Pos {
	before := data[:max(0, min(off, len(data)))]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return diag.Pos{Line: line, Col: col}
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
	var names []string
	err := templateLines(root, template, func(line string) error {
		value, ok := strings.CutPrefix(line, "RoleName: ")
		if !ok {
			return nil
		}
		var name string
		if err := yaml.Unmarshal([]byte(value), &name); err != nil {
			return fmt.Errorf("RoleName %s: %v", value, err)
		}
		names = append(names, name)
		return nil
	})
	return names, err
}

// templateLines calls line with each line of a template in the output directory, without its
// indentation. A template that does not exist has no lines.
func templateLines(root *os.Root, template string, line func(string) error) error {
	if !fs.ValidPath(template) || path.Clean(template) != template {
		return fmt.Errorf("not a path inside the output directory")
	}
	data, err := readLimited(root, template, MaxStacksFileBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	for sc.Scan() {
		if err := line(strings.TrimLeft(sc.Text(), " ")); err != nil {
			return err
		}
	}
	return sc.Err()
}
