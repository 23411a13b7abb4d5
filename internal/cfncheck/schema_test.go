package cfncheck

import (
	"strings"
	"sync"
	"testing"

	"github.com/awslabs/goformation/v7/schema"
)

var irsagenTypes = []string{"AWS::IAM::Role", "AWS::IAM::OIDCProvider", "AWS::IAM::ManagedPolicy"}

// TestEveryResourceTypeCompiles guards the schema fixes: each type must still compile, not
// only the three irsagen emits.
func TestEveryResourceTypeCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles every type in the schema")
	}
	t.Parallel()
	set, err := parseSchemas(schema.CloudformationSchema)
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range set.resourceTypes() {
		if _, known, err := set.resource(typ); !known || err != nil {
			t.Errorf("%s: known=%v err=%v", typ, known, err)
		}
	}
}

func TestCustomResourceTypes(t *testing.T) {
	src := "Resources:\n  Thumbprint:\n    Type: Custom::Thumbprint\n    Properties:\n      ServiceToken: arn:aws:lambda:us-east-1:111122223333:function:thumbprint\n      Issuer: https://example.com\n"
	for _, p := range Check([]byte(src)) {
		t.Errorf("unexpected problem: %v", p)
	}
}

func TestGoformationReadsTheTemplate(t *testing.T) {
	r := newReport()
	checkGoformation(r, []byte("Resources:\n  X:\n    Type: AWS::IAM::Rol\n    Properties: {}\n"))
	if len(r.problems) != 1 || !strings.HasPrefix(r.problems[0].Message, "goformation cannot read the template: ") {
		t.Fatalf("want one goformation problem, got %v", r.problems)
	}
}

// TestConcurrentChecks runs checks side by side, as parallel tests do, while the schema of
// each type is compiled on first use.
func TestConcurrentChecks(t *testing.T) {
	src := []byte(valid(t))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if problems := Check(src); len(problems) != 0 {
				t.Errorf("unexpected problems: %v", problems)
			}
		})
	}
	wg.Wait()
}

// BenchmarkSchemaLoad measures what the first Check in a process pays: parsing goformation's
// schema and compiling the types irsagen emits.
func BenchmarkSchemaLoad(b *testing.B) {
	for b.Loop() {
		set, err := parseSchemas(schema.CloudformationSchema)
		if err != nil {
			b.Fatal(err)
		}
		for _, typ := range irsagenTypes {
			if _, _, err := set.resource(typ); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkCheck measures one check of a generated template once the schema is loaded.
func BenchmarkCheck(b *testing.B) {
	src := []byte(valid(b))
	Check(src)
	for b.Loop() {
		Check(src)
	}
}
