package client

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

// retryWait says how long to wait before the next attempt: what the hub asks
// with Retry-After, else an exponential backoff with jitter. When the wait
// would outlast the request's deadline it fails with errNoTimeToWait, which
// ends the retries at once.
func (c *Client) retryWait(_ *resty.Client, resp *resty.Response) (time.Duration, error) {
	wait := backoff(c.wait, c.maxWait, resp.Request.Attempt)
	if resp.RawResponse != nil {
		if d, ok := parseRetryAfter(resp.Header().Get("Retry-After"), time.Now()); ok {
			wait = d
		}
	}
	if deadline, ok := resp.Request.Context().Deadline(); ok && time.Until(deadline) < wait {
		return 0, errNoTimeToWait
	}
	c.log.Debug("retrying", "path", resp.Request.RawRequest.URL.Path, "attempt", resp.Request.Attempt, "wait", wait)
	// resty treats 0 as "use your own backoff": never ask for it.
	return max(wait, time.Nanosecond), nil
}

// backoff is first doubled for each attempt after the first, capped at most,
// with "equal jitter": a random point in the upper half.
func backoff(first, most time.Duration, attempt int) time.Duration {
	d := first
	for i := 1; i < attempt && d < most; i++ {
		d *= 2
	}
	d = min(d, most)
	return d/2 + rand.N(d/2+1)
}

// parseRetryAfter reads a Retry-After header: seconds, or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil {
		return time.Duration(max(secs, 0)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
