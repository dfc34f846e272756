package postgres_test

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"mach/sync/hub/postgres"
	"mach/sync/record"
	"mach/sync/review"
)

// TestTwoHubsWriteTheSameReviewAtOnce: a coordinator's request sent again
// reaches the other hub process while the first still writes it (each
// process makes its own version of the record): the record is kept once,
// and exactly one of the writes says it stored it.
func TestTwoHubsWriteTheSameReviewAtOnce(t *testing.T) {
	a, b, _, conn := twoHubs(t)
	unit := provinceUnits(t)[0]
	body, _ := json.Marshal(review.Review{Section: "backups", State: review.NeedsWork, Comment: "Thiếu biên bản"})
	const rounds, writers = 20, 4
	for i := range rounds {
		id := record.NewID(time.Now())
		var mu sync.Mutex
		stored := 0
		var wg sync.WaitGroup
		for w := range writers {
			st := []*postgres.Store{a, b}[w%2]
			r := record.Record{ID: id, Kind: review.Kind, Unit: unit, Body: body, Device: record.HubDevice,
				Version: record.Version{Time: time.Now().UnixMicro() + int64(w), Device: record.HubDevice}, Saved: time.Now()}
			wg.Go(func() {
				ok, err := st.Write(r)
				if err != nil {
					t.Errorf("round %d: %v", i, err)
				}
				if ok {
					mu.Lock()
					stored++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if stored != 1 {
			t.Fatalf("round %d: %d writes stored the record, want 1", i, stored)
		}
	}
	var logged int
	if err := queryRow(t, conn, `SELECT count(*) FROM log`, nil, &logged); err != nil || logged != rounds {
		t.Fatalf("%d records logged, want %d (%v)", logged, rounds, err)
	}
}
