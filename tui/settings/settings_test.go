package settings

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"mach/sync/hub"
	"mach/tui/app/apptest"
)

// startHub runs a real hub over TLS on 127.0.0.1 and returns its URL, its
// fingerprint and a code for unit.
func startHub(t *testing.T, unit string) (url, fingerprint, code string) {
	t.Helper()
	b, err := hub.OpenBolt(filepath.Join(t.TempDir(), "hub.db"), hub.BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	srv := httptest.NewTLSServer(hub.NewServer(b, hub.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Rate: -1}))
	t.Cleanup(srv.Close)
	if code, err = b.NewCode(unit, time.Hour); err != nil {
		t.Fatal(err)
	}
	return srv.URL, hub.Fingerprint(srv.Certificate().Raw), code
}

func TestEnrolFromTheSettingsScreen(t *testing.T) {
	url, fp, code := startHub(t, apptest.Unit)
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	m := New(sh)
	m.SetSize(80, 24)
	if view := ansi.Strip(m.View()); !strings.Contains(view, "Máy chủ: chưa đăng ký") {
		t.Fatalf("settings before enrolment:\n%s", view)
	}
	d := apptest.Drive[Model](t, sh)
	m = d.Send(m, apptest.Key("e"))
	m = d.Type(m, url)
	m = d.Send(m, apptest.Key("enter"))
	m = d.Type(m, code)
	m = d.Send(m, apptest.Key("enter"))
	view := ansi.Strip(m.View())
	if !strings.Contains(strings.ReplaceAll(view, "\n", " "), fp[:23]) {
		t.Fatalf("the hub's fingerprint is not shown for confirmation:\n%s", view)
	}
	m = d.Send(m, apptest.Key("y"))
	m = d.Send(m, apptest.Key("enter"))
	if view = ansi.Strip(m.View()); !strings.Contains(view, "Đã đăng ký.") {
		t.Fatalf("after confirming:\n%s", view)
	}
	state, err := sh.Store.SyncState()
	if err != nil || state.Hub.URL != url || state.Hub.Token == "" || state.Hub.Fingerprint == "" {
		t.Fatalf("enrolment not kept: %+v, %v", state.Hub, err)
	}
}

func TestACodeForAnotherUnitIsRefused(t *testing.T) {
	url, _, code := startHub(t, "00004")
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	m := New(sh)
	m.SetSize(80, 24)
	d := apptest.Drive[Model](t, sh)
	m = d.Send(m, apptest.Key("e"))
	m = d.Type(m, url)
	m = d.Send(m, apptest.Key("enter"))
	m = d.Type(m, code)
	m = d.Send(m, apptest.Key("enter"))
	m = d.Send(m, apptest.Key("y"))
	m = d.Send(m, apptest.Key("enter"))
	if view := ansi.Strip(m.View()); !strings.Contains(view, "mã này dành cho đơn vị khác") {
		t.Fatalf("a code for another unit:\n%s", view)
	}
	if state, _ := sh.Store.SyncState(); state.Hub.Token != "" {
		t.Fatal("a token for another unit was kept")
	}
}
