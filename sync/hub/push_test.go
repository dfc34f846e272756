package hub

import (
	"encoding/json"
	"errors"
	"sync"
	"testing"

	"mach/sync/protocol"
	"mach/sync/record"
)

func TestPushThenPullFromAnotherDeviceOfTheUnit(t *testing.T) {
	b, _ := openTest(t)
	devA, _ := enrolTest(t, b, testUnit)
	devB, _ := enrolTest(t, b, testUnit)
	devC, _ := enrolTest(t, b, otherUnit)
	a := newLaptop(devA, testUnit)
	sent := a.news(3)
	resp, err := b.Push(devA, testUnit, a.batch(sent...))
	if err != nil || resp.Acked != 3 || resp.Epoch != 1 {
		t.Fatalf("Push = %+v, %v; want acked 3", resp, err)
	}
	got, err := b.Pull(devB, testUnit, 0, 0)
	if err != nil || len(got.Records) != 3 || got.More || got.Cursor != 3 {
		t.Fatalf("Pull by B = %d records, more %v, cursor %d, %v; want 3, false, 3", len(got.Records), got.More, got.Cursor, err)
	}
	for i, r := range got.Records {
		if !sameRecord(r, sent[i].Record) {
			t.Fatalf("pulled %d = %+v, pushed %+v", i, r, sent[i].Record)
		}
	}
	own, _ := b.Pull(devA, testUnit, 0, 0)
	if len(own.Records) != 0 || own.Cursor != 3 {
		t.Fatalf("A pulled its own records back: %d, cursor %d", len(own.Records), own.Cursor)
	}
	other, _ := b.Pull(devC, otherUnit, 0, 0)
	if len(other.Records) != 0 {
		t.Fatalf("another unit's device pulled %d records", len(other.Records))
	}
	again, _ := b.Pull(devB, testUnit, got.Cursor, 0)
	if len(again.Records) != 0 || again.Cursor != got.Cursor {
		t.Fatalf("pull after the cursor = %d records, cursor %d", len(again.Records), again.Cursor)
	}
}

func TestReplayedBatchGetsSameAckedAndStoresNothing(t *testing.T) {
	b, _ := openTest(t)
	dev, _ := enrolTest(t, b, testUnit)
	l := newLaptop(dev, testUnit)
	req := l.batch(l.news(5)...)
	first, err := b.Push(dev, testUnit, req)
	if err != nil {
		t.Fatal(err)
	}
	before, count := snapshot(t, b), logCount(t, b)
	replay, err := b.Push(dev, testUnit, req)
	if err != nil || replay != first {
		t.Fatalf("replay = %+v, %v; want %+v", replay, err, first)
	}
	// A replay of part of it, as after a lost answer, too.
	part, err := b.Push(dev, testUnit, l.batch(req.Entries[2:]...))
	if err != nil || part != first {
		t.Fatalf("partial replay = %+v, %v; want %+v", part, err, first)
	}
	if logCount(t, b) != count || count != 5 || snapshot(t, b) != before {
		t.Fatalf("replays changed the file: %d versions, want %d", logCount(t, b), count)
	}
}

func TestBatchWithInvalidEntryInTheMiddleStoresNothing(t *testing.T) {
	b, _ := openTest(t)
	dev, _ := enrolTest(t, b, testUnit)
	l := newLaptop(dev, testUnit)
	if _, err := b.Push(dev, testUnit, l.batch(l.news(2)...)); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, b)
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
			resp, err := b.Push(dev, testUnit, es.batch(batch...))
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Push = %v, want ErrInvalid", err)
			}
			if resp.Acked != 0 {
				t.Fatalf("refused batch answered acked %d", resp.Acked)
			}
			if snapshot(t, b) != before {
				t.Fatal("a refused batch changed the file")
			}
			if got, _ := b.Push(dev, testUnit, es.batch()); got.Acked != 2 {
				t.Fatalf("acked = %d after a refused batch, want 2", got.Acked)
			}
		})
	}
}

func TestPushOfAnotherUnitOrDeviceIsForbiddenAndStoresNothing(t *testing.T) {
	b, _ := openTest(t)
	dev, _ := enrolTest(t, b, testUnit)
	other, _ := enrolTest(t, b, testUnit)
	before := snapshot(t, b)
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
			_, err := b.Push(dev, testUnit, build(l, l.news(3)))
			if !errors.Is(err, ErrForbidden) {
				t.Fatalf("Push = %v, want ErrForbidden", err)
			}
			if snapshot(t, b) != before {
				t.Fatal("a forbidden batch changed the file")
			}
		})
	}
}

func TestPushGapAnswersWhatIsHeld(t *testing.T) {
	b, _ := openTest(t)
	dev, _ := enrolTest(t, b, testUnit)
	l := newLaptop(dev, testUnit)
	es := l.news(6)
	if _, err := b.Push(dev, testUnit, l.batch(es[:2]...)); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, b)
	resp, err := b.Push(dev, testUnit, l.batch(es[3:]...))
	if !errors.Is(err, ErrGap) || resp.Acked != 2 || resp.Epoch != 1 {
		t.Fatalf("Push after a gap = %+v, %v; want ErrGap with acked 2", resp, err)
	}
	if snapshot(t, b) != before {
		t.Fatal("a gap changed the file")
	}
	if resp, err := b.Push(dev, testUnit, l.batch(es[2:]...)); err != nil || resp.Acked != 6 {
		t.Fatalf("resend from acked+1 = %+v, %v; want acked 6", resp, err)
	}
}

func TestPushWithAHoleIsRefusedWhole(t *testing.T) {
	b, _ := openTest(t)
	dev, _ := enrolTest(t, b, testUnit)
	l := newLaptop(dev, testUnit)
	es := l.news(4)
	if _, err := b.Push(dev, testUnit, l.batch(es[0], es[2])); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Push 1,3 = %v, want ErrInvalid: a batch's seqs follow each other", err)
	}
	if n := logCount(t, b); n != 0 {
		t.Fatalf("%d versions held after a refused batch, want 0", n)
	}
	resp, err := b.Push(dev, testUnit, l.batch(es...))
	if err != nil || resp.Acked != 4 {
		t.Fatalf("Push 1-4 = %+v, %v; want acked 4", resp, err)
	}
}

func TestEpochsAreAckedSeparatelyAndAVersionIsStoredOnce(t *testing.T) {
	b, _ := openTest(t)
	dev, _ := enrolTest(t, b, testUnit)
	l := newLaptop(dev, testUnit)
	es := l.news(3)
	if _, err := b.Push(dev, testUnit, l.batch(es...)); err != nil {
		t.Fatal(err)
	}
	// Restored from an old copy, the laptop starts epoch 2 and sends again
	// a version the hub already holds, then a new one.
	restored := newLaptop(dev, testUnit)
	restored.epoch, restored.clock = 2, l.clock
	again := es[2]
	again.Epoch, again.Seq = 2, 1
	restored.seq = 1
	resp, err := b.Push(dev, testUnit, restored.batch(again, restored.put(es[2].Record, `{"n":"edit"}`)))
	if err != nil || resp.Acked != 2 || resp.Epoch != 2 {
		t.Fatalf("Push epoch 2 = %+v, %v; want acked 2 of epoch 2", resp, err)
	}
	if n := logCount(t, b); n != 4 {
		t.Fatalf("%d versions held, want 4: the resent version once", n)
	}
	if resp, _ := b.Push(dev, testUnit, l.batch()); resp.Acked != 3 {
		t.Fatalf("epoch 1 acked = %d, want 3", resp.Acked)
	}
}

func TestIdenticalPushesAtOnceStoreOneCopy(t *testing.T) {
	b, _ := openTest(t)
	dev, _ := enrolTest(t, b, testUnit)
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
			answers[i], errs[i] = b.Push(dev, testUnit, req)
		})
	}
	close(start)
	wg.Wait()
	for i := range pushes {
		if errs[i] != nil || answers[i].Acked != 50 {
			t.Fatalf("push %d = %+v, %v; want acked 50", i, answers[i], errs[i])
		}
	}
	if n := logCount(t, b); n != 50 {
		t.Fatalf("%d versions held, want 50", n)
	}
}

func TestPushOverTheBatchLimitIsRefused(t *testing.T) {
	b, _ := openTest(t)
	dev, _ := enrolTest(t, b, testUnit)
	l := newLaptop(dev, testUnit)
	before := snapshot(t, b)
	if _, err := b.Push(dev, testUnit, l.batch(l.news(protocol.MaxBatchEntries+1)...)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Push of %d entries = %v, want ErrTooLarge", protocol.MaxBatchEntries+1, err)
	}
	if snapshot(t, b) != before {
		t.Fatal("a refused batch changed the file")
	}
}

func TestRestoredFileReusingAnEpochIsRefused(t *testing.T) {
	b, _ := openTest(t)
	dev, _ := enrolTest(t, b, testUnit)
	l := newLaptop(dev, testUnit)
	sent := l.news(3)
	if _, err := b.Push(dev, testUnit, l.batch(sent...)); err != nil {
		t.Fatal(err)
	}
	// Restored from a copy made after seq 1, the laptop writes seq 2 and 3
	// again, with other records, in the same epoch.
	restored := newLaptop(dev, testUnit)
	restored.seq, restored.clock = 1, l.clock
	before := snapshot(t, b)
	resp, err := b.Push(dev, testUnit, restored.batch(append(sent[:1:1], restored.news(3)...)...))
	if !errors.Is(err, ErrEpochReused) {
		t.Fatalf("Push = %+v, %v; want ErrEpochReused", resp, err)
	}
	if snapshot(t, b) != before {
		t.Fatal("a refused batch changed the file")
	}
}
