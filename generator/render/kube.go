package render

import (
	"crypto/sha256"
	"encoding/hex"
	"path"
	"slices"
	"sort"

	"github.com/irsagen/irsagen/generator/output"
	"github.com/irsagen/irsagen/generator/plan"
)

// Paths of the Kubernetes tree, relative to the output directory.
func clusterDir(c string) string { return path.Join("kubernetes", "clusters", c) }

func componentDir(c *plan.Component) string {
	return path.Join("kubernetes", "components", c.Cluster.Key, c.Namespace, c.Deployment)
}

// serviceAccountFile is path.Join(dir, sa.Namespace, yamlFileName(sa.Name)), where dir is
// clusterDir(sa.Cluster.Key), in one allocation: it runs for every ServiceAccount.
func serviceAccountFile(dir string, sa *plan.ServiceAccount) string {
	if dir == "" || sa.Namespace == "" || len(sa.Name)+len(".yaml") > maxFileName {
		return path.Join(dir, sa.Namespace, yamlFileName(sa.Name))
	}
	// With no element empty, path.Join is the elements joined by slashes and cleaned, and
	// Clean returns a clean path as it is.
	return path.Clean(dir + "/" + sa.Namespace + "/" + sa.Name + ".yaml")
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
func (b *builder) clusterFiles(p *plan.Plan, c *plan.Cluster) []output.File {
	dir := clusterDir(c.Key)
	files := make([]output.File, 1, 1+len(c.ServiceAccounts)+len(c.Components))
	for _, sa := range c.ServiceAccounts {
		if !sa.Create {
			continue // its owner (a Helm chart, an EKS add-on) creates it
		}
		files = append(files, output.File{Path: serviceAccountFile(dir, sa), Data: b.serviceAccount(sa)})
	}
	for _, sa := range c.ServiceAccounts {
		if sa.ChecksCredentials() {
			files = append(files, output.File{Path: checkJobFile(dir, sa), Data: b.checkJob(sa)})
		}
	}
	// The overlay lists the ServiceAccount and Job files by the paths just made.
	files[0] = output.File{Path: path.Join(dir, "kustomization.yaml"), Data: b.overlay(p, c, dir, files[1:])}
	for _, comp := range c.Components {
		files = append(files, output.File{Path: path.Join(componentDir(comp), "kustomization.yaml"), Data: b.component(comp)})
	}
	return files
}

// overlay is the kustomization Argo CD or Flux syncs for a cluster: its ServiceAccounts and, when
// the cluster lists app bases, those bases with the cluster's Components applied to them.
// dir is the cluster's directory and saFiles its ServiceAccount files, in the order of
// c.ServiceAccounts, then its credentials-check Jobs.
func (b *builder) overlay(p *plan.Plan, c *plan.Cluster, dir string, saFiles []output.File) []byte {
	var components []string
	if len(c.Resources) > 0 {
		for _, comp := range c.Components {
			// From kubernetes/clusters/<cluster> to kubernetes/components/...
			components = append(components, path.Join("../..", componentDir(comp)[len("kubernetes/"):]))
		}
	}
	sort.Strings(components)
	return b.render(Header, func(b *builder) {
		b.openMap()
		b.pair("apiVersion", "kustomize.config.k8s.io/v1beta1")
		b.pair("kind", "Kustomization")
		b.key("resources")
		b.openSeq()
		for _, r := range c.Resources {
			// From the overlay up to the output directory, then to the config's directory.
			b.str(path.Join("../../..", p.ConfigDir, r))
		}
		for _, f := range saFiles {
			b.str(f.Path[len(dir)+1:])
		}
		b.close()
		if len(components) > 0 {
			b.key("components")
			b.strs(components)
		}
		b.close()
	})
}

func (b *builder) serviceAccount(sa *plan.ServiceAccount) []byte {
	return b.render(Header, func(b *builder) {
		b.openMap()
		b.pair("apiVersion", "v1")
		b.pair("kind", "ServiceAccount")
		b.key("metadata")
		b.openMap()
		b.pair("name", sa.Name)
		b.pair("namespace", sa.Namespace)
		b.key("labels")
		b.stringMap(sa.Labels)
		b.key("annotations")
		b.stringMap(sa.Annotations)
		b.close()
		b.close()
	})
}

// component patches one Deployment with an inline strategic-merge patch and no target: unlike a
// patch with a target, which silently matches nothing, it fails the build when the Deployment is
// missing, so a renamed Deployment cannot quietly lose its AWS permissions.
func (b *builder) component(c *plan.Component) []byte {
	patch := string(b.renderBuf("", func(b *builder) {
		b.openMap()
		b.pair("apiVersion", "apps/v1")
		b.pair("kind", "Deployment")
		b.key("metadata")
		b.openMap()
		b.pair("name", c.Deployment)
		b.pair("namespace", c.Namespace)
		b.close()
		b.key("spec")
		b.openMap()
		b.key("template")
		b.openMap()
		b.key("metadata")
		b.openMap()
		b.key("annotations")
		b.openMap()
		b.pair(plan.CredentialsHashAnnotation, c.CredentialsHash)
		b.close()
		b.close()
		b.key("spec")
		b.openMap()
		b.pair("serviceAccountName", c.ServiceAccount)
		b.close()
		b.close()
		b.close()
		b.close()
	}))
	return b.render(Header, func(b *builder) {
		b.openMap()
		b.pair("apiVersion", "kustomize.config.k8s.io/v1alpha1")
		b.pair("kind", "Component")
		b.key("patches")
		b.openSeq()
		b.openMap()
		b.key("patch")
		b.literal(patch)
		b.close()
		b.close()
		b.close()
	})
}

// stringMap writes m with its keys in byte order.
func (b *builder) stringMap(m map[string]string) {
	start := len(b.keys)
	for k := range m {
		b.keys = append(b.keys, k)
	}
	keys := b.keys[start:]
	slices.Sort(keys)
	b.openMap()
	for _, k := range keys {
		b.pair(k, m[k])
	}
	b.close()
	b.keys = b.keys[:start]
}
