package apptest

import (
	"encoding/json"
	"testing"
	"time"

	"mach/sync/record"
	"mach/sync/review"
	"mach/tui/app"
)

// Coordinator is the name of the province's coordinator in the tests.
const Coordinator = "Nguyễn Thị Lan"

// HubReview returns the record the hub keeps of a coordinator's review of
// the test unit, written at at (in local time, so that screens show it as
// given).
func HubReview(t testing.TB, rv review.Review, at time.Time) record.Record {
	t.Helper()
	body, err := json.Marshal(rv)
	if err != nil {
		t.Fatal(err)
	}
	return record.Record{
		ID: record.NewID(at), Kind: review.Kind, Unit: Unit, Body: body,
		Version: record.Version{Time: at.UnixMicro(), Device: record.HubDevice},
		Device:  record.HubDevice, Author: Coordinator, Saved: at.UTC(),
	}
}

// Pull applies recs to the store as a pull from the hub does, and reads the
// answers and the reviews again, as the root does after a sync.
func Pull(t testing.TB, sh *app.Shared, recs ...record.Record) {
	t.Helper()
	state, err := sh.Store.SyncState()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := sh.Store.ApplyRemote(recs, state.Cursor+1); err != nil {
		t.Fatal(err)
	}
	Reload(t, sh)
}
