package hub

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"mach/assets"
	"mach/checks/survey"
	"mach/sync/protocol"
	"mach/sync/record"
)

// dirtyUnits lists the units whose summaries are due.
func dirtyUnits(t testing.TB, b *Bolt) []string {
	t.Helper()
	var out []string
	err := b.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketDirty).ForEach(func(k, _ []byte) error { out = append(out, string(k)); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// waitClean waits until the background refresh has done every unit.
func waitClean(t *testing.T, b *Bolt) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(dirtyUnits(t, b)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("units %v still dirty", dirtyUnits(t, b))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// equipmentRows pushes n equipment rows of unit from a new device.
func equipmentRows(t *testing.T, b *Bolt, unit string, n int) {
	t.Helper()
	dev, _ := enrolTest(t, b, unit)
	l := newLaptop(dev, unit)
	es := l.news(n)
	for i := range es {
		es[i].Record.Kind = record.KindEquipment
		es[i].Record.Body = json.RawMessage(`{"kind":"desktop","condition":"good"}`)
	}
	if _, err := b.Push(dev, unit, l.batch(es...)); err != nil {
		t.Fatal(err)
	}
}

func TestSummariesAreRefreshedInTheBackgroundAfterAPush(t *testing.T) {
	b, _ := openTest(t)
	b.stopRefresher() // hold the background pass until the read while dirty is done
	equipmentRows(t, b, testUnit, 3)
	if got := dirtyUnits(t, b); len(got) != 1 || got[0] != testUnit {
		t.Fatalf("dirty after the push: %v, want the unit", got)
	}
	// Read while dirty: computed on the spot.
	early, err := b.Summaries([]string{testUnit})
	if err != nil {
		t.Fatal(err)
	}
	b.startRefresher(slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	waitClean(t, b)
	kept, err := b.Summaries([]string{testUnit})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(early, kept) {
		t.Fatalf("computed on read %+v, kept %+v", early, kept)
	}
	if kept[0].Records != 3 || kept[0].Devices != 1 {
		t.Fatalf("summary %+v, want 3 records of 1 device", kept[0])
	}
	// Another push makes it due again, and the answer follows at once.
	equipmentRows(t, b, testUnit, 2)
	now, _ := b.Summaries([]string{testUnit})
	if now[0].Records != 5 || now[0].Devices != 2 {
		t.Fatalf("right after a second push: %+v", now[0])
	}
}

func TestAFileWithoutTheReadBucketsOpensAndSummarisesEveryUnit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	b, err := OpenBolt(path, BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	equipmentRows(t, b, testUnit, 2)
	equipmentRows(t, b, otherUnit, 4)
	want, err := b.Summaries([]string{testUnit, otherUnit})
	if err != nil {
		t.Fatal(err)
	}
	// Make it a file of an earlier mach of the same schema: no read side.
	b.stopRefresher()
	err = b.db.Update(func(tx *bbolt.Tx) error {
		for _, name := range readBuckets {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	b.db.Close()

	b, err = OpenBolt(path, BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	got, err := b.Summaries([]string{testUnit, otherUnit})
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		want[i].LastSync = time.Time{} // the old file kept no sync history
		want[i].Flags = got[i].Flags
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after the upgrade %+v, want %+v", got, want)
	}
	waitClean(t, b)
}

func TestPublishingAChecklistRecomputesEverySummary(t *testing.T) {
	b, _ := openTest(t)
	equipmentRows(t, b, testUnit, 1)
	waitClean(t, b)
	before, _ := b.Summaries([]string{testUnit})
	data, err := fs.ReadFile(assets.FS, survey.DefaultFile)
	if err != nil {
		t.Fatal(err)
	}
	// Version 2 asks for the e-mail address too.
	data = bytes.Replace(data, []byte("version: 1"), []byte("version: 2"), 1)
	data = bytes.Replace(data, []byte("      - id: officer_email\n        type: text\n"),
		[]byte("      - id: officer_email\n        type: text\n        required: true\n"), 1)
	if !strings.Contains(string(data), "required: true\n        label: {vi: \"Địa chỉ thư công vụ\"") {
		t.Fatal("the test's edit of the checklist did not apply")
	}
	if err := b.Publish(protocol.Document{Kind: protocol.DocChecklist, ID: "ninhbinh-2025", Version: 2, Data: data}); err != nil {
		t.Fatal(err)
	}
	after, _ := b.Summaries([]string{testUnit})
	if after[0].Required != before[0].Required+1 || after[0].Sections[0].Required != before[0].Sections[0].Required+1 {
		t.Fatalf("required %d then %d, want one more", before[0].Required, after[0].Required)
	}
	waitClean(t, b)
	kept, _ := b.Summaries([]string{testUnit})
	if kept[0].Required != after[0].Required {
		t.Fatalf("kept summary requires %d, want %d", kept[0].Required, after[0].Required)
	}
}

// TestAHubStoppedRightAfterAPushReportsWhatItHolds: the hub is closed after
// a push and before its background pass; opened again (as `mach hub export`
// does with the hub stopped), it reports what the running hub reported.
func TestAHubStoppedRightAfterAPushReportsWhatItHolds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	b, err := OpenBolt(path, BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b.stopRefresher() // no background pass: Close comes before any
	equipmentRows(t, b, testUnit, 2)
	running, err := b.Summaries([]string{testUnit, otherUnit})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	// The summary kept in the file is older than the push …
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(func(tx *bbolt.Tx) error {
		if tx.Bucket(bucketDirty).Get([]byte(testUnit)) == nil {
			t.Error("the unit's summary is not due after the push")
		}
		if tx.Bucket(bucketSummaries).Get([]byte(testUnit)) != nil {
			t.Error("a summary was kept although no background pass ran")
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	// … and yet the file, opened again, answers as the running hub did.
	b, err = OpenBolt(path, BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	stopped, err := b.Summaries([]string{testUnit, otherUnit})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(stopped, running) {
		t.Fatalf("from the stopped hub's file\n%+v\nfrom the running hub\n%+v", stopped, running)
	}
	if stopped[0].Records != 2 || stopped[0].Devices != 1 {
		t.Fatalf("summary %+v, want 2 records of 1 device", stopped[0])
	}
}
