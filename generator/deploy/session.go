package deploy

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Credentials say how to reach one account: a profile of the shared config files, a role to
// assume, or both (the role is assumed with the profile's credentials). Empty: the standard
// SDK chain.
type Credentials struct {
	Profile    string
	RoleARN    string
	ExternalID string
}

func (c Credentials) override(flag Credentials) Credentials {
	if flag.Profile != "" {
		c.Profile = flag.Profile
	}
	if flag.RoleARN != "" {
		c.RoleARN, c.ExternalID = flag.RoleARN, flag.ExternalID
	}
	return c
}

func (c Credentials) String() string {
	switch {
	case c.Profile != "" && c.RoleARN != "":
		return fmt.Sprintf("role %s assumed with profile %s", c.RoleARN, c.Profile)
	case c.Profile != "":
		return "profile " + c.Profile
	case c.RoleARN != "":
		return "role " + c.RoleARN
	}
	return "the default credentials"
}

// account is a connection to one account, in the region of its stacks, whose credentials STS
// has confirmed belong to it.
type account struct {
	name, id, region string
	partition        string
	creds            Credentials
	cfn              *cloudformation.Client
	iam              *iam.Client
}

// connections holds one connection per account and region, made once.
type connections struct {
	opts *Options
	mu   sync.Mutex
	m    map[string]*connection
}

type connection struct {
	once sync.Once
	acc  *account
	err  error
}

func newConnections(opts *Options) *connections {
	return &connections{opts: opts, m: map[string]*connection{}}
}

// get connects to an account and checks, with STS GetCallerIdentity, that the credentials belong
// to it. id may be empty for an account that left irsa.yaml: it is then whatever STS says.
func (cs *connections) get(ctx context.Context, name, id, region string, creds Credentials) (*account, error) {
	key := name + "\x00" + region
	cs.mu.Lock()
	c, ok := cs.m[key]
	if !ok {
		c = &connection{}
		cs.m[key] = c
	}
	cs.mu.Unlock()
	c.once.Do(func() { c.acc, c.err = connect(ctx, name, id, region, creds, cs.opts) })
	return c.acc, c.err
}

func connect(ctx context.Context, name, id, region string, creds Credentials, opts *Options) (*account, error) {
	load := []func(*awsconfig.LoadOptions) error{
		awsconfig.WithRetryer(opts.retryer),
	}
	if region != "" {
		load = append(load, awsconfig.WithRegion(region))
	}
	if creds.Profile != "" {
		load = append(load, awsconfig.WithSharedConfigProfile(creds.Profile))
	}
	// Nothing here sets an endpoint: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_CLOUDFORMATION,
	// AWS_ENDPOINT_URL_STS and the profile's endpoint settings stay in force.
	cfg, err := awsconfig.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("account %s: loading AWS credentials (%s): %w", name, creds, err)
	}
	if creds.RoleARN != "" {
		provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), creds.RoleARN, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = "irsagen"
			if creds.ExternalID != "" {
				o.ExternalID = aws.String(creds.ExternalID)
			}
		})
		cfg.Credentials = aws.NewCredentialsCache(provider)
	}
	who, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("account %s: checking the credentials (%s) with STS: %w", name, creds, err)
	}
	got := aws.ToString(who.Account)
	if id != "" && got != id {
		return nil, &WrongAccountError{Account: name, Want: id, Got: got, Principal: aws.ToString(who.Arn), Creds: creds}
	}
	partition := "aws"
	if parts := strings.SplitN(aws.ToString(who.Arn), ":", 3); len(parts) == 3 {
		partition = parts[1]
	}
	return &account{name: name, id: got, region: cfg.Region, partition: partition, creds: creds,
		cfn: cloudformation.NewFromConfig(cfg), iam: iam.NewFromConfig(cfg)}, nil
}

// WrongAccountError refuses credentials that belong to another account than the one a stack is
// for: nothing has been changed when it is returned.
type WrongAccountError struct {
	Account, Want, Got, Principal string
	Creds                         Credentials
}

func (e *WrongAccountError) Error() string {
	return fmt.Sprintf("account %s (%s): %s are %s in account %s, not %s; nothing was changed. "+
		"Name this account's credentials with accounts[].deploy in irsa.yaml, --profile %s=PROFILE or --role-arn %s=ARN",
		e.Account, e.Want, e.Creds, e.Principal, e.Got, e.Want, e.Account, e.Account)
}

// Options tune a plan or an apply. The zero value is usable.
type Options struct {
	// Concurrency bounds the stacks worked on at once (default 8).
	Concurrency int
	// PollInterval is the wait between two looks at a change set or a stack (default 3s).
	PollInterval time.Duration
	// MaxAttempts and MaxBackoff configure the SDK's retries of throttled and failed calls
	// (defaults 12 and 20s).
	MaxAttempts int
	MaxBackoff  time.Duration
	// Progress receives one line per event worth telling: a stack started, done, failed.
	Progress func(format string, args ...any)
	// Former are accounts that left irsa.yaml, by name, with their credentials: they are only
	// searched for orphaned stacks.
	Former map[string]Credentials
	// FormerRegion is where former accounts are searched (default: the SDK's region).
	FormerRegion string
	// Keep leaves the change sets plan made, so that apply can execute exactly them.
	Keep bool
	// AllowReplace and AllowDelete lift the stack policy's refusal to replace or delete roles
	// and providers, for this run.
	AllowReplace, AllowDelete bool
	// DeleteOrphans deletes the stacks that left stacks.json.
	DeleteOrphans bool
	// Drift adds to a plan CloudFormation's drift detection of every live stack.
	Drift bool
	// Import adopts roles and providers that exist outside CloudFormation with an IMPORT
	// change set, instead of failing to create them.
	Import bool
	// StackPrefix is the config's stack prefix; orphans are tagged stacks whose names start with it.
	StackPrefix string
}

func (o *Options) retryer() aws.Retryer {
	return retry.NewStandard(func(so *retry.StandardOptions) {
		so.MaxAttempts = o.MaxAttempts
		so.MaxBackoff = o.MaxBackoff
		// A fleet of 600 stacks is throttled often; the client-side retry quota would give up
		// long before the backoff has spread the calls.
		so.RateLimiter = ratelimit.None
	})
}

func (o *Options) defaults() {
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 3 * time.Second
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 12
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 20 * time.Second
	}
	if o.Progress == nil {
		o.Progress = func(string, ...any) {}
	}
	if o.StackPrefix == "" {
		o.StackPrefix = "irsa"
	}
}
