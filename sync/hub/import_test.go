package hub

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"mach/sync/protocol"
	"mach/sync/record"
)

// bundleOf wraps a laptop's entries in a bundle of its device, unit and
// epoch.
func bundleOf(l *laptop, es []record.Entry) protocol.Bundle {
	return protocol.Bundle{Format: protocol.BundleFormat, Device: l.device, Unit: l.unit, Epoch: l.epoch,
		Created: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC), Entries: es}
}

// importBundle posts b to the admin import route with the admin token.
func (h *hubTest) importBundle(t *testing.T, b protocol.Bundle) answer {
	t.Helper()
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return h.do(t, http.MethodPost, protocol.PathAdminImport, adminToken, data)
}

// imported decodes a good import's answer.
func imported(t *testing.T, a answer) protocol.ImportResponse {
	t.Helper()
	var resp protocol.ImportResponse
	if a.status != http.StatusOK || json.Unmarshal(a.body, &resp) != nil {
		t.Fatalf("import: %d %s", a.status, a.body)
	}
	return resp
}

func TestImportStoresABundleOnce(t *testing.T) {
	h := newHubTest(t, Options{AdminToken: adminToken})
	device, token := enrolTest(t, h.b, testUnit)
	l := newLaptop(device, testUnit)
	// More than two batches' worth, so that the import pushes in batches.
	es := l.news(2*protocol.MaxBatchEntries + 7)
	b := bundleOf(l, es)

	got := imported(t, h.importBundle(t, b))
	want := protocol.ImportResponse{Device: device, Unit: testUnit, Epoch: 1, Acked: uint64(len(es)), Entries: len(es), New: len(es)}
	if got != want {
		t.Fatalf("import = %+v, want %+v", got, want)
	}
	if n := logCount(t, h.b); n != len(es) {
		t.Fatalf("the hub holds %d versions, want %d", n, len(es))
	}

	// Importing it again changes nothing and says that nothing was new.
	h.unchanged(t, func() {
		want.New = 0
		if got := imported(t, h.importBundle(t, b)); got != want {
			t.Fatalf("second import = %+v, want %+v", got, want)
		}
	})

	// The laptop, not knowing, pushes the same entries: a replay, answered
	// with everything acknowledged and nothing stored.
	h.unchanged(t, func() {
		a := h.push(t, token, l.batch(es[:protocol.MaxBatchEntries]...))
		var pr protocol.PushResponse
		if a.status != http.StatusOK || json.Unmarshal(a.body, &pr) != nil || pr.Acked != uint64(len(es)) {
			t.Fatalf("push after import: %d %s", a.status, a.body)
		}
	})
}

func TestImportSkipsWhatThePushesBroughtAlready(t *testing.T) {
	h := newHubTest(t, Options{AdminToken: adminToken})
	device, token := enrolTest(t, h.b, testUnit)
	l := newLaptop(device, testUnit)
	es := l.news(30)
	if a := h.push(t, token, l.batch(es[:12]...)); a.status != http.StatusOK {
		t.Fatalf("push: %d %s", a.status, a.body)
	}
	got := imported(t, h.importBundle(t, bundleOf(l, es)))
	if got.Acked != 30 || got.New != 18 || got.Entries != 30 {
		t.Fatalf("import over 12 pushed = %+v, want acked 30, 18 new of 30", got)
	}
	if n := logCount(t, h.b); n != 30 {
		t.Fatalf("the hub holds %d versions, want 30", n)
	}
	// A bundle of nothing is answered with what is held.
	if got := imported(t, h.importBundle(t, bundleOf(l, nil))); got.Acked != 30 || got.New != 0 {
		t.Fatalf("empty bundle = %+v", got)
	}
}

func TestImportRefusesBadBundlesAndStoresNothing(t *testing.T) {
	h := newHubTest(t, Options{AdminToken: adminToken})
	device, token := enrolTest(t, h.b, testUnit)
	other, _ := enrolTest(t, h.b, testUnit)
	revoked, _ := enrolTest(t, h.b, testUnit)
	if err := h.b.Revoke(revoked); err != nil {
		t.Fatal(err)
	}
	l := newLaptop(device, testUnit)
	es := l.news(2*protocol.MaxBatchEntries + 3)
	// Something held already, so that a refused import could change it.
	if a := h.push(t, token, l.batch(es[:5]...)); a.status != http.StatusOK {
		t.Fatalf("push: %d %s", a.status, a.body)
	}
	good := bundleOf(l, es)
	good.Entries = good.Entries[5:]
	// tamper copies the good bundle, entries too, and changes it.
	tamper := func(change func(b *protocol.Bundle)) protocol.Bundle {
		b := good
		b.Entries = append([]record.Entry(nil), good.Entries...)
		change(&b)
		return b
	}
	last := len(good.Entries) - 1
	cases := []struct {
		name   string
		bundle protocol.Bundle
		status int
		code   string
	}{
		{"wrong format", tamper(func(b *protocol.Bundle) { b.Format = "mach-export/1" }), http.StatusBadRequest, protocol.CodeBadRequest},
		{"no device", tamper(func(b *protocol.Bundle) { b.Device = "" }), http.StatusBadRequest, protocol.CodeBadRequest},
		{"bad unit", tamper(func(b *protocol.Bundle) { b.Unit = "1347" }), http.StatusBadRequest, protocol.CodeBadRequest},
		{"unknown device", tamper(func(b *protocol.Bundle) { b.Device = record.NewID(time.Now()) }), http.StatusForbidden, protocol.CodeUnknownDevice},
		{"revoked device", tamper(func(b *protocol.Bundle) { b.Device = revoked }), http.StatusForbidden, protocol.CodeUnknownDevice},
		{"another unit", tamper(func(b *protocol.Bundle) { b.Unit = otherUnit }), http.StatusForbidden, protocol.CodeForbidden},
		{"another device's name on it", tamper(func(b *protocol.Bundle) { b.Device = other }), http.StatusForbidden, protocol.CodeForbidden},
		// The bad entry is in the last batch: the earlier ones, good, must
		// not be stored either.
		{"a last record of another unit", tamper(func(b *protocol.Bundle) { b.Entries[last].Record.Unit = otherUnit }), http.StatusForbidden, protocol.CodeForbidden},
		{"a last record of another device", tamper(func(b *protocol.Bundle) {
			b.Entries[last].Record.Device = other
			b.Entries[last].Record.Version.Device = other
		}), http.StatusForbidden, protocol.CodeForbidden},
		{"an entry of another epoch", tamper(func(b *protocol.Bundle) { b.Entries[last].Epoch = 2 }), http.StatusBadRequest, protocol.CodeBadRequest},
		{"a gap in the seqs", tamper(func(b *protocol.Bundle) { b.Entries = append(b.Entries[:10], b.Entries[11:]...) }), http.StatusBadRequest, protocol.CodeBadRequest},
		{"a record id that is not a ULID", tamper(func(b *protocol.Bundle) { b.Entries[last].Record.ID = "record-1" }), http.StatusBadRequest, protocol.CodeBadRequest},
		{"not following what is held", tamper(func(b *protocol.Bundle) { b.Entries = b.Entries[3:] }), http.StatusConflict, protocol.CodeGap},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h.unchanged(t, func() {
				e := wantError(t, h.importBundle(t, c.bundle), c.status, c.code)
				if c.code == protocol.CodeGap && (e.Acked == nil || *e.Acked != 5) {
					t.Errorf("gap answer %+v, want acked 5", e)
				}
			})
		})
	}
	for name, body := range map[string]string{
		"empty":    "",
		"not JSON": "not a bundle",
		"trailing": mustJSON(t, good) + ` {}`,
		"an array": "[]",
	} {
		t.Run(name, func(t *testing.T) {
			h.unchanged(t, func() {
				wantError(t, h.do(t, http.MethodPost, protocol.PathAdminImport, adminToken, []byte(body)), http.StatusBadRequest, protocol.CodeBadRequest)
			})
		})
	}
	t.Run("over the limit", func(t *testing.T) {
		data := []byte(mustJSON(t, good))
		old := maxBundleBytes
		maxBundleBytes = int64(len(data) - 1)
		t.Cleanup(func() { maxBundleBytes = old })
		h.unchanged(t, func() {
			wantError(t, h.do(t, http.MethodPost, protocol.PathAdminImport, adminToken, data), http.StatusRequestEntityTooLarge, protocol.CodeTooLarge)
		})
	})
	t.Run("tokens and methods", func(t *testing.T) {
		data := []byte(mustJSON(t, good))
		h.unchanged(t, func() {
			wantError(t, h.do(t, http.MethodPost, protocol.PathAdminImport, "", data), http.StatusUnauthorized, protocol.CodeUnauthorized)
			wantError(t, h.do(t, http.MethodPost, protocol.PathAdminImport, token, data), http.StatusUnauthorized, protocol.CodeUnauthorized)
			wantError(t, h.do(t, http.MethodGet, protocol.PathAdminImport, adminToken, nil), http.StatusMethodNotAllowed, protocol.CodeMethodNotAllowed)
		})
	})
	// After all that, the good bundle goes in whole.
	if got := imported(t, h.importBundle(t, good)); got.Acked != uint64(len(es)) || got.New != len(good.Entries) {
		t.Fatalf("good import after refusals = %+v", got)
	}
}

func TestImportOfAnotherHistoryIsRefused(t *testing.T) {
	h := newHubTest(t, Options{AdminToken: adminToken})
	device, token := enrolTest(t, h.b, testUnit)
	l := newLaptop(device, testUnit)
	if a := h.push(t, token, l.batch(l.news(3)...)); a.status != http.StatusOK {
		t.Fatalf("push: %d %s", a.status, a.body)
	}
	// A copy of the file from before those three writes on: the same seqs,
	// other records.
	restored := newLaptop(device, testUnit)
	restored.clock += 1000
	b := bundleOf(restored, restored.news(3))
	h.unchanged(t, func() {
		wantError(t, h.importBundle(t, b), http.StatusConflict, protocol.CodeEpochReused)
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(buf.String())
}
