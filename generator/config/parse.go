package config

import (
	"bytes"
	"errors"
	"io"

	"go.yaml.in/yaml/v3"

	"github.com/irsagen/irsagen/generator/diag"
)

// parseYAML parses data, the whole of irsa.yaml, into yaml.v3's node tree, and counts its nodes
// (the decoder's alias budget is twice that). It refuses what would make the file mean less than
// it says: a document marker anywhere but before or after the one document, a second document,
// and tags, which irsagen would otherwise read as if they were not written. A nil root with no
// error is an empty file.
func parseYAML(name string, data []byte) (*yaml.Node, int, error) {
	in := &lineReader{data: data}
	dec := yaml.NewDecoder(in)
	root := new(yaml.Node)
	if err := dec.Decode(root); err != nil {
		if errors.Is(err, io.EOF) {
			// Nothing but comments, blank lines or markers; a marker is still refused below.
			root = nil
		} else {
			return nil, 0, syntaxError(name, data, err, in.off)
		}
	}
	if d := documentMarker(data); d != nil {
		return nil, 0, diag.List{{File: name, Pos: d.pos, Message: d.message}}
	}
	// What else yaml.v3 reads as the end of the document is a directive, a line starting with
	// "%" (such a line may also continue a quoted string).
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		pos := directiveAfterContent(data)
		if pos.Line == 0 {
			pos = diag.Pos{Line: max(next.Line, 1), Col: max(next.Column, 1)}
		}
		return nil, 0, diag.List{{File: name, Pos: pos, Message: directiveMessage}}
	}
	if root == nil {
		return nil, 0, nil
	}
	var diags diag.List
	nodes := inspect(name, root, &diags)
	if len(diags) > 0 {
		return nil, 0, diags.Sort()
	}
	return root, nodes, nil
}

// standardTags are the tags of YAML's core schema, the only ones irsagen reads. Any other, such
// as !custom, !!binary or !!timestamp, would be dropped silently and its value read as if the
// tag were not there.
var standardTags = map[string]bool{
	"!!str": true, "!!int": true, "!!float": true, "!!bool": true, "!!null": true, "!!map": true, "!!seq": true,
}

// inspect counts the nodes of a tree and reports each tag written that is not a standard one.
// An alias is one node: what it refers to is counted where it is written.
func inspect(name string, n *yaml.Node, diags *diag.List) int {
	if n.Style&yaml.TaggedStyle != 0 && !standardTags[n.Tag] {
		diags.Add(name, posOf(n), "YAML tag %s is not supported; remove it: irsa.yaml holds plain strings, numbers, booleans, lists and mappings", n.Tag)
	}
	count := 1
	for _, child := range n.Content {
		count += inspect(name, child, diags)
	}
	return count
}

const directiveMessage = `a line starting with "%" is a YAML directive, which ends the document, and irsagen would ignore everything after it; irsa.yaml is one document: remove the line`

type marker struct {
	pos     diag.Pos
	message string
}

// documentMarker finds a line that starts or ends a YAML document where irsa.yaml's one document
// cannot have one: a "---" after the document has begun (it starts a second document, which
// would be ignored), and a "..." with anything but comments after it (which ends the document
// there). A line starting with "%" before a stray "---" is a directive that starts the second
// document, and is reported instead. A "---" before the content and a "..." at the very end are fine. A marker is "---" or
// "..." at the start of a line, alone or followed by a space; YAML gives it that meaning
// wherever it is written, even in the middle of a quoted string.
func documentMarker(data []byte) *marker {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	started := false // a "---" or content has been seen
	var ended *marker
	directive := 0 // the first line after content that may be a directive: one if a "---" follows
	// Lines end where yaml.v3 ends them (a lone "\r" too), so that a marker is found on the
	// line yaml.v3 reads it on.
	starts := lineStarts(data)
	for line := 1; line <= len(starts); line++ {
		text := lineText(data, starts, line)
		kind := markerKind(text)
		blank := len(bytes.TrimLeft(text, " \t")) == 0 || bytes.TrimLeft(text, " \t")[0] == '#'
		switch {
		case blank:
		case ended != nil:
			return ended
		case kind == "---" && !started:
			started = true
		case kind == "---" && directive > 0:
			return &marker{diag.Pos{Line: directive, Col: 1}, directiveMessage}
		case kind == "---":
			return &marker{diag.Pos{Line: line, Col: 1}, `a line "---" starts a second YAML document, which irsagen would ignore with everything after it; irsa.yaml is one document: remove the line`}
		case kind == "...":
			ended = &marker{diag.Pos{Line: line, Col: 1}, `a line "..." ends the YAML document, and irsagen would ignore everything after it; remove the line`}
		case text[0] == '%':
			if started && directive == 0 {
				directive = line
			}
		default:
			started = true
		}
	}
	return nil
}

// markerKind returns "---" or "..." when line is a document marker, and "" otherwise.
func markerKind(line []byte) string {
	if len(line) < 3 || (len(line) > 3 && line[3] != ' ' && line[3] != '\t') {
		return ""
	}
	switch m := string(line[:3]); m {
	case "---", "...":
		return m
	}
	return ""
}

// directiveAfterContent is the first line that starts with "%" after a line of content, if any.
func directiveAfterContent(data []byte) diag.Pos {
	started := false
	starts := lineStarts(data)
	for line := 1; line <= len(starts); line++ {
		text := lineText(data, starts, line)
		trimmed := bytes.TrimLeft(text, " \t")
		switch {
		case started && len(text) > 0 && text[0] == '%':
			return diag.Pos{Line: line, Col: 1}
		case len(trimmed) > 0 && trimmed[0] != '#' && text[0] != '%':
			started = true
		}
	}
	return diag.Pos{}
}
