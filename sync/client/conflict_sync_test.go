package client_test

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"mach/sync/record"
	"mach/sync/store"
)

// skewedClock is a laptop's wall clock, which the test sets wrong.
type skewedClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *skewedClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *skewedClock) shift(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// skewedLaptop is openLaptop with a wall clock of its own.
func skewedLaptop(t *testing.T, name string, clock *skewedClock) *laptop {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "mach.db"), store.Options{Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	l := &laptop{name: name, st: st, hc: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}}
	t.Cleanup(func() {
		l.hc.CloseIdleConnections()
		l.st.Close()
	})
	return l
}

// TestConflictOverTheHubWithSkewedClocks: two laptops of one unit edit the
// same answer offline, one clock a day behind and then moved back an hour
// more. After syncing through a real hub both keep both versions and show
// the conflict; the officer's choice on one laptop reaches the other and
// settles it there too.
func TestConflictOverTheHubWithSkewedClocks(t *testing.T) {
	h := newFaultHub(t)
	clockA, clockB := &skewedClock{}, &skewedClock{offset: -24 * time.Hour}
	a, b := skewedLaptop(t, "A", clockA), skewedLaptop(t, "B", clockB)
	for _, l := range []*laptop{a, b} {
		code, err := h.bolt.NewCode(faultUnit, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		l.enroll(t, h.url, code)
	}
	syncRound := func(l *laptop) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		l.syncUntilOK(t, ctx, l.client(t, h.url, 10*time.Second))
	}
	answer := func(v string) json.RawMessage {
		raw, _ := json.Marshal(map[string]any{"question": "officer_phone", "value": v})
		return raw
	}
	// put writes through the store and notes the version for the final
	// record-for-record comparison with the hub.
	put := func(l *laptop, id, v string) record.Record {
		t.Helper()
		r, err := l.st.Put(record.KindAnswer, id, answer(v))
		if err != nil {
			t.Fatal(err)
		}
		l.written = append(l.written, r)
		return r
	}
	v1 := put(a, "", "0912000001")
	syncRound(a)
	syncRound(b)
	if got, err := b.st.Get(record.KindAnswer, v1.ID); err != nil || got.Version != v1.Version {
		t.Fatalf("B did not receive the answer: %+v, %v", got, err)
	}

	// Offline: both change it; B's clock jumps back another hour first.
	put(a, v1.ID, "0912000002")
	clockB.shift(-time.Hour)
	vb := put(b, v1.ID, "0912000003")
	if vb.Version.Compare(v1.Version) <= 0 {
		t.Fatalf("B's edit %v does not order after the version it was made on %v", vb.Version, v1.Version)
	}
	syncRound(a)
	syncRound(b)
	syncRound(a)
	for _, l := range []*laptop{a, b} {
		cs, err := l.st.Conflicts()
		if err != nil || len(cs) != 1 || len(cs[0].Others) != 1 {
			t.Fatalf("%s: conflicts %+v, %v; want both versions kept", l.name, cs, err)
		}
	}

	// The officer on A keeps B's number; the choice reaches B.
	res, err := a.st.Resolve(record.KindAnswer, v1.ID, vb.Body)
	if err != nil {
		t.Fatal(err)
	}
	a.written = append(a.written, res)
	syncRound(a)
	syncRound(b)
	for _, l := range []*laptop{a, b} {
		if cs, _ := l.st.Conflicts(); len(cs) != 0 {
			t.Fatalf("%s still shows %d conflicts after the resolution", l.name, len(cs))
		}
	}
	ra, _ := a.st.Get(record.KindAnswer, v1.ID)
	rb, _ := b.st.Get(record.KindAnswer, v1.ID)
	if ra.Version != rb.Version || string(rb.Body) != string(vb.Body) {
		t.Fatalf("after the resolution A holds %v %s, B holds %v %s", ra.Version, ra.Body, rb.Version, rb.Body)
	}
	assertConverged(t, h.bolt, a, b)
}
