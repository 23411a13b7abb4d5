package plan

import (
	"reflect"
	"strings"
	"testing"
)

// TestBuildExistingProviderInRoleAccount: an account that lists a cluster's issuer in
// existingOidcProviders gets no second provider for it; its roles trust the one it has, and the
// other issuers still get theirs.
func TestBuildExistingProviderInRoleAccount(t *testing.T) {
	src := strings.Replace(fleet, `  - name: apps
    id: "444455556666"
    region: us-west-2
`, `  - name: apps
    id: "444455556666"
    region: us-west-2
    existingOidcProviders: [https://oidc.eks.us-east-1.amazonaws.com/id/AAAA]
`, 1)
	p := mustBuild(t, src+`serviceAccounts:
  - name: reader
    namespace: data
    clusters: [prod-use1, prod-use2]
    account: apps
`)
	r := roleByName(t, p, "apps", "data_reader")
	listed := providerOf(p, "apps", "prod-use1")
	if listed == nil || listed.Create || listed.Stack != nil {
		t.Fatalf("listed provider = %+v, want referenced, not created", listed)
	}
	if listed.ARN != "arn:aws:iam::444455556666:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/AAAA" {
		t.Errorf("listed provider ARN %s", listed.ARN)
	}
	other := providerOf(p, "apps", "prod-use2")
	if other == nil || !other.Create {
		t.Fatalf("prod-use2's provider in apps = %+v, want created", other)
	}
	for _, st := range r.Trust {
		if st.Provider.Account.Name != "apps" {
			t.Errorf("trust of %s names a provider in %s", st.Cluster.Name, st.Provider.Account.Name)
		}
	}
	if !reflect.DeepEqual(r.Stack.DependsOn, []string{"irsa-apps-oidc-providers"}) {
		t.Errorf("role stack depends on %v", r.Stack.DependsOn)
	}
	// The listing is per account: platform, the cluster's own account, still creates its own.
	p = mustBuild(t, src+`serviceAccounts:
  - name: app
    namespace: data
    clusters: [prod-use1]
`)
	if own := providerOf(p, "platform", "prod-use1"); own == nil || !own.Create {
		t.Errorf("platform's provider = %+v, want created", own)
	}
}
