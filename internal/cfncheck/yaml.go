package cfncheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// decodeYAML reads the template into a JSON-shaped tree (map[string]any, []any, string,
// json.Number, bool, nil), as CloudFormation does before anything else, and records where each
// value starts. It reports the YAML that CloudFormation refuses or reads differently from
// go-yaml; ok is false when there is no template map to check further.
func decodeYAML(src []byte, r *report) (root map[string]any, ok bool) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			r.add(nil, "template is empty")
		} else {
			addYAMLError(r, err)
		}
		return nil, false
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		r.addAt(at(&next), nil, "template holds more than one YAML document; CloudFormation reads exactly one")
	} else if !errors.Is(err, io.EOF) {
		addYAMLError(r, err)
	}

	if len(doc.Content) == 0 {
		r.add(nil, "template is empty")
		return nil, false
	}
	d := decoder{r: r}
	v := d.value(doc.Content[0], nil)
	root, ok = v.(map[string]any)
	if !ok {
		r.addAt(at(doc.Content[0]), nil, "template must be a map of sections (AWSTemplateFormatVersion, Resources, ...)")
	}
	return root, ok
}

var yamlErrorLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func addYAMLError(r *report, err error) {
	msg := err.Error()
	if m := yamlErrorLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		r.addAt(position{line: line, column: 1}, nil, "invalid YAML: %s", m[2])
		return
	}
	r.add(nil, "invalid YAML: %s", strings.TrimPrefix(msg, "yaml: "))
}

func at(n *yaml.Node) position { return position{line: n.Line, column: n.Column} }

// decoder converts go-yaml's node tree, recording positions and problems in r as it goes.
type decoder struct{ r *report }

// unsupportedTags are the YAML 1.1 types CloudFormation's YAML reader does not accept.
var unsupportedTags = map[string]bool{
	"!!binary": true, "!!omap": true, "!!pairs": true, "!!set": true, "!!timestamp": true,
}

// value converts the node at p. Short-form functions become their long form, so the checks
// after this one see a template the way CloudFormation does after parsing.
func (d decoder) value(n *yaml.Node, p path) any {
	if n.Kind == yaml.AliasNode {
		d.r.reject(at(n), p, "YAML alias *%s: CloudFormation does not support aliases; write the value out", n.Value)
		return nil
	}
	if fn, ok := shortForms[n.Tag]; ok {
		return map[string]any{fn: d.shortFormArgument(fn, n, p.key(fn))}
	}
	explicit := n.Style&yaml.TaggedStyle != 0
	switch {
	case strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!"):
		d.r.reject(at(n), p, "unknown YAML tag %s; CloudFormation knows only the short forms of its intrinsic functions (!Ref, !Sub, ...)", n.Tag)
	case explicit && unsupportedTags[n.Tag]:
		d.r.reject(at(n), p, "CloudFormation does not support the YAML tag %s", n.Tag)
	}
	switch n.Kind {
	case yaml.MappingNode:
		return d.mapping(n, p)
	case yaml.SequenceNode:
		return d.sequence(n, p)
	default:
		return d.scalar(n, p)
	}
}

// shortFormArgument converts the argument of a short-form function (!Sub x) to what its long
// form (Fn::Sub: x) holds. A scalar argument is always a string, whatever it looks like.
func (d decoder) shortFormArgument(fn string, n *yaml.Node, p path) any {
	d.r.positions[p.pointer()] = at(n)
	switch n.Kind {
	case yaml.MappingNode:
		return d.mapping(n, p)
	case yaml.SequenceNode:
		return d.sequence(n, p)
	}
	if fn == "Fn::GetAtt" {
		// !GetAtt Resource.Attribute names the resource before the first dot; attribute
		// names may themselves hold dots (Endpoint.Address).
		if res, attr, ok := strings.Cut(n.Value, "."); ok {
			return []any{res, attr}
		}
	}
	return n.Value
}

func (d decoder) mapping(n *yaml.Node, p path) map[string]any {
	m := make(map[string]any, len(n.Content)/2)
	firstLine := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case k.Kind != yaml.ScalarNode:
			d.r.reject(at(k), p, "map key is not a string; CloudFormation keys are plain strings")
			continue
		case k.Tag == "!!merge":
			d.r.reject(at(k), p, "YAML merge key <<: CloudFormation does not support hash merges; write the keys out")
			continue
		case shortForms[k.Tag] != "":
			d.r.reject(at(k), p, "intrinsic function %s used as a map key; CloudFormation does not evaluate keys, so write the key literally", k.Tag)
			continue
		}
		if line, dup := firstLine[k.Value]; dup {
			d.r.addAt(at(k), p.key(k.Value), "duplicate key %q; first defined at line %d", k.Value, line)
			continue
		}
		firstLine[k.Value] = k.Line
		d.r.positions[p.key(k.Value).pointer()] = at(k)
		m[k.Value] = d.value(v, p.key(k.Value))
	}
	return m
}

func (d decoder) sequence(n *yaml.Node, p path) []any {
	s := make([]any, len(n.Content))
	for i, item := range n.Content {
		d.r.positions[p.index(i).pointer()] = at(item)
		s[i] = d.value(item, p.index(i))
	}
	return s
}

// yaml11Booleans are plain words that go-yaml (YAML 1.2) reads as strings but CloudFormation
// (YAML 1.1) reads as booleans, so a tag value written as yes would arrive as "true".
var yaml11Booleans = map[string]bool{
	"yes": true, "Yes": true, "YES": true, "no": true, "No": true, "NO": true,
	"on": true, "On": true, "ON": true, "off": true, "Off": true, "OFF": true,
}

func (d decoder) scalar(n *yaml.Node, p path) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err == nil {
			return b
		}
	case "!!int", "!!float":
		var f any
		if err := n.Decode(&f); err == nil {
			if num, ok := jsonNumber(f); ok {
				return num
			}
		}
		d.r.reject(at(n), p, "%s is not a number JSON can hold", n.Value)
		return n.Value
	case "!!str":
		if n.Style == 0 && yaml11Booleans[n.Value] {
			d.r.reject(at(n), p, "plain %s is a boolean in YAML 1.1, which CloudFormation reads; quote it to keep the string", n.Value)
		}
	}
	return n.Value
}

func jsonNumber(v any) (json.Number, bool) {
	switch x := v.(type) {
	case int:
		return json.Number(strconv.Itoa(x)), true
	case int64:
		return json.Number(strconv.FormatInt(x, 10)), true
	case uint64:
		return json.Number(strconv.FormatUint(x, 10)), true
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return "", false
		}
		return json.Number(strconv.FormatFloat(x, 'g', -1, 64)), true
	}
	return "", false
}
