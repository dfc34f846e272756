package client

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"mach/sync/protocol"
)

// The province's own commands use a Client made with the hub's admin token
// (from the file "mach hub serve" keeps beside its data) as Options.Token.

// NewCode asks the hub for a one-time enrolment code for unit, valid for
// ttl.
func (c *Client) NewCode(ctx context.Context, unit string, ttl time.Duration) (protocol.CodeResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var out protocol.CodeResponse
	err := c.call(ctx, http.MethodPost, protocol.PathAdminCodes, nil,
		protocol.CodeRequest{Unit: unit, TTLSeconds: int64(ttl / time.Second)}, &out)
	return out, err
}

// Devices lists the devices enrolled with the hub.
func (c *Client) Devices(ctx context.Context) ([]protocol.DeviceInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var out []protocol.DeviceInfo
	err := c.call(ctx, http.MethodGet, protocol.PathAdminDevices, nil, nil, &out)
	return out, err
}

// Revoke ends a device's token.
func (c *Client) Revoke(ctx context.Context, device string) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var none json.RawMessage
	return c.call(ctx, http.MethodPost, protocol.PathAdminRevoke, nil, protocol.RevokeRequest{Device: device}, &none)
}

// CoordinatorToken makes a token for a coordinator's views and exports.
func (c *Client) CoordinatorToken(ctx context.Context, name string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var out protocol.TokenResponse
	err := c.call(ctx, http.MethodPost, protocol.PathAdminTokens, nil, protocol.TokenRequest{Name: name}, &out)
	return out.Token, err
}

// Export returns everything the hub holds, as the JSON document it sends.
func (c *Client) Export(ctx context.Context) (json.RawMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var out json.RawMessage
	err := c.call(ctx, http.MethodGet, protocol.PathAdminExport, nil, nil, &out)
	return out, err
}

// Import hands the running hub a bundle a laptop wrote offline; the hub
// applies it as the device's pushes. Its deadline grows with the bundle: a
// second for each batch the hub stores, on top of the client's timeout.
// Repeating it is safe: the hub stores nothing twice.
func (c *Client) Import(ctx context.Context, b protocol.Bundle) (protocol.ImportResponse, error) {
	batches := (len(b.Entries) + protocol.MaxBatchEntries - 1) / protocol.MaxBatchEntries
	ctx, cancel := context.WithTimeout(ctx, c.timeout+time.Duration(batches)*time.Second)
	defer cancel()
	var out protocol.ImportResponse
	err := c.call(ctx, http.MethodPost, protocol.PathAdminImport, nil, b, &out)
	return out, err
}

// Publish hands the hub a checklist or profile for the laptops to pull.
func (c *Client) Publish(ctx context.Context, doc protocol.Document) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var none json.RawMessage
	return c.call(ctx, http.MethodPost, protocol.PathAdminPublish, nil, doc, &none)
}
