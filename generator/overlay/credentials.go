package overlay

import (
	"fmt"
	"regexp"
	"slices"

	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/resource"

	"github.com/irsagen/irsagen/generator/plan"
)

var pinned = regexp.MustCompile(`@sha256:[0-9a-f]{64}$`)

// checkRendered checks what the build holds of irsagen's own objects: each passes Kubernetes'
// strict decoding, and each credentials-check Job checks exactly its ServiceAccount's role and
// cannot do anything else.
func checkRendered(c *plan.Cluster, m resmap.ResMap, report func(string, ...any)) {
	for _, sa := range c.ServiceAccounts {
		if r := find(m, "ServiceAccount", sa.Namespace, sa.Name); r != nil {
			for _, p := range strictFields(&r.RNode) {
				report("ServiceAccount %s/%s: %s", sa.Namespace, sa.Name, p)
			}
		}
	}
	jobs := 0
	for _, r := range m.Resources() {
		if r.GetKind() == "Job" && r.GetLabels()["app.kubernetes.io/managed-by"] == "irsagen" {
			jobs++
		}
	}
	want := 0
	for _, sa := range c.ServiceAccounts {
		if !sa.ChecksCredentials() {
			continue
		}
		want++
		job := findByLabel(m, "Job", sa.Namespace, sa.Name)
		if job == nil {
			report("the credentials-check Job of ServiceAccount %s/%s is missing from the build", sa.Namespace, sa.Name)
			continue
		}
		at := "Job " + sa.Namespace + "/" + job.GetName()
		for _, p := range strictFields(&job.RNode) {
			report("%s: %s", at, p)
		}
		str := func(path string) string {
			v, err := job.GetFieldValue(path)
			if err != nil {
				return ""
			}
			return fmt.Sprint(v)
		}
		args, _ := job.GetSlice("spec.template.spec.containers[0].args")
		has := func(arg string) bool { return slices.Contains(args, any(arg)) }
		checks := []struct {
			ok   bool
			what string
		}{
			{has("--role-arn=" + sa.Role.ARN), "checks role " + sa.Role.ARN},
			{has("--subject=system:serviceaccount:" + sa.Namespace + ":" + sa.Name), "checks the ServiceAccount's subject"},
			{str("spec.template.spec.serviceAccountName") == sa.Name, "runs as " + sa.Name},
			{str("spec.template.spec.automountServiceAccountToken") == "false", "has no Kubernetes API token"},
			{str("spec.template.spec.securityContext.runAsNonRoot") == "true", "runs as non-root"},
			{str("spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem") == "true", "has a read-only root filesystem"},
			{str("spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation") == "false", "cannot escalate privileges"},
			{str("spec.template.spec.containers[0].securityContext.capabilities.drop[0]") == "ALL", "drops all capabilities"},
			{str("spec.template.spec.containers[0].resources.limits.memory") != "", "has resource limits"},
			{str("spec.activeDeadlineSeconds") != "" && str("spec.ttlSecondsAfterFinished") != "", "has a deadline and a TTL"},
			{pinned.MatchString(str("spec.template.spec.containers[0].image")), "runs an image pinned by digest"},
		}
		for _, ch := range checks {
			if !ch.ok {
				report("%s: the credentials check of %s/%s must be a Job that %s", at, sa.Namespace, sa.Name, ch.what)
			}
		}
	}
	if jobs != want {
		report("the build holds %d credentials-check Jobs, want %d", jobs, want)
	}
}

// findByLabel finds the Job of namespace that runs as serviceAccount.
func findByLabel(m resmap.ResMap, kind, namespace, serviceAccount string) *resource.Resource {
	for _, r := range m.Resources() {
		if r.GetKind() != kind || r.GetNamespace() != namespace {
			continue
		}
		if sa, _ := r.GetString("spec.template.spec.serviceAccountName"); sa == serviceAccount {
			return r
		}
	}
	return nil
}
