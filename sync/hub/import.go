package hub

import (
	"errors"
	"fmt"
	"net/http"

	"mach/sync/protocol"
)

// importBundle takes a bundle a laptop wrote offline (mach export --bundle)
// and applies it as that device's pushes, in batches of
// protocol.MaxBatchEntries through Storage.Push: the same checks, the same
// deduplication, so a bundle imported twice, or imported and then pushed by
// the laptop, is stored once.
//
// The bundle carries no token: the admin token is the trust, and the hub
// takes it only for a device it enrolled and did not revoke, writing that
// device's unit. The whole bundle is checked before anything is stored, so a
// bundle with one entry of another device or unit is refused (403) with
// nothing stored; a malformed one gets 400, a device unknown or revoked 403
// with CodeUnknownDevice.
func (a *admin) importBundle(w http.ResponseWriter, r *http.Request) {
	var b protocol.Bundle
	if !decodeBundle(w, r, &b) {
		return
	}
	switch {
	case b.Format != protocol.BundleFormat:
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest,
			fmt.Sprintf("format %q is not %s", b.Format, protocol.BundleFormat))
		return
	case b.Device == "":
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, "the bundle names no device")
		return
	case !unitCode.MatchString(b.Unit):
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, "the bundle's unit must be a 5-digit code")
		return
	}
	noteDevice(r, b.Device)
	dev, err := a.enrolled(b.Device)
	if errors.Is(err, ErrNotFound) {
		writeError(w, http.StatusForbidden, protocol.CodeUnknownDevice, err.Error())
		return
	}
	if err != nil {
		a.s.fail(w, r, err)
		return
	}
	if b.Unit != dev.Unit {
		writeError(w, http.StatusForbidden, protocol.CodeForbidden,
			fmt.Sprintf("the bundle is of unit %q, device %q writes unit %q", b.Unit, dev.ID, dev.Unit))
		return
	}
	if err := checkBundle(dev, b); err != nil {
		a.s.fail(w, r, err)
		return
	}
	resp, err := applyBundle(a.s.st, dev, b)
	if errors.Is(err, ErrGap) {
		writeJSON(w, http.StatusConflict, protocol.Error{Code: protocol.CodeGap, Message: err.Error(), Acked: &resp.Acked})
		return
	}
	if err != nil {
		a.s.fail(w, r, err)
		return
	}
	a.s.log.InfoContext(r.Context(), "bundle imported", "device", dev.ID, "unit", dev.Unit, "epoch", b.Epoch,
		"entries", resp.Entries, "new", resp.New, "acked", resp.Acked)
	writeJSON(w, http.StatusOK, resp)
}

// enrolled returns the device with id, or ErrNotFound when the hub never
// enrolled it or revoked it.
func (a *admin) enrolled(id string) (Device, error) {
	devs, err := a.s.st.Devices()
	if err != nil {
		return Device{}, err
	}
	for _, d := range devs {
		if d.ID != id {
			continue
		}
		if !d.Revoked.IsZero() {
			return Device{}, fmt.Errorf("%w: device %q was revoked", ErrNotFound, id)
		}
		return d, nil
	}
	return Device{}, fmt.Errorf("%w: device %q is not enrolled with this hub", ErrNotFound, id)
}

// checkBundle checks every entry as a push of dev would be checked, and that
// the seqs follow each other without gaps as an outbox's do: ErrForbidden
// for a record of another device or unit, ErrInvalid for anything
// malformed.
func checkBundle(dev Device, b protocol.Bundle) error {
	var prev uint64
	for i, e := range b.Entries {
		if err := checkEntry(dev.ID, dev.Unit, b.Epoch, prev, e); err != nil {
			return fmt.Errorf("bundle entry %d (seq %d): %w", i, e.Seq, err)
		}
		if i > 0 && e.Seq != prev+1 {
			return fmt.Errorf("%w: bundle entry %d: seq %d after %d, a bundle's seqs follow each other", ErrInvalid, i, e.Seq, prev)
		}
		prev = e.Seq
	}
	return nil
}

// applyBundle pushes b's entries for dev in batches and says what the hub
// holds afterwards. An empty push first reads what the hub held before, so
// that the answer can count what this import stored. Each batch is stored
// whole or not at all; on an error the response says what is held.
func applyBundle(st Storage, dev Device, b protocol.Bundle) (protocol.ImportResponse, error) {
	resp := protocol.ImportResponse{Device: dev.ID, Unit: dev.Unit, Epoch: b.Epoch, Entries: len(b.Entries)}
	held, err := st.Push(dev.ID, dev.Unit, protocol.PushRequest{Device: dev.ID, Epoch: b.Epoch})
	if err != nil {
		return resp, err
	}
	resp.Acked = held.Acked
	for start := 0; start < len(b.Entries); start += protocol.MaxBatchEntries {
		batch := b.Entries[start:min(start+protocol.MaxBatchEntries, len(b.Entries))]
		pr, err := st.Push(dev.ID, dev.Unit, protocol.PushRequest{Device: dev.ID, Epoch: b.Epoch, Entries: batch})
		resp.Acked = pr.Acked
		if err != nil {
			return resp, err
		}
	}
	for _, e := range b.Entries {
		if e.Seq > held.Acked && e.Seq <= resp.Acked {
			resp.New++
		}
	}
	return resp, nil
}

// maxBundleBytes is protocol.MaxBundleBytes; tests lower it.
var maxBundleBytes int64 = protocol.MaxBundleBytes

// decodeBundle reads one JSON value of at most maxBundleBytes into v, or
// answers 400 (with the reason) or 413 and returns false.
func decodeBundle(w http.ResponseWriter, r *http.Request, v *protocol.Bundle) bool {
	return decodeLimited(w, r, v, bodyRules{limit: maxBundleBytes, name: "bundle", expected: "a bundle", malformed: "bundle"})
}
