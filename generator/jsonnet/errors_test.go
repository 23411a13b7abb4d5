package jsonnet

import (
	"reflect"
	"testing"

	"github.com/irsagen/irsagen/generator/diag"
)

// TestErrorPositions checks that every kind of failure points to the file, line and column, with
// the path as written in irsa.yaml rather than where the config happens to live.
func TestErrorPositions(t *testing.T) {
	dir := configDir(t, map[string]string{
		"policies/syntax.jsonnet":   "{\n  Version: ,\n}",
		"policies/imports.jsonnet":  "{\n  Statement: import 'broken.libsonnet',\n}",
		"policies/broken.libsonnet": "[\n  {Effect: 'Allow'\n",
		"policies/error.jsonnet":    "function(bucket)\n  if bucket == '' then error 'bucket must not be empty' else {}",
		"policies/field.jsonnet":    "local ctx = std.extVar('irsagen');\n{Version: ctx.acountId}",
		"policies/library.jsonnet":  "local irsa = import 'irsagen/lib.libsonnet';\nirsa.document([\n  irsa.statement('Permit', 's3:GetObject', '*'),\n])",
	})
	e := &Evaluator{Root: dir}
	tests := []struct {
		job  Job
		want string
	}{
		{Job{File: "policies/syntax.jsonnet"},
			`policies/syntax.jsonnet:2:12: Unexpected: "," while parsing terminal`},
		{Job{File: "policies/imports.jsonnet"},
			`policies/broken.libsonnet:3:1: Expected a comma before next field (called from policies/imports.jsonnet:2:14)`},
		{Job{File: "policies/error.jsonnet", Args: map[string]any{"bucket": ""}},
			`policies/error.jsonnet:2:24: bucket must not be empty`},
		{Job{File: "policies/field.jsonnet", Context: roleContext},
			`policies/field.jsonnet:2:11: Field does not exist: acountId`},
		{Job{File: "policies/library.jsonnet"},
			`irsagen/lib.libsonnet:21:5: effect must be "Allow" or "Deny", got Permit (called from policies/library.jsonnet:3:3)`},
	}
	for _, tt := range tests {
		t.Run(tt.job.File, func(t *testing.T) {
			if got := failOne(t, e, tt.job).Error(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestErrorFields(t *testing.T) {
	dir := configDir(t, map[string]string{
		"policies/library.jsonnet": "local irsa = import 'irsagen/lib.libsonnet';\nirsa.document([\n  irsa.statement('Permit', 's3:GetObject', '*'),\n])",
	})
	err := failOne(t, &Evaluator{Root: dir}, Job{File: "policies/library.jsonnet"})
	if err.File != "irsagen/lib.libsonnet" || err.Line != 21 || err.Col != 5 {
		t.Errorf("position %s:%d:%d, want irsagen/lib.libsonnet:21:5", err.File, err.Line, err.Col)
	}
	if want := `effect must be "Allow" or "Deny", got Permit`; err.Message != want {
		t.Errorf("Message %q, want %q", err.Message, want)
	}
	want := []Position{
		{File: "irsagen/lib.libsonnet", Line: 21, Col: 5},
		{File: "policies/library.jsonnet", Line: 3, Col: 3},
	}
	if !reflect.DeepEqual(err.Trace, want) {
		t.Errorf("Trace %v\nwant  %v", err.Trace, want)
	}
	d := err.Diagnostic()
	if d.File != err.File || d.Pos != (diag.Pos{Line: 21, Col: 5}) || d.String() != err.Error() {
		t.Errorf("Diagnostic() = %+v, inconsistent with %v", d, err)
	}
}
