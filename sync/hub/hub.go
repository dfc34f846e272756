// Package hub is the province hub: its storage of every record the laptops
// push, the enrolment of devices, and the HTTP API the laptops talk to.
//
// Storage is a small interface so that a PostgreSQL backend can stand in for
// the bbolt one (Bolt) in a national deployment without touching the
// protocol. The hub never resolves conflicts: it keeps every distinct
// version of a record and hands them to the laptops, which do. It never
// logs or stores a token or an enrolment code in the clear.
package hub

import (
	"encoding/json"
	"errors"
	"io"
	"time"

	"mach/sync/protocol"
	"mach/sync/record"
)

// Storage is what the hub keeps: records and their log, the dedup indexes,
// devices, enrolment codes and coordinator tokens. Every method is safe for
// concurrent use; every write is one transaction, applied whole or not at
// all.
type Storage interface {
	// Push stores a batch of device's outbox entries for unit and answers
	// with the highest contiguous seq held of the batch's epoch. A replayed
	// batch stores nothing and gets the same answer. It fails with
	// ErrInvalid, ErrForbidden or ErrTooLarge having stored nothing, and
	// with ErrGap, carrying what is held in the response, when the batch
	// does not start at Acked+1, or ErrEpochReused when a seq held comes
	// with another record version.
	// raw, when given, are the entries' records as the device sent them,
	// one per entry, kept as they are rather than encoded again.
	Push(device, unit string, req protocol.PushRequest, raw ...json.RawMessage) (protocol.PushResponse, error)
	// Pull returns up to limit records of unit written by devices other
	// than device, logged after the cursor after (MaxPullRecords when
	// limit is not in 1..MaxPullRecords).
	Pull(device, unit string, after uint64, limit int) (protocol.PullResponse, error)
	// Seen notes that a device of unit pulled at time at, so that a unit
	// whose laptops sync without changes is not taken for stale. It writes
	// at most once per SeenResolution for a unit.
	Seen(unit string, at time.Time) error
	// Current calls fn with the latest version (by Version.Compare) of
	// every record of unit, tombstones included, in (kind, id) order.
	Current(unit string, fn func(record.Record) error) error
	// Write keeps r, a record the hub itself made (a coordinator's review,
	// r.Device is record.HubDevice), in its unit's log where the laptops
	// pull it, in one transaction. A record whose id is held already
	// stores nothing and answers false, so that a retry changes nothing.
	Write(r record.Record) (stored bool, err error)
	// History returns every version held of the record id of unit, oldest
	// first (by Version.Compare); none when no such record is held.
	History(unit, id string) ([]record.Record, error)

	// NewCode makes a one-time enrolment code for unit, valid for ttl.
	NewCode(unit string, ttl time.Duration) (string, error)
	// Enroll exchanges a code for a device token. The answer's Province is
	// left for the server to fill in.
	Enroll(req protocol.EnrollRequest) (protocol.EnrollResponse, error)
	// Devices lists the enrolled devices, revoked ones included.
	Devices() ([]Device, error)
	// Revoke ends a device's token; it fails with ErrNotFound for an
	// unknown device.
	Revoke(device string) error
	// NewCoordinatorToken makes a token for the coordinator's views and
	// exports.
	NewCoordinatorToken(name string) (string, error)
	// Authenticate says whose token this is; ErrUnauthorized when it is
	// unknown or revoked.
	Authenticate(token string) (Identity, error)

	// Publish keeps doc as the latest of its kind for the laptops to pull;
	// it fails with ErrInvalid when the version held is not below doc's.
	// The caller checks that doc parses.
	Publish(doc protocol.Document) error
	// Documents returns the latest document of each kind published.
	Documents() ([]protocol.Document, error)

	// Summaries returns the dashboard row of each unit of units, in that
	// order, as of now (names left empty): a unit a push changed is never
	// answered from before that push.
	Summaries(units []string) ([]protocol.UnitSummary, error)
	// UnitDetail returns one unit's summary, current records and latest
	// pushes.
	UnitDetail(unit string) (protocol.UnitDetail, error)
	// Deadlines lists the sections' due dates, in checklist order.
	Deadlines() ([]protocol.Deadline, error)
	// SetDeadline sets a section's due date, or clears it when Due is zero;
	// ErrInvalid for a section the checklist does not have.
	SetDeadline(d protocol.Deadline) error

	// Export writes everything held as one JSON document, record by record:
	// of every unit, or of unit alone when it is not empty.
	Export(w io.Writer, unit string) error
	// Close releases the storage.
	Close() error
}

// Role says what a token may do.
type Role string

// Roles of a token.
const (
	// RoleDevice pushes and pulls the records of its one unit.
	RoleDevice Role = "device"
	// RoleCoordinator reads everything: the dashboard and exports.
	RoleCoordinator Role = "coordinator"
)

// Identity is who a token belongs to.
type Identity struct {
	Role Role
	// Device is the device id, for RoleDevice.
	Device string
	// Unit is the unit the device may write, for RoleDevice.
	Unit string
	// Name is the device's or the coordinator's name.
	Name string
}

// Device is an enrolled laptop, as the coordinator's list shows it.
type Device struct {
	ID       string    `json:"id"`
	Unit     string    `json:"unit"`
	Name     string    `json:"name,omitempty"`
	Enrolled time.Time `json:"enrolled"`
	// Revoked is when the device's token was ended; zero while it works.
	Revoked time.Time `json:"revoked,omitzero"`
}

// Sentinel errors; the HTTP API turns each into its status and code.
var (
	// ErrLocked means another process (another hub) has the data file open.
	ErrLocked = errors.New("the hub's data file is open in another process")
	// ErrNewerSchema means the data file was written by a newer mach.
	ErrNewerSchema = errors.New("the hub's data file was written by a newer mach")
	// ErrInvalid means a malformed request: the message says what is wrong.
	ErrInvalid = errors.New("invalid request")
	// ErrForbidden means records of another device or unit.
	ErrForbidden = errors.New("forbidden")
	// ErrTooLarge means a batch over protocol.MaxBatchEntries.
	ErrTooLarge = errors.New("batch too large")
	// ErrGap means a batch that does not start right after what is held.
	ErrGap = errors.New("batch does not follow what the hub holds")
	// ErrEpochReused means a (device, epoch, seq) the hub holds with another
	// record version: the device's file was restored from an old copy and
	// wrote on without starting a new epoch.
	ErrEpochReused = errors.New("the hub holds these seqs of the epoch with other records: start a new epoch")
	// ErrBadCode means an enrolment code unknown, used or expired.
	ErrBadCode = errors.New("enrolment code refused")
	// ErrUnauthorized means no token, or an unknown or revoked one.
	ErrUnauthorized = errors.New("unknown or revoked token")
	// ErrNotFound means no device has that id.
	ErrNotFound = errors.New("no such device")
	// ErrUnknownUnit means a code that is not a unit of the hub's province.
	ErrUnknownUnit = errors.New("no such unit in the province")
)
