package render

import (
	"crypto/sha256"
	"encoding/hex"
	"path"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/plan"
)

// Credentials-check Jobs: one per ServiceAccount of a cluster with credentialsCheck, in the
// ServiceAccount's namespace, running `irsagen check-credentials` as that ServiceAccount after
// each sync (docs/credentials-check.md).

// checkJobName is the Job's name: a Job's name becomes a label value, at most 63 characters.
func checkJobName(sa string) string {
	const prefix, max = "irsagen-check-", 63
	if len(prefix)+len(sa) <= max {
		return prefix + sa
	}
	sum := sha256.Sum256([]byte(sa))
	h := hex.EncodeToString(sum[:])[:10]
	head := sa[:max-len(prefix)-len(h)-1]
	for len(head) > 0 && (head[len(head)-1] == '-' || head[len(head)-1] == '.') {
		head = head[:len(head)-1]
	}
	return prefix + head + "-" + h
}

// checkJobFile is where a ServiceAccount's Job lives in its cluster's directory.
func checkJobFile(dir string, sa *plan.ServiceAccount) string {
	return path.Join(dir, "credentials-check", sa.Namespace, yamlFileName(sa.Name))
}

// CheckArgs are the arguments of `irsagen check-credentials` for sa: what its pods must get.
func CheckArgs(sa *plan.ServiceAccount) []string {
	aud := sa.Annotations["eks.amazonaws.com/audience"]
	if aud == "" {
		aud = plan.DefaultAudience
	}
	args := []string{
		"check-credentials",
		"--path=" + checkPath(sa.Identity),
		"--role-arn=" + sa.Role.ARN,
		"--subject=system:serviceaccount:" + sa.Namespace + ":" + sa.Name,
	}
	if config.UsesIRSA(sa.Identity) {
		args = append(args, "--issuer="+sa.Cluster.Issuer, "--audience="+aud)
	}
	return args
}

// checkPath is the path check-credentials expects for an identity. With both, new pods take Pod
// Identity and pods started before the association keep IRSA: either is right. Through a
// target role the credentials are the target's, the ServiceAccount's role.
func checkPath(identity string) string {
	switch identity {
	case config.IdentityPodIdentity:
		return credcheckPodIdentity
	case config.IdentityBoth:
		return credcheckEither
	}
	return credcheckIRSA
}

// The --path values of check-credentials (credcheck.PathIRSA and its siblings; render does not
// import the check that runs in the cluster).
const (
	credcheckIRSA        = "irsa"
	credcheckPodIdentity = "podIdentity"
	credcheckEither      = "either"
)

// checkJob is the Job. It is an Argo CD PostSync hook, recreated before each run, and Flux
// recreates it when it changes; it holds nothing but the check: no API token of its own, no
// privileges, bounded time and resources.
func (b *builder) checkJob(sa *plan.ServiceAccount) []byte {
	labels := func() {
		b.key("labels")
		b.openMap()
		b.pair("app.kubernetes.io/managed-by", "irsagen")
		b.pair("app.kubernetes.io/name", "irsagen-credentials-check")
		b.close()
	}
	return b.render(Header, func(b *builder) {
		b.openMap()
		b.pair("apiVersion", "batch/v1")
		b.pair("kind", "Job")
		b.key("metadata")
		b.openMap()
		b.pair("name", checkJobName(sa.Name))
		b.pair("namespace", sa.Namespace)
		labels()
		b.key("annotations")
		b.openMap()
		b.pair("argocd.argoproj.io/hook", "PostSync")
		b.pair("argocd.argoproj.io/hook-delete-policy", "BeforeHookCreation")
		b.pair("kustomize.toolkit.fluxcd.io/force", "enabled")
		b.close()
		b.close()
		b.key("spec")
		b.openMap()
		b.key("backoffLimit")
		b.integer(2)
		b.key("activeDeadlineSeconds")
		b.integer(300)
		b.key("ttlSecondsAfterFinished")
		b.integer(86400)
		b.key("template")
		b.openMap()
		b.key("metadata")
		b.openMap()
		labels()
		b.close()
		b.key("spec")
		b.openMap()
		b.pair("serviceAccountName", sa.Name)
		// The webhook mounts the role's token whatever this says; the Kubernetes API token is
		// not needed.
		b.key("automountServiceAccountToken")
		b.boolean(false)
		b.pair("restartPolicy", "Never")
		b.key("securityContext")
		b.openMap()
		b.key("runAsNonRoot")
		b.boolean(true)
		b.key("runAsUser")
		b.integer(65532)
		b.key("runAsGroup")
		b.integer(65532)
		b.key("seccompProfile")
		b.openMap()
		b.pair("type", "RuntimeDefault")
		b.close()
		b.close()
		b.key("containers")
		b.openSeq()
		b.openMap()
		b.pair("name", "check")
		b.pair("image", sa.Cluster.CheckImage())
		b.key("args")
		b.strs(CheckArgs(sa))
		b.key("env")
		b.openSeq()
		b.openMap()
		b.pair("name", "AWS_REGION")
		b.pair("value", sa.Cluster.Region)
		b.close()
		b.close()
		b.key("securityContext")
		b.openMap()
		b.key("allowPrivilegeEscalation")
		b.boolean(false)
		b.key("readOnlyRootFilesystem")
		b.boolean(true)
		b.key("capabilities")
		b.openMap()
		b.key("drop")
		b.strs([]string{"ALL"})
		b.close()
		b.close()
		b.key("resources")
		b.openMap()
		b.key("requests")
		b.openMap()
		b.pair("cpu", "10m")
		b.pair("memory", "32Mi")
		b.close()
		b.key("limits")
		b.openMap()
		b.pair("cpu", "100m")
		b.pair("memory", "64Mi")
		b.close()
		b.close()
		b.close()
		b.close()
		b.close()
		b.close()
		b.close()
		b.close()
	})
}
