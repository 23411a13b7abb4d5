package plan

import "testing"

// componentHash builds fleet with one ServiceAccount whose settings are extra, and returns the
// credentials hash of its Deployment's Component in prod-use1.
func componentHash(t *testing.T, extra string) string {
	t.Helper()
	p := mustBuild(t, fleet+`serviceAccounts:
  - name: app
    namespace: apps
    clusters: [prod-use1]
    deployments: [app]
`+extra)
	for _, c := range p.Clusters {
		if c.Name == "prod-use1" && len(c.Components) == 1 {
			return c.Components[0].CredentialsHash
		}
	}
	t.Fatal("no Component for Deployment app in prod-use1")
	return ""
}

// TestCredentialsHash holds the pod-template hash to what the webhook injects: any change rolls
// the pods, a config that means the same keeps them.
func TestCredentialsHash(t *testing.T) {
	base := componentHash(t, "")
	if len(base) != 16 {
		t.Fatalf("hash %q: want 16 hex digits", base)
	}
	if again := componentHash(t, ""); again != base {
		t.Errorf("the same config gave %s, then %s", base, again)
	}
	same := map[string]string{
		"the default audience written out":        "    audience: sts.amazonaws.com\n",
		"the default token lifetime written out":  "    tokenExpiration: 86400\n",
		"a setting the webhook does not read":     "    maxSessionDuration: 7200\n",
		"a policy (the role's ARN does not move)": "    managedPolicies: [AmazonS3ReadOnlyAccess]\n",
	}
	for name, extra := range same {
		if h := componentHash(t, extra); h != base {
			t.Errorf("%s changed the hash: %s, want %s", name, h, base)
		}
	}
	changed := map[string]string{
		"role name":               "    roleName: app-role\n",
		"role path":               "    rolePath: /apps/\n",
		"role account":            "    account: apps\n",
		"audience":                "    audience: app.example.com\n",
		"token lifetime":          "    tokenExpiration: 3600\n",
		"regional STS":            "    stsRegionalEndpoints: true\n",
		"global STS":              "    stsRegionalEndpoints: false\n",
		"ServiceAccount rendered": "    createServiceAccount: false\n",
	}
	seen := map[string]string{base: "the base"}
	for name, extra := range changed {
		h := componentHash(t, extra)
		if name == "ServiceAccount rendered" {
			// Who creates the ServiceAccount is not part of the credentials.
			if h != base {
				t.Errorf("createServiceAccount changed the hash")
			}
			continue
		}
		if prev, dup := seen[h]; dup {
			t.Errorf("%s gives hash %s, like %s", name, h, prev)
		}
		seen[h] = name
	}
}

// TestBuildServiceAccountOwnedElsewhere: with createServiceAccount false the role, its trust and
// the Components stay; only the manifest is left to its owner.
func TestBuildServiceAccountOwnedElsewhere(t *testing.T) {
	p := mustBuild(t, fleet+`serviceAccounts:
  - name: aws-load-balancer-controller
    namespace: kube-system
    clusters: [prod-use1, prod-use2]
    createServiceAccount: false
    deployments: [aws-load-balancer-controller]
  - name: app
    namespace: apps
    clusters: [prod-use1]
`)
	r := roleByName(t, p, "platform", "kube-system_aws-load-balancer-controller")
	if got := clustersOf(r); len(got) != 2 {
		t.Errorf("role trusts %v, want both clusters", got)
	}
	for _, c := range p.Clusters {
		for _, sa := range c.ServiceAccounts {
			want := sa.Name == "app"
			if sa.Create != want {
				t.Errorf("%s: ServiceAccount %s has Create %v, want %v", c.Name, sa.Name, sa.Create, want)
			}
			if sa.Annotations["eks.amazonaws.com/role-arn"] != sa.Role.ARN {
				t.Errorf("%s: ServiceAccount %s does not carry its role's ARN for its owner", c.Name, sa.Name)
			}
		}
		if (c.Name == "prod-use1" || c.Name == "prod-use2") && len(c.Components) != 1 {
			t.Errorf("%s: %d Components, want the controller's", c.Name, len(c.Components))
		}
	}
}
