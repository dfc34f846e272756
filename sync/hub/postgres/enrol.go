package postgres

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"mach/sync/hub"
	"mach/sync/protocol"
)

// NewCode makes a one-time code for unit, valid for ttl; only its hash is
// stored.
func (s *Store) NewCode(unit string, ttl time.Duration) (string, error) {
	if err := hub.CheckNewCode(unit, ttl); err != nil {
		return "", fmt.Errorf("new code: %w", err)
	}
	code, hash := hub.NewEnrolmentCode()
	ctx, cancel := s.call()
	defer cancel()
	err := retry(ctx, func() error {
		_, err := s.pool.Exec(ctx, `INSERT INTO codes (hash, unit, expires) VALUES ($1, $2, $3)`, hash, unit, s.now().Add(ttl).UTC())
		return err
	})
	if err != nil {
		return "", fmt.Errorf("new code: %w", err)
	}
	return code, nil
}

// Enroll exchanges a one-time code for a new device token, in one
// transaction that locks the code's row: the code is marked used and the
// device (re)enrolled for the code's unit. A device enrolled again gets a
// new token and the old one stops working.
func (s *Store) Enroll(req protocol.EnrollRequest) (protocol.EnrollResponse, error) {
	codeHash, err := hub.CheckEnroll(req)
	if err != nil {
		return protocol.EnrollResponse{}, fmt.Errorf("enroll: %w", err)
	}
	token, hash := hub.NewToken()
	now := s.now().UTC()
	ctx, cancel := s.call()
	defer cancel()
	var unit string
	err = s.write(ctx, func(tx pgx.Tx) error {
		var expires time.Time
		var used *time.Time
		err := tx.QueryRow(ctx, `SELECT unit, expires, used FROM codes WHERE hash = $1 FOR UPDATE`, codeHash).
			Scan(&unit, &expires, &used)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return fmt.Errorf("%w: unknown code", hub.ErrBadCode)
		case err != nil:
			return err
		case used != nil:
			return fmt.Errorf("%w: the code was already used", hub.ErrBadCode)
		case !now.Before(expires):
			return fmt.Errorf("%w: the code expired at %s", hub.ErrBadCode, expires.UTC().Format(time.RFC3339))
		}
		if _, err := tx.Exec(ctx, `UPDATE codes SET used = $2, device = $3 WHERE hash = $1`, codeHash, now, req.Device); err != nil {
			return err
		}
		// The device's old token, if any, stops working.
		_, err = tx.Exec(ctx, `DELETE FROM tokens WHERE hash = (SELECT token_hash FROM devices WHERE id = $1 FOR UPDATE)`, req.Device)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO devices (id, unit, name, enrolled, revoked, token_hash) VALUES ($1, $2, $3, $4, NULL, $5)
			ON CONFLICT (id) DO UPDATE SET unit = excluded.unit, name = excluded.name, enrolled = excluded.enrolled,
				revoked = NULL, token_hash = excluded.token_hash`, req.Device, unit, req.Name, now, hash)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO tokens (hash, role, id) VALUES ($1, $2, $3)`, hash, string(hub.RoleDevice), req.Device)
		return err
	})
	if err != nil {
		return protocol.EnrollResponse{}, fmt.Errorf("enroll: %w", err)
	}
	return protocol.EnrollResponse{Token: token, Unit: unit}, nil
}

// Authenticate finds whose token this is, in one statement. A revoked
// device's token, an unknown one or an empty one gives
// hub.ErrUnauthorized.
func (s *Store) Authenticate(token string) (hub.Identity, error) {
	if token == "" {
		return hub.Identity{}, hub.ErrUnauthorized
	}
	hash := hub.HashToken(token)
	ctx, cancel := s.call()
	defer cancel()
	var role, id string
	var unit, name *string
	var revoked *time.Time
	var held []byte
	err := retry(ctx, func() error {
		return s.pool.QueryRow(ctx, `SELECT t.role, t.id, d.unit, d.name, d.revoked, d.token_hash
			FROM tokens t LEFT JOIN devices d ON t.role = 'device' AND d.id = t.id WHERE t.hash = $1`, hash).
			Scan(&role, &id, &unit, &name, &revoked, &held)
	})
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return hub.Identity{}, hub.ErrUnauthorized
	case err != nil:
		return hub.Identity{}, fmt.Errorf("authenticate: %w", err)
	case hub.Role(role) == hub.RoleCoordinator:
		return hub.Identity{Role: hub.RoleCoordinator, Name: id}, nil
	case unit == nil || revoked != nil || subtle.ConstantTimeCompare(held, hash) != 1:
		return hub.Identity{}, hub.ErrUnauthorized
	}
	return hub.Identity{Role: hub.RoleDevice, Device: id, Unit: *unit, Name: *name}, nil
}

// NewCoordinatorToken makes a token for the coordinator name; only its
// hash is stored.
func (s *Store) NewCoordinatorToken(name string) (string, error) {
	if name == "" || len(name) > hub.MaxNameBytes {
		return "", fmt.Errorf("new coordinator token: %w: a name of 1 to %d bytes is needed", hub.ErrInvalid, hub.MaxNameBytes)
	}
	token, hash := hub.NewToken()
	ctx, cancel := s.call()
	defer cancel()
	err := retry(ctx, func() error {
		_, err := s.pool.Exec(ctx, `INSERT INTO tokens (hash, role, id, created) VALUES ($1, $2, $3, $4)`,
			hash, string(hub.RoleCoordinator), name, s.now().UTC())
		return err
	})
	if err != nil {
		return "", fmt.Errorf("new coordinator token: %w", err)
	}
	return token, nil
}

// Devices lists the enrolled devices by id, revoked ones included.
func (s *Store) Devices() ([]hub.Device, error) {
	ctx, cancel := s.call()
	defer cancel()
	var list []hub.Device
	err := retry(ctx, func() error {
		var err error
		list, err = devicesIn(ctx, s.pool, "")
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list devices: %w", err)
	}
	return list, nil
}

// devicesIn lists the devices by id: those of unit, or all when unit is
// empty; nil when there are none.
func devicesIn(ctx context.Context, q querier, unit string) ([]hub.Device, error) {
	rows, err := q.Query(ctx, `SELECT id, unit, name, enrolled, revoked FROM devices
		WHERE $1 = '' OR unit = $1 ORDER BY id`, unit)
	if err != nil {
		return nil, err
	}
	var list []hub.Device
	var d hub.Device
	var revoked *time.Time
	_, err = pgx.ForEachRow(rows, []any{&d.ID, &d.Unit, &d.Name, &d.Enrolled, &revoked}, func() error {
		d.Enrolled, d.Revoked = d.Enrolled.UTC(), time.Time{}
		if revoked != nil {
			d.Revoked = revoked.UTC()
		}
		list = append(list, d)
		return nil
	})
	return list, err
}

// Revoke ends a device's token; revoking it again changes nothing.
func (s *Store) Revoke(device string) error {
	ctx, cancel := s.call()
	defer cancel()
	err := s.write(ctx, func(tx pgx.Tx) error {
		var revoked *time.Time
		var hash []byte
		err := tx.QueryRow(ctx, `SELECT revoked, token_hash FROM devices WHERE id = $1 FOR UPDATE`, device).Scan(&revoked, &hash)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return fmt.Errorf("%w: %q", hub.ErrNotFound, device)
		case err != nil || revoked != nil:
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE devices SET revoked = $2 WHERE id = $1`, device, s.now().UTC()); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM tokens WHERE hash = $1`, hash)
		return err
	})
	if err != nil {
		return fmt.Errorf("revoke: %w", err)
	}
	return nil
}
