package overlay

import (
	"fmt"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// localOnly refuses a kustomization, read at abs, that names a resource, component or base that
// is not a file or directory in the config's directory. kustomize takes such a name for a remote
// one and fetches it (an HTTP request, or git run in a temporary directory) before anything
// reads it through the file system, so the refusal comes when the kustomization is read.
// A kustomization that does not parse is left to kustomize, which reports it better.
func (c *confinedFS) localOnly(abs string, data []byte) error {
	if abs == c.top || !c.shadowedName(abs) {
		return nil
	}
	var k struct {
		Resources  []string `yaml:"resources"`
		Components []string `yaml:"components"`
		Bases      []string `yaml:"bases"`
	}
	if yaml.Unmarshal(data, &k) != nil {
		return nil
	}
	for _, list := range []struct {
		what  string
		names []string
	}{{"resource", k.Resources}, {"component", k.Components}, {"base", k.Bases}} {
		for _, name := range list.names {
			p := filepath.Join(filepath.Dir(abs), filepath.FromSlash(name))
			switch {
			case !filepath.IsAbs(name) && c.Exists(p):
			case remote(name):
				return fmt.Errorf("%s: %s %q is not in irsa.yaml's directory; irsagen builds app bases from that directory alone and fetches no remote base", c.rel(abs), list.what, name)
			default:
				return fmt.Errorf("%s: %s %q does not exist", c.rel(abs), list.what, name)
			}
		}
	}
	return nil
}

// shadowedName reports whether abs is named like a kustomization file.
func (c *confinedFS) shadowedName(abs string) bool {
	for _, n := range kustomizationNames {
		if filepath.Base(abs) == n {
			return true
		}
	}
	return false
}

// remote reports whether kustomize would take name for a remote base or file: a URL, or a git
// repository (git@host:..., github.com/..., ...?ref=...).
func remote(name string) bool {
	return strings.Contains(name, "://") || strings.HasPrefix(name, "git@") ||
		strings.HasPrefix(name, "github.com/") || strings.Contains(name, "?ref=") || strings.Contains(name, "//")
}
