package postgres_test

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

// TestSummariesOfManyUnitsAreThoseOfEach asks for the summaries of more
// units than are looked up one by one (every unit's rows are read then),
// one of them named twice, some kept, one out of date, most with nothing
// held, and checks that each row is the one asked for alone, and that the
// two rows of the unit named twice share nothing.
func TestSummariesOfManyUnitsAreThoseOfEach(t *testing.T) {
	clock := newClock()
	st := openTest(t, clock.now)
	units := provinceUnits(t)[:70]
	for _, unit := range units[:3] {
		if err := fillUnit(t, st, unit); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.RefreshSummaries(); err != nil {
		t.Fatal(err)
	}
	if err := fillUnit(t, st, units[2]); err != nil { // out of date now, unless refreshed meanwhile
		t.Fatal(err)
	}
	if err := st.Seen(units[1], clock.now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	asked := append(slices.Clone(units), units[0])
	all, err := st.Summaries(asked)
	if err != nil || len(all) != len(asked) {
		t.Fatalf("Summaries = %d rows, %v; want %d", len(all), err, len(asked))
	}
	for i, unit := range asked {
		one, err := st.Summaries([]string{unit})
		if err != nil || len(one) != 1 || !reflect.DeepEqual(all[i], one[0]) {
			t.Fatalf("row %d of unit %s = %+v; alone %+v, %v", i, unit, all[i], one, err)
		}
	}
	if all[0].Records == 0 || all[0].Devices != 1 || all[2].Records != 2*unitRecords || all[1].LastSync != clock.now().Add(time.Hour) {
		t.Fatalf("rows = %+v, %+v, %+v; want records, a device, both pushes of the third, the second's last contact", all[0], all[1], all[2])
	}
	twice := all[len(all)-1]
	all[0].Sections[0].Answered++
	all[0].Accounts["keep"]++
	if twice.Sections[0].Answered == all[0].Sections[0].Answered || twice.Accounts["keep"] == all[0].Accounts["keep"] {
		t.Fatal("the two rows of a unit named twice share their sections or accounts")
	}
}
