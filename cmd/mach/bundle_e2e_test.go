package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"mach/assets/i18n"
	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/store"
)

// otherUnitCode is a unit of Ninh Bình other than unitCode.
const otherUnitCode = "14464"

// enrolLaptop enrols f with the running hub for unit.
func enrolLaptop(t *testing.T, h *runningHub, f *fixture, unit string) {
	t.Helper()
	if r := f.run(t, "", nil, f.args("enroll", "--hub", h.url, "--code", h.code(t, unit), "--fingerprint", h.finger)...); r.code != 0 {
		t.Fatalf("mach enroll: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// laptopState reads a laptop's device id and how many changes wait for the
// hub, from its data file (mach is not running on it).
func laptopState(t *testing.T, f *fixture) (device string, pending int) {
	t.Helper()
	st, err := store.Open(f.data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	state, err := st.SyncState()
	if err != nil {
		t.Fatal(err)
	}
	return st.Device(), state.Pending
}

// hubDoc runs mach hub export and returns its document without the moment
// of the export, and the versions it holds, sorted.
func hubDoc(t *testing.T, h *runningHub) (map[string]json.RawMessage, []string) {
	t.Helper()
	r := h.f.run(t, "", nil, h.f.args("hub", "export", "--out", "-")...)
	var doc map[string]json.RawMessage
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &doc) != nil {
		t.Fatalf("mach hub export: exit %d\n%s", r.code, r.stderr)
	}
	delete(doc, "exported_at")
	var recs []record.Record
	if err := json.Unmarshal(doc["records"], &recs); err != nil {
		t.Fatal(err)
	}
	vs := []string{}
	for _, rec := range recs {
		vs = append(vs, rec.Kind+"/"+rec.ID+"/"+rec.Version.String())
	}
	slices.Sort(vs)
	return doc, vs
}

// writeBundleFile runs mach export --bundle on f and returns the file's path.
func writeBundleFile(t *testing.T, f *fixture, name string) string {
	t.Helper()
	_, pending := laptopState(t, f)
	path := filepath.Join(f.dir, name)
	r := f.run(t, "", nil, f.args("export", "--bundle", path)...)
	if want := say(t, i18n.Vietnamese, "bundle.written", pending, path); r.code != 0 || strings.TrimSpace(r.stderr) != want {
		t.Fatalf("mach export --bundle: exit %d, stderr %q; want %q", r.code, r.stderr, want)
	}
	return path
}

// carry copies a bundle to the hub's machine, as an officer's USB stick does.
func carry(t *testing.T, from string, h *runningHub) string {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(h.f.dir, "usb-"+filepath.Base(from))
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return to
}

func TestE2EBundleCarriesWhatTheHubLacks(t *testing.T) {
	h := startHub(t)
	a := newFixture(t)
	enrolLaptop(t, h, a, unitCode)
	putRecords(t, a, 5, "A")
	device, pending := laptopState(t, a)
	if pending == 0 {
		t.Fatal("nothing waits for the hub after writing records")
	}

	path := writeBundleFile(t, a, "bundle.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var b protocol.Bundle
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatalf("the bundle is not JSON: %v", err)
	}
	if b.Format != protocol.BundleFormat || b.Device != device || b.Unit != unitCode || b.Epoch != 1 ||
		len(b.Entries) != pending || time.Since(b.Created) > time.Minute || b.Entries[0].Seq != 1 {
		t.Fatalf("bundle = %s %s %s epoch %d, %d entries, created %v; want %d entries of %s",
			b.Format, b.Device, b.Unit, b.Epoch, len(b.Entries), b.Created, pending, device)
	}
	if strings.Contains(string(data), "token") {
		t.Error("the bundle carries a token")
	}

	empty, none := hubDoc(t, h)
	if len(none) != 0 {
		t.Fatalf("a new hub holds %v", none)
	}
	carried := carry(t, path, h)
	r := h.f.run(t, "", nil, h.f.args("hub", "import", carried)...)
	if want := say(t, i18n.Vietnamese, "bundle.imported", device, unitCode, pending, pending, 0); r.code != 0 || strings.TrimSpace(r.stdout) != want {
		t.Fatalf("mach hub import: exit %d, stdout %q, stderr %q; want %q", r.code, r.stdout, r.stderr, want)
	}
	doc, held := hubDoc(t, h)
	if laptop := heldVersions(t, a); !slices.Equal(held, laptop) {
		t.Fatalf("after the import the hub holds %v, the laptop %v", held, laptop)
	}
	if reflect.DeepEqual(doc, empty) {
		t.Fatal("the import changed nothing in the hub's export")
	}

	// Importing it twice changes nothing, and says so.
	r = h.f.run(t, "", nil, h.f.args("hub", "import", carried)...)
	if want := say(t, i18n.Vietnamese, "bundle.imported", device, unitCode, pending, 0, pending); r.code != 0 || strings.TrimSpace(r.stdout) != want {
		t.Fatalf("second mach hub import: exit %d, stdout %q, stderr %q; want %q", r.code, r.stdout, r.stderr, want)
	}
	if again, _ := hubDoc(t, h); !reflect.DeepEqual(again, doc) {
		t.Fatal("importing the bundle twice changed the hub's export")
	}

	// Back on the network, the laptop's sync gets its entries acknowledged
	// as a replay: the hub stores nothing twice, and the outbox empties.
	r = a.run(t, "", nil, a.args("sync")...)
	if want := say(t, i18n.Vietnamese, "sync.result", pending, 0, 0, 0); r.code != 0 || !strings.Contains(r.stdout, want) {
		t.Fatalf("mach sync after the import: exit %d\n%s\n%s\nwant %q", r.code, r.stdout, r.stderr, want)
	}
	if synced, vs := hubDoc(t, h); !reflect.DeepEqual(synced, doc) || len(vs) != len(held) {
		t.Fatalf("the laptop's sync after the import changed the hub: %d versions, had %d", len(vs), len(held))
	}
	if _, left := laptopState(t, a); left != 0 {
		t.Fatalf("%d changes still wait after the sync", left)
	}
	if out := a.exportFile(t).Outbox; len(out) != 0 {
		t.Fatalf("the outbox holds %d entries after the sync", len(out))
	}

	// With nothing waiting there is nothing to carry, and no file is written.
	next := filepath.Join(a.dir, "next.json")
	r = a.run(t, "", nil, a.args("export", "--bundle", next)...)
	if want := say(t, i18n.Vietnamese, "bundle.nothing"); r.code != 0 || strings.TrimSpace(r.stderr) != want {
		t.Fatalf("mach export --bundle with nothing waiting: exit %d, stderr %q; want %q", r.code, r.stderr, want)
	}
	if _, err := os.Stat(next); !os.IsNotExist(err) {
		t.Fatalf("an empty bundle was written (%v)", err)
	}

	// Later changes make a bundle that starts where the hub's acknowledgement
	// left off, and it goes in as well.
	putRecords(t, a, 2, "later")
	later := writeBundleFile(t, a, "later.json")
	if r = h.f.run(t, "", nil, h.f.args("hub", "import", carry(t, later, h))...); r.code != 0 ||
		strings.TrimSpace(r.stdout) != say(t, i18n.Vietnamese, "bundle.imported", device, unitCode, 2, 2, 0) {
		t.Fatalf("import of a later bundle: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if _, vs := hubDoc(t, h); !slices.Equal(vs, heldVersions(t, a)) {
		t.Fatalf("after the later import the hub holds %v, the laptop %v", vs, heldVersions(t, a))
	}
	h.stop(t)
}

func TestE2EBundleRefusesTamperedAndGarbage(t *testing.T) {
	h := startHub(t)
	a, b := newFixture(t), newFixture(t)
	enrolLaptop(t, h, a, unitCode)
	enrolLaptop(t, h, b, otherUnitCode)
	putRecords(t, a, 3, "A")
	bDevice, _ := laptopState(t, b)
	path := carry(t, writeBundleFile(t, a, "bundle.json"), h)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var good protocol.Bundle
	if err := json.Unmarshal(data, &good); err != nil {
		t.Fatal(err)
	}
	before, _ := hubDoc(t, h)
	vi := i18n.MustNew(i18n.Vietnamese)
	refused := func(t *testing.T, file, want string, exact bool) {
		t.Helper()
		r := h.f.run(t, "", nil, h.f.args("hub", "import", file)...)
		got := strings.TrimSpace(r.stderr)
		if r.code == 0 || exact && got != want || !exact && !strings.HasPrefix(got, want) {
			t.Errorf("mach hub import %s: exit %d, stderr %q; want non-zero and %q", filepath.Base(file), r.code, got, want)
		}
		if after, _ := hubDoc(t, h); !reflect.DeepEqual(after, before) {
			t.Fatalf("a refused import of %s changed the hub", filepath.Base(file))
		}
	}
	// write saves a bundle changed by change, next to the good one.
	write := func(t *testing.T, name string, change func(b *protocol.Bundle)) string {
		t.Helper()
		bad := good
		bad.Entries = append([]record.Entry(nil), good.Entries...)
		change(&bad)
		data, err := json.Marshal(bad)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(h.f.dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	forbidden := strings.SplitN(vi.T("bundle.forbidden"), "(", 2)[0]
	invalid := strings.SplitN(vi.T("bundle.invalid"), "(", 2)[0]
	last := len(good.Entries) - 1
	for name, c := range map[string]struct {
		change func(b *protocol.Bundle)
		want   string
	}{
		"another unit":                   {func(b *protocol.Bundle) { b.Unit = otherUnitCode }, forbidden},
		"a record of another unit":       {func(b *protocol.Bundle) { b.Entries[last].Record.Unit = otherUnitCode }, forbidden},
		"another device's name on it":    {func(b *protocol.Bundle) { b.Device = bDevice }, forbidden},
		"a record of another device":     {func(b *protocol.Bundle) { b.Entries[0].Record.Device = bDevice }, forbidden},
		"another device's name and unit": {func(b *protocol.Bundle) { b.Device, b.Unit = bDevice, otherUnitCode }, forbidden},
		// As a push: a version the device did not make is malformed.
		"a version of another device": {func(b *protocol.Bundle) { b.Entries[last].Record.Version.Device = bDevice }, invalid},
		"an entry dropped":            {func(b *protocol.Bundle) { b.Entries = slices.Delete(b.Entries, 1, 2) }, invalid},
	} {
		t.Run(name, func(t *testing.T) {
			refused(t, write(t, strings.ReplaceAll(name, " ", "-")+".json", c.change), c.want, false)
		})
	}
	t.Run("a device the hub never enrolled", func(t *testing.T) {
		stranger := record.NewID(time.Now())
		p := write(t, "stranger.json", func(b *protocol.Bundle) { b.Device = stranger })
		refused(t, p, vi.T("bundle.unknown_device", stranger), true)
	})
	t.Run("garbage", func(t *testing.T) {
		p := filepath.Join(h.f.dir, "garbage.bin")
		if err := os.WriteFile(p, []byte("\x00\x01PK garbage, not a bundle"), 0o600); err != nil {
			t.Fatal(err)
		}
		refused(t, p, strings.SplitN(vi.T("bundle.not_bundle", p, "%v"), "%v", 2)[0], false)
	})
	t.Run("another mach file", func(t *testing.T) {
		p := filepath.Join(h.f.dir, "laptop-export.json")
		if r := a.run(t, "", nil, a.args("export", "--out", p)...); r.code != 0 {
			t.Fatalf("mach export: %d %s", r.code, r.stderr)
		}
		refused(t, p, vi.T("bundle.wrong_format", p, "mach-export/1"), true)
	})
	t.Run("over the limit", func(t *testing.T) {
		p := filepath.Join(h.f.dir, "huge.json")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		// Sparse where the file system allows: nothing is really written.
		if err := os.Truncate(p, protocol.MaxBundleBytes+1); err != nil {
			t.Fatal(err)
		}
		refused(t, p, vi.T("bundle.too_large", p, protocol.MaxBundleBytes>>20), true)
	})
	t.Run("no such file", func(t *testing.T) {
		p := filepath.Join(h.f.dir, "missing.json")
		refused(t, p, strings.SplitN(vi.T("bundle.read_failed", p, "%v"), "%v", 2)[0], false)
	})

	// The genuine bundle still goes in: the refusals were about the changes.
	if r := h.f.run(t, "", nil, h.f.args("hub", "import", path)...); r.code != 0 {
		t.Fatalf("import of the genuine bundle: exit %d\n%s", r.code, r.stderr)
	}
	if _, vs := hubDoc(t, h); !slices.Equal(vs, heldVersions(t, a)) {
		t.Fatalf("the hub holds %v, the laptop %v", vs, heldVersions(t, a))
	}
	h.stop(t)
}

func TestE2EBundleExportRefusals(t *testing.T) {
	f := newFixture(t)
	f.create(t)
	out := filepath.Join(f.dir, "bundle.json")
	for _, c := range []struct {
		args []string
		key  string
	}{
		{[]string{"export", "--bundle", out, "--out", "x.json"}, "bundle.with_out"},
		{[]string{"export", "--bundle", out, "--format", "json"}, "bundle.with_out"},
		{[]string{"export", "--bundle", ""}, "bundle.no_file"},
		// A laptop never enrolled: the hub would not take its bundle.
		{[]string{"export", "--bundle", out}, "bundle.not_enrolled"},
	} {
		r := f.run(t, "", nil, f.args(c.args...)...)
		if want := say(t, i18n.Vietnamese, c.key); r.code == 0 || strings.TrimSpace(r.stderr) != want {
			t.Errorf("mach %q: exit %d, stderr %q; want non-zero and %q", c.args, r.code, r.stderr, want)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused export --bundle wrote %s (%v)", out, err)
	}
	// In English too.
	r := f.run(t, "", nil, f.args("export", "--bundle", out, "--lang", "en")...)
	if want := say(t, i18n.English, "bundle.not_enrolled"); r.code == 0 || strings.TrimSpace(r.stderr) != want {
		t.Errorf("mach export --bundle --lang en: exit %d, stderr %q; want %q", r.code, r.stderr, want)
	}
}
