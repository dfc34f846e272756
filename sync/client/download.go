package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// maxErrorBytes bounds an error answer Download reads.
const maxErrorBytes = 1 << 20

// Download sends GET path?query and copies a 2xx answer's body to w as it
// arrives: the province report or the export, which a national hub makes
// too large to hold in memory. It is not retried, since part of the body
// may be written already, and it is bounded by ctx only, not by the
// client's timeout. An error answer comes back as a *HubError, a transport
// failure as ErrTLS or ErrUnreachable.
func (c *Client) Download(ctx context.Context, path string, query url.Values, w io.Writer) error {
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.rc.GetClient().Do(req)
	if err != nil {
		return classify(ctx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		he := &HubError{Method: http.MethodGet, Path: path, Status: resp.StatusCode}
		data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBytes)) // what arrived is all there is to show
		if json.Unmarshal(data, &he.Body) != nil || he.Body.Code == "" {
			he.Body.Message = http.StatusText(resp.StatusCode)
		}
		return he
	}
	if _, err := io.Copy(w, resp.Body); err != nil {
		if ctx.Err() != nil {
			return classify(ctx, ctx.Err())
		}
		return fmt.Errorf("GET %s: %w", path, err)
	}
	return nil
}
