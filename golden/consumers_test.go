package golden_test

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/irsagen/irsagen/generator"
	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/overlay"
	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/generator/trust"
	"github.com/irsagen/irsagen/internal/cfncheck"
)

// checkConsumers hands a rendered tree to what will consume it and checks the promises of SPEC §3
// from the outside: it reads the files, not the plan, and compares them with irsa.yaml itself.
func checkConsumers(t *testing.T, res *generator.Result) {
	files := map[string][]byte{}
	for _, f := range res.Files {
		files[f.Path] = f.Data
	}
	for _, f := range overlay.Verify(res.Plan, res.Files, res.OutDir) {
		t.Errorf("overlay: %s", f)
	}
	tree := readTemplates(t, files)
	for _, tpl := range tree.templates {
		checkTemplate(t, tpl.path, files[tpl.path])
	}
	checkServiceAccounts(t, res.Config.Config, files, tree)
	checkOwnedServiceAccounts(t, res.Config.Config, tree)
	checkOutputs(t, files, tree)
	checkPodIdentity(t, res.Config.Config, tree)
	checkComponents(t, files, tree)
	checkCredentialsJobs(t, res.Config.Config, files, tree)
}

// deployedTree is what the CloudFormation stacks would create, read back from the templates.
type deployedTree struct {
	templates []stackEntry
	roles     map[string]deployedRole // by ARN
	providers map[string]bool         // ARNs of providers the stacks create
	// associations are the Pod Identity associations, by cluster/namespace/name.
	associations map[string]deployedAssociation
	roleStacks   map[string]string   // stack name by role ARN
	dependsOn    map[string][]string // stacks.json dependsOn by stack name
}

type stackEntry struct {
	Name      string `json:"name"`
	AccountID string `json:"accountId"`
	Region    string `json:"region"`
	path      string
}

type deployedRole struct {
	arn   string
	trust any
}

func readTemplates(t *testing.T, files map[string][]byte) deployedTree {
	t.Helper()
	var doc struct {
		Stacks []struct {
			stackEntry
			Template  string   `json:"template"`
			DependsOn []string `json:"dependsOn"`
		} `json:"stacks"`
	}
	if err := json.Unmarshal(files["cloudformation/stacks.json"], &doc); err != nil {
		t.Fatalf("stacks.json: %v", err)
	}
	tree := deployedTree{roles: map[string]deployedRole{}, providers: map[string]bool{},
		associations: map[string]deployedAssociation{}, roleStacks: map[string]string{}, dependsOn: map[string][]string{}}
	for _, s := range doc.Stacks {
		data, ok := files[s.Template]
		if !ok {
			t.Errorf("stacks.json names %s, which is not generated", s.Template)
			continue
		}
		s.stackEntry.path = s.Template
		tree.dependsOn[s.Name] = s.DependsOn
		tree.templates = append(tree.templates, s.stackEntry)
		var tpl struct {
			Resources map[string]struct {
				Type       string         `yaml:"Type"`
				Properties map[string]any `yaml:"Properties"`
			} `yaml:"Resources"`
		}
		if err := yaml.Unmarshal(data, &tpl); err != nil {
			t.Fatalf("%s: %v", s.Template, err)
		}
		partition := partitionOf(s.Region)
		for id, r := range tpl.Resources {
			switch r.Type {
			case "AWS::IAM::Role":
				arn := fmt.Sprintf("arn:%s:iam::%s:role%s%s", partition, s.AccountID, r.Properties["Path"], r.Properties["RoleName"])
				if _, dup := tree.roles[arn]; dup {
					t.Errorf("%s: role %s is created by two stacks", s.Template, arn)
				}
				tree.roles[arn] = deployedRole{arn: arn, trust: r.Properties["AssumeRolePolicyDocument"]}
				tree.roleStacks[arn] = s.Name
			case "AWS::IAM::OIDCProvider":
				url, _ := r.Properties["Url"].(string)
				tree.providers[fmt.Sprintf("arn:%s:iam::%s:oidc-provider/%s", partition, s.AccountID, strings.TrimPrefix(url, "https://"))] = true
			case "AWS::IAM::ManagedPolicy":
			case "AWS::EKS::PodIdentityAssociation":
				readAssociation(t, &tree, s.stackEntry, r.Properties)
			default:
				t.Errorf("%s: %s has unexpected type %s", s.Template, id, r.Type)
			}
		}
	}
	return tree
}

// partitionOf restates config.Partition on purpose: the consumer checks derive every ARN from the
// config and the templates themselves, so that a wrong partition in irsagen cannot agree with
// itself here.
func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// checkServiceAccounts follows each generated ServiceAccount to the role its annotation names and
// evaluates that role's trust policy: the ServiceAccount, through its cluster's issuer and its
// audience, may assume it; a neighbour name, namespace, audience or cluster may not.
func checkServiceAccounts(t *testing.T, cfg *config.Config, files map[string][]byte, tree deployedTree) {
	clusters := map[string]config.Cluster{}
	accounts := map[string]config.Account{}
	for _, c := range cfg.Clusters {
		clusters[plan.ClusterKey(c.Name)] = c // the cluster's element in output paths
	}
	for _, a := range cfg.Accounts {
		accounts[a.Name] = a
	}
	seen := 0
	for p, data := range files {
		parts := strings.Split(p, "/")
		if len(parts) != 5 || parts[1] != "clusters" || parts[4] == "kustomization.yaml" {
			continue
		}
		seen++
		cluster := clusters[parts[2]]
		var sa struct {
			Kind     string `yaml:"kind"`
			Metadata struct {
				Name        string            `yaml:"name"`
				Namespace   string            `yaml:"namespace"`
				Annotations map[string]string `yaml:"annotations"`
			} `yaml:"metadata"`
		}
		if err := yaml.Unmarshal(data, &sa); err != nil || sa.Kind != "ServiceAccount" {
			t.Errorf("%s: not a ServiceAccount (%v)", p, err)
			continue
		}
		arn, annotated := sa.Metadata.Annotations["eks.amazonaws.com/role-arn"]
		if !usesIRSA(cfg, cluster, sa.Metadata.Namespace, sa.Metadata.Name) {
			if annotated {
				t.Errorf("%s: uses Pod Identity alone but keeps role-arn %s, so the webhook would still inject IRSA credentials", p, arn)
			}
			continue
		}
		role, ok := tree.roles[arn]
		if !ok {
			t.Errorf("%s: role-arn %s is not a role that the templates create", p, arn)
			continue
		}
		roleAccount := strings.Split(arn, ":")[4]
		issuer := strings.TrimPrefix(cluster.OIDCIssuer, "https://")
		provider := fmt.Sprintf("arn:%s:iam::%s:oidc-provider/%s", strings.Split(arn, ":")[1], roleAccount, issuer)
		existing := providerListed(cfg, cluster, roleAccount)
		if !tree.providers[provider] && !existing {
			t.Errorf("%s: no stack creates provider %s that role %s trusts", p, provider, arn)
		}
		aud := sa.Metadata.Annotations["eks.amazonaws.com/audience"]
		if aud == "" {
			aud = "sts.amazonaws.com"
		}
		sub := "system:serviceaccount:" + sa.Metadata.Namespace + ":" + sa.Metadata.Name
		assume := func(provider, sub, aud string) trust.Decision {
			res, err := trust.Evaluate(role.trust, trust.WebIdentityRequest(provider, sub, aud))
			if err != nil {
				t.Fatalf("%s: trust policy of %s: %v", p, arn, err)
			}
			return res.Decision
		}
		if d := assume(provider, sub, aud); d != trust.Allow {
			t.Errorf("%s: %s may not assume %s through %s: %v", p, sub, arn, provider, d)
		}
		for _, other := range []struct{ what, provider, sub, aud string }{
			{"another name", provider, sub + "x", aud},
			{"another namespace", provider, "system:serviceaccount:" + sa.Metadata.Namespace + "x:" + sa.Metadata.Name, aud},
			{"another audience", provider, sub, aud + ".example"},
			{"another cluster", provider + "FFFF", sub, aud},
		} {
			if d := assume(other.provider, other.sub, other.aud); d == trust.Allow {
				t.Errorf("%s: %s may assume %s", p, other.what, arn)
			}
		}
		for _, f := range trust.Audit(role.trust) {
			t.Errorf("%s: trust policy of %s: %s", p, arn, f)
		}
	}
	if want := countBindings(files); seen != want {
		t.Errorf("checked %d ServiceAccounts, the overlays list %d", seen, want)
	}
}

// countBindings counts the ServiceAccount files the overlays list (they list credentials-check
// Jobs too).
func countBindings(files map[string][]byte) int {
	n := 0
	for p, data := range files {
		if path.Base(p) != "kustomization.yaml" || !strings.HasPrefix(p, "kubernetes/clusters/") {
			continue
		}
		var k struct {
			Resources []string `yaml:"resources"`
		}
		if err := yaml.Unmarshal(data, &k); err != nil {
			continue
		}
		for _, r := range k.Resources {
			var obj struct {
				Kind string `yaml:"kind"`
			}
			if strings.HasSuffix(r, ".yaml") && (yaml.Unmarshal(files[path.Join(path.Dir(p), r)], &obj) != nil || obj.Kind != "Job") {
				n++
			}
		}
	}
	return n
}

// checkTemplate holds a template to CloudFormation's resource rules and quotas.
func checkTemplate(t *testing.T, name string, data []byte) {
	for _, p := range cfncheck.Check(data) {
		t.Errorf("%s: %v", name, p)
	}
}
