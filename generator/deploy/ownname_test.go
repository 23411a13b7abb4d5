package deploy

import "testing"

// ownName claims the stacks a config's prefix gives, and no other config's.
func TestOwnName(t *testing.T) {
	for name, want := range map[string]bool{
		"irsa-platform-roles":                   true,
		"irsa-platform-roles-3":                 true,
		"irsa-platform-pod-identity-roles-1":    true,
		"irsa-platform-oidc-providers":          true,
		"irsa-pod-identity-prod":                true,
		"irsa-pod-identity2-prod":               true,
		"irsa-pod-identity12-prod-2":            true,
		"irsa-pod-identity1-prod":               false, // the first stack has no number
		"irsa-pod-identity02-prod":              false,
		"irsa-pod-identity-":                    false,
		"irsa-team2-platform-roles":             false, // prefix irsa-team2
		"irsa-platform-roles-0":                 false,
		"irsa-platform-roles-x":                 false,
		"irsa-other-roles":                      false, // another account
		"irsa-pod-identityx-prod":               false,
		"irsagen-pod-identity-prod":             false,
		"irsa-platform-pod-identity-roles-02":   false,
		"irsa-platform-oidc-providers-2":        false,
		"irsa-platform-policies":                true,
		"irsa-platform-policies-extra":          false,
		"irsa-pod-identity-pod-identity2-x":     true, // cluster "pod-identity2-x"
		"irsa-pod-identity3-pod-identity-x-y-z": true,
	} {
		if got := ownName("irsa", "platform", name); got != want {
			t.Errorf("ownName(irsa, platform, %q) = %v, want %v", name, got, want)
		}
	}
	if ownName("irsa", "", "irsa-pod-identity-prod") {
		t.Error("a stack without an account tag is never irsagen's")
	}
}
