package trust

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

const (
	piAccount = "111122223333"
	piCluster = "arn:aws:eks:us-east-1:111122223333:cluster/prod"
	hopRole   = "arn:aws:iam::111122223333:role/reports_exporter@pod-identity"
)

// podIdentityPolicy is the trust statement irsagen writes for a ServiceAccount on its clusters.
func podIdentityPolicy(t *testing.T, clusters ...string) any {
	t.Helper()
	arns := `"` + strings.Join(clusters, `", "`) + `"`
	return mustJSON(t, fmt.Sprintf(`{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Service": "pods.eks.amazonaws.com"},
    "Action": ["sts:AssumeRole", "sts:TagSession"],
    "Condition": {"StringEquals": {
      "aws:SourceAccount": %q,
      "aws:RequestTag/eks-cluster-arn": [%s],
      "aws:RequestTag/kubernetes-namespace": "reports",
      "aws:RequestTag/kubernetes-service-account": "exporter"
    }}
  }]
}`, piAccount, arns))
}

func binding() PodIdentityBinding {
	return PodIdentityBinding{Partition: "aws", Region: "us-east-1", Account: piAccount, Cluster: "prod",
		Namespace: "reports", ServiceAccount: "exporter", SessionTags: true}
}

func decideAll(t *testing.T, doc any, reqs []Request) (Decision, string) {
	t.Helper()
	res, _, err := EvaluateAll(doc, reqs)
	if err != nil {
		t.Fatal(err)
	}
	return res.Decision, res.String()
}

// TestPodIdentityTrustPolicy: the service principal with both actions and the session tags
// admits the bound ServiceAccount of the bound clusters, and nothing next to it.
func TestPodIdentityTrustPolicy(t *testing.T) {
	doc := podIdentityPolicy(t, piCluster, "arn:aws:eks:us-west-2:111122223333:cluster/prod-usw2")
	second := binding()
	second.Region, second.Cluster = "us-west-2", "prod-usw2"
	for _, tc := range []struct {
		name   string
		b      PodIdentityBinding
		want   Decision
		reason string
	}{
		{"the bound ServiceAccount", binding(), Allow, ""},
		{"the second bound cluster", second, Allow, ""},
		{"another name", with(binding(), func(b *PodIdentityBinding) { b.ServiceAccount = "importer" }), ImplicitDeny,
			`condition StringEquals "aws:RequestTag/kubernetes-service-account": value "importer" is not in ["exporter"]`},
		{"another namespace", with(binding(), func(b *PodIdentityBinding) { b.Namespace = "billing" }), ImplicitDeny,
			`"aws:RequestTag/kubernetes-namespace": value "billing" is not in ["reports"]`},
		{"another cluster", with(binding(), func(b *PodIdentityBinding) { b.Cluster = "dev" }), ImplicitDeny,
			`value "arn:aws:eks:us-east-1:111122223333:cluster/dev" is not in`},
		{"the same cluster name in another region", with(binding(), func(b *PodIdentityBinding) { b.Region = "eu-west-1" }), ImplicitDeny,
			`"aws:RequestTag/eks-cluster-arn"`},
		{"another account", with(binding(), func(b *PodIdentityBinding) { b.Account = "444455556666" }), ImplicitDeny,
			`condition StringEquals "aws:SourceAccount": value "444455556666" is not in ["111122223333"]`},
		{"session tags disabled", with(binding(), func(b *PodIdentityBinding) { b.SessionTags = false }), ImplicitDeny,
			`"aws:RequestTag/kubernetes-namespace": key is not in the request`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, why := decideAll(t, doc, PodIdentityRequests(tc.b))
			if got != tc.want || !strings.Contains(why, tc.reason) {
				t.Errorf("got %v, want %v with %q:\n%s", got, tc.want, tc.reason, why)
			}
		})
	}
}

// TestPodIdentityNeedsTagSession: a trust policy that allows sts:AssumeRole alone refuses EKS,
// which tags the session.
func TestPodIdentityNeedsTagSession(t *testing.T) {
	doc := mustJSON(t, `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`)
	got, why := decideAll(t, doc, PodIdentityRequests(binding()))
	if got != ImplicitDeny || !strings.Contains(why, `action "sts:TagSession" does not match Action ["sts:AssumeRole"]`) {
		t.Errorf("got %v:\n%s", got, why)
	}
	noTags := binding()
	noTags.SessionTags = false
	if got, why := decideAll(t, doc, PodIdentityRequests(noTags)); got != Allow {
		t.Errorf("without session tags EKS only calls sts:AssumeRole; got %v:\n%s", got, why)
	}
}

// TestSourceArn: the Arn operators compare each part of the ARN on its own.
func TestSourceArn(t *testing.T) {
	doc := mustJSON(t, `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"],
  "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:eks:*:111122223333:cluster/prod*"},
                "StringEquals": {"aws:SourceAccount": "111122223333"}}}]}`)
	req := func(arn string) []Request {
		reqs := PodIdentityRequests(binding())
		for i := range reqs {
			ctx := map[string][]string{}
			for k, v := range reqs[i].Context {
				ctx[k] = v
			}
			ctx["aws:SourceArn"] = []string{arn}
			reqs[i].Context = ctx
		}
		return reqs
	}
	for arn, want := range map[string]Decision{
		"arn:aws:eks:us-east-1:111122223333:cluster/prod":      Allow,
		"arn:aws:eks:eu-west-1:111122223333:cluster/prod-euw1": Allow,
		"arn:aws:eks:us-east-1:444455556666:cluster/prod":      ImplicitDeny,
		"arn:aws:eks:us-east-1:111122223333:cluster/dev":       ImplicitDeny,
		"arn:aws:eks:us-east-1:111122223333":                   ImplicitDeny, // not six parts
	} {
		if got, why := decideAll(t, doc, req(arn)); got != want {
			t.Errorf("%s: got %v, want %v\n%s", arn, got, want, why)
		}
	}
	exact := mustJSON(t, `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": "sts:AssumeRole",
  "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:eks:us-east-1:111122223333:cluster/prod"}}}]}`)
	noTags := binding()
	noTags.SessionTags = false
	reqs := PodIdentityRequests(noTags)
	reqs[0].Context = map[string][]string{"aws:SourceArn": {"arn:aws:eks:us-east-1:111122223333:cluster/PROD"}}
	if got, _ := decideAll(t, exact, reqs); got != ImplicitDeny {
		t.Errorf("ArnEquals is case-sensitive; got %v", got)
	}
}

// TestChainTrust: the target role admits the association's role with this association's
// sts:ExternalId, and no other role or association. sts:TagSession has its own statement, as
// in the EKS User Guide: the external id is a key of sts:AssumeRole only.
func TestChainTrust(t *testing.T) {
	doc := mustJSON(t, fmt.Sprintf(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"AWS": %q}, "Action": "sts:AssumeRole",
  "Condition": {"StringEquals": {"sts:ExternalId": "us-east-1/111122223333/prod/reports/exporter"}}},
  {"Effect": "Allow", "Principal": {"AWS": %[1]q}, "Action": "sts:TagSession"}]}`, hopRole))
	if got := binding().ExternalID(); got != "us-east-1/111122223333/prod/reports/exporter" {
		t.Fatalf("ExternalID() = %q", got)
	}
	for _, tc := range []struct {
		name string
		role string
		b    PodIdentityBinding
		want Decision
	}{
		{"the association", hopRole, binding(), Allow},
		{"the association without session tags", hopRole, with(binding(), func(b *PodIdentityBinding) { b.SessionTags = false }), Allow},
		{"another role of the account", "arn:aws:iam::111122223333:role/other", binding(), ImplicitDeny},
		{"another namespace", hopRole, with(binding(), func(b *PodIdentityBinding) { b.Namespace = "billing" }), ImplicitDeny},
		{"another cluster", hopRole, with(binding(), func(b *PodIdentityBinding) { b.Cluster = "dev" }), ImplicitDeny},
		{"another region", hopRole, with(binding(), func(b *PodIdentityBinding) { b.Region = "us-west-2" }), ImplicitDeny},
	} {
		if got, why := decideAll(t, doc, ChainRequests(tc.role, tc.b)); got != tc.want {
			t.Errorf("%s: got %v, want %v\n%s", tc.name, got, tc.want, why)
		}
	}
}

// TestChainTagSessionWithoutExternalID: a statement that checks sts:ExternalId on both actions
// refuses the chain when EKS passes the transitive session tags, since the sts:TagSession
// request has no external id; without session tags only sts:AssumeRole is asked.
func TestChainTagSessionWithoutExternalID(t *testing.T) {
	doc := mustJSON(t, fmt.Sprintf(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"AWS": %q}, "Action": ["sts:AssumeRole", "sts:TagSession"],
  "Condition": {"StringEquals": {"sts:ExternalId": "us-east-1/111122223333/prod/reports/exporter"}}}]}`, hopRole))
	if got, why := decideAll(t, doc, ChainRequests(hopRole, binding())); got != ImplicitDeny {
		t.Errorf("with session tags: got %v, want ImplicitDeny\n%s", got, why)
	}
	noTags := with(binding(), func(b *PodIdentityBinding) { b.SessionTags = false })
	if got, why := decideAll(t, doc, ChainRequests(hopRole, noTags)); got != Allow {
		t.Errorf("without session tags: got %v, want Allow\n%s", got, why)
	}
	for _, r := range ChainRequests(hopRole, binding()) {
		if _, has := r.Context[KeyExternalID]; has != (r.Action == ActionAssumeRole) {
			t.Errorf("%s: sts:ExternalId in the request is %v", r.Action, has)
		}
	}
}

func TestCheckPodIdentityAndChain(t *testing.T) {
	rules := func(doc any) []string {
		var out []string
		for _, f := range Audit(doc) {
			out = append(out, f.Rule)
		}
		return out
	}
	if got := rules(podIdentityPolicy(t, piCluster)); len(got) != 0 {
		t.Errorf("generated shape: %v", got)
	}
	for _, tc := range []struct {
		name, statement, rule string
	}{
		{"no account", `"Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"],
			"Condition": {"StringEquals": {"aws:RequestTag/eks-cluster-arn": "a", "aws:RequestTag/kubernetes-namespace": "n", "aws:RequestTag/kubernetes-service-account": "s"}}`, RulePodIdentityAccount},
		{"no namespace", `"Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"],
			"Condition": {"StringEquals": {"aws:SourceAccount": "111122223333", "aws:RequestTag/eks-cluster-arn": "a", "aws:RequestTag/kubernetes-service-account": "s"}}`, RulePodIdentityUnscoped},
		{"a wildcard", `"Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"],
			"Condition": {"StringEquals": {"aws:SourceAccount": "111122223333", "aws:RequestTag/eks-cluster-arn": "a", "aws:RequestTag/kubernetes-namespace": "n", "aws:RequestTag/kubernetes-service-account": "s*"}}`, RulePodIdentityUnscoped},
		{"another action", `"Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
			"Condition": {"StringEquals": {"aws:SourceAccount": "111122223333", "aws:RequestTag/eks-cluster-arn": "a", "aws:RequestTag/kubernetes-namespace": "n", "aws:RequestTag/kubernetes-service-account": "s"}}`, RulePodIdentityAction},
		{"chain without external id", `"Principal": {"AWS": "` + hopRole + `"}, "Action": "sts:AssumeRole"`, RuleChainExternalID},
		{"chain from an account", `"Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole",
			"Condition": {"StringEquals": {"sts:ExternalId": "us-east-1/111122223333/prod/reports/exporter"}}`, RuleChainPrincipal},
		{"chain with a pattern", `"Principal": {"AWS": "` + hopRole + `"}, "Action": "sts:AssumeRole",
			"Condition": {"StringEquals": {"sts:ExternalId": "us-east-1/111122223333/prod/reports/*"}}`, RuleChainExternalID},
	} {
		doc := mustJSON(t, `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", `+tc.statement+`}]}`)
		if got := rules(doc); !slices.Contains(got, tc.rule) {
			t.Errorf("%s: rules %v, want %s", tc.name, got, tc.rule)
		}
	}
}

func with(b PodIdentityBinding, change func(*PodIdentityBinding)) PodIdentityBinding {
	change(&b)
	return b
}
