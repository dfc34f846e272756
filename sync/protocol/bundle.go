package protocol

import (
	"time"

	"mach/sync/record"
)

// Offline transfer: a laptop that cannot reach the hub writes what the hub
// has not acknowledged to a bundle file ("mach export --bundle FILE"); an
// officer carries it to the province, where the coordinator hands it to the
// running hub ("mach hub import FILE") through PathAdminImport. The hub
// applies it as the device's pushes, with the same checks and the same
// deduplication, so importing a bundle twice, or importing it and then
// syncing the laptop, stores nothing twice.
//
// A bundle carries no token. The hub takes one only through the admin route,
// whose token is kept on the hub's own machine, and only for a device it
// enrolled and did not revoke, writing the device's unit: the coordinator's
// act of importing is the trust.

// PathAdminImport takes a Bundle (admin token) and answers ImportResponse.
const PathAdminImport = "/v1/admin/import"

// BundleFormat names the bundle document.
const BundleFormat = "mach-bundle/1"

// MaxBundleBytes is the largest bundle the hub (and mach hub import) takes.
const MaxBundleBytes = 256 << 20

// CodeUnknownDevice comes with 403 on PathAdminImport: the bundle's device
// was never enrolled with this hub, or was revoked.
const CodeUnknownDevice = "unknown_device"

// Bundle is the outbox of one device's epoch that the hub has not
// acknowledged, as a file:
//
//	{"format":"mach-bundle/1","device":"01J…","unit":"13285","epoch":1,
//	 "created":"2026-11-25T08:00:00Z","entries":[{"epoch":1,"seq":7,"record":{…}},…]}
//
// Entries are in seq order without gaps, each of Epoch, each a record of
// Device and Unit.
type Bundle struct {
	// Format is BundleFormat.
	Format string `json:"format"`
	// Device is the id of the laptop that wrote the entries.
	Device string `json:"device"`
	// Unit is the 5-digit code of the unit the device writes.
	Unit string `json:"unit"`
	// Epoch is the epoch of every entry.
	Epoch uint32 `json:"epoch"`
	// Created is when the bundle was written (UTC).
	Created time.Time `json:"created"`
	// Entries are the outbox entries, as a push carries them.
	Entries []record.Entry `json:"entries"`
}

// ImportResponse says what the hub holds of the bundle's device and epoch
// after an import.
type ImportResponse struct {
	Device string `json:"device"`
	Unit   string `json:"unit"`
	Epoch  uint32 `json:"epoch"`
	// Acked is the highest contiguous seq of Epoch the hub holds, as a
	// push's answer says it.
	Acked uint64 `json:"acked"`
	// Entries counts the bundle's entries; New those this import stored,
	// the others the hub held already.
	Entries int `json:"entries"`
	New     int `json:"new"`
}
