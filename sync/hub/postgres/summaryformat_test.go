package postgres_test

import (
	"encoding/hex"
	"reflect"
	"testing"

	"mach/sync/hub"
	"mach/sync/hub/pgtest"
)

// summaryOfFormat1 is a summary row as the mach before the suggestions and
// the review states kept it (layout 1; sync/hub keeps the same row for its
// own test): 999 records, 1 of 40 answered.
const summaryOfFormat1 = "01e707012802010100018080b88fb4b79deb310204756e697401050965717569706d656e7400010108696e7465726e65740470617373018080f383eee59beb3101046b65657002"

// A summary an earlier mach kept, as of the unit's last push and of the
// checklist, is not read as current when its layout is not this mach's:
// it is computed again.
func TestASummaryOfAnEarlierLayoutIsComputedAgain(t *testing.T) {
	old, err := hex.DecodeString(summaryOfFormat1)
	if err != nil {
		t.Fatal(err)
	}
	conn := pgtest.DB(t, migrated)
	clock := newClock()
	st := openOn(t, conn, clock.now)
	unit := provinceUnits(t)[0]
	if err := fillUnit(t, st, unit); err != nil {
		t.Fatal(err)
	}
	if err := st.RefreshSummaries(); err != nil {
		t.Fatal(err)
	}
	want, err := st.Summaries([]string{unit})
	if err != nil {
		t.Fatal(err)
	}
	var fresh bool
	if err := queryRow(t, conn, `UPDATE summaries s SET data = $1 FROM heads h
		WHERE s.unit = $2 AND h.unit = s.unit RETURNING s.seq = h.seq`, []any{old, unit}, &fresh); err != nil || !fresh {
		t.Fatalf("the kept summary of %s made a row of layout 1: as of the last push %v, %v", unit, fresh, err)
	}
	got, err := st.Summaries([]string{unit})
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("with a row of layout 1 kept: %+v, %v; want it computed again, %+v", got, err, want)
	}
	// The background pass rewrites it, so that reads stop computing it.
	if err := st.RefreshSummaries(); err != nil {
		t.Fatal(err)
	}
	var format int
	if err := queryRow(t, conn, `SELECT get_byte(data, 0) FROM summaries WHERE unit = $1`, []any{unit}, &format); err != nil ||
		format != hub.SummaryFormat {
		t.Fatalf("after a pass the row of %s has layout %d, %v; want %d", unit, format, err, hub.SummaryFormat)
	}
}
