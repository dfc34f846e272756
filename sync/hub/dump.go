package hub

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"mach/sync/protocol"
	"mach/sync/record"
)

// Dumper takes what Bolt.Dump reads from a hub file, item by item, to copy
// it into another Storage that must answer the laptops as the file did:
// same tokens, same cursors, same seqs. An error stops the dump.
type Dumper interface {
	// Device is an enrolled device and the hash of its token.
	Device(d Device, tokenHash []byte) error
	// Token is a device's or a coordinator's token, by its hash.
	Token(t DumpedToken) error
	// Code is an enrolment code, by its hash.
	Code(c DumpedCode) error
	// Document is the latest published document of its kind.
	Document(d protocol.Document) error
	// Deadline is a section's due date.
	Deadline(d protocol.Deadline) error
	// Seen is when a device of unit last pulled.
	Seen(unit string, at time.Time) error
	// Version is a logged record version at its cursor, as the device sent
	// it; they come in cursor order.
	Version(cursor uint64, record json.RawMessage) error
	// Seq is a (device, epoch, seq) held, and the cursor of its version.
	Seq(s DumpedSeq) error
	// Acked is the highest contiguous seq held of a device's epoch.
	Acked(device string, epoch uint32, acked uint64) error
	// Sync is a push that stored records of unit, the log's cursor after
	// it, in (unit, time) order.
	Sync(unit string, cursor uint64, e protocol.SyncEvent) error
}

// DumpedToken is a token as the hub keeps it.
type DumpedToken struct {
	Hash []byte
	Role Role
	// ID is the device id for RoleDevice, the coordinator's name for
	// RoleCoordinator.
	ID      string
	Created time.Time
}

// DumpedCode is an enrolment code as the hub keeps it.
type DumpedCode struct {
	Hash    []byte
	Unit    string
	Expires time.Time
	// Used is when the code was exchanged, by Device; zero while unused.
	Used   time.Time
	Device string
}

// DumpedSeq is one (device, epoch, seq) the hub holds.
type DumpedSeq struct {
	Device string
	Epoch  uint32
	Seq    uint64
	// Cursor is where the seq's record version is logged, ID and Version
	// which version it is.
	Cursor  uint64
	ID      string
	Version record.Version
}

// Dump reads everything the hub file holds that another backend needs to
// answer as it does, from one consistent snapshot, into d. The summaries
// are left out: they are computed from the records again.
func (b *Bolt) Dump(d Dumper) error {
	err := b.db.View(func(tx *bbolt.Tx) error {
		for _, step := range []func(*bbolt.Tx, Dumper) error{dumpDevices, dumpTokens, dumpCodes, dumpDocuments,
			dumpDeadlines, dumpSeen, dumpLog, dumpSeqs, dumpAcked, dumpSyncs} {
			if err := step(tx, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("dump: %w", err)
	}
	return nil
}

func dumpDevices(tx *bbolt.Tx, d Dumper) error {
	return tx.Bucket(bucketDevices).ForEach(func(k, v []byte) error {
		var row deviceRow
		if err := json.Unmarshal(v, &row); err != nil {
			return fmt.Errorf("decode device %s: %w", k, err)
		}
		return d.Device(row.Device, row.TokenHash)
	})
}

func dumpTokens(tx *bbolt.Tx, d Dumper) error {
	return tx.Bucket(bucketTokens).ForEach(func(k, v []byte) error {
		var row tokenRow
		if err := json.Unmarshal(v, &row); err != nil {
			return fmt.Errorf("decode token %x: %w", k, err)
		}
		return d.Token(DumpedToken{Hash: bytes.Clone(k), Role: row.Role, ID: row.ID, Created: row.Created})
	})
}

func dumpCodes(tx *bbolt.Tx, d Dumper) error {
	return tx.Bucket(bucketCodes).ForEach(func(k, v []byte) error {
		var row codeRow
		if err := json.Unmarshal(v, &row); err != nil {
			return fmt.Errorf("decode code %x: %w", k, err)
		}
		return d.Code(DumpedCode{Hash: bytes.Clone(k), Unit: row.Unit, Expires: row.Expires, Used: row.Used, Device: row.Device})
	})
}

func dumpDocuments(tx *bbolt.Tx, d Dumper) error {
	return tx.Bucket(bucketDocuments).ForEach(func(k, v []byte) error {
		var doc protocol.Document
		if err := json.Unmarshal(v, &doc); err != nil {
			return fmt.Errorf("decode %s document: %w", k, err)
		}
		return d.Document(doc)
	})
}

func dumpDeadlines(tx *bbolt.Tx, d Dumper) error {
	return tx.Bucket(bucketDeadlines).ForEach(func(k, v []byte) error {
		var dl protocol.Deadline
		if err := json.Unmarshal(v, &dl); err != nil {
			return fmt.Errorf("decode deadline of %s: %w", k, err)
		}
		return d.Deadline(dl)
	})
}

func dumpSeen(tx *bbolt.Tx, d Dumper) error {
	return tx.Bucket(bucketSeen).ForEach(func(k, _ []byte) error { return d.Seen(string(k), seenIn(tx, string(k))) })
}

func dumpLog(tx *bbolt.Tx, d Dumper) error {
	return tx.Bucket(bucketLog).ForEach(func(k, v []byte) error {
		return d.Version(binary.BigEndian.Uint64(k), bytes.Clone(v))
	})
}

// seqKeyTail is what follows the device in a seqs key: 0, epoch, 0, seq.
const seqKeyTail = 1 + 4 + 1 + 8

// ulidLength is the length of a record id, which starts a versionKey.
const ulidLength = 26

func dumpSeqs(tx *bbolt.Tx, d Dumper) error {
	return tx.Bucket(bucketSeqs).ForEach(func(k, v []byte) error {
		if len(k) <= seqKeyTail || len(v) < 8+ulidLength+8 {
			return fmt.Errorf("seq key %x: bad length", k)
		}
		tail, vkey := k[len(k)-seqKeyTail:], v[8:]
		return d.Seq(DumpedSeq{Device: string(k[:len(k)-seqKeyTail]), Epoch: binary.BigEndian.Uint32(tail[1:5]),
			Seq: binary.BigEndian.Uint64(tail[6:]), Cursor: binary.BigEndian.Uint64(v),
			ID: string(vkey[:ulidLength]), Version: parseVersion(vkey[ulidLength:])})
	})
}

// ackedKeyTail is what follows the device in an acked key: 0, epoch.
const ackedKeyTail = 1 + 4

func dumpAcked(tx *bbolt.Tx, d Dumper) error {
	return tx.Bucket(bucketAcked).ForEach(func(k, v []byte) error {
		if len(k) <= ackedKeyTail || len(v) != 8 {
			return fmt.Errorf("acked key %x: bad length", k)
		}
		return d.Acked(string(k[:len(k)-ackedKeyTail]), binary.BigEndian.Uint32(k[len(k)-4:]), binary.BigEndian.Uint64(v))
	})
}

func dumpSyncs(tx *bbolt.Tx, d Dumper) error {
	return tx.Bucket(bucketSyncs).ForEach(func(k, v []byte) error {
		unit, rest, ok := bytes.Cut(k, []byte{0})
		if !ok || len(rest) != 16 || len(v) < 8 {
			return fmt.Errorf("sync key %x: bad length", k)
		}
		e := protocol.SyncEvent{Device: string(v[8:]), At: syncTime(rest), Records: int(binary.BigEndian.Uint64(v[:8]))}
		return d.Sync(string(unit), binary.BigEndian.Uint64(rest[8:]), e)
	})
}
