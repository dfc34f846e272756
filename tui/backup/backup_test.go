package backup

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	bk "mach/checks/backup"
	"mach/tui/app/apptest"
)

// tree makes a source folder with Vietnamese names and an empty folder.
func tree(t *testing.T, files map[string][]byte) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "Hồ sơ một cửa")
	for name, data := range files {
		p := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(src, "trống"), 0o755); err != nil {
		t.Fatal(err)
	}
	return src
}

func TestFormView(t *testing.T) {
	sh := apptest.Shared(t)
	m := New(sh)
	m.SetSize(80, 24)
	view := ansi.Strip(m.View())
	for _, want := range []string{"Sao lưu dữ liệu", "Thư mục cần sao lưu", "Lưu vào thư mục", "Tên bộ dữ liệu"} {
		if !strings.Contains(view, want) {
			t.Errorf("form lacks %q:\n%s", want, view)
		}
	}
	golden.RequireEqual(t, []byte(apptest.Screen(view)))
}

func TestRunningView(t *testing.T) {
	sh := apptest.Shared(t)
	m := New(sh)
	m.SetSize(80, 24)
	m.state, m.in.dest = stateRunning, `E:\Sao luu`
	m.prog = bk.Progress{Done: 84 << 20, Total: 200 << 20, Files: 1234, TotalFiles: 2202, Rate: 95 << 20,
		Left: 2 * time.Second, Current: "Hồ sơ một cửa/2025/tháng 7/biên bản.docx"}
	view := ansi.Strip(m.View())
	if n := strings.Count(view, "\n") + 1; n != 24 {
		t.Errorf("running view has %d lines, want 24", n)
	}
	for _, want := range []string{"Đang sao lưu 2202 tệp (200,0 MB)", "42,0% · 84,0 MB / 200,0 MB · 95,0 MB/giây · còn 0:02", "1234 / 2202 tệp", "esc dừng sao lưu"} {
		if !strings.Contains(view, want) {
			t.Errorf("running view lacks %q:\n%s", want, view)
		}
	}
	golden.RequireEqual(t, []byte(apptest.Screen(view)))
}

// fill types the form's three answers, each followed by enter; it waits
// for the screen only after each enter.
func fill(t *testing.T, d *apptest.Driver[Model], m Model, answers ...string) Model {
	t.Helper()
	for _, a := range answers {
		for _, k := range apptest.Keys(a) {
			m = d.Post(m, k)
		}
		m = d.Send(m, apptest.Key("enter"))
	}
	return m
}

func TestBackupIsSavedAsARow(t *testing.T) {
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	src := tree(t, map[string][]byte{"Báo cáo.docx": []byte("báo cáo"), "2025/biên bản.pdf": []byte(strings.Repeat("biên bản ", 1000))})
	dest := t.TempDir()
	m := New(sh)
	m.SetSize(80, 24)
	d := apptest.Drive[Model](t, sh)
	m = d.Send(m, m.Init()())
	m = fill(t, d, m, src, dest, "Một cửa")
	if m.state != stateDone {
		t.Fatalf("state %v after the form, want done:\n%s", m.state, ansi.Strip(m.View()))
	}
	view := ansi.Strip(m.View())
	for _, want := range []string{"Đã sao lưu vào", "2 tệp", "Mã băm SHA-256", "Đã đọc lại: bản sao lưu nguyên vẹn.", "Đã ghi bản sao lưu thành một dòng của bảng «Bộ dữ liệu»."} {
		if !strings.Contains(view, want) {
			t.Errorf("result lacks %q:\n%s", want, view)
		}
	}
	rows := sh.Sheet.Rows(bk.TableID)
	if len(rows) != 1 {
		t.Fatalf("%d rows in the backups table, want 1", len(rows))
	}
	v := rows[0].Values
	if v["dataset"] != "Một cửa" || v["backed_up"] != true || v["verified"] != true || v["sha256"] != m.res.Digest ||
		v["location"] != m.res.Archive || v["file_count"] != float64(2) {
		t.Errorf("row %v", v)
	}
	if rep, err := bk.Verify(t.Context(), m.res.Archive, nil); err != nil || !rep.Intact() {
		t.Errorf("the archive does not verify: %+v %v", rep, err)
	}
}

func TestEmptyFoldersAreRefused(t *testing.T) {
	sh := apptest.Shared(t)
	m := New(sh)
	m.SetSize(80, 24)
	d := apptest.Drive[Model](t, sh)
	m = d.Send(m, m.Init()())
	m = d.Send(m, apptest.Key("enter"))
	if m.state != stateForm || !strings.Contains(ansi.Strip(m.View()), "Không được để trống.") {
		t.Fatalf("an empty folder list was accepted:\n%s", ansi.Strip(m.View()))
	}
}

func TestBadDestinationIsSaid(t *testing.T) {
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	src := tree(t, map[string][]byte{"a.txt": []byte("a")})
	missing := filepath.Join(t.TempDir(), "không có")
	m := New(sh)
	m.SetSize(80, 24)
	d := apptest.Drive[Model](t, sh)
	m = d.Send(m, m.Init()())
	m = fill(t, d, m, src, missing, "")
	if want := sh.Tr.T("backup.err.dest_missing", missing); m.state != stateFailed || !strings.Contains(strings.Join(strings.Fields(ansi.Strip(m.View())), " "), want) {
		t.Fatalf("state %v, view:\n%s\nwant %q", m.state, ansi.Strip(m.View()), want)
	}
	if len(sh.Sheet.Rows(bk.TableID)) != 0 {
		t.Error("a failed backup was saved as a row")
	}
}

func TestEscStopsTheBackup(t *testing.T) {
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	big := make([]byte, 8<<20)
	for i := range big {
		big[i] = byte(i*7919 ^ i>>8)
	}
	files := map[string][]byte{}
	for i := range 8 {
		files[string(rune('a'+i))+".bin"] = big
	}
	src := tree(t, files)
	dest := t.TempDir()
	m := New(sh)
	m.SetSize(80, 24)
	m.in.sources, m.in.dest = src, dest
	m, cmd := m.start()
	// The first message comes once the run has written something.
	msg := cmd()
	if _, ok := msg.(progressMsg); !ok {
		t.Fatalf("first message %T, want progress", msg)
	}
	m, cmd = m.Update(msg)
	m, _ = m.Update(apptest.Key("esc"))
	if !m.stopping {
		t.Fatal("esc did not stop the run")
	}
	for m.state == stateRunning {
		if cmd == nil {
			t.Fatal("the run ended without saying so")
		}
		var next tea.Msg
		next = cmd()
		m, cmd = m.Update(next)
	}
	if m.state != stateFailed || !strings.Contains(ansi.Strip(m.View()), "Đã dừng sao lưu theo yêu cầu") {
		t.Fatalf("after esc: state %v\n%s", m.state, ansi.Strip(m.View()))
	}
	if left, _ := os.ReadDir(dest); len(left) != 0 {
		t.Errorf("the stopped backup left %v", left)
	}
	if len(sh.Sheet.Rows(bk.TableID)) != 0 {
		t.Error("a stopped backup was saved as a row")
	}
}
