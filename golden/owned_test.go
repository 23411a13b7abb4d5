package golden_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/trust"
)

// providerListed reports whether irsa.yaml says that the account with id accountID already has
// cluster's provider: oidcProvider: existing in the cluster's own account, or the issuer under
// the account's existingOidcProviders.
func providerListed(cfg *config.Config, cluster config.Cluster, accountID string) bool {
	for _, a := range cfg.Accounts {
		if a.ID != accountID {
			continue
		}
		if a.Name == cluster.Account && cluster.OIDCProvider == config.ProviderExisting {
			return true
		}
		return slices.Contains(a.ExistingOIDCProviders, cluster.OIDCIssuer)
	}
	return false
}

// checkOwnedServiceAccounts follows each ServiceAccount whose chart or add-on creates it
// (createServiceAccount: false), for which there is no manifest to read the role from, from
// irsa.yaml to the templates: in each of its clusters exactly one role that the stacks create
// admits it through a provider of the role's account that exists, and no role admits a neighbour.
func checkOwnedServiceAccounts(t *testing.T, cfg *config.Config, tree deployedTree) {
	clusters := map[string]config.Cluster{}
	var all []string
	for _, c := range cfg.Clusters {
		clusters[c.Name] = c
		all = append(all, c.Name)
	}
	for _, sa := range cfg.ServiceAccounts {
		if sa.CreateServiceAccount == nil || *sa.CreateServiceAccount {
			continue
		}
		bound := sa.Clusters
		if len(bound) == 1 && bound[0] == config.AllClusters {
			bound = all
		}
		aud := "sts.amazonaws.com"
		if sa.Audience != nil {
			aud = *sa.Audience
		} else if cfg.Defaults.Audience != nil {
			aud = *cfg.Defaults.Audience
		}
		sub := "system:serviceaccount:" + sa.Namespace + ":" + sa.Name
		for _, name := range bound {
			c := clusters[name]
			if !usesIRSA(cfg, c, sa.Namespace, sa.Name) {
				continue // checkPodIdentity follows it to its association
			}
			issuer := strings.TrimPrefix(c.OIDCIssuer, "https://")
			var admitting []string
			for arn, role := range tree.roles {
				parts := strings.Split(arn, ":")
				provider := fmt.Sprintf("arn:%s:iam::%s:oidc-provider/%s", parts[1], parts[4], issuer)
				res, err := trust.Evaluate(role.trust, trust.WebIdentityRequest(provider, sub, aud))
				if err != nil {
					t.Fatalf("trust policy of %s: %v", arn, err)
				}
				if res.Decision != trust.Allow {
					continue
				}
				admitting = append(admitting, arn)
				if !tree.providers[provider] && !providerListed(cfg, c, parts[4]) {
					t.Errorf("%s/%s in %s: role %s trusts provider %s, which no stack creates", sa.Namespace, sa.Name, name, arn, provider)
				}
				neighbour, _ := trust.Evaluate(role.trust, trust.WebIdentityRequest(provider, sub+"x", aud))
				if neighbour.Decision == trust.Allow {
					t.Errorf("%s: a neighbour of %s/%s may assume it", arn, sa.Namespace, sa.Name)
				}
			}
			if len(admitting) != 1 {
				t.Errorf("%s/%s (createServiceAccount: false) in cluster %s: %d roles admit it (%v), want 1", sa.Namespace, sa.Name, name, len(admitting), admitting)
			}
		}
	}
}

// checkOutputs holds each roles stack's Outputs to its roles: one output per role, named after
// its logical id, whose value is the role's ARN, and nothing else.
func checkOutputs(t *testing.T, files map[string][]byte, tree deployedTree) {
	for _, s := range tree.templates {
		var tpl struct {
			Resources map[string]struct {
				Type       string         `yaml:"Type"`
				Properties map[string]any `yaml:"Properties"`
			} `yaml:"Resources"`
			Outputs map[string]struct {
				Value string `yaml:"Value"`
			} `yaml:"Outputs"`
		}
		if err := yaml.Unmarshal(files[s.path], &tpl); err != nil {
			t.Fatalf("%s: %v", s.path, err)
		}
		roles := 0
		for id, r := range tpl.Resources {
			if r.Type != "AWS::IAM::Role" {
				continue
			}
			roles++
			arn := fmt.Sprintf("arn:%s:iam::%s:role%s%s", partitionOf(s.Region), s.AccountID, r.Properties["Path"], r.Properties["RoleName"])
			if out, ok := tpl.Outputs[id+"Arn"]; !ok || out.Value != arn {
				t.Errorf("%s: output %sArn = %q, want %s", s.path, id, out.Value, arn)
			}
		}
		if len(tpl.Outputs) != roles {
			t.Errorf("%s: %d outputs for %d roles", s.path, len(tpl.Outputs), roles)
		}
	}
}
