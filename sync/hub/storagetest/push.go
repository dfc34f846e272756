package storagetest

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"mach/sync/hub"
	"mach/sync/protocol"
	"mach/sync/record"
)

var pushCases = []testCase{
	{"PushThenPullFromAnotherDeviceOfTheUnit", func(t *testing.T, e *env) {
		devA, _ := e.enrol(t, testUnit)
		devB, _ := e.enrol(t, testUnit)
		devC, _ := e.enrol(t, otherUnit)
		a := newLaptop(devA, testUnit)
		sent := a.news(3)
		resp, err := e.st.Push(devA, testUnit, a.batch(sent...))
		if err != nil || resp.Acked != 3 || resp.Epoch != 1 {
			t.Fatalf("Push = %+v, %v; want acked 3", resp, err)
		}
		got, err := e.st.Pull(devB, testUnit, 0, 0)
		if err != nil || len(got.Records) != 3 || got.More || got.Cursor == 0 {
			t.Fatalf("Pull by B = %d records, more %v, cursor %d, %v; want 3, false, a cursor", len(got.Records), got.More, got.Cursor, err)
		}
		for i, r := range got.Records {
			if !sameRecord(r, sent[i].Record) {
				t.Fatalf("pulled %d = %+v, pushed %+v", i, r, sent[i].Record)
			}
		}
		own, _ := e.st.Pull(devA, testUnit, 0, 0)
		if len(own.Records) != 0 || own.Cursor != got.Cursor {
			t.Fatalf("A pulled its own records back: %d, cursor %d", len(own.Records), own.Cursor)
		}
		if other, _ := e.st.Pull(devC, otherUnit, 0, 0); len(other.Records) != 0 || other.Cursor != 0 {
			t.Fatalf("another unit's device pulled %d records, cursor %d", len(other.Records), other.Cursor)
		}
		again, _ := e.st.Pull(devB, testUnit, got.Cursor, 0)
		if len(again.Records) != 0 || again.Cursor != got.Cursor {
			t.Fatalf("pull after the cursor = %d records, cursor %d", len(again.Records), again.Cursor)
		}
	}},
	{"ReplayedBatchGetsSameAckedAndStoresNothing", func(t *testing.T, e *env) {
		dev, _ := e.enrol(t, testUnit)
		l := newLaptop(dev, testUnit)
		req := l.batch(l.news(5)...)
		first, err := e.st.Push(dev, testUnit, req)
		if err != nil {
			t.Fatal(err)
		}
		e.unchanged(t, func() {
			if replay, err := e.st.Push(dev, testUnit, req); err != nil || replay != first {
				t.Fatalf("replay = %+v, %v; want %+v", replay, err, first)
			}
			// A replay of part of it, as after a lost answer, too.
			if part, err := e.st.Push(dev, testUnit, l.batch(req.Entries[2:]...)); err != nil || part != first {
				t.Fatalf("partial replay = %+v, %v; want %+v", part, err, first)
			}
		})
		if n := e.logCount(t); n != 5 {
			t.Fatalf("%d versions held, want 5", n)
		}
	}},
	{"BatchWithInvalidEntryInTheMiddleStoresNothing", func(t *testing.T, e *env) {
		dev, _ := e.enrol(t, testUnit)
		l := newLaptop(dev, testUnit)
		if _, err := e.st.Push(dev, testUnit, l.batch(l.news(2)...)); err != nil {
			t.Fatal(err)
		}
		breaks := map[string]func(*record.Entry){
			"bad id":         func(e *record.Entry) { e.Record.ID = "not-a-ulid" },
			"empty kind":     func(e *record.Entry) { e.Record.Kind = "" },
			"body not JSON":  func(e *record.Entry) { e.Record.Body = json.RawMessage(`{"a":`) },
			"no body":        func(e *record.Entry) { e.Record.Body = nil },
			"other epoch":    func(e *record.Entry) { e.Epoch = 2 },
			"seq repeated":   func(e *record.Entry) { e.Seq-- },
			"zero version":   func(e *record.Entry) { e.Record.Version = record.Version{} },
			"kind with a nl": func(e *record.Entry) { e.Record.Kind = "a\nb" },
		}
		for name, breakIt := range breaks {
			t.Run(name, func(t *testing.T) {
				es := newLaptop(dev, testUnit)
				es.seq = 2
				batch := es.news(5)
				breakIt(&batch[2])
				e.unchanged(t, func() {
					resp, err := e.st.Push(dev, testUnit, es.batch(batch...))
					if !errors.Is(err, hub.ErrInvalid) || resp.Acked != 0 {
						t.Fatalf("Push = %+v, %v; want ErrInvalid and acked 0", resp, err)
					}
				})
				if got, _ := e.st.Push(dev, testUnit, es.batch()); got.Acked != 2 {
					t.Fatalf("acked = %d after a refused batch, want 2", got.Acked)
				}
			})
		}
	}},
	{"PushOfAnotherUnitOrDeviceIsForbiddenAndStoresNothing", func(t *testing.T, e *env) {
		dev, _ := e.enrol(t, testUnit)
		other, _ := e.enrol(t, testUnit)
		cases := map[string]func(*laptop, []record.Entry) protocol.PushRequest{
			"record of another unit": func(l *laptop, es []record.Entry) protocol.PushRequest {
				es[1].Record.Unit = otherUnit
				return l.batch(es...)
			},
			"record of another device": func(l *laptop, es []record.Entry) protocol.PushRequest {
				es[1].Record.Device = other
				return l.batch(es...)
			},
			"batch of another device": func(l *laptop, es []record.Entry) protocol.PushRequest {
				req := l.batch(es...)
				req.Device = other
				return req
			},
		}
		for name, build := range cases {
			t.Run(name, func(t *testing.T) {
				l := newLaptop(dev, testUnit)
				e.unchanged(t, func() {
					if _, err := e.st.Push(dev, testUnit, build(l, l.news(3))); !errors.Is(err, hub.ErrForbidden) {
						t.Fatalf("Push = %v, want ErrForbidden", err)
					}
				})
			})
		}
	}},
	{"PushGapAnswersWhatIsHeld", func(t *testing.T, e *env) {
		dev, _ := e.enrol(t, testUnit)
		l := newLaptop(dev, testUnit)
		es := l.news(6)
		if _, err := e.st.Push(dev, testUnit, l.batch(es[:2]...)); err != nil {
			t.Fatal(err)
		}
		e.unchanged(t, func() {
			resp, err := e.st.Push(dev, testUnit, l.batch(es[3:]...))
			if !errors.Is(err, hub.ErrGap) || resp.Acked != 2 || resp.Epoch != 1 {
				t.Fatalf("Push after a gap = %+v, %v; want ErrGap with acked 2", resp, err)
			}
			// An epoch never pushed holds nothing: a batch from 2 is a gap too.
			l2 := newLaptop(dev, testUnit)
			l2.epoch, l2.seq = 2, 1
			if resp, err := e.st.Push(dev, testUnit, l2.batch(l2.news(2)...)); !errors.Is(err, hub.ErrGap) || resp.Acked != 0 {
				t.Fatalf("Push of a new epoch from seq 2 = %+v, %v; want ErrGap with acked 0", resp, err)
			}
		})
		if resp, err := e.st.Push(dev, testUnit, l.batch(es[2:]...)); err != nil || resp.Acked != 6 {
			t.Fatalf("resend from acked+1 = %+v, %v; want acked 6", resp, err)
		}
	}},
	{"PushWithAHoleIsRefusedWhole", func(t *testing.T, e *env) {
		dev, _ := e.enrol(t, testUnit)
		l := newLaptop(dev, testUnit)
		es := l.news(4)
		if _, err := e.st.Push(dev, testUnit, l.batch(es[0], es[2])); !errors.Is(err, hub.ErrInvalid) {
			t.Fatalf("Push 1,3 = %v, want ErrInvalid: a batch's seqs follow each other", err)
		}
		if n := e.logCount(t); n != 0 {
			t.Fatalf("%d versions held after a refused batch, want 0", n)
		}
		if resp, err := e.st.Push(dev, testUnit, l.batch(es...)); err != nil || resp.Acked != 4 {
			t.Fatalf("Push 1-4 = %+v, %v; want acked 4", resp, err)
		}
	}},
	{"EpochsAreAckedSeparatelyAndAVersionIsStoredOnce", func(t *testing.T, e *env) {
		dev, _ := e.enrol(t, testUnit)
		l := newLaptop(dev, testUnit)
		es := l.news(3)
		if _, err := e.st.Push(dev, testUnit, l.batch(es...)); err != nil {
			t.Fatal(err)
		}
		// Restored from an old copy, the laptop starts epoch 2 and sends
		// again a version the hub already holds, then a new one.
		restored := newLaptop(dev, testUnit)
		restored.epoch, restored.clock = 2, l.clock
		again := es[2]
		again.Epoch, again.Seq = 2, 1
		restored.seq = 1
		edit := restored.put(es[2].Record, `{"n":"edit"}`)
		resp, err := e.st.Push(dev, testUnit, restored.batch(again, edit))
		if err != nil || resp.Acked != 2 || resp.Epoch != 2 {
			t.Fatalf("Push epoch 2 = %+v, %v; want acked 2 of epoch 2", resp, err)
		}
		if n := e.logCount(t); n != 4 {
			t.Fatalf("%d versions held, want 4: the resent version once", n)
		}
		if resp, _ := e.st.Push(dev, testUnit, l.batch()); resp.Acked != 3 {
			t.Fatalf("epoch 1 acked = %d, want 3", resp.Acked)
		}
		// Replays of either epoch, in full, are answered the same.
		if resp, err := e.st.Push(dev, testUnit, restored.batch(again, edit)); err != nil || resp.Acked != 2 {
			t.Fatalf("replay of epoch 2 = %+v, %v", resp, err)
		}
		var current []record.Record
		if err := e.st.Current(testUnit, func(r record.Record) error { current = append(current, r); return nil }); err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(current, func(r record.Record) bool { return r.ID == es[2].Record.ID })
		if len(current) != 3 || i < 0 || !sameRecord(current[i], edit.Record) {
			t.Fatalf("current = %+v, want 3 records, the edit current", current)
		}
	}},
	{"ABatchWithOneVersionTwiceLogsItOnce", func(t *testing.T, e *env) {
		dev, _ := e.enrol(t, testUnit)
		l := newLaptop(dev, testUnit)
		first := l.put(record.Record{}, `{"n":1}`)
		twice := first
		twice.Seq = 2
		l.seq = 2
		if resp, err := e.st.Push(dev, testUnit, l.batch(first, twice, l.news(1)[0])); err != nil || resp.Acked != 3 {
			t.Fatalf("Push = %+v, %v; want acked 3", resp, err)
		}
		if n := e.logCount(t); n != 2 {
			t.Fatalf("%d versions held, want 2", n)
		}
	}},
	{"IdenticalPushesAtOnceStoreOneCopy", func(t *testing.T, e *env) {
		dev, _ := e.enrol(t, testUnit)
		l := newLaptop(dev, testUnit)
		req := l.batch(l.news(50)...)
		const pushes = 8
		answers := make([]protocol.PushResponse, pushes)
		errs := make([]error, pushes)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range pushes {
			wg.Go(func() {
				<-start
				answers[i], errs[i] = e.st.Push(dev, testUnit, req)
			})
		}
		close(start)
		wg.Wait()
		for i := range pushes {
			if errs[i] != nil || answers[i].Acked != 50 {
				t.Fatalf("push %d = %+v, %v; want acked 50", i, answers[i], errs[i])
			}
		}
		if n := e.logCount(t); n != 50 {
			t.Fatalf("%d versions held, want 50", n)
		}
		if d, err := e.st.UnitDetail(testUnit); err != nil || len(d.Syncs) != 1 || d.Syncs[0].Records != 50 {
			t.Fatalf("syncs %+v, %v; want one push of 50 records", d.Syncs, err)
		}
	}},
	{"DevicesOfOneUnitPushingAtOnceArePulledWhole", func(t *testing.T, e *env) {
		const devices, batches, size = 4, 5, 20
		reader, _ := e.enrol(t, testUnit)
		var wg sync.WaitGroup
		errs := make(chan error, devices*batches)
		var cursor uint64
		var pulled []record.Record
		done := make(chan struct{})
		for range devices {
			dev, _ := e.enrol(t, testUnit)
			l := newLaptop(dev, testUnit)
			wg.Go(func() {
				for range batches {
					if _, err := e.st.Push(dev, testUnit, l.batch(l.news(size)...)); err != nil {
						errs <- err
					}
				}
			})
		}
		go func() { wg.Wait(); close(done) }()
		// Pulling while they push never skips a record: a unit's cursors
		// grow in the order its pushes commit.
		pull := func() {
			resp, err := e.st.Pull(reader, testUnit, cursor, 7)
			if err != nil {
				t.Error(err)
				return
			}
			pulled, cursor = append(pulled, resp.Records...), resp.Cursor
		}
		for running := true; running; {
			select {
			case <-done:
				running = false
			default:
				pull()
			}
		}
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		for {
			before := len(pulled)
			pull()
			if len(pulled) == before {
				break
			}
		}
		seen := map[string]bool{}
		for _, r := range pulled {
			if seen[r.ID] {
				t.Fatalf("record %s pulled twice", r.ID)
			}
			seen[r.ID] = true
		}
		if len(seen) != devices*batches*size {
			t.Fatalf("pulled %d records, want %d", len(seen), devices*batches*size)
		}
	}},
	{"PushOverTheBatchLimitIsRefused", func(t *testing.T, e *env) {
		dev, _ := e.enrol(t, testUnit)
		l := newLaptop(dev, testUnit)
		e.unchanged(t, func() {
			if _, err := e.st.Push(dev, testUnit, l.batch(l.news(protocol.MaxBatchEntries+1)...)); !errors.Is(err, hub.ErrTooLarge) {
				t.Fatalf("Push of %d entries = %v, want ErrTooLarge", protocol.MaxBatchEntries+1, err)
			}
		})
	}},
	{"RestoredFileReusingAnEpochIsRefused", func(t *testing.T, e *env) {
		dev, _ := e.enrol(t, testUnit)
		l := newLaptop(dev, testUnit)
		sent := l.news(3)
		if _, err := e.st.Push(dev, testUnit, l.batch(sent...)); err != nil {
			t.Fatal(err)
		}
		// Restored from a copy made after seq 1, the laptop writes seq 2
		// and 3 again, with other records, in the same epoch.
		restored := newLaptop(dev, testUnit)
		restored.seq, restored.clock = 1, l.clock
		e.unchanged(t, func() {
			resp, err := e.st.Push(dev, testUnit, restored.batch(append(sent[:1:1], restored.news(3)...)...))
			if !errors.Is(err, hub.ErrEpochReused) {
				t.Fatalf("Push = %+v, %v; want ErrEpochReused", resp, err)
			}
		})
	}},
	{"PushKeepsTheRecordsBytesAsSent", func(t *testing.T, e *env) {
		dev, _ := e.enrol(t, testUnit)
		l := newLaptop(dev, testUnit)
		es := l.news(1)
		raw := json.RawMessage(`{"id":"` + es[0].Record.ID + `","kind":"answer","unit":"` + testUnit +
			`","body":{"n": 1},"version":{"t":` + strconv.FormatInt(es[0].Record.Version.Time, 10) + `,"d":"` + dev +
			`"},"base":{"t":0},"device":"` + dev + `","saved":"2026-11-25T08:00:00Z", "later_field": {"x": 1}}`)
		if err := json.Unmarshal(raw, &es[0].Record); err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.Push(dev, testUnit, l.batch(es...), raw); err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		if err := e.st.Export(&out, testUnit); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), string(raw)) {
			t.Fatalf("the export does not hold the record as sent:\n%s", out.String())
		}
		if _, err := e.st.Push(dev, testUnit, l.batch(l.news(1)...), raw, raw); err == nil {
			t.Fatal("a push with more records' bytes than entries was taken")
		}
	}},
}
