package tui

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"mach/assets"
	"mach/checks/survey"
	"mach/sync/store"
	"mach/tui/app"
	"mach/tui/app/apptest"
)

func TestBackgroundSyncUpdatesTheStatusLineAndBacksOff(t *testing.T) {
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	fail := true
	rounds := 0
	sh.Sync = func(context.Context) (app.SyncReport, error) {
		rounds++
		if fail {
			// What the client records when the hub cannot be reached.
			sh.Store.SetSyncOutcome(time.Now(), "unreachable")
			return app.SyncReport{Pending: 2}, errors.New("unreachable")
		}
		sh.Store.SetSyncOutcome(time.Now(), "")
		return app.SyncReport{Pushed: 2}, nil
	}
	r := New(sh)
	r.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	r.Update(loadedMsg{sheet: sh.Sheet, units: sh.Units})
	r.Update(syncStateMsg{state: mustState(t, sh)})
	if !strings.Contains(rootScreen(r), "Đồng bộ: 1 thay đổi đang chờ gửi · lần gần nhất: chưa lần nào") {
		t.Fatalf("status before any round:\n%s", rootScreen(r))
	}

	round := func() {
		t.Helper()
		_, cmd := r.Update(syncTickMsg{})
		if !r.sh.SyncStatus.Running || !strings.Contains(rootScreen(r), "Đang đồng bộ") {
			t.Fatalf("a round under way is not shown:\n%s", rootScreen(r))
		}
		r.Update(cmd())
	}
	round()
	if view := rootScreen(r); !strings.Contains(view, "không kết nối được máy chủ") {
		t.Fatalf("a failed round is not said:\n%s", view)
	}
	if r.syncFailures != 1 || app.SyncBackoff(r.syncFailures) != 2*time.Minute {
		t.Fatalf("after one failure: %d failures, next in %v", r.syncFailures, app.SyncBackoff(r.syncFailures))
	}
	fail = false
	round()
	if view := rootScreen(r); strings.Contains(view, "không kết nối") || strings.Contains(view, "chưa lần nào") {
		t.Fatalf("a successful round is not shown:\n%s", view)
	}
	if r.syncFailures != 0 || rounds != 2 {
		t.Fatalf("failures %d after a success, %d rounds", r.syncFailures, rounds)
	}
	if app.SyncBackoff(10) != 10*time.Minute {
		t.Fatal("the backoff is not capped at ten minutes")
	}
}

func mustState(t *testing.T, sh *app.Shared) store.SyncState {
	t.Helper()
	s, err := sh.Store.SyncState()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func rootScreen(r *Root) string { return ansi.Strip(r.View().Content) }

func TestAPublishedChecklistIsUsedOnceBackHome(t *testing.T) {
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	data, err := fs.ReadFile(assets.FS, survey.DefaultFile)
	if err != nil {
		t.Fatal(err)
	}
	v2text := strings.Replace(string(data), "\nversion: 1\n", "\nversion: 2\n", 1)
	v2text = strings.Replace(v2text, `title: {vi: "Thiết bị CNTT",`, `title: {vi: "Thiết bị CNTT (mẫu 2)",`, 1)
	v2, err := survey.Parse("v2.yaml", []byte(v2text))
	if err != nil || v2.Version != 2 {
		t.Fatalf("the second checklist: %v", err)
	}
	sh.Sync = func(context.Context) (app.SyncReport, error) { return app.SyncReport{Checklist: v2}, nil }
	r := New(sh)
	r.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	r.Update(loadedMsg{sheet: sh.Sheet, units: sh.Units})

	// In a section, the checklist in use stays until the officer is back.
	r.Update(app.OpenSectionMsg{Section: "equipment"})
	_, cmd := r.Update(syncTickMsg{})
	r.Update(cmd())
	if r.sh.Checklist == v2 || strings.Contains(rootScreen(r), "(mẫu 2)") {
		t.Fatal("the new checklist replaced the one of an open section")
	}
	_, cmd = r.Update(app.BackMsg{})
	if r.sh.Checklist != v2 || cmd == nil {
		t.Fatal("back home, the new checklist is not in use")
	}
	r.Update(cmd())
	view := rootScreen(r)
	if !strings.Contains(view, "Thiết bị CNTT (mẫu 2)") || !strings.Contains(view, "phiên bản 2") {
		t.Fatalf("home does not show the new checklist:\n%s", view)
	}
	if r.sh.Sheet.Checklist() != v2 {
		t.Fatal("the answers were not read again under the new checklist")
	}
}
