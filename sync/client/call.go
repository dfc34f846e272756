package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/go-resty/resty/v2"
)

// call sends one request to the hub, with retries, and decodes a 2xx answer
// into out. in, when not nil, is sent as a JSON body of bytes. An error
// answer comes back as a *HubError, a transport failure as ErrTLS or
// ErrUnreachable.
func (c *Client) call(ctx context.Context, method, path string, query url.Values, in, out any) error {
	// The last answer of the hub, kept for when the deadline cuts a later
	// attempt short. The condition only records; retryable decides.
	var last *resty.Response
	req := c.rc.R().SetContext(ctx).SetQueryParamsFromValues(query).
		AddRetryCondition(func(resp *resty.Response, _ error) bool {
			if resp != nil && resp.RawResponse != nil {
				last = resp
			}
			return false
		})
	if c.token != "" {
		req.SetAuthToken(c.token)
	}
	if in != nil {
		body, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encode %s %s: %w", method, path, err)
		}
		req.SetHeader("Content-Type", "application/json").SetBody(body)
	}
	resp, err := req.Execute(method, c.base+path)
	answered := resp != nil && resp.RawResponse != nil
	switch {
	case ctx.Err() != nil && last != nil && retryableStatus(last.StatusCode()):
		return fmt.Errorf("%w; no better answer before the deadline", hubError(method, path, last))
	case ctx.Err() != nil:
		// An answer that raced the deadline may be cut short: the request
		// is safe to repeat in the next round, so none is trusted.
		return classify(ctx, ctx.Err())
	case err != nil && !(answered && errors.Is(err, errNoTimeToWait)):
		return classify(ctx, err)
	case resp.StatusCode() == http.StatusNoContent:
		// Nothing to decode: out keeps its zero value.
		return nil
	case resp.StatusCode() >= 200 && resp.StatusCode() < 300:
		if err := json.Unmarshal(resp.Body(), out); err != nil {
			return fmt.Errorf("%w: %s %s: answer is not the expected JSON: %v", ErrHub, method, path, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("%w; %v", hubError(method, path, resp), err)
	}
	return hubError(method, path, resp)
}

// hubError reads an error answer.
func hubError(method, path string, resp *resty.Response) *HubError {
	he := &HubError{Method: method, Path: path, Status: resp.StatusCode()}
	if json.Unmarshal(resp.Body(), &he.Body) != nil || he.Body.Code == "" {
		he.Body.Message = http.StatusText(he.Status)
	}
	return he
}

// errNoTimeToWait ends the retries when the next wait would outlast the
// deadline: waiting cannot help.
var errNoTimeToWait = errors.New("the next retry would come after the deadline")

// retryable says whether an attempt is worth repeating: a network failure
// other than a certificate problem, a 5xx or a 429. Pushes are safe to
// repeat because the hub deduplicates them, and pulls only read. An
// enrolment repeated after the hub took the first one may be refused as a
// used code (ErrBadCode): the officer then asks for a new code.
func retryable(resp *resty.Response, err error) bool {
	if err != nil {
		return !isTLS(err) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
	}
	return retryableStatus(resp.StatusCode())
}

// retryableStatus reports whether an answer with status is worth repeating.
func retryableStatus(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}
