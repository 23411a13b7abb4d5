package credcheck_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/irsagen/irsagen/generator/credcheck"
	"github.com/irsagen/irsagen/generator/plan"
)

const issuer = "https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"

// pod sets the process environment as the webhook would for a pod, with nothing of the
// developer's AWS set-up: the check runs the real SDK credential chain against local servers.
type pod struct {
	t   *testing.T
	dir string
}

func newPod(t *testing.T, s *sts) pod {
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ENDPOINT_URL_STS", s.URL)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
	return pod{t, dir}
}

// irsa injects IRSA's variables and token.
func (p pod) irsa(roleARN, tok string) {
	file := filepath.Join(p.dir, "token")
	if err := os.WriteFile(file, []byte(tok), 0o600); err != nil {
		p.t.Fatal(err)
	}
	p.t.Setenv("AWS_ROLE_ARN", roleARN)
	p.t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", file)
}

// podIdentity injects Pod Identity's variables, served by srv.
func (p pod) podIdentity(srvURL string) {
	file := filepath.Join(p.dir, "agent-token")
	if err := os.WriteFile(file, []byte("agent-token"), 0o600); err != nil {
		p.t.Fatal(err)
	}
	p.t.Setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", srvURL+"/v1/credentials")
	p.t.Setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file)
}

func expectFor(r *plan.Role, sa string) credcheck.Expect {
	aud := "sts.amazonaws.com"
	if len(r.Trust) > 0 {
		aud = r.Trust[0].Audience
	}
	return credcheck.Expect{Path: credcheck.PathIRSA, RoleARN: r.ARN, Issuer: issuer, Subject: "system:serviceaccount:shop:" + sa, Audience: aud}
}

func TestRunAgainstLocalSTS(t *testing.T) {
	p := fleet(t)
	app, worker, cross := role(t, p, "app"), role(t, p, "worker"), role(t, p, "cross")
	appSub := "system:serviceaccount:shop:app"
	tests := []struct {
		name     string
		setup    func(t *testing.T, s *sts, pod pod)
		expect   credcheck.Expect
		wantLink credcheck.Link // "" for OK
		wantMsg  string
	}{{
		name:   "IRSA as configured",
		setup:  func(_ *testing.T, _ *sts, pod pod) { pod.irsa(app.ARN, token(issuer, appSub, "sts.amazonaws.com")) },
		expect: expectFor(app, "app"),
	}, {
		name: "cross-account role with its own audience",
		setup: func(_ *testing.T, _ *sts, pod pod) {
			pod.irsa(cross.ARN, token(issuer, "system:serviceaccount:shop:cross", "custom.example.com"))
		},
		expect: expectFor(cross, "cross"),
	}, {
		name:     "nothing injected, no instance role",
		setup:    func(*testing.T, *sts, pod) {},
		expect:   expectFor(app, "app"),
		wantLink: credcheck.LinkInjected, wantMsg: "no credentials were injected",
	}, {
		name: "nothing injected: falls back to the node's instance role",
		setup: func(t *testing.T, s *sts, _ pod) {
			imds := credentialsServer(t, s, "arn:aws:sts::111122223333:assumed-role/eks-node-role/i-0123")
			t.Setenv("AWS_EC2_METADATA_DISABLED", "false")
			t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.URL)
		},
		expect:   expectFor(app, "app"),
		wantLink: credcheck.LinkInjected, wantMsg: "fell back to the node's credentials (arn:aws:sts::111122223333:assumed-role/eks-node-role/i-0123)",
	}, {
		name:     "annotation names another role",
		setup:    func(_ *testing.T, _ *sts, pod pod) { pod.irsa(worker.ARN, token(issuer, appSub, "sts.amazonaws.com")) },
		expect:   expectFor(app, "app"),
		wantLink: credcheck.LinkRoleEnv, wantMsg: "AWS_ROLE_ARN is \"" + worker.ARN,
	}, {
		name: "pod runs as another ServiceAccount",
		setup: func(_ *testing.T, _ *sts, pod pod) {
			pod.irsa(app.ARN, token(issuer, "system:serviceaccount:shop:worker", "sts.amazonaws.com"))
		},
		expect:   expectFor(app, "app"),
		wantLink: credcheck.LinkSubject, wantMsg: "the pod runs as another ServiceAccount",
	}, {
		name: "token audience is not the role's",
		setup: func(_ *testing.T, _ *sts, pod pod) {
			pod.irsa(cross.ARN, token(issuer, "system:serviceaccount:shop:cross", "sts.amazonaws.com"))
		},
		expect:   expectFor(cross, "cross"),
		wantLink: credcheck.LinkAudience, wantMsg: "audience is \"sts.amazonaws.com\", not \"custom.example.com\"",
	}, {
		name: "token from another cluster",
		setup: func(_ *testing.T, _ *sts, pod pod) {
			pod.irsa(app.ARN, token("https://oidc.eks.us-east-1.amazonaws.com/id/FFFF", appSub, "sts.amazonaws.com"))
		},
		expect:   expectFor(app, "app"),
		wantLink: credcheck.LinkIssuer,
	}, {
		name: "no OIDC provider in the role's account",
		setup: func(_ *testing.T, s *sts, pod pod) {
			s.providers = map[string]bool{}
			pod.irsa(app.ARN, token(issuer, appSub, "sts.amazonaws.com"))
		},
		expect:   expectFor(app, "app"),
		wantLink: credcheck.LinkProvider, wantMsg: "No OpenIDConnect provider found in your account for " + issuer,
	}, {
		name: "trust policy edited out of band",
		setup: func(_ *testing.T, s *sts, pod pod) {
			s.trust[app.ARN] = s.trust[worker.ARN]
			pod.irsa(app.ARN, token(issuer, appSub, "sts.amazonaws.com"))
		},
		expect:   expectFor(app, "app"),
		wantLink: credcheck.LinkTrust, wantMsg: "Not authorized to perform sts:AssumeRoleWithWebIdentity (AccessDenied)",
	}, {
		name: "Pod Identity as configured",
		setup: func(t *testing.T, s *sts, pod pod) {
			pod.podIdentity(credentialsServer(t, s, "arn:aws:sts::111122223333:assumed-role/"+app.Name+"/eks-prod-app").URL)
		},
		expect: credcheck.Expect{Path: credcheck.PathPodIdentity, RoleARN: app.ARN, Subject: appSub},
	}, {
		name: "Pod Identity during a migration",
		setup: func(t *testing.T, s *sts, pod pod) {
			pod.irsa(app.ARN, token(issuer, appSub, "sts.amazonaws.com"))
			pod.podIdentity(credentialsServer(t, s, "arn:aws:sts::111122223333:assumed-role/"+app.Name+"/eks-prod-app").URL)
		},
		expect: func() credcheck.Expect { e := expectFor(app, "app"); e.Path = credcheck.PathEither; return e }(),
	}, {
		name: "Pod Identity where IRSA is meant",
		setup: func(t *testing.T, s *sts, pod pod) {
			pod.irsa(app.ARN, token(issuer, appSub, "sts.amazonaws.com"))
			pod.podIdentity(credentialsServer(t, s, "arn:aws:sts::111122223333:assumed-role/"+app.Name+"/eks-prod-app").URL)
		},
		expect:   expectFor(app, "app"),
		wantLink: credcheck.LinkInjected, wantMsg: "takes precedence",
	}, {
		name: "Pod Identity association names another role",
		setup: func(t *testing.T, s *sts, pod pod) {
			pod.podIdentity(credentialsServer(t, s, "arn:aws:sts::111122223333:assumed-role/"+worker.Name+"/eks-prod-app").URL)
		},
		expect:   credcheck.Expect{Path: credcheck.PathPodIdentity, RoleARN: app.ARN, Subject: appSub},
		wantLink: credcheck.LinkRole,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSTS(t, p)
			pod := newPod(t, s)
			tt.setup(t, s, pod)
			r := credcheck.Run(context.Background(), tt.expect, credcheck.PodEnv())
			if tt.wantLink == "" {
				if !r.OK {
					t.Fatalf("want OK, got %s (STS calls %v)", r, s.calls)
				}
				if !strings.Contains(r.Identity, ":assumed-role/") {
					t.Errorf("identity %q", r.Identity)
				}
				return
			}
			if r.OK || r.Link != tt.wantLink || !strings.Contains(r.Message, tt.wantMsg) {
				t.Fatalf("got %s\nwant link %s with %q (STS calls %v)", r, tt.wantLink, tt.wantMsg, s.calls)
			}
		})
	}
}
