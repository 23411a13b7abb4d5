package golden_test

import (
	"fmt"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/trust"
)

// checkCredentialsJobs reads each credentials-check Job as the pod will run it and holds what it
// expects to what STS will decide: the token it expects (issuer, subject, audience) is admitted by
// the role it expects, through a provider of the role's account, and the subject is the
// ServiceAccount the Job runs as. A Job on the Pod Identity path sends no token to STS. A Job that expects anything else fails in the cluster although
// the ServiceAccount works, or passes although it does not.
func checkCredentialsJobs(t *testing.T, cfg *config.Config, files map[string][]byte, tree deployedTree) {
	issuers := map[string]bool{}
	for _, c := range cfg.Clusters {
		issuers[c.OIDCIssuer] = true
	}
	for p, data := range files {
		if !strings.Contains(p, "/credentials-check/") {
			continue
		}
		var job struct {
			Kind     string                     `yaml:"kind"`
			Metadata struct{ Namespace string } `yaml:"metadata"`
			Spec     struct {
				Template struct {
					Spec struct {
						ServiceAccountName string `yaml:"serviceAccountName"`
						Containers         []struct {
							Args []string `yaml:"args"`
						} `yaml:"containers"`
					} `yaml:"spec"`
				} `yaml:"template"`
			} `yaml:"spec"`
		}
		if err := yaml.Unmarshal(data, &job); err != nil || job.Kind != "Job" || len(job.Spec.Template.Spec.Containers) != 1 {
			t.Errorf("%s: not a Job with one container (%v)", p, err)
			continue
		}
		args := map[string]string{}
		for _, a := range job.Spec.Template.Spec.Containers[0].Args {
			if k, v, ok := strings.Cut(a, "="); ok {
				args[k] = v
			}
		}
		arn, sub, iss, aud := args["--role-arn"], args["--subject"], args["--issuer"], args["--audience"]
		if want := "system:serviceaccount:" + job.Metadata.Namespace + ":" + job.Spec.Template.Spec.ServiceAccountName; sub != want {
			t.Errorf("%s: expects subject %q, but runs as %s", p, sub, want)
		}
		if args["--path"] == "podIdentity" {
			continue // no token to STS: checkPodIdentity follows the association to its role
		}
		if !issuers[iss] {
			t.Errorf("%s: expects issuer %q, which is no cluster's oidcIssuer", p, iss)
		}
		role, ok := tree.roles[arn]
		if !ok {
			t.Errorf("%s: expects role %q, which no stack creates", p, arn)
			continue
		}
		parts := strings.Split(arn, ":")
		provider := fmt.Sprintf("arn:%s:iam::%s:oidc-provider/%s", parts[1], parts[4], strings.TrimPrefix(iss, "https://"))
		res, err := trust.Evaluate(role.trust, trust.WebIdentityRequest(provider, sub, aud))
		if err != nil {
			t.Fatalf("%s: trust policy of %s: %v", p, arn, err)
		}
		if res.Decision != trust.Allow {
			t.Errorf("%s: role %s does not admit the token the Job expects (iss %s, sub %s, aud %s): %v", p, arn, iss, sub, aud, res.Decision)
		}
	}
}
