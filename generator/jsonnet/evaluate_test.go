package jsonnet

import (
	"encoding/json"
	"reflect"
	"testing"
)

const sendMail = `
local irsa = import 'irsagen/lib.libsonnet';
function(domain, identities=[], region=null)
  local ctx = std.extVar('irsagen');
  local r = if region == null then ctx.region else region;
  irsa.document([
    irsa.allow(['ses:SendEmail', 'ses:SendRawEmail'], [
      irsa.arn(ctx.partition, 'ses', r, ctx.accountId, 'identity/' + id)
      for id in [domain] + identities
    ]),
  ])
`

var roleContext = map[string]any{
	"accountId":      "111122223333",
	"partition":      "aws",
	"region":         "us-east-1",
	"clusters":       []any{"prod-use1"},
	"namespace":      "mail",
	"serviceAccount": "mailer",
	"roleName":       "mail-mailer",
}

func TestObjectTemplate(t *testing.T) {
	dir := configDir(t, map[string]string{
		"policies/read.jsonnet": `{Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 's3:GetObject', Resource: '*'}]}`,
	})
	got := evaluateOne(t, &Evaluator{Root: dir}, Job{File: "policies/read.jsonnet"})
	want := `{"Statement":[{"Action":"s3:GetObject","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestFunctionTemplateReceivesTypedArgs(t *testing.T) {
	dir := configDir(t, map[string]string{
		// Each argument is checked for its Jsonnet type, so that a value arriving as a string
		// would fail rather than pass unnoticed.
		"typed.jsonnet": `
function(name, names, count, tags, enabled, prefix='p-', limit=3) {
  assert std.isString(name) && std.isArray(names) && std.isNumber(count)
    && std.isObject(tags) && std.isBoolean(enabled),
  name: prefix + name,
  names: names,
  next: count + 1,
  owner: tags.owner,
  enabled: !enabled,
  limit: limit,
}`,
	})
	got := evaluateOne(t, &Evaluator{Root: dir}, Job{File: "typed.jsonnet", Args: map[string]any{
		"name":    "assets",
		"names":   []any{"a", "b"},
		"count":   json.Number("41"),
		"tags":    map[string]any{"owner": "platform"},
		"enabled": true,
	}})
	want := `{"enabled":false,"limit":3,"name":"p-assets","names":["a","b"],"next":42,"owner":"platform"}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestContextIsExtVar(t *testing.T) {
	dir := configDir(t, map[string]string{"policies/send-mail.jsonnet": sendMail})
	got := evaluateOne(t, &Evaluator{Root: dir}, Job{
		File:    "policies/send-mail.jsonnet",
		Args:    map[string]any{"domain": "example.com", "identities": []any{"ops@example.com"}},
		Context: roleContext,
	})
	want := `{"Statement":[{"Action":["ses:SendEmail","ses:SendRawEmail"],"Effect":"Allow","Resource":[` +
		`"arn:aws:ses:us-east-1:111122223333:identity/example.com",` +
		`"arn:aws:ses:us-east-1:111122223333:identity/ops@example.com"]}],"Version":"2012-10-17"}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestNumbersKeepTheirText(t *testing.T) {
	dir := configDir(t, map[string]string{"n.jsonnet": `function(n) {Version: '2012-10-17', Max: n, Seconds: 3600}`})
	docs, err := (&Evaluator{Root: dir}).Evaluate([]Job{{File: "n.jsonnet", Args: map[string]any{"n": 12}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := docs[0]["Seconds"]; got != json.Number("3600") {
		t.Errorf("Seconds = %#v, want json.Number(\"3600\")", got)
	}
	if got := docs[0]["Max"]; got != json.Number("12") {
		t.Errorf("Max = %#v, want json.Number(\"12\")", got)
	}
}

func TestArgumentErrors(t *testing.T) {
	dir := configDir(t, map[string]string{
		"policies/bucket.jsonnet": "// reads one bucket\nfunction(bucket, prefix='') {Version: '2012-10-17', b: bucket + prefix}",
		"policies/object.jsonnet": "{Version: '2012-10-17'}",
		// The function is the value of an import, which only evaluation reveals.
		"policies/indirect.jsonnet": "import 'bucket.jsonnet'",
	})
	e := &Evaluator{Root: dir}
	tests := []struct {
		name string
		job  Job
		want string
	}{{
		name: "unknown with a likely typo",
		job:  Job{File: "policies/bucket.jsonnet", Args: map[string]any{"bucket": "b", "prefx": "p/"}},
		want: `policies/bucket.jsonnet:2:1: unknown argument "prefx" (did you mean "prefix"?); the template takes (bucket, prefix=...)`,
	}, {
		name: "missing and unknown together",
		job:  Job{File: "policies/bucket.jsonnet", Args: map[string]any{"zone": "z", "acl": "private"}},
		want: `policies/bucket.jsonnet:2:1: missing argument "bucket"; unknown argument "acl"; unknown argument "zone"; the template takes (bucket, prefix=...)`,
	}, {
		name: "arguments to an object",
		job:  Job{File: "policies/object.jsonnet", Args: map[string]any{"bucket": "b"}},
		want: `policies/object.jsonnet:1:1: the template is an object, not a function, so it takes no arguments (given: bucket); remove args or write the template as function(bucket) {...}`,
	}, {
		name: "unknown, function known only at run time",
		job:  Job{File: "policies/indirect.jsonnet", Args: map[string]any{"bucket": "b", "zone": "z"}},
		want: `policies/indirect.jsonnet: unknown argument "zone": the template's function has no such parameter`,
	}, {
		name: "several unknown, function known only at run time",
		job:  Job{File: "policies/indirect.jsonnet", Args: map[string]any{"zone": "z", "bucket": "b", "acl": "x", "tags": map[string]any{}}},
		want: `policies/indirect.jsonnet: unknown arguments "acl", "tags", "zone": the template's function has no such parameters`,
	}, {
		name: "missing, function known only at run time",
		job:  Job{File: "policies/indirect.jsonnet"},
		want: `policies/indirect.jsonnet: missing argument "bucket": the template's function requires it; add it to args`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := failOne(t, e, tt.job).Error(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestResultMustBeAnObject(t *testing.T) {
	dir := configDir(t, map[string]string{
		"s.jsonnet": `'Allow'`,
		"a.jsonnet": `[{Effect: 'Allow'}]`,
		"n.jsonnet": `null`,
	})
	e := &Evaluator{Root: dir}
	for file, kind := range map[string]string{"s.jsonnet": "a string", "a.jsonnet": "an array", "n.jsonnet": "null"} {
		err := failOne(t, e, Job{File: file})
		wantContains(t, err.Error(), file+": the template evaluates to "+kind+", not an object")
	}
}

func TestOrderOfJobsDoesNotMatter(t *testing.T) {
	dir := configDir(t, map[string]string{
		"policies/send-mail.jsonnet": sendMail,
		"policies/read.jsonnet":      `function(bucket) {Version: '2012-10-17', Resource: 'arn:aws:s3:::' + bucket}`,
	})
	other := map[string]any{"accountId": "444455556666", "partition": "aws-cn", "region": "cn-north-1"}
	jobs := []Job{
		{File: "policies/send-mail.jsonnet", Args: map[string]any{"domain": "a.example"}, Context: roleContext},
		{File: "policies/read.jsonnet", Args: map[string]any{"bucket": "assets"}},
		{File: "policies/send-mail.jsonnet", Args: map[string]any{"domain": "b.example"}, Context: other},
		{File: "policies/send-mail.jsonnet", Args: map[string]any{"domain": "a.example"}, Context: roleContext},
	}
	e := &Evaluator{Root: dir}
	forward, err := e.Evaluate(jobs)
	if err != nil {
		t.Fatal(err)
	}
	reversed := make([]Job, len(jobs))
	for i, j := range jobs {
		reversed[len(jobs)-1-i] = j
	}
	backward, err := e.Evaluate(reversed)
	if err != nil {
		t.Fatal(err)
	}
	for i := range jobs {
		if !reflect.DeepEqual(forward[i], backward[len(jobs)-1-i]) {
			t.Errorf("job %d: %v evaluated in reverse order gives %v", i, forward[i], backward[len(jobs)-1-i])
		}
	}
	// The two identical jobs share an evaluation but not their maps.
	forward[0]["Version"] = "changed"
	if forward[3]["Version"] != "2012-10-17" {
		t.Errorf("changing one document changed an identical job's document")
	}
}

func TestErrorsAreJoinedInJobOrder(t *testing.T) {
	dir := configDir(t, map[string]string{
		"ok.jsonnet":  `{Version: '2012-10-17'}`,
		"one.jsonnet": `error 'first'`,
		"two.jsonnet": `error 'second'`,
	})
	jobs := []Job{{File: "two.jsonnet"}, {File: "ok.jsonnet"}, {File: "one.jsonnet"}, {File: "two.jsonnet"}}
	docs, err := (&Evaluator{Root: dir}).Evaluate(jobs)
	if docs != nil {
		t.Errorf("documents returned with an error: %v", docs)
	}
	want := "two.jsonnet:1:1: second\none.jsonnet:1:1: first"
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

func TestNoJobs(t *testing.T) {
	docs, err := (&Evaluator{Root: "does-not-matter"}).Evaluate(nil)
	if err != nil || len(docs) != 0 {
		t.Errorf("Evaluate(nil) = %v, %v", docs, err)
	}
}

func TestMissingRoot(t *testing.T) {
	_, err := (&Evaluator{Root: t.TempDir() + "/nope"}).Evaluate([]Job{{File: "x.jsonnet"}})
	if err == nil {
		t.Fatal("no error for a missing config directory")
	}
}
