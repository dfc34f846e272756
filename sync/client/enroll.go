package client

import (
	"context"
	"net/http"

	"mach/sync/protocol"
)

// Enroll exchanges a one-time enrolment code for a device token, trusting the
// hub as Options say (a pinned fingerprint, a CA file or the system roots).
// device is the store's device id and name describes the laptop. A refused
// code fails with ErrBadCode. The caller keeps the answer in the store
// (store.SetHub and the unit).
func (c *Client) Enroll(ctx context.Context, code, device, name string) (protocol.EnrollResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var resp protocol.EnrollResponse
	err := c.call(ctx, http.MethodPost, protocol.PathEnroll, nil,
		protocol.EnrollRequest{Code: code, Device: device, Name: name}, &resp)
	if err != nil {
		return protocol.EnrollResponse{}, err
	}
	c.log.Info("enrolled", "hub", c.base, "unit", resp.Unit, "province", resp.Province)
	return resp, nil
}
