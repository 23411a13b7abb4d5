package cfncheck

import (
	"sync"

	"github.com/awslabs/goformation/v7"
)

// goformationMu serializes goformation's parser, which registers its YAML tag handlers in a
// package-level map on every call and so races with itself in parallel tests.
var goformationMu sync.Mutex

// checkGoformation parses the template with goformation, whose typed reading would fail on a
// value its Go types cannot hold.
func checkGoformation(r *report, src []byte) {
	goformationMu.Lock()
	defer goformationMu.Unlock()
	defer func() {
		if v := recover(); v != nil {
			r.add(nil, "goformation cannot read the template: %v", v)
		}
	}()
	if _, err := goformation.ParseYAML(src); err != nil {
		r.add(nil, "goformation cannot read the template: %v", err)
	}
}
