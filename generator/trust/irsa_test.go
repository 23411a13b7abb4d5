package trust

import (
	"fmt"
	"strings"
	"testing"
)

// irsaPolicy is the trust policy irsagen generates for one ServiceAccount on one cluster, as it
// reaches IAM: JSON.
func irsaPolicy(t *testing.T, providerARN, issuer, sub, aud string) any {
	t.Helper()
	return mustJSON(t, fmt.Sprintf(`{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Federated": %q},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {
          "%s:sub": %q,
          "%s:aud": %q
        }
      }
    }
  ]
}`, providerARN, issuer, sub, issuer, aud))
}

// TestIRSATrustPolicy proves that a generated trust policy admits its ServiceAccount and nobody
// else: not another name, namespace, cluster, account, partition or audience.
func TestIRSATrustPolicy(t *testing.T) {
	const (
		useIssuer   = "oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
		useProvider = "arn:aws:iam::111122223333:oidc-provider/" + useIssuer
		cnIssuer    = "oidc.eks.cn-north-1.amazonaws.com.cn/id/0123456789ABCDEF0123456789ABCDEF"
		cnProvider  = "arn:aws-cn:iam::111122223333:oidc-provider/" + cnIssuer
		sub         = "system:serviceaccount:poc:poc-sa"
		aud         = "sts.amazonaws.com"
	)
	type attempt struct {
		name   string
		req    Request
		want   Decision
		reason string
	}
	clusters := []struct {
		name     string
		provider string
		issuer   string
		attempts []attempt
	}{
		{
			name:     "aws us-east-1",
			provider: useProvider,
			issuer:   useIssuer,
			attempts: []attempt{
				{"the bound ServiceAccount", WebIdentityRequest(useProvider, sub, aud), Allow, ""},
				{"another name", WebIdentityRequest(useProvider, "system:serviceaccount:poc:other-sa", aud), ImplicitDeny,
					`condition StringEquals "` + useIssuer + `:sub": value "system:serviceaccount:poc:other-sa" is not in ["system:serviceaccount:poc:poc-sa"]`},
				{"another namespace", WebIdentityRequest(useProvider, "system:serviceaccount:prod:poc-sa", aud), ImplicitDeny,
					`value "system:serviceaccount:prod:poc-sa" is not in`},
				{"a namespace differing in case", WebIdentityRequest(useProvider, "system:serviceaccount:POC:poc-sa", aud), ImplicitDeny,
					"StringEquals is case-sensitive"},
				{"another audience", WebIdentityRequest(useProvider, sub, "sts.amazonaws.com.cn"), ImplicitDeny,
					`condition StringEquals "` + useIssuer + `:aud": value "sts.amazonaws.com.cn" is not in ["sts.amazonaws.com"]`},
				{"another cluster", WebIdentityRequest("arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/FEDCBA9876543210FEDCBA9876543210", sub, aud), ImplicitDeny,
					`condition StringEquals "` + useIssuer + `:sub": key is not in the request`},
				{"the same issuer registered in another account", WebIdentityRequest("arn:aws:iam::444455556666:oidc-provider/"+useIssuer, sub, aud), ImplicitDeny,
					`principal Federated "arn:aws:iam::444455556666:oidc-provider/` + useIssuer + `" is not in Principal`},
				{"a token without aud", Request{Principal: Principal{Type: Federated, ID: useProvider}, Action: ActionAssumeRoleWithWebIdentity,
					Context: map[string][]string{useIssuer + ":sub": {sub}}}, ImplicitDeny, `:aud": key is not in the request`},
				{"condition keys in another case", Request{Principal: Principal{Type: Federated, ID: useProvider}, Action: ActionAssumeRoleWithWebIdentity,
					Context: map[string][]string{strings.ToUpper(useIssuer) + ":SUB": {sub}, useIssuer + ":Aud": {aud}}}, Allow, ""},
				{"another action", Request{Principal: Principal{Type: Federated, ID: useProvider}, Action: "sts:AssumeRole",
					Context: WebIdentityRequest(useProvider, sub, aud).Context}, ImplicitDeny, "does not match Action"},
			},
		},
		{
			name:     "aws-cn cn-north-1",
			provider: cnProvider,
			issuer:   cnIssuer,
			attempts: []attempt{
				{"the bound ServiceAccount", WebIdentityRequest(cnProvider, sub, aud), Allow, ""},
				{"another name", WebIdentityRequest(cnProvider, "system:serviceaccount:poc:other-sa", aud), ImplicitDeny, "is not in"},
				{"the aws partition", WebIdentityRequest("arn:aws:iam::111122223333:oidc-provider/"+cnIssuer, sub, aud), ImplicitDeny,
					"is not in Principal"},
				{"a commercial-region cluster", WebIdentityRequest(useProvider, sub, aud), ImplicitDeny, "key is not in the request"},
			},
		},
	}
	for _, cl := range clusters {
		doc := irsaPolicy(t, cl.provider, cl.issuer, sub, aud)
		t.Run(cl.name+"/rules", func(t *testing.T) {
			if fs := Audit(doc); len(fs) != 0 {
				t.Errorf("Check found %v", fs)
			}
		})
		for _, a := range cl.attempts {
			t.Run(cl.name+"/"+a.name, func(t *testing.T) {
				res := mustEvaluate(t, doc, a.req)
				if res.Decision != a.want {
					t.Fatalf("Decision = %v, want %v\n%s", res.Decision, a.want, res)
				}
				if a.want == Allow {
					if len(res.Deciding) != 1 || res.Deciding[0] != 0 {
						t.Errorf("Deciding = %v, want [0]", res.Deciding)
					}
					return
				}
				if !containsSubstring(res.Statements[0].Reasons, a.reason) {
					t.Errorf("no reason contains %q:\n%s", a.reason, res)
				}
			})
		}
	}
}

// TestIRSAMultiCluster covers a role shared by two clusters: one statement per cluster, each
// admitting the ServiceAccount only with its own cluster's token.
func TestIRSAMultiCluster(t *testing.T) {
	const (
		issuerA   = "oidc.eks.us-east-1.amazonaws.com/id/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		issuerB   = "oidc.eks.us-west-2.amazonaws.com/id/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
		providerA = "arn:aws:iam::111122223333:oidc-provider/" + issuerA
		providerB = "arn:aws:iam::111122223333:oidc-provider/" + issuerB
		sub       = "system:serviceaccount:poc:poc-sa"
	)
	stmt := func(provider, issuer string) string {
		return fmt.Sprintf(`{"Effect": "Allow", "Principal": {"Federated": %q}, "Action": "sts:AssumeRoleWithWebIdentity",
			"Condition": {"StringEquals": {"%s:sub": %q, "%s:aud": "sts.amazonaws.com"}}}`, provider, issuer, sub, issuer)
	}
	doc := mustJSON(t, `{"Version": "2012-10-17", "Statement": [`+stmt(providerA, issuerA)+`, `+stmt(providerB, issuerB)+`]}`)
	if fs := Audit(doc); len(fs) != 0 {
		t.Errorf("Check found %v", fs)
	}
	for i, provider := range []string{providerA, providerB} {
		res := mustEvaluate(t, doc, WebIdentityRequest(provider, sub, "sts.amazonaws.com"))
		if res.Decision != Allow || len(res.Deciding) != 1 || res.Deciding[0] != i {
			t.Errorf("cluster %d: %v %v\n%s", i, res.Decision, res.Deciding, res)
		}
	}
	// A's principal with B's claims: no statement has both.
	mixed := WebIdentityRequest(providerA, sub, "sts.amazonaws.com")
	mixed.Context = WebIdentityRequest(providerB, sub, "sts.amazonaws.com").Context
	if res := mustEvaluate(t, doc, mixed); res.Decision != ImplicitDeny {
		t.Errorf("mixed cluster token: %s", res)
	}
}
