package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"mach/sync/protocol"
	"mach/sync/record"
)

// The coordinator's dashboard uses a Client made with a coordinator token
// as Options.Token. With a device token the hub answers 403, which comes
// back as ErrForbidden; with an unknown one, ErrUnauthorized.

// Units returns the summary of every unit of the hub's province, enrolled
// or not, with the deadlines set, and the checklist the hub counts with
// when it is above checklistVersion.
func (c *Client) Units(ctx context.Context, checklistVersion int) (protocol.UnitsResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var out protocol.UnitsResponse
	query := url.Values{protocol.QueryChecklist: {strconv.Itoa(checklistVersion)}}
	err := c.call(ctx, http.MethodGet, protocol.PathUnits, query, nil, &out)
	return out, err
}

// Unit returns one unit's drill-down: its summary, its current records and
// the history of its syncs. An unknown code is ErrRefused, with the hub's
// CodeNotFound in the HubError.
func (c *Client) Unit(ctx context.Context, code string) (protocol.UnitDetail, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var out protocol.UnitDetail
	if code == "" {
		return out, fmt.Errorf("%w: no unit code", ErrRefused)
	}
	err := c.call(ctx, http.MethodGet, protocol.PathUnit+url.PathEscape(code), nil, nil, &out)
	return out, err
}

// Deadlines returns the due dates the coordinator set, one per section.
func (c *Client) Deadlines(ctx context.Context) ([]protocol.Deadline, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var out protocol.DeadlinesResponse
	err := c.call(ctx, http.MethodGet, protocol.PathDeadlines, nil, nil, &out)
	return out.Deadlines, err
}

// SetDeadline sets when a checklist section is due; a zero Due clears it.
// Repeating it is safe: the hub keeps one deadline per section.
func (c *Client) SetDeadline(ctx context.Context, d protocol.Deadline) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if d.Section == "" {
		return fmt.Errorf("%w: no section", ErrRefused)
	}
	var none json.RawMessage
	return c.call(ctx, http.MethodPut, protocol.PathDeadlines, nil, d, &none)
}

// Review sends a coordinator's review of one section of a unit; the hub
// answers with the record it keeps. Sending the same request again (same
// ID) stores nothing twice, so it is safe after a timeout.
func (c *Client) Review(ctx context.Context, req protocol.ReviewRequest) (protocol.ReviewResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var out protocol.ReviewResponse
	if req.Unit == "" || req.ID == "" {
		return out, fmt.Errorf("%w: no unit or no record id", ErrRefused)
	}
	err := c.call(ctx, http.MethodPost, protocol.PathReviews, nil, req, &out)
	return out, err
}

// History returns every version the hub holds of one record of a unit,
// oldest first: who wrote each, when, on which laptop.
func (c *Client) History(ctx context.Context, unit, id string) ([]record.Record, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if unit == "" || id == "" {
		return nil, fmt.Errorf("%w: no unit or no record id", ErrRefused)
	}
	var out protocol.HistoryResponse
	err := c.call(ctx, http.MethodGet, protocol.PathHistory+url.PathEscape(unit)+"/"+url.PathEscape(id), nil, nil, &out)
	return out.Versions, err
}
