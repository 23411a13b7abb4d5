package explain_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/irsagen/irsagen/generator/config"
	"github.com/irsagen/irsagen/generator/explain"
	"github.com/irsagen/irsagen/generator/plan"
)

const src = `apiVersion: irsagen/v1
kind: Config
accounts:
  - {name: platform, id: "111122223333", region: us-east-1}
clusters:
  - {name: prod, account: platform, region: us-east-1, oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/AAAABBBBCCCCDDDDEEEEFFFF00001111"}
  - {name: dev, account: platform, region: us-east-1, oidcIssuer: "https://oidc.eks.us-east-1.amazonaws.com/id/AAAABBBBCCCCDDDDEEEEFFFF00002222"}
serviceAccounts:
  - {name: api, namespace: web, clusters: [prod]}
  - {name: other, namespace: web, clusters: [prod, dev]}
`

func build(t *testing.T) *plan.Plan {
	t.Helper()
	cfg, err := config.Parse("irsa.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	f := &config.File{Path: "irsa.yaml", Config: cfg}
	if err := config.Validate(f); err != nil {
		t.Fatal(err)
	}
	p, err := plan.Build(f, ".")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func role(p *plan.Plan, name string) *plan.Role {
	for _, r := range p.Roles {
		if r.Name == name {
			return r
		}
	}
	return nil
}

func TestAssumersOfGeneratedRoles(t *testing.T) {
	p := build(t)
	got := map[string]string{}
	for _, r := range p.Roles {
		admitted, n, err := explain.Assumers(p, r)
		if err != nil {
			t.Fatal(err)
		}
		// 2 ServiceAccounts in 2 clusters, with the one audience in use.
		if n.Requests != 4 {
			t.Errorf("role %s: %d requests, want 4", r.Name, n.Requests)
		}
		var who []string
		for _, a := range admitted {
			who = append(who, a.Cluster.Name+":"+a.Namespace+"/"+a.Name)
		}
		got[r.Name] = strings.Join(who, " ")
	}
	want := map[string]string{"web_api": "prod:web/api", "web_other": "dev:web/other prod:web/other"}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("role %s is assumable by %q, want %q", name, got[name], w)
		}
	}
}

// TestAnswersComeFromTheTrustPolicy: explain evaluates the trust policy, it does not read the
// answer off the plan's bindings. A role whose trust statement names the wrong ServiceAccount is
// reported as not admitting its own, and as admitting the one it names.
func TestAnswersComeFromTheTrustPolicy(t *testing.T) {
	p := build(t)
	api := role(p, "web_api")
	api.Trust[0].Subject = explain.Subject("web", "other")

	var out bytes.Buffer
	answer, err := explain.ServiceAccount(&out, p, "irsa.yaml", "prod", "web", "api")
	if err != nil {
		t.Fatal(err)
	}
	if answer.OK || !strings.Contains(answer.Summary, "the trust policy of role web_api does not admit web/api in cluster prod (ImplicitDeny)") {
		t.Fatalf("answer %+v", answer)
	}
	if !strings.Contains(out.String(), `value "system:serviceaccount:web:api" is not in ["system:serviceaccount:web:other"]`) {
		t.Errorf("the output must say why:\n%s", out.String())
	}

	admitted, _, err := explain.Assumers(p, api)
	if err != nil {
		t.Fatal(err)
	}
	if len(admitted) != 1 || admitted[0].Name != "other" || admitted[0].Cluster.Name != "prod" {
		t.Fatalf("admitted %+v, want web/other in prod", admitted)
	}

	// A trust policy that admits no ServiceAccount of the config makes --role fail.
	api.Trust[0].Subject = explain.Subject("web", "ghost")
	out.Reset()
	answer, err = explain.Role(&out, p, "irsa.yaml", "web_api")
	if err != nil {
		t.Fatal(err)
	}
	if answer.OK || !strings.Contains(out.String(), "can be assumed by: nobody") {
		t.Fatalf("answer %+v:\n%s", answer, out.String())
	}
}

func TestRoleByARNAndCase(t *testing.T) {
	p := build(t)
	for _, q := range []string{"arn:aws:iam::111122223333:role/web_api", "WEB_API"} {
		var out bytes.Buffer
		answer, err := explain.Role(&out, p, "irsa.yaml", q)
		if err != nil || !answer.OK || !strings.HasPrefix(out.String(), "role web_api\n") {
			t.Errorf("%s: %+v %v\n%s", q, answer, err, out.String())
		}
	}
}
