package hub

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// tokenRow is what a token's hash leads to.
type tokenRow struct {
	Role Role `json:"role"`
	// ID is the device id for RoleDevice, the coordinator's name for
	// RoleCoordinator.
	ID      string    `json:"id"`
	Created time.Time `json:"created,omitzero"`
}

// deviceRow is an enrolled device and the hash of its token.
type deviceRow struct {
	Device
	TokenHash []byte `json:"token_hash"`
}

// errNoRow means a key is missing.
var errNoRow = errors.New("no such row")

// newToken makes a random 256-bit token, base64url, and its SHA-256.
func newToken() (token string, hash []byte) {
	raw := make([]byte, 32)
	_, _ = rand.Read(raw) // crypto/rand.Read never fails
	token = base64.RawURLEncoding.EncodeToString(raw)
	return token, hashToken(token)
}

// hashToken is what the hub keeps of a token.
func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// Authenticate finds whose token this is. A revoked device's token, an
// unknown one or an empty one gives ErrUnauthorized.
func (b *Bolt) Authenticate(token string) (Identity, error) {
	if token == "" {
		return Identity{}, ErrUnauthorized
	}
	hash := hashToken(token)
	var id Identity
	err := b.db.View(func(tx *bbolt.Tx) error {
		var t tokenRow
		if err := getJSON(tx.Bucket(bucketTokens), hash, &t); errors.Is(err, errNoRow) {
			return ErrUnauthorized
		} else if err != nil {
			return err
		}
		if t.Role == RoleCoordinator {
			id = Identity{Role: RoleCoordinator, Name: t.ID}
			return nil
		}
		var d deviceRow
		if err := getJSON(tx.Bucket(bucketDevices), []byte(t.ID), &d); errors.Is(err, errNoRow) {
			return ErrUnauthorized
		} else if err != nil {
			return err
		}
		if !d.Revoked.IsZero() || subtle.ConstantTimeCompare(d.TokenHash, hash) != 1 {
			return ErrUnauthorized
		}
		id = Identity{Role: RoleDevice, Device: d.ID, Unit: d.Unit, Name: d.Name}
		return nil
	})
	return id, err
}

// NewCoordinatorToken makes a token for the coordinator name; only its hash
// is stored.
func (b *Bolt) NewCoordinatorToken(name string) (string, error) {
	if name == "" || len(name) > maxNameBytes {
		return "", fmt.Errorf("new coordinator token: %w: a name of 1 to %d bytes is needed", ErrInvalid, maxNameBytes)
	}
	token, hash := newToken()
	err := b.db.Update(func(tx *bbolt.Tx) error {
		return putJSON(tx.Bucket(bucketTokens), hash, tokenRow{Role: RoleCoordinator, ID: name, Created: b.now().UTC()})
	})
	if err != nil {
		return "", fmt.Errorf("new coordinator token: %w", err)
	}
	return token, nil
}

// Devices lists the enrolled devices by id, revoked ones included.
func (b *Bolt) Devices() ([]Device, error) {
	var list []Device
	err := b.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketDevices).ForEach(func(k, v []byte) error {
			var d deviceRow
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("decode device %s: %w", k, err)
			}
			list = append(list, d.Device)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list devices: %w", err)
	}
	return list, nil
}

// Revoke ends a device's token; revoking it again changes nothing.
func (b *Bolt) Revoke(device string) error {
	err := b.db.Update(func(tx *bbolt.Tx) error {
		devices := tx.Bucket(bucketDevices)
		var d deviceRow
		if err := getJSON(devices, []byte(device), &d); errors.Is(err, errNoRow) {
			return fmt.Errorf("%w: %q", ErrNotFound, device)
		} else if err != nil {
			return err
		}
		if !d.Revoked.IsZero() {
			return nil
		}
		d.Revoked = b.now().UTC()
		if err := tx.Bucket(bucketTokens).Delete(d.TokenHash); err != nil {
			return err
		}
		return putJSON(devices, []byte(device), d)
	})
	if err != nil {
		return fmt.Errorf("revoke: %w", err)
	}
	return nil
}

// getJSON decodes the value at key into v; errNoRow when it is missing.
func getJSON(b *bbolt.Bucket, key []byte, v any) error {
	data := b.Get(key)
	if data == nil {
		return errNoRow
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode row %q: %w", key, err)
	}
	return nil
}

// putJSON stores v as JSON at key.
func putJSON(b *bbolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	return b.Put(key, data)
}
