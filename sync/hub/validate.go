package hub

import (
	"fmt"
	"unicode"
	"unicode/utf8"

	segjson "github.com/segmentio/encoding/json"

	"mach/sync/protocol"
	"mach/sync/record"
)

// maxKindBytes bounds a record's kind, which is part of a storage key.
const maxKindBytes = 100

// checkPush validates a whole batch before anything is stored: a batch with
// one bad entry is refused whole. Records of another device or unit give
// ErrForbidden; anything malformed gives ErrInvalid with the reason.
func checkPush(device, unit string, req protocol.PushRequest) error {
	if len(req.Entries) > protocol.MaxBatchEntries {
		return fmt.Errorf("%w: %d entries, at most %d in one push", ErrTooLarge, len(req.Entries), protocol.MaxBatchEntries)
	}
	if req.Device != device {
		return fmt.Errorf("%w: the batch is device %q's, the token is device %q's", ErrForbidden, req.Device, device)
	}
	var prev uint64
	for i, e := range req.Entries {
		if err := checkEntry(device, unit, req.Epoch, prev, e); err != nil {
			return fmt.Errorf("entry %d (seq %d): %w", i, e.Seq, err)
		}
		prev = e.Seq
	}
	return nil
}

// checkEntry validates one entry that follows the seq prev (0 for a batch's
// first entry). A batch's seqs follow each other without gaps, as a device's
// outbox numbers them, so the hub never holds a seq above the highest
// contiguous one.
func checkEntry(device, unit string, epoch uint32, prev uint64, e record.Entry) error {
	r := e.Record
	switch {
	case e.Epoch != epoch:
		return fmt.Errorf("%w: epoch %d in a batch of epoch %d", ErrInvalid, e.Epoch, epoch)
	case e.Seq == 0:
		return fmt.Errorf("%w: seq 0, seqs start at 1", ErrInvalid)
	case prev != 0 && e.Seq != prev+1:
		return fmt.Errorf("%w: seq %d after %d, a batch's seqs follow each other", ErrInvalid, e.Seq, prev)
	case r.Device != device:
		return fmt.Errorf("%w: record of device %q pushed by device %q", ErrForbidden, r.Device, device)
	case r.Unit != unit:
		return fmt.Errorf("%w: record of unit %q, this device writes unit %q", ErrForbidden, r.Unit, unit)
	case !record.ValidID(r.ID):
		return fmt.Errorf("%w: record id %q is not a ULID", ErrInvalid, r.ID)
	case !validKind(r.Kind):
		return fmt.Errorf("%w: record kind %q is empty, too long or not printable", ErrInvalid, r.Kind)
	case !segjson.Valid(r.Body):
		return fmt.Errorf("%w: record body is not JSON", ErrInvalid)
	case r.Version.Time <= 0 || r.Version.Device != device:
		return fmt.Errorf("%w: version %v is not one device %q made", ErrInvalid, r.Version, device)
	}
	return nil
}

// validKind reports whether kind is printable UTF-8 of 1 to maxKindBytes.
func validKind(kind string) bool {
	if kind == "" || len(kind) > maxKindBytes || !utf8.ValidString(kind) {
		return false
	}
	for _, c := range kind {
		if !unicode.IsPrint(c) {
			return false
		}
	}
	return true
}
