package live

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go"
)

// awsClient calls the few read-only operations of one AWS service that
// the audit needs (REST-JSON: AgentCore, Bedrock Agents; query: IAM),
// signed with Signature Version 4, with the configuration's
// credentials, region, HTTP client and retryer.
//
// It replaces the SDK's generated service clients: their packages build
// large schema and endpoint tables at init, which every agentiam command
// paid at start-up (about 30 ms for bedrockagentcorecontrol alone)
// although only `audit --live` calls them.
type awsClient struct {
	cfg      aws.Config
	base     *url.URL // scheme, host and base path of every call
	signing  string   // SigV4 service signing name
	region   string   // SigV4 signing region
	retryer  aws.Retryer
	signer   *v4.Signer
	apiError func(resp *http.Response, data []byte) error // reads an error response
}

// newRESTClient makes a client for the REST-JSON service whose endpoint
// host prefix is hostPrefix (e.g. "bedrock-agentcore-control") and
// whose signing name is signing (e.g. "bedrock-agentcore"), both as the
// SDK's generated endpoints.go of the service has them.
func newRESTClient(cfg aws.Config, hostPrefix, signing string) (*awsClient, error) {
	return newClient(cfg, "https://"+hostPrefix+"."+cfg.Region+"."+dnsSuffix(cfg.Region), signing, cfg.Region, jsonError)
}

// newClient makes a client of the service at endpoint, signed for
// signing in region. The configuration's BaseEndpoint (--endpoint-url,
// AWS_ENDPOINT_URL) replaces endpoint, and is signed for the
// configuration's region, as the SDK's endpoint rules do.
func newClient(cfg aws.Config, endpoint, signing, region string, apiError func(*http.Response, []byte) error) (*awsClient, error) {
	if cfg.BaseEndpoint != nil && *cfg.BaseEndpoint != "" {
		endpoint, region = *cfg.BaseEndpoint, cfg.Region
	}
	base, err := url.Parse(endpoint)
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("endpoint %q is not a URL with a host", endpoint)
	}
	base.Path = strings.TrimRight(base.Path, "/")
	var r aws.Retryer = retry.NewStandard()
	if cfg.Retryer != nil {
		r = cfg.Retryer()
	}
	return &awsClient{cfg: cfg, base: base, signing: signing, region: region, retryer: r, signer: v4.NewSigner(), apiError: apiError}, nil
}

// dnsSuffix is the DNS suffix of the region's partition, as the SDK's
// partition table has it for the partitions where AgentCore or Bedrock
// Agents can be offered: China and the European Sovereign Cloud have
// their own, every other region (commercial, GovCloud) amazonaws.com.
func dnsSuffix(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "amazonaws.com.cn"
	case strings.HasPrefix(region, "eusc-"):
		return "amazonaws.eu"
	}
	return "amazonaws.com"
}

// call sends one REST-JSON operation and decodes the JSON response
// into out. A non-nil body is sent as JSON.
func (c *awsClient) call(ctx context.Context, method, path string, query url.Values, body any, out any) error {
	var payload []byte
	contentType := ""
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return err
		}
		contentType = "application/json"
	}
	data, err := c.send(ctx, method, path, query, contentType, payload)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decoding the response: %w", err)
	}
	return nil
}

// send sends one operation, retrying what the retryer deems retryable
// (throttling, 5xx, connection errors) with its back-off, and returns
// the body of the successful response.
func (c *awsClient) send(ctx context.Context, method, path string, query url.Values, contentType string, payload []byte) ([]byte, error) {
	for attempt := 1; ; attempt++ {
		data, err := c.once(ctx, method, path, query, contentType, payload)
		if err == nil || attempt >= c.retryer.MaxAttempts() || !c.retryer.IsErrorRetryable(err) {
			return data, err
		}
		delay, derr := c.retryer.RetryDelay(attempt, err)
		if derr != nil {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (retrying after: %w)", ctx.Err(), err)
		case <-time.After(delay):
		}
	}
}

// request builds and signs one request.
func (c *awsClient) request(ctx context.Context, method, path string, query url.Values, contentType string, payload []byte) (*http.Request, error) {
	u := *c.base
	u.Path += path
	u.RawQuery = query.Encode()
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("User-Agent", "agentiam")
	if c.cfg.Credentials == nil {
		return nil, fmt.Errorf("no credentials")
	}
	creds, err := c.cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, err
	}
	if err := c.signer.SignHTTP(ctx, creds, req, sha256Hex(string(payload)), c.signing, c.region, time.Now().UTC()); err != nil {
		return nil, err
	}
	return req, nil
}

// sha256Hex is the payload hash SigV4 signs.
func sha256Hex(payload string) string {
	sum := sha256.Sum256([]byte(payload))
	return hex.EncodeToString(sum[:])
}

// once sends one attempt.
func (c *awsClient) once(ctx context.Context, method, path string, query url.Values, contentType string, payload []byte) ([]byte, error) {
	req, err := c.request(ctx, method, path, query, contentType, payload)
	if err != nil {
		return nil, err
	}
	var hc aws.HTTPClient = http.DefaultClient
	if c.cfg.HTTPClient != nil {
		hc = c.cfg.HTTPClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err // the retryer knows connection errors
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, c.apiError(resp, data)
	}
	return data, nil
}

// apiError is an error response of a service. It implements
// smithy.APIError and the HTTPStatusCode method, which the standard
// retryer reads to tell throttling and server faults from the rest.
type apiError struct {
	status        int
	code, message string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%s (HTTP %d): %s", e.code, e.status, e.message)
}
func (e *apiError) ErrorCode() string    { return e.code }
func (e *apiError) ErrorMessage() string { return e.message }
func (e *apiError) HTTPStatusCode() int  { return e.status }
func (e *apiError) ErrorFault() smithy.ErrorFault {
	if e.status >= 500 {
		return smithy.FaultServer
	}
	return smithy.FaultClient
}

// jsonError reads the error code as the REST-JSON protocol gives it:
// the X-Amzn-ErrorType header, else the body's "code" or "__type", each
// possibly with a ":"-suffix or a "namespace#" prefix to strip.
func jsonError(resp *http.Response, data []byte) error {
	var b struct {
		Code     string `json:"code"`
		Type     string `json:"__type"`
		Message  string `json:"message"`
		MessageU string `json:"Message"`
	}
	_ = json.Unmarshal(data, &b) // a body that is not JSON leaves the code to the header or status
	code := resp.Header.Get("X-Amzn-ErrorType")
	for _, c := range []string{b.Code, b.Type} {
		if code == "" {
			code = c
		}
	}
	code, _, _ = strings.Cut(code, ":")
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	if code == "" {
		code = http.StatusText(resp.StatusCode)
	}
	msg := b.Message
	if msg == "" {
		msg = b.MessageU
	}
	return &apiError{status: resp.StatusCode, code: code, message: msg}
}
