package storagetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"mach/sync/protocol"
	"mach/sync/record"
)

// enrol enrols a new device for unit and returns its id and token.
func (e *env) enrol(t *testing.T, unit string) (device, token string) {
	t.Helper()
	device = record.NewID(time.Now())
	return device, e.enrolAs(t, unit, device)
}

// enrolAs enrols device for unit and returns its token.
func (e *env) enrolAs(t *testing.T, unit, device string) string {
	t.Helper()
	code, err := e.st.NewCode(unit, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := e.st.Enroll(protocol.EnrollRequest{Code: code, Device: device, Name: "laptop " + device[20:]})
	if err != nil {
		t.Fatal(err)
	}
	e.mu.Lock()
	e.devices = append(e.devices, device)
	e.mu.Unlock()
	return resp.Token
}

// state describes everything the storage answers of what it holds: the
// export, the devices, documents and deadlines, each unit's detail, and
// what is held of every known device's first epochs. Two equal states
// mean that nothing a reader could see changed.
func (e *env) state(t *testing.T) string {
	t.Helper()
	var out strings.Builder
	if err := e.st.Export(&out, ""); err != nil {
		t.Fatal(err)
	}
	parts := []any{}
	devices, err := e.st.Devices()
	parts = append(parts, devices, err)
	docs, err := e.st.Documents()
	parts = append(parts, docs, err)
	deadlines, err := e.st.Deadlines()
	parts = append(parts, deadlines, err)
	for _, unit := range []string{testUnit, otherUnit} {
		d, err := e.st.UnitDetail(unit)
		parts = append(parts, d, err)
	}
	e.mu.Lock()
	known := append([]string(nil), e.devices...)
	e.mu.Unlock()
	for _, dev := range known {
		for epoch := uint32(1); epoch <= 2; epoch++ {
			resp, err := e.st.Push(dev, "", protocol.PushRequest{Device: dev, Epoch: epoch})
			parts = append(parts, resp, err)
		}
	}
	data, err := json.Marshal(parts)
	if err != nil {
		t.Fatal(err)
	}
	return out.String() + string(data)
}

// unchanged runs fn and fails if the storage's state changed.
func (e *env) unchanged(t *testing.T, fn func()) {
	t.Helper()
	before := e.state(t)
	fn()
	if after := e.state(t); after != before {
		t.Fatalf("a refused request changed what the storage holds:\nbefore %s\nafter  %s", before, after)
	}
}

// exported returns the export of unit ("" for all) decoded.
func (e *env) exported(t *testing.T, unit string) exportDoc {
	t.Helper()
	var buf bytes.Buffer
	if err := e.st.Export(&buf, unit); err != nil {
		t.Fatal(err)
	}
	var doc exportDoc
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("the export is not JSON: %v\n%s", err, buf.Bytes())
	}
	return doc
}

// exportDoc is an export as a reader decodes it.
type exportDoc struct {
	Format     string              `json:"format"`
	ExportedAt time.Time           `json:"exported_at"`
	Devices    []json.RawMessage   `json:"devices"`
	Documents  []protocol.Document `json:"documents"`
	Records    []record.Record     `json:"records"`
}

// logCount counts the record versions the storage holds.
func (e *env) logCount(t *testing.T) int {
	t.Helper()
	return len(e.exported(t, "").Records)
}

// laptop makes outbox entries as a device's store would: one epoch, seqs
// from 1, versions from a clock.
type laptop struct {
	device, unit string
	epoch        uint32
	seq          uint64
	clock        int64
}

// newLaptop returns a laptop of device and unit at epoch 1.
func newLaptop(device, unit string) *laptop {
	return &laptop{device: device, unit: unit, epoch: 1, clock: time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC).UnixMicro()}
}

// put makes the next entry: a new record of kind answer when base is the
// zero record, else a new version of base.
func (l *laptop) put(base record.Record, body string) record.Entry {
	l.seq++
	l.clock++
	r := record.Record{
		ID: base.ID, Kind: record.KindAnswer, Unit: l.unit, Body: json.RawMessage(body),
		Version: record.Version{Time: l.clock, Device: l.device}, Base: base.Version, Device: l.device,
		Saved: time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC),
	}
	if r.ID == "" {
		r.ID = record.NewID(time.Now())
	}
	return record.Entry{Epoch: l.epoch, Seq: l.seq, Record: r}
}

// news makes n new records.
func (l *laptop) news(n int) []record.Entry {
	es := make([]record.Entry, n)
	for i := range es {
		es[i] = l.put(record.Record{}, fmt.Sprintf(`{"n":%d}`, l.seq+1))
	}
	return es
}

// batch wraps entries in a push request of the laptop's epoch.
func (l *laptop) batch(es ...record.Entry) protocol.PushRequest {
	return protocol.PushRequest{Device: l.device, Epoch: l.epoch, Entries: es}
}

// versionsOf returns the versions of id among rs, sorted.
func versionsOf(rs []record.Record, id string) []string {
	var vs []string
	for _, r := range rs {
		if r.ID == id {
			vs = append(vs, r.Version.String())
		}
	}
	sort.Strings(vs)
	return vs
}

// sameRecord reports whether two records are equal, bodies compared as
// compact JSON.
func sameRecord(a, b record.Record) bool {
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a.Body) != nil || json.Compact(&cb, b.Body) != nil {
		return false
	}
	a.Body, b.Body = nil, nil
	return ca.String() == cb.String() && a.ID == b.ID && a.Kind == b.Kind && a.Unit == b.Unit &&
		a.Version == b.Version && a.Base == b.Base && a.Device == b.Device && a.Author == b.Author &&
		a.Deleted == b.Deleted && a.Saved.Equal(b.Saved)
}
