package store

import (
	"fmt"
	"strconv"
	"time"

	"go.etcd.io/bbolt"
)

// Meta keys of the sync state: where the hub is, how to trust it, the
// device's token, and how far the device has got with it.
const (
	// MetaHub is the hub's URL.
	MetaHub = "hub"
	// MetaToken is the device token the hub gave at enrolment. It is a
	// secret: MetaAll and Export leave it out and nothing logs it.
	MetaToken = "token"
	// MetaHubFingerprint is the SHA-256 fingerprint of the hub's certificate
	// that the officer confirmed at enrolment, when the hub is pinned.
	MetaHubFingerprint = "hub_fingerprint"
	// MetaHubCA is the path of a CA file that signs the hub's certificate.
	MetaHubCA = "hub_ca"
	// MetaPullCursor is the hub-assigned position of the last record pulled.
	MetaPullCursor = "pull_cursor"
	// MetaAckedClock is the highest clock reading of the device's own
	// versions whose outbox entries the hub acknowledged (see Check).
	MetaAckedClock = "acked_clock"
	// MetaLastSync is when the last sync succeeded (RFC 3339).
	MetaLastSync = "last_sync"
	// MetaLastAttempt is when the last sync ended, well or not (RFC 3339).
	MetaLastAttempt = "last_attempt"
	// MetaLastError is a short code saying why the last sync failed; empty
	// after a success.
	MetaLastError = "last_error"
)

// metaAcked returns the meta key holding the highest contiguous seq of epoch
// the hub has acknowledged.
func metaAcked(epoch uint32) string { return "acked." + strconv.FormatUint(uint64(epoch), 10) }

// secretMeta lists the meta keys that never leave the file.
var secretMeta = map[string]bool{MetaToken: true}

// Hub is what enrolment leaves on the device: the hub's address, the token,
// and how to trust the hub's certificate (system roots when both Fingerprint
// and CAFile are empty).
type Hub struct {
	// URL is the hub's base URL.
	URL string
	// Token is the device token (a secret).
	Token string
	// Fingerprint is the pinned SHA-256 of the hub's certificate.
	Fingerprint string
	// CAFile is the path of the CA that signs the hub's certificate.
	CAFile string
}

// SyncState is the device's sync state, for the status line and `mach sync`.
type SyncState struct {
	// Hub is where the device syncs; Hub.URL is empty before enrolment.
	Hub Hub
	// LastSuccess is when a sync last succeeded; zero if never.
	LastSuccess time.Time
	// LastAttempt is when a sync last ended; zero if never.
	LastAttempt time.Time
	// LastError is a short code saying why the last sync failed; empty when
	// it succeeded.
	LastError string
	// Pending counts outbox entries the hub has not acknowledged.
	Pending int
	// Cursor is the pull cursor.
	Cursor uint64
}

// SetHub records the result of enrolment. Enrolling with another hub starts
// pulling from the beginning, since cursors belong to one hub.
func (s *Store) SetHub(h Hub) error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if old := meta.Get([]byte(MetaHub)); old != nil && string(old) != h.URL {
			if err := meta.Put([]byte(MetaPullCursor), []byte("0")); err != nil {
				return fmt.Errorf("write meta %s: %w", MetaPullCursor, err)
			}
		}
		return putMeta(meta, map[string]string{
			MetaHub: h.URL, MetaToken: h.Token, MetaHubFingerprint: h.Fingerprint, MetaHubCA: h.CAFile,
		})
	})
}

// SetSyncOutcome records how a sync ended at time at: code is empty for a
// success, else a short code saying why it failed.
func (s *Store) SetSyncOutcome(at time.Time, code string) error {
	stamp := at.UTC().Format(time.RFC3339Nano)
	m := map[string]string{MetaLastAttempt: stamp, MetaLastError: code}
	if code == "" {
		m[MetaLastSync] = stamp
	}
	return s.db.Update(func(tx *bbolt.Tx) error { return putMeta(tx.Bucket(bucketMeta), m) })
}

// SyncState reads the sync state in one transaction.
func (s *Store) SyncState() (SyncState, error) {
	var st SyncState
	err := s.db.View(func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		get := func(k string) string { return string(meta.Get([]byte(k))) }
		st.Hub = Hub{URL: get(MetaHub), Token: get(MetaToken), Fingerprint: get(MetaHubFingerprint), CAFile: get(MetaHubCA)}
		st.LastError = get(MetaLastError)
		st.LastSuccess, _ = time.Parse(time.RFC3339Nano, get(MetaLastSync))
		st.LastAttempt, _ = time.Parse(time.RFC3339Nano, get(MetaLastAttempt))
		pos, err := readPosition(meta)
		if err != nil {
			return err
		}
		st.Pending = int(pos.seq - pos.acked)
		st.Cursor, err = metaUint(meta, MetaPullCursor)
		return err
	})
	return st, err
}

// position is where the device's outbox stands: its epoch, the last seq
// written in it and the highest seq of it the hub acknowledged.
type position struct {
	epoch      uint32
	seq, acked uint64
}

func readPosition(meta *bbolt.Bucket) (position, error) {
	epoch, err := metaInt(meta, MetaEpoch)
	if err != nil {
		return position{}, err
	}
	seq, err := metaInt(meta, MetaSeq)
	if err != nil {
		return position{}, err
	}
	p := position{epoch: uint32(epoch), seq: uint64(seq)}
	p.acked, err = metaUint(meta, metaAcked(p.epoch))
	return p, err
}

// metaUint reads an unsigned meta value, 0 when unset.
func metaUint(meta *bbolt.Bucket, key string) (uint64, error) {
	v := meta.Get([]byte(key))
	if v == nil {
		return 0, nil
	}
	n, err := strconv.ParseUint(string(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: meta %s is %q", ErrNotDataFile, key, v)
	}
	return n, nil
}

func putMeta(meta *bbolt.Bucket, m map[string]string) error {
	for k, v := range m {
		if err := meta.Put([]byte(k), []byte(v)); err != nil {
			return fmt.Errorf("write meta %s: %w", k, err)
		}
	}
	return nil
}
