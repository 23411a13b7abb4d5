package jsonnet

import (
	"fmt"
	"testing"
)

// BenchmarkEvaluate measures a fleet-sized run: 10,000 jobs in one call, each with its own role
// context and one of a hundred argument sets, over a user template that imports the library.
// ns/job is the figure to watch; it includes starting the workers.
//
// "shared" is the common case, a template that reads only account-wide context fields, where
// the memo leaves about a hundred evaluations. "per-role" reads the role's name, so every job
// is evaluated: the worst case, bounded by go-jsonnet's cost per evaluation.
func BenchmarkEvaluate(b *testing.B) {
	const n = 10000
	perRole := `
local irsa = import 'irsagen/lib.libsonnet';
function(domain)
  local ctx = std.extVar('irsagen');
  irsa.document([irsa.allow('ssm:GetParameter',
    irsa.arn(ctx.partition, 'ssm', ctx.region, ctx.accountId, 'parameter/' + domain + '/' + ctx.roleName + '/*'))])`
	for _, bc := range []struct{ name, template string }{{"shared", sendMail}, {"per-role", perRole}} {
		b.Run(bc.name, func(b *testing.B) {
			dir := configDir(b, map[string]string{"policy.jsonnet": bc.template})
			jobs := make([]Job, n)
			for i := range jobs {
				jobs[i] = Job{
					File: "policy.jsonnet",
					Args: map[string]any{"domain": fmt.Sprintf("team%d.example.com", i%100)},
					Context: map[string]any{
						"accountId":      "111122223333",
						"partition":      "aws",
						"region":         "us-east-1",
						"clusters":       []any{"prod-use1"},
						"namespace":      fmt.Sprintf("team%d", i%100),
						"serviceAccount": fmt.Sprintf("sa%d", i),
						"roleName":       fmt.Sprintf("team%d-sa%d", i%100, i),
					},
				}
			}
			e := &Evaluator{Root: dir}
			for b.Loop() {
				if _, err := e.Evaluate(jobs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/job")
		})
	}
}
