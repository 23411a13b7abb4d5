package config

import (
	"bytes"
	"runtime"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// treeStats is what the decoder needs to know about a whole node tree before it starts.
type treeStats struct {
	nodes int  // nodes in the tree, the document node included
	alias bool // whether any node is an alias
}

// Files below splitMinBytes are parsed in one piece: splitting saves less than a millisecond
// there. Pieces are at least splitPieceBytes long, so that each costs far more to parse than to
// schedule. Tests lower both to cut small files.
var (
	splitMinBytes   = 64 << 10
	splitPieceBytes = 32 << 10
)

// parseYAML parses data into yaml.v3's node tree. The tree is the one yaml.Unmarshal gives for
// the whole file, node for node: the same kinds, tags, values, styles, anchors, aliases, lines
// and columns. Comments are not part of that promise; nothing in irsagen reads them.
//
// yaml.v3 parses on one goroutine, and for a large fleet it is the longest step before anything
// else can start (0.3 s for 10,000 ServiceAccounts). Most of such a file is one top-level list,
// so the file is cut between that list's items and the pieces are parsed on every CPU (see
// planSplit). Whenever a piece does not parse, or parses to anything but the shape its lines
// announced, the whole file is parsed instead, so that an error is yaml.v3's own for the whole
// file, at the line it has always named.
//
// With pre, the items of the list are decoded as soon as their piece is parsed (see items).
func parseYAML(data []byte, pre *items) (*yaml.Node, treeStats, error) {
	// A file that may hold an anchor or a tag is not tried: the pieces would refuse it, and
	// finding out costs a parse.
	if procs := runtime.GOMAXPROCS(0); procs > 1 && len(data) >= splitMinBytes && !mayStartToken(data, '&') && !mayStartToken(data, '!') {
		pieceBytes := max(splitPieceBytes, len(data)/(8*procs))
		if root, stats, ok := parseSplit(data, pieceBytes, procs, pre); ok {
			return root, stats, nil
		}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, treeStats{}, err
	}
	return &root, statsOf(&root), nil
}

func statsOf(n *yaml.Node) treeStats {
	s := treeStats{nodes: 1, alias: n.Kind == yaml.AliasNode}
	for _, child := range n.Content {
		c := statsOf(child)
		s.nodes += c.nodes
		s.alias = s.alias || c.alias
	}
	return s
}

// splitPlan cuts a file into pieces that can be parsed apart:
//
//   - the head, from the start of the file through the first item of the list;
//   - runs of the list's items, each parsed behind the line "x:", so that yaml.v3 sees the same
//     block mapping at column 0 holding the same block sequence at the same column, with the same
//     indentation stack, as when it reaches those lines in the whole file;
//   - the tail, the top-level keys after the list, if any.
//
// A piece is parsed as yaml.v3 parses the same bytes in the whole file as long as yaml.v3 is, at
// the piece's first line, in the state the piece starts from: in block context, between two items
// of the list (or two top-level keys, for the tail), in no scalar. The piece before guarantees that
// by parsing on its own: an unclosed flow collection or quoted scalar fails at its end, and a plain
// or block scalar cannot run on into the next piece, because it only continues on lines indented
// more than the list's items, and the next piece starts with an item's "- " (or a top-level key).
// Everything else yaml.v3 keeps from one line to the next (the indentation stack and the nesting
// depth it bounds) is the same by construction, and line breaks other than "\n" and "\r\n" are
// ruled out, so lines are counted alike. What the pieces cannot share is refused: anchors,
// aliases and tags in the items (an alias may name an anchor of another piece, and an anchor may
// redefine one), directives (%TAG changes what a tag means), more than one document, tabs, byte
// order marks and invalid UTF-8. The checks on each piece's shape (a block mapping at column 1
// whose list is at the line and column planned, with as many items as lines starting with "- ")
// make sure the cuts fell where the plan thought they did.
type splitPlan struct {
	col       int // column of the list's "- ", 0-based
	keyLine   int // line of the key whose value the list is
	keyOff    int // where that line starts
	firstLine int // line of the list's first item
	pieces    []piece
}

type pieceKind int

const (
	headPiece pieceKind = iota
	itemsPiece
	tailPiece
)

// itemsPrefix goes before a run of items; its key is dropped.
const itemsPrefix = "x:\n"

type piece struct {
	kind     pieceKind
	from, to int // bytes of the file
	shift    int // added to each line of the piece's nodes to give the file's line
	items    int // head and runs: the items of the list that the piece's lines start
	first    int // head and runs: the index in the list of the piece's first item
	// Set by parsing: the head's document, or the run's items, or the tail's keys and values.
	doc   *yaml.Node
	nodes []*yaml.Node
	list  []*yaml.Node // head and runs: the piece's items of the list
	stats treeStats
}

// parseSplit parses data in pieces on up to workers goroutines. It reports false when the file
// does not split or a piece fails; the caller then parses the whole file. With pre, each piece's
// items of the list are handed to pre once the piece has parsed to the shape planned; pre.list
// is then the list in the tree returned.
func parseSplit(data []byte, pieceBytes, workers int, pre *items) (*yaml.Node, treeStats, bool) {
	plan := planSplit(data, pieceBytes)
	if plan == nil {
		return nil, treeStats{}, false
	}
	workers = min(workers, len(plan.pieces))
	if pre != nil {
		total := 0
		for _, pc := range plan.pieces {
			total += pc.items
		}
		if key, ok := plainKey(data[plan.keyOff:]); !ok || !pre.start(key, total, workers) {
			pre = nil
		}
	}
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(plan.pieces) {
					return
				}
				pc := &plan.pieces[i]
				if !plan.parse(data, pc) {
					failed.Store(true)
					return
				}
				if pre != nil {
					pre.decode(w, pc.first, pc.list)
				}
			}
		})
	}
	wg.Wait()
	if failed.Load() {
		return nil, treeStats{}, false
	}
	root, stats, list := plan.join()
	if pre != nil {
		pre.list = list
	}
	return root, stats, true
}

// plainKey returns the key of a line "key:" that starts line, when the key is letters and digits
// written plainly and nothing but spaces and a comment follows the colon.
func plainKey(line []byte) (string, bool) {
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	line = bytes.TrimSuffix(line, []byte("\r"))
	key, rest, ok := bytes.Cut(line, []byte(":"))
	if !ok || len(key) == 0 {
		return "", false
	}
	for i, c := range key {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return "", false
		}
	}
	rest = bytes.TrimLeft(rest, " ")
	if len(rest) > 0 && rest[0] != '#' {
		return "", false
	}
	return string(key), true
}

// splittable rules out what yaml.v3 reads differently in pieces than in the whole file: other
// line breaks than "\n" and "\r\n" (which shift line numbers), byte order marks (yaml.v3 skips
// them at the start of any line, and a piece starting with one may be read as UTF-16), tabs,
// bytes that are not UTF-8, and explicit keys ("? key"): a key without a value gets an empty
// value at the position of whatever comes next, which for the last key of a piece is the piece's
// end instead of the next piece's first item.
func splittable(data []byte) bool {
	if !utf8.Valid(data) || bytes.IndexByte(data, '\t') >= 0 || mayStartToken(data, '?') {
		return false
	}
	for _, s := range []string{"\u0085", "\u2028", "\u2029", "\ufeff"} {
		if bytes.Contains(data, []byte(s)) {
			return false
		}
	}
	for rest := data; ; {
		i := bytes.IndexByte(rest, '\r')
		if i < 0 {
			return true
		}
		if i+1 == len(rest) || rest[i+1] != '\n' {
			return false
		}
		rest = rest[i+1:]
	}
}

// mayStartToken reports whether c is written where yaml.v3 could read it as the start of a token:
// at the start of a line or after a space or a flow indicator. It errs on the side of yes.
func mayStartToken(data []byte, c byte) bool {
	for i := 0; ; i++ {
		j := bytes.IndexByte(data[i:], c)
		if j < 0 {
			return false
		}
		i += j
		if i == 0 {
			return true
		}
		switch data[i-1] {
		case ' ', '\n', '[', '{', ',':
			return true
		}
	}
}

// lineAt is where a line starts.
type lineAt struct{ off, line int }

// listSpan is a block sequence that is the value of a top-level key, as its lines suggest.
type listSpan struct {
	keyLine int
	keyOff  int
	col     int
	items   []lineAt // the lines that start with the list's "- "
	end     lineAt   // the first top-level line after the list, or the end of the file
}

func (s *listSpan) size() int {
	if len(s.items) == 0 {
		return 0
	}
	return s.end.off - s.items[0].off
}

// planSplit finds the largest top-level block sequence by its lines alone and cuts the file into
// pieces of about pieceBytes at lines that start one of its items. It returns nil when the file
// has nothing worth cutting or holds anything that pieces could read differently. The plan is
// only a guess until the pieces have parsed to the shapes it announces; see splitPlan.
func planSplit(data []byte, pieceBytes int) *splitPlan {
	if !splittable(data) {
		return nil
	}
	var best, cur listSpan
	inList := false
	keyLine, keyOff := 0, 0 // a top-level line whose value may be a list on the lines below
	line := 1
	for off := 0; off < len(data); line++ {
		next := len(data)
		if i := bytes.IndexByte(data[off:], '\n'); i >= 0 {
			next = off + i + 1
		}
		text := data[off:next]
		indent := 0
		for indent < len(text) && text[indent] == ' ' {
			indent++
		}
		rest := text[indent:]
		if len(rest) == 0 || rest[0] == '\n' || rest[0] == '\r' || rest[0] == '#' {
			off = next // blank or comment: part of whatever surrounds it
			continue
		}
		if indent == 0 && (rest[0] == '%' || bytes.HasPrefix(rest, []byte("---")) || bytes.HasPrefix(rest, []byte("..."))) {
			// A directive or a document marker, or a scalar that looks like one. Only a "---"
			// alone on the first line is harmless: it starts the one document.
			if line != 1 || (string(rest) != "---\n" && string(rest) != "---\r\n") {
				return nil
			}
			off = next
			continue
		}
		dash := rest[0] == '-' && (len(rest) == 1 || rest[1] == ' ' || rest[1] == '\n' || rest[1] == '\r')
		if inList {
			if indent > cur.col {
				off = next
				continue
			}
			if indent == cur.col && dash {
				cur.items = append(cur.items, lineAt{off, line})
				off = next
				continue
			}
			cur.end = lineAt{off, line}
			if cur.size() > best.size() {
				best, cur = cur, best
			}
			inList = false
		}
		switch {
		case keyLine > 0 && dash:
			inList = true
			cur.keyLine, cur.keyOff, cur.col = keyLine, keyOff, indent
			cur.items = append(cur.items[:0], lineAt{off, line})
			keyLine = 0
		case indent == 0 && !dash:
			keyLine, keyOff = line, off
		default:
			keyLine = 0
		}
		off = next
	}
	if inList {
		cur.end = lineAt{len(data), line}
		if cur.size() > best.size() {
			best = cur
		}
	}
	items := best.items
	if len(items) < 2 {
		return nil
	}
	p := &splitPlan{col: best.col, keyLine: best.keyLine, keyOff: best.keyOff, firstLine: items[0].line}
	p.pieces = append(p.pieces, piece{kind: headPiece, from: 0, to: items[1].off, items: 1})
	for i := 1; i < len(items); {
		j := i + 1
		for j < len(items) && items[j].off-items[i].off < pieceBytes {
			j++
		}
		to := best.end.off
		if j < len(items) {
			to = items[j].off
		}
		// In the piece, the first item is on line 2, after itemsPrefix.
		p.pieces = append(p.pieces, piece{kind: itemsPiece, from: items[i].off, to: to, items: j - i, first: i, shift: items[i].line - 2})
		i = j
	}
	if best.end.off < len(data) {
		p.pieces = append(p.pieces, piece{kind: tailPiece, from: best.end.off, to: len(data), shift: best.end.line - 1})
	}
	return p
}

// parse parses one piece and checks that it has the shape the plan announced. A panic in yaml.v3
// counts as a failure: the whole file is then parsed as it always was.
func (p *splitPlan) parse(data []byte, pc *piece) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	src := data[pc.from:pc.to]
	if pc.kind == itemsPiece {
		src = append(append(make([]byte, 0, len(itemsPrefix)+len(src)), itemsPrefix...), src...)
	}
	doc := new(yaml.Node)
	if err := yaml.Unmarshal(src, doc); err != nil || doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return false
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode || m.Style&yaml.FlowStyle != 0 || m.Column != 1 || len(m.Content) < 2 {
		return false
	}
	switch pc.kind {
	case headPiece:
		key, list := m.Content[len(m.Content)-2], m.Content[len(m.Content)-1]
		if key.Line != p.keyLine || key.Column != 1 || !p.isList(list, p.firstLine, pc.items) {
			return false
		}
		pc.doc, pc.stats, pc.list = doc, statsOf(doc), list.Content
	case itemsPiece:
		if len(m.Content) != 2 || m.Line != 1 || m.Style != 0 || m.Anchor != "" || !p.isList(m.Content[1], 2, pc.items) {
			return false
		}
		list := m.Content[1]
		if list.Style != 0 || list.Anchor != "" {
			return false
		}
		for _, item := range list.Content {
			n, ok := shiftPlain(item, pc.shift)
			if !ok {
				return false
			}
			pc.stats.nodes += n
		}
		pc.nodes, pc.list = list.Content, list.Content
	case tailPiece:
		if m.Line != 1 || m.Style != 0 || m.Anchor != "" {
			return false
		}
		for _, n := range m.Content {
			s := shift(n, pc.shift)
			pc.stats.nodes += s.nodes
			pc.stats.alias = pc.stats.alias || s.alias
		}
		pc.nodes = m.Content
	}
	return true
}

func (p *splitPlan) isList(n *yaml.Node, line, items int) bool {
	return n.Kind == yaml.SequenceNode && n.Style&yaml.FlowStyle == 0 && n.Line == line && n.Column == p.col+1 && len(n.Content) == items
}

// shiftPlain moves a run's item to its line in the file and counts its nodes. It fails on an
// anchor, an alias or a tag.
func shiftPlain(n *yaml.Node, by int) (int, bool) {
	if n.Anchor != "" || n.Kind == yaml.AliasNode || n.Style&yaml.TaggedStyle != 0 {
		return 0, false
	}
	n.Line += by
	count := 1
	for _, child := range n.Content {
		c, ok := shiftPlain(child, by)
		if !ok {
			return 0, false
		}
		count += c
	}
	return count, true
}

// shift moves a tail's node to its line in the file and returns its stats.
func shift(n *yaml.Node, by int) treeStats {
	n.Line += by
	s := treeStats{nodes: 1, alias: n.Kind == yaml.AliasNode}
	for _, child := range n.Content {
		c := shift(child, by)
		s.nodes += c.nodes
		s.alias = s.alias || c.alias
	}
	return s
}

// join puts the parsed pieces together: the runs' items after the head's first item, the tail's
// keys after the head's. It also returns the list.
func (p *splitPlan) join() (*yaml.Node, treeStats, *yaml.Node) {
	head := &p.pieces[0]
	root, stats := head.doc, head.stats
	m := root.Content[0]
	list := m.Content[len(m.Content)-1]
	n := len(list.Content)
	for i := range p.pieces[1:] {
		if pc := &p.pieces[1+i]; pc.kind == itemsPiece {
			n += len(pc.nodes)
		}
	}
	items := make([]*yaml.Node, 0, n)
	items = append(items, list.Content...)
	for _, pc := range p.pieces[1:] {
		switch pc.kind {
		case itemsPiece:
			items = append(items, pc.nodes...)
		case tailPiece:
			m.Content = append(m.Content, pc.nodes...)
		}
		stats.nodes += pc.stats.nodes
		stats.alias = stats.alias || pc.stats.alias
	}
	list.Content = items
	return root, stats, list
}
