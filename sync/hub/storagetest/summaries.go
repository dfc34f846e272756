package storagetest

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"mach/sync/hub"
	"mach/sync/protocol"
	"mach/sync/record"
)

// equipmentRows pushes n equipment rows of unit from a new device.
func (e *env) equipmentRows(t *testing.T, unit string, n int) {
	t.Helper()
	dev, _ := e.enrol(t, unit)
	l := newLaptop(dev, unit)
	es := l.news(n)
	for i := range es {
		es[i].Record.Kind = record.KindEquipment
		es[i].Record.Body = json.RawMessage(`{"kind":"desktop","condition":"good"}`)
	}
	if _, err := e.st.Push(dev, unit, l.batch(es...)); err != nil {
		t.Fatal(err)
	}
}

// summaries returns the summaries of units, which must be answered.
func (e *env) summaries(t *testing.T, units ...string) []protocol.UnitSummary {
	t.Helper()
	sums, err := e.st.Summaries(units)
	if err != nil || len(sums) != len(units) {
		t.Fatalf("Summaries = %d rows, %v; want %d", len(sums), err, len(units))
	}
	return sums
}

var summaryCases = []testCase{
	{"SummariesFollowEachPushAtOnce", func(t *testing.T, e *env) {
		blank, err := e.st.Summaries([]string{testUnit, otherUnit})
		if err != nil || len(blank) != 2 || blank[0].Code != testUnit || blank[1].Code != otherUnit {
			t.Fatalf("Summaries = %+v, %v", blank, err)
		}
		if !slices.Equal(blank[0].Flags, []string{protocol.FlagNotStarted}) || blank[0].Required == 0 || len(blank[0].Sections) == 0 {
			t.Fatalf("a unit without records: %+v", blank[0])
		}
		e.equipmentRows(t, testUnit, 3)
		first := e.summaries(t, testUnit)
		if first[0].Records != 3 || first[0].Devices != 1 || !first[0].LastSync.Equal(e.clock.now()) {
			t.Fatalf("after a push: %+v", first[0])
		}
		e.clock.add(time.Minute)
		e.equipmentRows(t, testUnit, 2)
		now := e.summaries(t, testUnit, otherUnit)
		if now[0].Records != 5 || now[0].Devices != 2 || !now[0].LastSync.Equal(e.clock.now()) {
			t.Fatalf("right after a second push: %+v", now[0])
		}
		if !reflect.DeepEqual(now[1], blank[1]) {
			t.Fatalf("the other unit changed: %+v, was %+v", now[1], blank[1])
		}
		// Asked again (kept or computed, whichever), the answer is the same.
		again := e.summaries(t, testUnit, otherUnit)
		if !reflect.DeepEqual(again, now) {
			t.Fatalf("asked again %+v, first %+v", again, now)
		}
	}},
	{"AReplayedPushLeavesNoSyncEvent", func(t *testing.T, e *env) {
		dev, _ := e.enrol(t, testUnit)
		l := newLaptop(dev, testUnit)
		req := l.batch(l.news(2)...)
		for range 2 {
			if _, err := e.st.Push(dev, testUnit, req); err != nil {
				t.Fatal(err)
			}
			e.clock.add(time.Minute)
		}
		d, err := e.st.UnitDetail(testUnit)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Syncs) != 1 || d.Syncs[0].Records != 2 || d.Syncs[0].Device != dev || !d.Syncs[0].At.Equal(e.clock.now().Add(-2*time.Minute)) {
			t.Fatalf("syncs %+v, want one push of 2 records", d.Syncs)
		}
	}},
	{"UnitDetailKeepsTheLatestPushes", func(t *testing.T, e *env) {
		dev, _ := e.enrol(t, testUnit)
		l := newLaptop(dev, testUnit)
		es := l.news(hub.MaxSyncEvents + 5)
		for i := range es {
			if _, err := e.st.Push(dev, testUnit, l.batch(es[i])); err != nil {
				t.Fatal(err)
			}
			e.clock.add(time.Second)
		}
		tomb := l.put(es[0].Record, `{}`)
		tomb.Record.Deleted = true
		if _, err := e.st.Push(dev, testUnit, l.batch(tomb)); err != nil {
			t.Fatal(err)
		}
		d, err := e.st.UnitDetail(testUnit)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Syncs) != hub.MaxSyncEvents || !d.Syncs[len(d.Syncs)-1].At.Equal(e.clock.now()) ||
			!slices.IsSortedFunc(d.Syncs, func(a, b protocol.SyncEvent) int { return a.At.Compare(b.At) }) {
			t.Fatalf("%d syncs, the last at %v; want the latest %d, oldest first", len(d.Syncs), d.Syncs[len(d.Syncs)-1].At, hub.MaxSyncEvents)
		}
		if len(d.Records) != len(es)-1 || d.Summary.Records != len(es)-1 || d.Summary.Code != testUnit {
			t.Fatalf("%d records, summary %d; want %d without the tombstone", len(d.Records), d.Summary.Records, len(es)-1)
		}
		empty, err := e.st.UnitDetail(otherUnit)
		if err != nil || empty.Records == nil || empty.Syncs == nil || len(empty.Records)+len(empty.Syncs) != 0 {
			t.Fatalf("a unit without records: %+v, %v", empty, err)
		}
	}},
	{"PublishingAChecklistRecomputesEverySummary", func(t *testing.T, e *env) {
		e.equipmentRows(t, testUnit, 1)
		before := e.summaries(t, testUnit, otherUnit)
		if err := e.st.Publish(checklistV2(t)); err != nil {
			t.Fatal(err)
		}
		after := e.summaries(t, testUnit, otherUnit)
		for i := range after {
			if after[i].Required != before[i].Required+1 || after[i].Sections[0].Required != before[i].Sections[0].Required+1 {
				t.Fatalf("unit %s requires %d then %d, want one more", after[i].Code, before[i].Required, after[i].Required)
			}
		}
	}},
	{"APullIsALastContact", func(t *testing.T, e *env) {
		e.equipmentRows(t, testUnit, 1)
		pushed := e.clock.now()
		e.clock.add(protocol.StaleAfter + time.Hour)
		stale := e.summaries(t, testUnit, otherUnit)
		if !slices.Contains(stale[0].Flags, protocol.FlagStale) || !stale[0].LastSync.Equal(pushed) {
			t.Fatalf("flags %v, last sync %v after %v without a sync, want stale", stale[0].Flags, stale[0].LastSync, protocol.StaleAfter)
		}
		at := e.clock.now()
		for _, unit := range []string{testUnit, otherUnit} {
			if err := e.st.Seen(unit, at); err != nil {
				t.Fatal(err)
			}
		}
		// Within the resolution a later pull is not written.
		if err := e.st.Seen(testUnit, at.Add(hub.SeenResolution/2)); err != nil {
			t.Fatal(err)
		}
		got := e.summaries(t, testUnit, otherUnit)
		if slices.Contains(got[0].Flags, protocol.FlagStale) || !got[0].LastSync.Equal(at) {
			t.Fatalf("after a pull: flags %v, last sync %v, want %v", got[0].Flags, got[0].LastSync, at)
		}
		if !got[1].LastSync.Equal(at) || slices.Contains(got[1].Flags, protocol.FlagNotStarted) {
			t.Fatalf("a unit that pulled without records: %+v", got[1])
		}
		if err := e.st.Seen(testUnit, at.Add(2*hub.SeenResolution)); err != nil {
			t.Fatal(err)
		}
		if err := e.st.Seen(testUnit, at.Add(hub.SeenResolution)); err != nil { // older: changes nothing
			t.Fatal(err)
		}
		if got := e.summaries(t, testUnit); !got[0].LastSync.Equal(at.Add(2 * hub.SeenResolution)) {
			t.Fatalf("last sync %v, want %v", got[0].LastSync, at.Add(2*hub.SeenResolution))
		}
	}},
	{"DevicesCountedAreThoseNotRevoked", func(t *testing.T, e *env) {
		dev, _ := e.enrol(t, testUnit)
		e.enrol(t, testUnit)
		e.enrol(t, otherUnit)
		if got := e.summaries(t, testUnit, otherUnit); got[0].Devices != 2 || got[1].Devices != 1 {
			t.Fatalf("devices %d and %d, want 2 and 1", got[0].Devices, got[1].Devices)
		}
		if err := e.st.Revoke(dev); err != nil {
			t.Fatal(err)
		}
		if got := e.summaries(t, testUnit); got[0].Devices != 1 {
			t.Fatalf("devices %d after a revocation, want 1", got[0].Devices)
		}
	}},
}
