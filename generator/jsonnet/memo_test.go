package jsonnet

import (
	"encoding/json"
	"fmt"
	"testing"
)

// TestMemoFollowsWhatTheTemplateReads evaluates templates whose result depends on some context
// fields and not others, on contexts that differ in both. Every document must be what evaluating
// it alone gives, however many evaluations the memo saved.
func TestMemoFollowsWhatTheTemplateReads(t *testing.T) {
	dir := configDir(t, map[string]string{
		// Reads region only in aws-cn, so the fields read depend on the values.
		"partition.jsonnet": `
local ctx = std.extVar('irsagen');
{Version: if ctx.partition == 'aws-cn' then ctx.region else 'global'}`,
		// Reads the context in an imported file, whose value go-jsonnet caches.
		"imported.jsonnet":  `{Version: (import 'account.libsonnet').account}`,
		"account.libsonnet": `{account: std.extVar('irsagen').accountId}`,
		// Sees the names of the fields without reading a value.
		"fields.jsonnet": `{Version: std.join(',', std.objectFields(std.extVar('irsagen')))}`,
	})
	contexts := []map[string]any{
		{"partition": "aws", "region": "us-east-1", "accountId": "111111111111", "roleName": "a"},
		{"partition": "aws", "region": "eu-west-1", "accountId": "111111111111", "roleName": "b"},
		{"partition": "aws-cn", "region": "cn-north-1", "accountId": "222222222222", "roleName": "c"},
		{"partition": "aws-cn", "region": "cn-northwest-1", "accountId": "222222222222", "roleName": "d"},
		{"partition": "aws", "region": "us-east-1", "accountId": "333333333333"},
	}
	want := map[string][]string{
		"partition.jsonnet": {"global", "global", "cn-north-1", "cn-northwest-1", "global"},
		"imported.jsonnet":  {"111111111111", "111111111111", "222222222222", "222222222222", "333333333333"},
		"fields.jsonnet": {"accountId,partition,region,roleName", "accountId,partition,region,roleName",
			"accountId,partition,region,roleName", "accountId,partition,region,roleName", "accountId,partition,region"},
	}
	var jobs []Job
	for file := range want {
		for _, ctx := range contexts {
			jobs = append(jobs, Job{File: file, Context: ctx})
		}
	}
	for _, workers := range []int{1, 3} {
		docs, err := (&Evaluator{Root: dir, workers: workers}).Evaluate(jobs)
		if err != nil {
			t.Fatal(err)
		}
		for i, job := range jobs {
			if got, w := docs[i]["Version"], want[job.File][i%len(contexts)]; got != w {
				t.Errorf("%d workers: %s with context %v: got %v, want %v", workers, job.File, job.Context, got, w)
			}
		}
	}
}

// TestMemoSharesAcrossRoles checks the common case: many roles, one template that reads only
// the account, some jobs failing. Each job still gets its own document, and an error shared by
// many jobs is reported once.
func TestMemoSharesAcrossRoles(t *testing.T) {
	dir := configDir(t, map[string]string{
		"read.jsonnet": `function(bucket)
  local ctx = std.extVar('irsagen');
  if bucket == '' then error 'bucket must not be empty'
  else {Version: '2012-10-17', Resource: 'arn:aws:s3:::' + bucket, Account: ctx.accountId}`,
	})
	var jobs []Job
	for i := range 12 {
		jobs = append(jobs, Job{
			File:    "read.jsonnet",
			Args:    map[string]any{"bucket": fmt.Sprintf("b%d", i%2)},
			Context: map[string]any{"accountId": "111122223333", "roleName": fmt.Sprintf("role-%d", i)},
		})
	}
	docs, err := (&Evaluator{Root: dir, workers: 2}).Evaluate(jobs)
	if err != nil {
		t.Fatal(err)
	}
	for i, doc := range docs {
		got, _ := json.Marshal(doc)
		want := fmt.Sprintf(`{"Account":"111122223333","Resource":"arn:aws:s3:::b%d","Version":"2012-10-17"}`, i%2)
		if string(got) != want {
			t.Errorf("job %d: got %s, want %s", i, got, want)
		}
	}
	docs[0]["Version"] = "changed"
	if docs[2]["Version"] != "2012-10-17" {
		t.Error("changing one document changed another job's document")
	}

	for i := range jobs {
		jobs[i].Args = map[string]any{"bucket": ""}
	}
	_, err = (&Evaluator{Root: dir, workers: 2}).Evaluate(jobs)
	if want := "read.jsonnet:3:24: bucket must not be empty"; err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}
