// Package live reads an AWS account for the audit: IAM's
// GetAccountAuthorizationDetails (every page), and the runtimes,
// gateways, code interpreters, browsers and Bedrock agents that name
// the roles they run as. It calls these few operations with a small
// client on the AWS SDK for Go v2's core (configuration and credential
// chain, SigV4 signer, retryer), not with the SDK's generated service
// clients: their packages build large schema and endpoint tables at
// init, which cost every agentiam command, not only `audit --live`,
// tens of milliseconds at start-up. Every call is read-only and listed
// in audit.ReadOnlyActions, the policy `agentiam audit --print-policy`
// prints. It is the only package of agentiam that imports the SDK.
package live

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/agentiam/agentiam/audit"
)

// ErrLive is wrapped by the errors of Read: the account could not be read.
var ErrLive = errors.New("cannot read the account")

// Defaults of the retryer. IAM throttles GetAccountAuthorizationDetails
// on large accounts (its control plane allows a few requests a second):
// ten attempts with the standard retryer's exponential back-off, capped
// at 20 s, ride out minutes of throttling where the SDK's default of
// three attempts gives up.
const (
	DefaultMaxAttempts = 10
	DefaultMaxBackoff  = 20 * time.Second
)

// Options say which account to read and how.
type Options struct {
	// Profile is the shared-config profile; "" is the standard chain's
	// default (AWS_PROFILE, else "default").
	Profile string
	// Region is where AgentCore and Bedrock are read; "" is the
	// standard chain's (AWS_REGION, the profile's region).
	Region string
	// EndpointURL sends every call to this base URL instead of AWS: a
	// local stand-in for tests (moto_server, a recorded fixture).
	EndpointURL string
	// Credentials replace the standard credential chain when not nil.
	Credentials aws.CredentialsProvider
	// MaxAttempts and MaxBackoff tune the standard retryer; zero is
	// DefaultMaxAttempts and DefaultMaxBackoff.
	MaxAttempts int
	MaxBackoff  time.Duration
}

// Gap is a part of the account that could not be read: the audit goes
// on without it (roles named only by those resources are then known as
// agent roles by their trust policies alone).
type Gap struct {
	// Service and Operation name the call, e.g. "bedrock-agentcore",
	// "ListBrowsers".
	Service, Operation string
	Err                error
}

func (g Gap) Error() string {
	return fmt.Sprintf("%s %s: %v", g.Service, g.Operation, g.Err)
}

// Result is the account read, and what of it could not be read.
type Result struct {
	Account *audit.Account
	Gaps    []Gap
}

// LoadConfig loads the SDK configuration: the standard credential chain
// (or opts.Credentials), the profile and region, and a standard retryer
// sized for IAM's throttling.
func LoadConfig(ctx context.Context, opts Options) (aws.Config, error) {
	attempts, backoff := opts.MaxAttempts, opts.MaxBackoff
	if attempts <= 0 {
		attempts = DefaultMaxAttempts
	}
	if backoff <= 0 {
		backoff = DefaultMaxBackoff
	}
	load := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts, o.MaxBackoff = attempts, backoff
			})
		}),
	}
	if opts.Profile != "" {
		load = append(load, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.Region != "" {
		load = append(load, config.WithRegion(opts.Region))
	}
	if opts.EndpointURL != "" {
		load = append(load, config.WithBaseEndpoint(opts.EndpointURL))
	}
	if opts.Credentials != nil {
		load = append(load, config.WithCredentialsProvider(opts.Credentials))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("%w: %w", ErrLive, err)
	}
	if cfg.Region == "" {
		return aws.Config{}, fmt.Errorf("%w: no region: give --region, set AWS_REGION or a region in the profile (AgentCore and Bedrock are regional)", ErrLive)
	}
	return cfg, nil
}

// Read reads the account that the configuration's credentials belong
// to. An error reading IAM is fatal; an error reading an agent service
// (not offered in the region, access denied) is a Gap.
func Read(ctx context.Context, cfg aws.Config) (*Result, error) {
	ic, err := newIAMClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrLive, err)
	}
	d, err := readIAM(ctx, ic)
	if err != nil {
		return nil, fmt.Errorf("%w: iam GetAccountAuthorizationDetails: %w", ErrLive, err)
	}
	acct := audit.FromDetails("live", d)
	res := &Result{Account: acct}
	agents, err := newAgentReader(cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrLive, err)
	}
	acct.Agents, res.Gaps = agents.read(ctx)
	return res, nil
}
