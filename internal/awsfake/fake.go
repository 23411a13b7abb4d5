// Package awsfake is a local AWS endpoint for tests: CloudFormation, STS and IAM, spoken in the
// AWS query protocol over HTTP on 127.0.0.1, so that the real aws-sdk-go-v2 clients talk to it
// through AWS_ENDPOINT_URL or a client's BaseEndpoint. It keeps state as AWS does: stacks with
// their templates, statuses, resources and events; change sets that go through their states;
// IAM roles, OIDC providers and managed policies whose names are unique per account; stack
// policies, termination protection, refactors and drift. Hooks let a test make what AWS makes
// happen: a role made by hand, a policy attached out of band, an update that fails, throttling.
//
// Work that AWS does asynchronously (a change set being created, a stack being updated) is
// finished when the client looks at it again, after Polls looks that still see it in progress,
// so a test is deterministic and needs no sleeping.
//
// A test starts one endpoint for all its accounts and points the SDK at it:
//
//	srv := awsfake.New(t, awsfake.Accounts{"111122223333": {}, "444455556666": {Roles: []string{"deploy"}}})
//	cfn := cloudformation.NewFromConfig(srv.Config("111122223333", "us-east-1"))
//	// or, for code that loads the standard chain: for each of srv.Env(id, region), t.Setenv
//
// The caller's account comes from the access key in the request's SigV4 signature; the service
// (cloudformation, sts, iam) from its credential scope, so one URL serves all three. What the
// endpoint does not model it refuses (InvalidAction, ValidationError), so a client that needs
// more fails loudly instead of passing on a canned answer.
package awsfake

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Accounts are the AWS accounts the endpoint knows, by account id.
type Accounts map[string]Account

// Account is one AWS account.
type Account struct {
	// AccessKeyID of the account's long-term credentials; "AKIA" and the account id if empty.
	AccessKeyID string
	// User the long-term credentials belong to (arn:aws:iam::ID:user/USER); "deployer" if empty.
	User string
	// Roles that exist in the account from the start (by name), for instance a role to assume.
	Roles []string
}

// Option changes how the endpoint behaves.
type Option func(*Server)

// Polls sets how many looks (DescribeChangeSet, DescribeStacks, DescribeStackEvents, ...)
// still see a change set, a stack operation, a refactor or a drift detection in progress before
// it finishes; 1 unless set, so that a client must poll as it must with AWS. 0 finishes the work
// on the first look; a negative n finishes it at once, before any look.
//
// The SDK's waiters wait MinDelay (30s for change sets) between looks: a test that uses them
// with the default Polls sets MinDelay and MaxDelay to a few milliseconds.
func Polls(n int) Option { return func(s *Server) { s.polls = n } }

// Server is the endpoint. Its methods are safe to call while clients use it.
type Server struct {
	http  *httptest.Server
	mu    sync.Mutex
	polls int
	// pageSize bounds the items of a paged answer; 0: one page.
	pageSize int
	seq      int
	clock    time.Time

	accounts  map[string]*account
	keys      map[string]*accessKey
	throttles []throttle
	lost      []throttle // calls carried out, but answered with an InternalFailure
	calls     []Call
}

// accessKey is a pair of credentials and whom they belong to.
type accessKey struct {
	id, secret, token string
	account           string
	arn, userID       string
}

type throttle struct {
	action string
	n      int
}

// Call is one request the endpoint answered.
type Call struct {
	Service     string // cloudformation, sts or iam: the service of the request's signature
	Action      string
	AccessKeyID string
	Account     string // "" when the access key is unknown
	Region      string
	Params      url.Values
	Error       string // the error code answered, "" on success
	Mutating    bool   // the action changes something in AWS (a stack, a change set, a policy, ...)
}

// New starts an endpoint that knows accounts; it is closed when the test ends.
func New(t testing.TB, accounts Accounts, opts ...Option) *Server {
	t.Helper()
	s := &Server{
		polls:    1,
		clock:    time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		accounts: map[string]*account{},
		keys:     map[string]*accessKey{},
	}
	for _, o := range opts {
		o(s)
	}
	ids := make([]string, 0, len(accounts))
	for id := range accounts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		a := accounts[id]
		if len(id) != 12 {
			t.Fatalf("awsfake: account id %q is not 12 digits", id)
		}
		s.accounts[id] = newAccount(id)
		akid := a.AccessKeyID
		if akid == "" {
			akid = "AKIA" + id
		}
		user := a.User
		if user == "" {
			user = "deployer"
		}
		s.keys[akid] = &accessKey{id: akid, secret: "secret/" + akid, account: id,
			arn: fmt.Sprintf("arn:aws:iam::%s:user/%s", id, user), userID: "AIDA" + id}
		for _, r := range a.Roles {
			if err := s.accounts[id].iam.createRole(s, r, "/", `{"Version":"2012-10-17","Statement":[]}`); err != nil {
				t.Fatalf("awsfake: %v", err)
			}
		}
	}
	s.http = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	t.Cleanup(s.http.Close)
	return s
}

// URL of the endpoint, for AWS_ENDPOINT_URL or a client's BaseEndpoint.
func (s *Server) URL() string { return s.http.URL }

// Credentials are the long-term credentials of an account.
func (s *Server) Credentials(accountID string) aws.Credentials {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range s.keys {
		if k.account == accountID && k.token == "" {
			return aws.Credentials{AccessKeyID: k.id, SecretAccessKey: k.secret, Source: "awsfake"}
		}
	}
	panic("awsfake: unknown account " + accountID)
}

// CredentialsProvider gives the long-term credentials of an account to an aws.Config.
func (s *Server) CredentialsProvider(accountID string) aws.CredentialsProvider {
	c := s.Credentials(accountID)
	return credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, "")
}

// Config is an aws.Config for the endpoint as accountID in region, with the standard retryer.
func (s *Server) Config(accountID, region string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  s.CredentialsProvider(accountID),
		BaseEndpoint: aws.String(s.URL()),
	}
}

// Env is the environment that makes an AWS SDK or CLI run as accountID in region against
// the endpoint, and never read a profile or instance metadata. It names the endpoint for STS
// on its own too: aws-sdk-go-v2's config resolves credentials before AWS_ENDPOINT_URL, so the
// STS client of a profile that assumes a role sees only AWS_ENDPOINT_URL_STS.
func (s *Server) Env(accountID, region string) []string {
	c := s.Credentials(accountID)
	return []string{
		"AWS_ENDPOINT_URL=" + s.URL(),
		"AWS_ENDPOINT_URL_STS=" + s.URL(),
		"AWS_ACCESS_KEY_ID=" + c.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + c.SecretAccessKey,
		"AWS_REGION=" + region,
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// ConfigFile is the text of an AWS shared config file (AWS_CONFIG_FILE) with a profile per
// account, profile name → account id, holding the account's long-term credentials and the
// endpoint's URL. A test adds profiles that assume roles (role_arn, source_profile) after it.
func (s *Server) ConfigFile(profiles map[string]string) string {
	var b strings.Builder
	for _, name := range sortedKeys(profiles) {
		c := s.Credentials(profiles[name])
		fmt.Fprintf(&b, "[profile %s]\naws_access_key_id = %s\naws_secret_access_key = %s\nendpoint_url = %s\n\n",
			name, c.AccessKeyID, c.SecretAccessKey, s.URL())
	}
	return b.String()
}

// Throttle makes the next n calls of action fail with Throttling "Rate exceeded" (HTTP 400),
// as AWS does when a client calls too fast; an empty action throttles any call.
func (s *Server) Throttle(n int, action string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttles = append(s.throttles, throttle{action: action, n: n})
}

// LoseAnswers makes the next n calls of action succeed but be answered with a 500
// InternalFailure, as when an answer is lost on the way back: a client that retries the call
// repeats what was done.
func (s *Server) LoseAnswers(n int, action string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lost = append(s.lost, throttle{action: action, n: n})
}

// Calls are the requests answered so far, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Mutations are the calls, answered or not, whose action changes something in AWS.
func (s *Server) Mutations() []Call {
	var out []Call
	for _, c := range s.Calls() {
		if c.Mutating {
			out = append(out, c)
		}
	}
	return out
}

// CallCount counts the answered calls of action (errors included).
func (s *Server) CallCount(action string) int {
	n := 0
	for _, c := range s.Calls() {
		if c.Action == action {
			n++
		}
	}
	return n
}

// now ticks the endpoint's clock by a second, so events have distinct, ordered times.
func (s *Server) now() time.Time {
	s.clock = s.clock.Add(time.Second)
	return s.clock
}

// id returns a fresh, deterministic identifier.
func (s *Server) id() int {
	s.seq++
	return s.seq
}

// uuid returns a fresh, deterministic UUID-shaped identifier.
func (s *Server) uuid() string {
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", s.id(), s.seq*7919)
}

func (s *Server) account(id string) *account {
	a, ok := s.accounts[id]
	if !ok {
		panic("awsfake: unknown account " + id)
	}
	return a
}
