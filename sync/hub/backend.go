package hub

import (
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"time"
	"unicode/utf8"

	"mach/sync/protocol"
	"mach/sync/record"
)

// What another Storage backend (sync/hub/postgres) shares with Bolt, so
// that both check, hash and encode alike and answer with the same errors.

// MaxNameBytes bounds a device's or a coordinator's name.
const MaxNameBytes = maxNameBytes

// CheckPush validates a whole batch as Bolt.Push does before storing
// anything: ErrTooLarge, ErrForbidden or ErrInvalid with the reason.
func CheckPush(device, unit string, req protocol.PushRequest) error {
	return checkPush(device, unit, req)
}

// CheckWrite validates a record the hub made as Bolt.Write does:
// ErrInvalid with the reason.
func CheckWrite(r record.Record) error { return checkWrite(r) }

// CheckNewCode validates the unit and validity of a new enrolment code, as
// Bolt.NewCode does: ErrInvalid with the reason.
func CheckNewCode(unit string, ttl time.Duration) error {
	if !validUnit(unit) {
		return fmt.Errorf("%w: unit %q is not a 5-digit code", ErrInvalid, unit)
	}
	if ttl <= 0 {
		return fmt.Errorf("%w: validity %v is not positive", ErrInvalid, ttl)
	}
	return nil
}

// NewEnrolmentCode makes a one-time code, grouped for reading aloud as
// "ABCD-EFGH-JK", and the hash under which it is kept, as Bolt.NewCode
// does.
func NewEnrolmentCode() (code string, hash []byte) {
	raw := make([]byte, codeLength)
	_, _ = rand.Read(raw) // crypto/rand.Read never fails
	for i, c := range raw {
		raw[i] = codeAlphabet[int(c)%len(codeAlphabet)] // 256 is a multiple of 32: uniform
	}
	sum := sha256.Sum256(raw)
	return string(raw[:4]) + "-" + string(raw[4:8]) + "-" + string(raw[8:]), sum[:]
}

// CheckEnroll validates an enrolment request as Bolt.Enroll does and
// returns the hash under which its code is kept: ErrInvalid for a device
// id or name refused, ErrBadCode for a code that cannot be one.
func CheckEnroll(req protocol.EnrollRequest) (codeHash []byte, err error) {
	if !record.ValidID(req.Device) {
		return nil, fmt.Errorf("%w: device id %q is not a ULID", ErrInvalid, req.Device)
	}
	if len(req.Name) > maxNameBytes || !utf8.ValidString(req.Name) {
		return nil, fmt.Errorf("%w: the name is not UTF-8 of at most %d bytes", ErrInvalid, maxNameBytes)
	}
	code, ok := normaliseCode(req.Code)
	if !ok {
		return nil, fmt.Errorf("%w: %d letters from A-Z and 2-9 without I and O expected", ErrBadCode, codeLength)
	}
	sum := sha256.Sum256([]byte(code))
	return sum[:], nil
}

// NewToken makes a random 256-bit token, base64url, and the hash under
// which it is kept.
func NewToken() (token string, hash []byte) { return newToken() }

// HashToken is the hash under which a token is kept.
func HashToken(token string) []byte { return hashToken(token) }

// SummaryFormat is the first byte of the rows EncodeSummary writes: a kept
// row that starts otherwise is of an older layout, to be computed again.
const SummaryFormat = summaryFormat

// EncodeSummary writes the part of a unit's summary that its records
// decide (all but Code, Name, Devices, Flags and Overdue) as the compact
// row Bolt keeps.
func EncodeSummary(s protocol.UnitSummary) []byte { return encodeSummary(s) }

// DecodeSummary reads what EncodeSummary wrote, as unit's summary; an
// error means a row of another layout, to be computed again.
func DecodeSummary(unit string, data []byte) (protocol.UnitSummary, error) {
	return decodeSummary(unit, data)
}
