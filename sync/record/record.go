// Package record defines the unit of storage and sync: a Record, its hybrid
// logical clock Version and the outbox Entry that carries it to the hub.
//
// It is pure data and ordering logic; it must not do any I/O.
package record

import (
	"encoding/json"
	"time"
)

// Kinds of record. Rows of checklist tables use the table's kind.
const (
	KindAnswer     = "answer"
	KindUnit       = "unit"
	KindEquipment  = "equipment"
	KindFormedFrom = "formed_from"
	KindCheckRun   = "check-run"
)

// HubDevice is the Device of the records the hub itself writes, such as a
// coordinator's review; no laptop has that id, laptops' ids are ULIDs.
const HubDevice = "hub"

// Record is one answer, table row or check run, as saved on a device and
// synced to the hub.
type Record struct {
	// ID is a ULID made by the device that created the record.
	ID string `json:"id"`
	// Kind says what the body holds (answer, equipment, account, …).
	Kind string `json:"kind"`
	// Unit is the 5-digit code of the commune or ward the record belongs to.
	Unit string `json:"unit"`
	// Body is the record's content as JSON.
	Body json.RawMessage `json:"body"`
	// Version orders the edits of this record.
	Version Version `json:"version"`
	// Base is the version this edit was made on; zero for a new record.
	Base Version `json:"base"`
	// Device is the id of the device that made this version.
	Device string `json:"device"`
	// Author is the officer who made this version, as they gave their name.
	Author string `json:"author,omitempty"`
	// Deleted marks a tombstone: the record was deleted.
	Deleted bool `json:"deleted,omitempty"`
	// Resolves lists the concurrent versions this edit settles: an
	// officer's choice between conflicting versions. A device holding any
	// of them takes this version as their successor.
	Resolves []Version `json:"resolves,omitempty"`
	// Saved is the device's wall-clock time of the edit, for display only;
	// it never orders records across devices.
	Saved time.Time `json:"saved"`
}

// Entry is one outbox entry: a version of a record waiting to reach the hub,
// numbered by (device, epoch, seq).
type Entry struct {
	// Epoch changes when a device's file is restored from an old copy.
	Epoch uint32 `json:"epoch"`
	// Seq numbers the device's writes within an epoch, from 1, without gaps.
	Seq uint64 `json:"seq"`
	// Record is the version written.
	Record Record `json:"record"`
}
