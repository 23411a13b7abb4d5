package trust

import (
	"fmt"
	"testing"
)

// BenchmarkCheck checks the trust policy of a role shared by three clusters, the largest irsagen
// generates by default, in the shape render.TrustPolicy builds.
func BenchmarkCheck(b *testing.B) {
	var statements []any
	for i := range 3 {
		issuer := fmt.Sprintf("oidc.eks.us-east-1.amazonaws.com/id/%032X", i)
		statements = append(statements, map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"Federated": "arn:aws:iam::111122223333:oidc-provider/" + issuer},
			"Action":    "sts:AssumeRoleWithWebIdentity",
			"Condition": map[string]any{"StringEquals": map[string]any{
				issuer + ":aud": "sts.amazonaws.com",
				issuer + ":sub": "system:serviceaccount:team:api",
			}},
		})
	}
	doc := map[string]any{"Version": "2012-10-17", "Statement": statements}
	b.ReportAllocs()
	for b.Loop() {
		if fs := Audit(doc); len(fs) > 0 {
			b.Fatal(fs)
		}
	}
}
