package config

import "github.com/irsagen/irsagen/generator/diag"

// Meta records where a config object and its values were written, so that every later stage can
// point at the exact line and column of the value it objects to.
type Meta struct {
	pos diag.Pos
	at  map[string]diag.Pos
}

// Pos is where the object starts.
func (m *Meta) Pos() diag.Pos { return m.pos }

// At is where the value at path was written: "roleName", "clusters[1]", "tags.owner",
// "document.Statement[0].Action". A path that was not written gives the nearest written parent,
// and finally the object's own position, so a "missing key" message points at its object.
func (m *Meta) At(path string) diag.Pos {
	for p := path; ; {
		if pos, ok := m.at[p]; ok {
			return pos
		}
		cut := lastSep(p)
		if cut < 0 {
			return m.pos
		}
		p = p[:cut]
	}
}

// Has reports whether the key at path was written in the file.
func (m *Meta) Has(path string) bool {
	_, ok := m.at[path]
	return ok
}

func (m *Meta) record(path string, pos diag.Pos) {
	if m.at == nil {
		m.at = make(map[string]diag.Pos)
	}
	m.at[path] = pos
}

// lastSep finds the start of the last path element: a ".key" or "[i]".
func lastSep(p string) int {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '.' || p[i] == '[' {
			return i
		}
	}
	return -1
}
