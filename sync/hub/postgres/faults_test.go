package postgres_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"mach/sync/hub/pgtest"
	"mach/sync/hub/postgres"
	"mach/sync/protocol"
	"mach/sync/record"
)

// kills is how many times TestKilledDuringPushes kills the server.
const kills = 20

// ownCluster starts a cluster of t's own, removed when t ends, with a
// database hub, and returns them with the database's connection string.
func ownCluster(t *testing.T) (*pgtest.Cluster, string) {
	t.Helper()
	c, err := pgtest.Start(pgtest.Options{})
	if err != nil {
		pgtest.Skip(t, err)
	}
	t.Cleanup(func() {
		if err := c.Remove(); err != nil {
			t.Error(err)
		}
	})
	conn, err := c.CreateDB(context.Background(), "hub")
	if err != nil {
		t.Fatal(err)
	}
	return c, conn
}

// openFaulty opens a store that gives up on a call after a few seconds,
// so that a call caught by a kill fails and the laptop tries again.
func openFaulty(t *testing.T, conn string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), conn, postgres.Options{Timeout: 10 * time.Second, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestKilledDuringPushes kills the PostgreSQL server with SIGKILL while
// laptops push through a hub, 20 times, restarting it each time: after
// each restart the hub holds everything it acknowledged; at the end every
// version written is held once and every outbox is empty.
func TestKilledDuringPushes(t *testing.T) {
	c, conn := ownCluster(t)
	st := openFaulty(t, conn)
	url, watch := startHub(t, st)
	units := provinceUnits(t)[:2]
	f := newFleet(t, st, []string{url}, units, 2)
	f.start()
	for i := range kills {
		// A push has reached the hub: the kill comes while it is handled.
		select {
		case <-watch.pushes:
		case <-f.dead:
			f.halt(t)
		case <-time.After(waitBound):
			f.halt(t)
			t.Fatalf("kill %d: no push within %v", i+1, waitBound)
		}
		if err := c.Kill(); err != nil {
			t.Fatal(err)
		}
		if err := c.Start(); err != nil {
			t.Fatalf("restart %d: %v", i+1, err)
		}
		if err := f.failed(); err != nil {
			t.Fatalf("after kill %d: %v", i+1, err)
		}
		for _, m := range f.members {
			checkHeld(t, conn, m.st.Device(), m.acked(t))
		}
	}
	f.waitRounds(t, 1)
	f.settle(t, conn)
	t.Logf("%d kills; %d pushes failed with a 5xx and were sent again", kills, watch.failed.Load())
}

// TestFailoverToAPromotedStandby kills the primary while laptops push
// through a hub whose connection string lists the primary and its
// synchronous standby; the standby is promoted: it holds everything the
// hub acknowledged before the kill, and the laptops sync on through it.
func TestFailoverToAPromotedStandby(t *testing.T) {
	primary, _ := ownCluster(t)
	standby, err := primary.Standby()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := standby.Remove(); err != nil {
			t.Error(err)
		}
	})
	ctx := context.Background()
	if err := primary.SyncStandby(ctx); err != nil {
		t.Fatal(err)
	}
	both := pgtest.MultiHostConnString("hub", primary, standby)
	st := openFaulty(t, both)
	url, watch := startHub(t, st)
	f := newFleet(t, st, []string{url}, provinceUnits(t)[:2], 2)
	f.start()
	f.waitRounds(t, 3)
	select {
	case <-watch.pushes:
	case <-f.dead:
		f.halt(t)
	case <-time.After(waitBound):
		f.halt(t)
		t.Fatalf("no push within %v", waitBound)
	}
	acked := make([][]record.Record, len(f.members))
	for i, m := range f.members {
		acked[i] = m.acked(t)
	}
	if err := primary.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := standby.Promote(ctx); err != nil {
		t.Fatal(err)
	}
	for i, m := range f.members {
		checkHeld(t, standby.ConnString("hub"), m.st.Device(), acked[i])
	}
	f.waitRounds(t, 3)
	f.settle(t, both)
	t.Logf("%d pushes failed with a 5xx during the failover and were sent again", watch.failed.Load())
}

// twoHubs opens two stores on one fresh database, each serving the hub's
// API on loopback, and returns them, their addresses and the database.
func twoHubs(t *testing.T) (a, b *postgres.Store, urls []string, conn string) {
	t.Helper()
	conn = pgtest.DB(t, migrated)
	a, b = openOn(t, conn, nil), openOn(t, conn, nil)
	urlA, _ := startHub(t, a)
	urlB, _ := startHub(t, b)
	return a, b, []string{urlA, urlB}, conn
}

// TestIdenticalPushesToTwoHubsAtOnce sends each batch of several devices
// to two hubs on one database, twice each, at once: every answer is the
// same, and the database holds each version once.
func TestIdenticalPushesToTwoHubsAtOnce(t *testing.T) {
	a, b, urls, conn := twoHubs(t)
	units := provinceUnits(t)[:2]
	total := 0
	for i := range 4 {
		unit := units[i%2]
		code, err := a.NewCode(unit, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		dev := record.NewID(time.Now())
		enrolled, err := b.Enroll(protocol.EnrollRequest{Code: code, Device: dev})
		if err != nil {
			t.Fatal(err)
		}
		es := unitEntries(t, unit, dev, time.Now())
		total += len(es)
		for start := 0; start < len(es); start += 50 {
			body, err := json.Marshal(protocol.PushRequest{Device: dev, Epoch: 1, Entries: es[start : start+50]})
			if err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf(`{"epoch":1,"acked":%d}`, start+50)
			for _, ans := range pushAtOnce(t, enrolled.Token, body, urls[0], urls[1], urls[1], urls[0]) {
				if ans != want {
					t.Fatalf("an identical push answered %s, want %s", ans, want)
				}
			}
		}
	}
	var logged, seqs, syncs int
	if err := queryRow(t, conn, `SELECT (SELECT count(*) FROM log), (SELECT coalesce(sum(cardinality(ids)), 0) FROM seq_runs), (SELECT count(*) FROM syncs)`,
		nil, &logged, &seqs, &syncs); err != nil {
		t.Fatal(err)
	}
	if logged != total || seqs != total || syncs != total/50 {
		t.Fatalf("%d versions, %d seqs and %d sync events held after identical pushes of %d in %d batches",
			logged, seqs, syncs, total, total/50)
	}
}

// pushAtOnce sends body with token to each of urls at once and returns
// each answer's status and body.
func pushAtOnce(t *testing.T, token string, body []byte, urls ...string) []string {
	t.Helper()
	out := make([]string, len(urls))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, url := range urls {
		wg.Go(func() {
			req, err := http.NewRequest(http.MethodPost, url+protocol.PathPush, bytes.NewReader(body))
			if err != nil {
				out[i] = err.Error()
				return
			}
			req.Header.Set("Authorization", "Bearer "+token)
			<-start
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				out[i] = err.Error()
				return
			}
			defer resp.Body.Close()
			data, _ := io.ReadAll(resp.Body)
			out[i] = strings.TrimSpace(string(data))
			if resp.StatusCode != http.StatusOK {
				out[i] = resp.Status + " " + out[i]
			}
		})
	}
	close(start)
	wg.Wait()
	return out
}

// TestLaptopsSyncingWithTwoHubsAtRandom has laptops of two units sync,
// each round with one of two hubs on one database picked at random:
// nothing is lost, nothing is held twice, every laptop ends with every
// record of its unit and an empty outbox.
func TestLaptopsSyncingWithTwoHubsAtRandom(t *testing.T) {
	a, _, urls, conn := twoHubs(t)
	f := newFleet(t, a, urls, provinceUnits(t)[:2], 3)
	f.start()
	f.waitRounds(t, 6)
	f.settle(t, conn)
}
