package netcheck

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"mach/checks/probe"
	"mach/checks/profile"
	"mach/tui/app"
	"mach/tui/app/apptest"
)

// refusedPort is a loopback port where nothing listens.
func refusedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// silentURL is a loopback server that accepts connections and never answers.
func silentURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	return "http://" + l.Addr().String() + "/"
}

// withProfile gives sh a profile of local targets.
func withProfile(t *testing.T, sh *app.Shared, yaml string) {
	t.Helper()
	p, err := profile.Parse("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	sh.Profile, sh.Probes = p, probe.All()
	sh.Interfaces = func() int { return 1 }
}

func TestRunDiagnoseAndSave(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ok") }))
	defer ok.Close()
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	// The limits and the timeout are far past what a loopback exchange
	// takes on a loaded machine: the targets that answer pass.
	withProfile(t, sh, fmt.Sprintf(`
id: test
version: 3
timeout: 30s
targets:
  - name: Cổng tỉnh
    url: %[1]s/
    probes: [tcp, http]
    thresholds: {connect_warn_ms: 60000, ttfb_warn_ms: 60000}
  - name: Thư công vụ
    url: %[1]s/
    probes: [tcp]
    thresholds: {connect_warn_ms: 60000}
  - name: Một cửa
    host: 127.0.0.1
    port: %[2]d
    probes: [tcp]
`, ok.URL, refusedPort(t)))
	m := New(sh)
	m.SetSize(80, 24)
	view := ansi.Strip(m.View())
	if !strings.Contains(view, "> Internet") || !strings.Contains(view, "Bộ kiểm tra: test, phiên bản 3") {
		t.Fatalf("pick screen:\n%s", view)
	}
	golden.RequireEqual(t, []byte(apptest.Screen(view)))

	d := apptest.Drive[Model](t, sh)
	m = d.Send(m, apptest.Key("enter"))
	view = ansi.Strip(m.View())
	for _, want := range []string{"Kết quả: Internet", "3 đạt · 0 cảnh báo · 1 không đạt", "[KHÔNG ĐẠT] Một cửa · kết nối TCP", "máy chủ từ chối kết nối", "[ĐẠT] Cổng tỉnh · truy cập web", "Chẩn đoán", "Đã lưu kết quả"} {
		if !strings.Contains(view, want) {
			t.Errorf("result screen lacks %q:\n%s", want, view)
		}
	}
	if n := strings.Count(view, "\n") + 1; n != 24 {
		t.Errorf("result screen has %d lines, want 24", n)
	}
	// Scroll to the diagnosis: one system down, not the commune's link.
	for range 10 {
		m = d.Send(m, apptest.Key("down"))
	}
	if view = ansi.Strip(m.View()); !strings.Contains(view, "lỗi nằm ở hệ thống đó") {
		t.Errorf("the diagnosis is not one system down:\n%s", view)
	}
	runs := sh.Sheet.CheckRuns()
	if len(runs) != 1 {
		t.Fatalf("%d runs stored, want 1", len(runs))
	}
	stored, err := sh.Store.Get("check-run", runs[0].ID)
	if err != nil || !strings.Contains(string(stored.Body), `"rule":"one_system_down"`) {
		t.Fatalf("stored run = %s, %v", stored.Body, err)
	}

	// The run is in the history, and the links section's pick screen shows it.
	m = d.Send(m, apptest.Key("l"))
	if view = ansi.Strip(m.View()); !strings.Contains(view, "Internet · 3 đạt, 0 cảnh báo, 1 không đạt") {
		t.Fatalf("history:\n%s", view)
	}
	m = d.Send(m, apptest.Key("enter"))
	if view = ansi.Strip(m.View()); !strings.Contains(view, "[KHÔNG ĐẠT] Một cửa") {
		t.Fatalf("a past run does not show:\n%s", view)
	}
}

func TestCancelStopsARunAndKeepsWhatWasMeasured(t *testing.T) {
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	withProfile(t, sh, fmt.Sprintf(`
id: test
version: 1
timeout: 30s
targets:
  - name: Im lặng
    url: %s
    probes: [http]
`, silentURL(t)))
	m := New(sh)
	m.SetSize(80, 24)
	d := apptest.Drive[Model](t, sh)
	m = d.Post(m, apptest.Key("enter"))
	if !m.Running() {
		t.Fatal("enter did not start the run")
	}
	m = d.Send(m, apptest.Key("esc"))
	if m.Running() {
		t.Fatal("esc did not stop the run")
	}
	view := ansi.Strip(m.View())
	if !strings.Contains(view, "đã dừng giữa chừng") || !strings.Contains(view, "[BỎ QUA] Im lặng") {
		t.Fatalf("cancelled run:\n%s", view)
	}
	if len(sh.Sheet.CheckRuns()) != 1 {
		t.Fatal("a cancelled run was not kept as evidence")
	}
}
