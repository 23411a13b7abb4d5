package cfncheck

import (
	"regexp"
	"strconv"
	"strings"
)

// path addresses a value inside the template: map keys and list indexes from the root.
type path []step

// step is a map key, or a list index when index >= 0.
type step struct {
	key   string
	index int
}

func (p path) key(k string) path { return append(p[:len(p):len(p)], step{key: k, index: -1}) }
func (p path) index(i int) path  { return append(p[:len(p):len(p)], step{index: i}) }

// bareKey matches the keys that read unambiguously after a dot; others (IAM condition keys with
// dots and slashes) are quoted.
var bareKey = regexp.MustCompile(`^[A-Za-z0-9_:-]+$`)

// String renders the path for people: Resources.Role.Properties.Tags[0].Key.
func (p path) String() string {
	var b strings.Builder
	for i, s := range p {
		switch {
		case s.index >= 0:
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
		case !bareKey.MatchString(s.key):
			b.WriteString("[" + strconv.Quote(s.key) + "]")
		default:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.key)
		}
	}
	return b.String()
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// pointer renders the path as a JSON pointer, the key of report.positions and the form in
// which the schema validator reports locations.
func (p path) pointer() string {
	var b strings.Builder
	for _, s := range p {
		b.WriteByte('/')
		if s.index >= 0 {
			b.WriteString(strconv.Itoa(s.index))
		} else {
			pointerEscaper.WriteString(&b, s.key)
		}
	}
	return b.String()
}
