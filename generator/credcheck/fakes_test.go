package credcheck_test

import (
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/irsagen/irsagen/generator"
	"github.com/irsagen/irsagen/generator/plan"
	"github.com/irsagen/irsagen/generator/render"
	"github.com/irsagen/irsagen/generator/trust"
)

// fleet is a plan rendered from a small irsa.yaml: the roles, trust policies and providers that
// the local STS holds, as if their stacks were deployed.
func fleet(t *testing.T) *plan.Plan {
	t.Helper()
	dir := t.TempDir()
	cfg := `apiVersion: irsagen/v1
kind: Config
accounts:
  - {name: platform, id: "111122223333", region: us-east-1}
  - {name: apps, id: "444455556666", region: eu-west-1}
clusters:
  - name: prod
    account: platform
    region: us-east-1
    oidcIssuer: https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF
defaults:
  rolePath: /irsa/
serviceAccounts:
  - {name: app, namespace: shop, clusters: [prod], managedPolicies: [AmazonS3ReadOnlyAccess]}
  - {name: worker, namespace: shop, clusters: [prod], managedPolicies: [AmazonS3ReadOnlyAccess]}
  - {name: cross, namespace: shop, clusters: [prod], account: apps, audience: custom.example.com, managedPolicies: [AmazonS3ReadOnlyAccess]}
`
	path := filepath.Join(dir, "irsa.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := generator.Generate(generator.Options{ConfigPath: path})
	if err != nil {
		t.Fatal(err)
	}
	return res.Plan
}

func role(t *testing.T, p *plan.Plan, name string) *plan.Role {
	t.Helper()
	for _, r := range p.Roles {
		if r.ServiceAccount == name {
			return r
		}
	}
	t.Fatalf("no role for %s", name)
	return nil
}

// sts is a local STS that decides AssumeRoleWithWebIdentity as IAM would: the account must have
// an OIDC provider for the token's issuer, and the role's trust policy, evaluated by
// generator/trust, must admit the token's subject and audience. Credentials it hands out are
// remembered, so GetCallerIdentity reports whose they are.
type sts struct {
	*httptest.Server
	mu        sync.Mutex
	trust     map[string]map[string]any // role ARN -> trust policy
	providers map[string]bool           // provider ARNs that exist
	sessions  map[string]string         // access key id -> caller ARN
	calls     []string
}

func newSTS(t *testing.T, p *plan.Plan) *sts {
	s := &sts{trust: map[string]map[string]any{}, providers: map[string]bool{}, sessions: map[string]string{}}
	for _, r := range p.Roles {
		s.trust[r.ARN] = render.TrustPolicy(r)
	}
	for _, pr := range p.Providers {
		s.providers[pr.ARN] = true
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// session records credentials for caller and returns their access key id.
func (s *sts) session(caller string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := fmt.Sprintf("ASIAFAKE%08d", len(s.sessions))
	s.sessions[key] = caller
	return key
}

func (s *sts) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		stsError(w, "InvalidRequest", err.Error())
		return
	}
	action := r.Form.Get("Action")
	s.mu.Lock()
	s.calls = append(s.calls, action)
	s.mu.Unlock()
	switch action {
	case "AssumeRoleWithWebIdentity":
		s.assumeRoleWithWebIdentity(w, r)
	case "GetCallerIdentity":
		// SigV4: Credential=<access key id>/<date>/<region>/sts/aws4_request
		auth := r.Header.Get("Authorization")
		_, cred, _ := strings.Cut(auth, "Credential=")
		key, _, _ := strings.Cut(cred, "/")
		s.mu.Lock()
		caller, ok := s.sessions[key]
		s.mu.Unlock()
		if !ok {
			stsError(w, "InvalidClientTokenId", "The security token included in the request is invalid.")
			return
		}
		account := strings.Split(caller, ":")[4]
		writeXML(w, "GetCallerIdentity", fmt.Sprintf("<Arn>%s</Arn><UserId>AROAFAKE:session</UserId><Account>%s</Account>", caller, account))
	default:
		stsError(w, "InvalidAction", "Could not find operation "+action)
	}
}

func (s *sts) assumeRoleWithWebIdentity(w http.ResponseWriter, r *http.Request) {
	roleARN := r.Form.Get("RoleArn")
	parts := strings.Split(r.Form.Get("WebIdentityToken"), ".")
	var c struct {
		Iss string   `json:"iss"`
		Sub string   `json:"sub"`
		Aud []string `json:"aud"`
	}
	if len(parts) != 3 {
		stsError(w, "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider")
		return
	}
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if err := json.Unmarshal(payload, &c); err != nil {
		stsError(w, "InvalidIdentityToken", err.Error())
		return
	}
	head, name, ok := strings.Cut(roleARN, ":role/")
	if !ok {
		stsError(w, "ValidationError", "bad RoleArn")
		return
	}
	account := strings.Split(head, ":")[4]
	partition := strings.Split(head, ":")[1]
	provider := fmt.Sprintf("arn:%s:iam::%s:oidc-provider/%s", partition, account, strings.TrimPrefix(c.Iss, "https://"))
	s.mu.Lock()
	doc, exists := s.trust[roleARN]
	known := s.providers[provider]
	s.mu.Unlock()
	if !known {
		stsError(w, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for "+c.Iss)
		return
	}
	aud := ""
	if len(c.Aud) > 0 {
		aud = c.Aud[0]
	}
	if !exists {
		stsError(w, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
		return
	}
	res, err := trust.Evaluate(doc, trust.WebIdentityRequest(provider, c.Sub, aud))
	if err != nil || res.Decision != trust.Allow {
		stsError(w, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
		return
	}
	shortName := name[strings.LastIndex(name, "/")+1:]
	caller := fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", partition, account, shortName, r.Form.Get("RoleSessionName"))
	key := s.session(caller)
	writeXML(w, "AssumeRoleWithWebIdentity", fmt.Sprintf(
		"<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken><Expiration>%s</Expiration></Credentials>"+
			"<AssumedRoleUser><Arn>%s</Arn><AssumedRoleId>AROAFAKE:session</AssumedRoleId></AssumedRoleUser><SubjectFromWebIdentityToken>%s</SubjectFromWebIdentityToken><Audience>%s</Audience>",
		key, time.Now().Add(time.Hour).UTC().Format(time.RFC3339), caller, xmlEscape(c.Sub), xmlEscape(aud)))
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func writeXML(w http.ResponseWriter, action, result string) {
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<%sResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><%sResult>%s</%sResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></%sResponse>`,
		action, action, result, action, action)
}

func stsError(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>1</RequestId></ErrorResponse>`, code, xmlEscape(msg))
}

// token is a projected ServiceAccount token with the given claims. The local STS, like the
// check, reads the claims; the signature is not checked here.
func token(iss, sub, aud string) string {
	enc := base64.RawURLEncoding
	claims, _ := json.Marshal(map[string]any{"iss": iss, "sub": sub, "aud": []string{aud}, "exp": 4102444800})
	return enc.EncodeToString([]byte(`{"alg":"RS256"}`)) + "." + enc.EncodeToString(claims) + "." + enc.EncodeToString([]byte("sig"))
}

// credentialsServer serves credentials for caller the way the EKS Pod Identity agent (container
// credentials) and the instance metadata service (an instance role) do.
func credentialsServer(t *testing.T, s *sts, caller string) *httptest.Server {
	creds := func() map[string]string {
		return map[string]string{
			"Code": "Success", "AccessKeyId": s.session(caller), "SecretAccessKey": "secret", "Token": "token",
			"Expiration": time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/latest/api/token":
			fmt.Fprint(w, "imds-token")
		case r.URL.Path == "/latest/meta-data/iam/security-credentials/":
			fmt.Fprint(w, "node-role")
		case r.URL.Path == "/latest/meta-data/iam/security-credentials/node-role":
			_ = json.NewEncoder(w).Encode(creds())
		case r.URL.Path == "/v1/credentials" && r.Header.Get("Authorization") == "agent-token":
			_ = json.NewEncoder(w).Encode(creds())
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}
