package hub

import (
	"bytes"
	"encoding/hex"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"go.etcd.io/bbolt"
	"pgregory.net/rapid"

	"mach/checks/survey"
	"mach/checks/units"
	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/report"
)

func TestSummaryRowsRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 1_000_000)
		s := protocol.UnitSummary{Code: "13285", Records: n.Draw(t, "records"), Answered: n.Draw(t, "answered"),
			Required: n.Draw(t, "required"), Datasets: n.Draw(t, "datasets"), BackupsVerified: n.Draw(t, "verified"),
			Handovers: n.Draw(t, "handovers"), Conflicts: n.Draw(t, "conflicts")}
		if rapid.Bool().Draw(t, "synced") {
			s.LastSync = time.Unix(0, rapid.Int64Range(0, 1<<62).Draw(t, "last")).UTC()
		}
		for i := range rapid.IntRange(0, 10).Draw(t, "sections") {
			s.Sections = append(s.Sections, protocol.SectionProgress{Section: rapid.String().Draw(t, "id"), Answered: i, Required: n.Draw(t, "req"),
				Review: rapid.OneOf(rapid.SampledFrom([]string{"", "needs_work", "approved"}), rapid.String()).Draw(t, "review"), Replied: rapid.Bool().Draw(t, "replied")})
		}
		for range rapid.IntRange(0, 3).Draw(t, "networks") {
			s.Networks = append(s.Networks, protocol.NetworkVerdict{Network: rapid.String().Draw(t, "net"),
				Verdict: rapid.SampledFrom([]string{"pass", "warn", "fail"}).Draw(t, "verdict"),
				At:      time.Unix(0, rapid.Int64().Draw(t, "at")).UTC()})
		}
		if s.Sections == nil {
			s.Sections = []protocol.SectionProgress{}
		}
		for range rapid.IntRange(0, 4).Draw(t, "actions") {
			if s.Accounts == nil {
				s.Accounts = map[string]int{}
			}
			s.Accounts[rapid.String().Draw(t, "action")] = n.Draw(t, "count")
		}
		for range rapid.IntRange(0, 4).Draw(t, "suggestions") {
			sg := protocol.Suggestion{Code: rapid.String().Draw(t, "code"), Section: rapid.String().Draw(t, "section")}
			for range rapid.IntRange(0, 3).Draw(t, "args") {
				sg.Args = append(sg.Args, rapid.String().Draw(t, "arg"))
			}
			s.Suggestions = append(s.Suggestions, sg)
		}
		data := encodeSummary(s)
		got, err := decodeSummary("13285", data)
		if err != nil || !reflect.DeepEqual(got, s) {
			t.Fatalf("decoded %+v, %v; want %+v", got, err, s)
		}
		// A row cut short or of another layout is refused, never misread.
		cut := rapid.IntRange(0, len(data)-1).Draw(t, "cut")
		if _, err := decodeSummary("13285", data[:cut]); !errors.Is(err, errSummaryFormat) {
			t.Fatalf("a row cut at %d of %d: %v", cut, len(data), err)
		}
	})
	if _, err := decodeSummary("13285", []byte(`{"records":3}`)); !errors.Is(err, errSummaryFormat) {
		t.Fatalf("a JSON row: %v", err)
	}
}

// summaryOfFormat1 is a summary row as the mach before the suggestions and
// the review states kept it (layout 1): 999 records, 1 of 40 answered.
const summaryOfFormat1 = "01e707012802010100018080b88fb4b79deb310204756e697401050965717569706d656e7400010108696e7465726e65740470617373018080f383eee59beb3101046b65657002"

// A summary an earlier mach kept, without the suggestions and the review
// states, is not read as current: reads compute it, and the next open has
// it written again in this layout.
func TestASummaryOfAnEarlierLayoutIsComputedAgain(t *testing.T) {
	old, err := hex.DecodeString(summaryOfFormat1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decodeSummary(testUnit, old); !errors.Is(err, errSummaryFormat) {
		t.Fatalf("a row of layout 1 decoded: %v", err)
	}
	path := filepath.Join(t.TempDir(), "hub.db")
	clock := &testClock{t: time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)}
	b, err := OpenBolt(path, BoltOptions{Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	dev, _ := enrolTest(t, b, testUnit)
	l := newLaptop(dev, testUnit)
	if _, err := b.Push(dev, testUnit, l.batch(l.put(record.Record{}, `{"question":"officer_name","value":"Nguyễn Thị Lan"}`))); err != nil {
		t.Fatal(err)
	}
	if err := b.refreshDirty(); err != nil {
		t.Fatal(err)
	}
	want, err := b.Summaries([]string{testUnit})
	if err != nil {
		t.Fatal(err)
	}
	if want[0].Records != 1 || len(want[0].Suggestions) == 0 {
		t.Fatalf("the summary %+v, want 1 record and a suggestion (no equipment)", want[0])
	}
	keep := func(b *Bolt, row []byte) {
		t.Helper()
		if err := b.db.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bucketSummaries).Put([]byte(testUnit), row) }); err != nil {
			t.Fatal(err)
		}
	}
	kept := func(b *Bolt) (row []byte) {
		t.Helper()
		if err := b.db.View(func(tx *bbolt.Tx) error {
			row = bytes.Clone(tx.Bucket(bucketSummaries).Get([]byte(testUnit)))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return row
	}
	keep(b, old)
	if got, err := b.Summaries([]string{testUnit}); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("with a row of layout 1 kept: %+v, %v; want it computed again, %+v", got, err, want)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	// The next mach to open the file has the row written again.
	b, err = OpenBolt(path, BoltOptions{Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.refreshDirty(); err != nil {
		t.Fatal(err)
	}
	if row := kept(b); len(row) == 0 || row[0] != summaryFormat {
		t.Fatalf("after an open and a refresh the row is % x, want layout %d", row, summaryFormat)
	}
	if got, err := b.Summaries([]string{testUnit}); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("after the upgrade: %+v, %v; want %+v", got, err, want)
	}
}

// BenchmarkSummaryCodec encodes and decodes the kept summary of one unit
// of the national benchmark (benchRecordsPerUnit records of every kind),
// the row the dashboard decodes for each unit of the table.
//
//	go test -run='^$' -bench=SummaryCodec -count=6 ./sync/hub/
func BenchmarkSummaryCodec(b *testing.B) {
	c, err := survey.Default()
	if err != nil {
		b.Fatal(err)
	}
	sum := report.NewSummary(c)
	u := units.Unit{Province: "37", Code: testUnit, Name: "Phường Phủ Lý"}
	for _, e := range unitEntries(b, u, record.NewID(time.Now())) {
		sum.Add(e.Record)
	}
	s := sum.Result(u.Code)
	data := encodeSummary(s)
	b.Run("Encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			encodeSummary(s)
		}
	})
	b.Run("Decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeSummary(u.Code, data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(len(data)), "row-bytes")
}
