package render

import (
	"crypto/sha256"
	"encoding/hex"
	"path"
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/irsagen/irsagen/generator/output"
	"github.com/irsagen/irsagen/generator/plan"
)

// Paths of the Kubernetes tree, relative to the output directory.
func clusterDir(c string) string { return path.Join("kubernetes", "clusters", c) }

func componentDir(c *plan.Component) string {
	return path.Join("kubernetes", "components", c.Cluster.Name, c.Namespace, c.Deployment)
}

func serviceAccountFile(sa *plan.ServiceAccount) string {
	return path.Join(clusterDir(sa.Cluster.Name), sa.Namespace, yamlFileName(sa.Name))
}

// maxFileName is the longest file name that common file systems hold (NAME_MAX on ext4, XFS,
// APFS and NTFS).
const maxFileName = 255

// yamlFileName is name.yaml, unless that is longer than a file name may be: a Kubernetes name
// may hold 253 characters. A longer one keeps its start and ends in '_' and a hash of the whole
// name; no Kubernetes name contains '_', so it cannot meet another ServiceAccount's file.
func yamlFileName(name string) string {
	const ext = ".yaml"
	if len(name)+len(ext) <= maxFileName {
		return name + ext
	}
	sum := sha256.Sum256([]byte(name))
	h := hex.EncodeToString(sum[:])[:10]
	return name[:maxFileName-len(ext)-len(h)-1] + "_" + h + ext
}

// clusterFiles are the Kubernetes files of one cluster: its overlay, its ServiceAccounts and its
// Components.
func clusterFiles(p *plan.Plan, c *plan.Cluster) []output.File {
	files := make([]output.File, 0, 1+len(c.ServiceAccounts)+len(c.Components))
	files = append(files, output.File{Path: path.Join(clusterDir(c.Name), "kustomization.yaml"), Data: overlay(p, c)})
	for _, sa := range c.ServiceAccounts {
		files = append(files, output.File{Path: serviceAccountFile(sa), Data: serviceAccount(sa)})
	}
	for _, comp := range c.Components {
		files = append(files, output.File{Path: path.Join(componentDir(comp), "kustomization.yaml"), Data: component(comp)})
	}
	return files
}

// overlay is the kustomization Argo CD or Flux syncs for a cluster: its ServiceAccounts and, when
// the cluster lists app bases, those bases with the cluster's Components applied to them.
func overlay(p *plan.Plan, c *plan.Cluster) []byte {
	dir := clusterDir(c.Name)
	var resources, components []string
	for _, r := range c.Resources {
		// From the overlay up to the output directory, then to the config's directory.
		resources = append(resources, path.Join("../../..", p.ConfigDir, r))
	}
	for _, sa := range c.ServiceAccounts {
		rel := serviceAccountFile(sa)[len(dir)+1:]
		resources = append(resources, rel)
	}
	if len(c.Resources) > 0 {
		for _, comp := range c.Components {
			// From kubernetes/clusters/<cluster> to kubernetes/components/...
			components = append(components, path.Join("../..", componentDir(comp)[len("kubernetes/"):]))
		}
	}
	sort.Strings(components)
	var comps *yaml.Node
	if len(components) > 0 {
		comps = strs(components)
	}
	return encodeYAML(mapping(
		"apiVersion", str("kustomize.config.k8s.io/v1beta1"),
		"kind", str("Kustomization"),
		"resources", strs(resources),
		"components", comps,
	))
}

func serviceAccount(sa *plan.ServiceAccount) []byte {
	return encodeYAML(mapping(
		"apiVersion", str("v1"),
		"kind", str("ServiceAccount"),
		"metadata", mapping(
			"name", str(sa.Name),
			"namespace", str(sa.Namespace),
			"labels", stringMap(sa.Labels),
			"annotations", stringMap(sa.Annotations),
		),
	))
}

// component patches one Deployment with an inline strategic-merge patch and no target: unlike a
// patch with a target, which silently matches nothing, it fails the build when the Deployment is
// missing, so a renamed Deployment cannot quietly lose its AWS permissions.
func component(c *plan.Component) []byte {
	patch := encodePlain(mapping(
		"apiVersion", str("apps/v1"),
		"kind", str("Deployment"),
		"metadata", mapping("name", str(c.Deployment), "namespace", str(c.Namespace)),
		"spec", mapping("template", mapping("spec", mapping("serviceAccountName", str(c.ServiceAccount)))),
	))
	return encodeYAML(mapping(
		"apiVersion", str("kustomize.config.k8s.io/v1alpha1"),
		"kind", str("Component"),
		"patches", seq(mapping("patch", literal(string(patch)))),
	))
}

func stringMap(m map[string]string) *yaml.Node {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	n := mapping()
	for _, k := range keys {
		n.Content = append(n.Content, str(k), str(m[k]))
	}
	return n
}
