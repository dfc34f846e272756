package hub

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"go.etcd.io/bbolt"

	"mach/sync/protocol"
)

// codeAlphabet has no 0, O, 1 or I, which are misread over the phone. Its
// 32 letters give a code of codeLength 50 random bits.
const codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// codeLength is the number of letters in an enrolment code.
const codeLength = 10

// maxNameBytes bounds a device's name.
const maxNameBytes = 200

// codeRow is what the hub keeps of an enrolment code, under its hash.
type codeRow struct {
	Unit    string    `json:"unit"`
	Expires time.Time `json:"expires"`
	// Used is when the code was exchanged, and Device by whom.
	Used   time.Time `json:"used,omitzero"`
	Device string    `json:"device,omitempty"`
}

// NewCode makes a one-time code for unit, valid for ttl, grouped for reading
// aloud as "ABCD-EFGH-JK". Only its hash is stored.
func (b *Bolt) NewCode(unit string, ttl time.Duration) (string, error) {
	if err := CheckNewCode(unit, ttl); err != nil {
		return "", fmt.Errorf("new code: %w", err)
	}
	row, err := json.Marshal(codeRow{Unit: unit, Expires: b.now().Add(ttl).UTC()})
	if err != nil {
		return "", fmt.Errorf("new code: %w", err)
	}
	code, hash := NewEnrolmentCode()
	err = b.db.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bucketCodes).Put(hash, row) })
	if err != nil {
		return "", fmt.Errorf("new code: %w", err)
	}
	return code, nil
}

// normaliseCode turns a code as typed ("abcd efgh-jk") into its letters.
func normaliseCode(typed string) (string, bool) {
	var b strings.Builder
	for _, c := range strings.ToUpper(typed) {
		switch {
		case c == '-' || c == ' ' || c == '\t':
		case c < utf8.RuneSelf && strings.IndexByte(codeAlphabet, byte(c)) >= 0:
			b.WriteRune(c)
		default:
			return "", false
		}
	}
	return b.String(), b.Len() == codeLength
}

// Enroll exchanges a one-time code for a new device token, in one
// transaction: the code is marked used and the device (re)enrolled for the
// code's unit. A device enrolled again gets a new token and the old one
// stops working.
func (b *Bolt) Enroll(req protocol.EnrollRequest) (protocol.EnrollResponse, error) {
	codeHash, err := CheckEnroll(req)
	if err != nil {
		return protocol.EnrollResponse{}, fmt.Errorf("enroll: %w", err)
	}
	token, hash := newToken()
	now := b.now().UTC()
	var unit string
	err = b.db.Update(func(tx *bbolt.Tx) error {
		codes := tx.Bucket(bucketCodes)
		var c codeRow
		if err := getJSON(codes, codeHash, &c); errors.Is(err, errNoRow) {
			return fmt.Errorf("%w: unknown code", ErrBadCode)
		} else if err != nil {
			return err
		}
		switch {
		case !c.Used.IsZero():
			return fmt.Errorf("%w: the code was already used", ErrBadCode)
		case !now.Before(c.Expires):
			return fmt.Errorf("%w: the code expired at %s", ErrBadCode, c.Expires.Format(time.RFC3339))
		}
		c.Used, c.Device, unit = now, req.Device, c.Unit
		if err := putJSON(codes, codeHash, c); err != nil {
			return err
		}
		devices := tx.Bucket(bucketDevices)
		var old deviceRow
		switch err := getJSON(devices, []byte(req.Device), &old); {
		case err == nil:
			if err := tx.Bucket(bucketTokens).Delete(old.TokenHash); err != nil {
				return err
			}
		case !errors.Is(err, errNoRow):
			return err
		}
		dev := deviceRow{Device: Device{ID: req.Device, Unit: unit, Name: req.Name, Enrolled: now}, TokenHash: hash}
		if err := putJSON(devices, []byte(req.Device), dev); err != nil {
			return err
		}
		return putJSON(tx.Bucket(bucketTokens), hash, tokenRow{Role: RoleDevice, ID: req.Device})
	})
	if err != nil {
		return protocol.EnrollResponse{}, fmt.Errorf("enroll: %w", err)
	}
	return protocol.EnrollResponse{Token: token, Unit: unit}, nil
}

// validUnit reports whether unit is a 5-digit code.
func validUnit(unit string) bool {
	if len(unit) != 5 {
		return false
	}
	for _, c := range []byte(unit) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
