package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/store"
)

// TestAnyFaultsConvergeToEverythingAcknowledged writes records, some while a
// sync is running, and syncs through any sequence of lost answers, doubled
// deliveries, resets and busy answers. After a last round on a quiet
// network, the hub acknowledges every seq the file wrote, holds every
// version written exactly once, and the outbox is empty.
func TestAnyFaultsConvergeToEverythingAcknowledged(t *testing.T) {
	dir := t.TempDir()
	faults := map[string]fault{
		"dropAnswer": dropAnswer, "twice": twice, "reset": reset,
		"503": answerWith(http.StatusServiceUnavailable, ""), "429": answerWith(http.StatusTooManyRequests, "0"),
	}
	names := []string{"none", "dropAnswer", "twice", "reset", "503", "429"}
	run := 0
	rapid.Check(t, func(rt *rapid.T) {
		run++
		hub := newFakeHub()
		hub.pageSize = rapid.IntRange(1, 5).Draw(rt, "pageSize")
		srv := httptest.NewServer(hub)
		defer srv.Close()
		st, err := store.Open(filepath.Join(dir, fmt.Sprintf("%d.db", run)), store.Options{NoSync: true})
		if err != nil {
			rt.Fatal(err)
		}
		defer st.Close()
		if err := st.Write(func(w *store.Writer) error { return w.SetMeta(store.MetaUnit, testUnit) }); err != nil {
			rt.Fatal(err)
		}
		c, err := New(Options{HubURL: srv.URL, Token: hub.addDevice(st.Device(), testUnit),
			Timeout: 10 * time.Second, RetryWait: time.Millisecond, RetryMaxWait: 5 * time.Millisecond})
		if err != nil {
			rt.Fatal(err)
		}
		var ids []string
		versions := 0
		write := func(n int, update bool) error {
			for range n {
				id := ""
				if update && len(ids) > 0 {
					id = ids[len(ids)/2]
				}
				r, err := st.Put(record.KindAnswer, id, json.RawMessage(`{"value":"x"}`))
				if err != nil {
					return err
				}
				ids = append(ids, r.ID)
				versions++
			}
			return nil
		}
		for range rapid.IntRange(1, 6).Draw(rt, "rounds") {
			if err := write(rapid.IntRange(0, 8).Draw(rt, "written"), rapid.Bool().Draw(rt, "update")); err != nil {
				rt.Fatal(err)
			}
			for range rapid.IntRange(0, 3).Draw(rt, "faults") {
				path := rapid.SampledFrom([]string{protocol.PathPush, protocol.PathPull}).Draw(rt, "path")
				if name := rapid.SampledFrom(names).Draw(rt, "fault"); name != "none" {
					hub.inject(path, faults[name])
				}
			}
			// Writes while the round runs, as the officer keeps working.
			var wg sync.WaitGroup
			var writeErr error
			during := rapid.IntRange(0, 3).Draw(rt, "during")
			wg.Go(func() { writeErr = write(during, false) })
			if _, err := c.Sync(context.Background(), st); err != nil {
				rt.Fatalf("Sync through faults: %v", err)
			}
			wg.Wait()
			if writeErr != nil {
				rt.Fatal(writeErr)
			}
		}
		if _, err := c.Sync(context.Background(), st); err != nil {
			rt.Fatal(err)
		}
		state, _ := st.SyncState()
		seq, _ := st.Meta(store.MetaSeq)
		hub.mu.Lock()
		acked, logged := hub.acked[epochKey{st.Device(), 1}], len(hub.log)
		hub.mu.Unlock()
		rep, err := st.Check()
		switch {
		case err != nil || !rep.OK():
			rt.Fatalf("Check = %+v, %v", rep, err)
		case state.Pending != 0 || rep.Outbox != 0:
			rt.Fatalf("%d pending, %d in the outbox after a quiet round", state.Pending, rep.Outbox)
		case fmt.Sprint(acked) != seq:
			rt.Fatalf("the hub acknowledges seq %d, the file wrote %s", acked, seq)
		case logged != versions:
			rt.Fatalf("the hub logged %d versions, %d were written", logged, versions)
		}
	})
}
