package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"mach/sync/protocol"
	"mach/sync/record"
)

// otherDevice makes versions of another laptop of the same unit.
func otherDevice(id string, t int64, base record.Version, value string) record.Record {
	return record.Record{
		ID: id, Kind: record.KindAnswer, Unit: testUnit, Body: json.RawMessage(fmt.Sprintf(`{"value":%q}`, value)),
		Version: record.Version{Time: t, Device: "LAPTOP-B"}, Base: base, Device: "LAPTOP-B",
		Saved: time.UnixMicro(t).UTC(),
	}
}

func TestPullPagesAndSavesTheCursor(t *testing.T) {
	f := newFixture(t)
	f.hub.pageSize = 2
	now := time.Now().UnixMicro()
	var theirs []record.Record
	for i := range 5 {
		r := otherDevice(record.NewID(time.Now()), now+int64(i), record.Version{}, fmt.Sprint(i))
		theirs = append(theirs, r)
		f.hub.logRecord(r)
	}
	other := otherDevice(record.NewID(time.Now()), now, record.Version{}, "another unit")
	other.Unit = "99999"
	f.hub.logRecord(other)
	c := f.client(t, nil)

	res := syncOK(t, c, f.st)
	if res.Pulled != 5 || res.Conflicts != 0 {
		t.Fatalf("first sync = %+v, want 5 pulled", res)
	}
	if got := fmt.Sprint(f.hub.afters); got != "[0 2 4]" {
		t.Fatalf("pulls after %s, want 0 2 4", got)
	}
	for _, r := range theirs {
		if got, err := f.st.Get(r.Kind, r.ID); err != nil || got.Version != r.Version {
			t.Fatalf("pulled record %s = %+v, %v", r.ID, got, err)
		}
	}
	if st, _ := f.st.SyncState(); st.Cursor != 6 {
		t.Fatalf("cursor = %d, want 6", st.Cursor)
	}

	// An edit here and one there of the same answer: both kept.
	mine, err := f.st.Put(record.KindAnswer, theirs[0].ID, json.RawMessage(`{"value":"của tôi"}`))
	if err != nil {
		t.Fatal(err)
	}
	f.hub.logRecord(otherDevice(theirs[0].ID, mine.Version.Time+1, theirs[0].Version, "của họ"))
	res = syncOK(t, c, f.st)
	if res.Pushed != 1 || res.Pulled != 1 || res.Conflicts != 1 {
		t.Fatalf("second sync = %+v, want 1 pushed, 1 pulled, 1 conflict", res)
	}
	if got := fmt.Sprint(f.hub.afters[3:]); got != "[6]" {
		t.Fatalf("second sync pulled after %s, want the saved cursor 6", got)
	}
	list, err := f.st.Conflicts()
	if err != nil || len(list) != 1 || list[0].Others[0].Version != mine.Version {
		t.Fatalf("Conflicts = %+v, %v; want the local edit set aside", list, err)
	}
	assertInSync(t, f.hub, f.st)
}

func TestAPullThatMakesNoProgressIsErrHub(t *testing.T) {
	f := newFixture(t)
	f.hub.inject(protocol.PathPull, func(_ *fakeHub, w http.ResponseWriter, _ *http.Request, _ []byte) {
		writeJSON(w, http.StatusOK, protocol.PullResponse{Records: []record.Record{}, Cursor: 0, More: true})
	})
	_, err := f.client(t, nil).Sync(context.Background(), f.st)
	if !errors.Is(err, ErrHub) {
		t.Fatalf("Sync = %v, want ErrHub for a pull that says more without moving on", err)
	}
}

func TestEnrollExchangesACodeForAToken(t *testing.T) {
	f := newFixture(t)
	f.hub.codes["7KQ-42M"] = testUnit
	c := f.client(t, func(o *Options) { o.Token = "" })
	resp, err := c.Enroll(context.Background(), "7KQ-42M", f.st.Device(), "laptop-phu-ly")
	if err != nil {
		t.Fatal(err)
	}
	if resp.Token == "" || resp.Unit != testUnit || resp.Province != "37" {
		t.Fatalf("Enroll = %+v", resp)
	}
	writeAnswers(t, f.st, 1, 10)
	syncOK(t, f.client(t, func(o *Options) { o.Token = resp.Token }), f.st)

	if _, err := c.Enroll(context.Background(), "7KQ-42M", f.st.Device(), "laptop-phu-ly"); !errors.Is(err, ErrBadCode) {
		t.Fatalf("a used code: %v, want ErrBadCode", err)
	}
}
