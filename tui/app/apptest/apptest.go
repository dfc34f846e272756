// Package apptest builds the shared state of the screens for tests: a real
// data file in a temporary folder, the shipped checklist and unit list, and
// helpers that run a screen's commands the way the program would.
package apptest

import (
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"mach/assets/i18n"
	"mach/checks/survey"
	"mach/checks/units"
	"mach/sync/store"
	"mach/tui/app"
	"mach/tui/style"
)

// Unit is the code of Phường Phủ Lý, the unit the tests report for.
const Unit = "13285"

// Shared opens a new data file in t.TempDir() and returns the shared state
// of the screens, in Vietnamese, with the answers loaded.
func Shared(t testing.TB) *app.Shared {
	t.Helper()
	return Open(t, filepath.Join(t.TempDir(), "mach.db"))
}

// SharedAt is Shared with the data file's wall clock reading now, so that
// what the screens show of when records were saved does not change from run
// to run.
func SharedAt(t testing.TB, now func() time.Time) *app.Shared {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "mach.db"), store.Options{Now: now})
}

// Open opens the data file at path (closed when the test ends) and returns
// the shared state with the answers loaded.
func Open(t testing.TB, path string) *app.Shared {
	t.Helper()
	return open(t, path, store.Options{})
}

func open(t testing.TB, path string, opts store.Options) *app.Shared {
	t.Helper()
	st, err := store.Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c, err := survey.Default()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := units.Load()
	if err != nil {
		t.Fatal(err)
	}
	sh := &app.Shared{
		Store: st, Checklist: c, Units: dir, Tr: i18n.MustNew(i18n.Vietnamese),
		Styles: style.New(true), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Detect: func() (map[string]any, error) {
			return map[string]any{"kind": "laptop", "make_model": "Intel Core i5-8250U, RAM 8 GB", "os": "Windows 11 Pro 23H2", "condition": "good"}, nil
		},
	}
	Reload(t, sh)
	return sh
}

// Reload reads the answers and the reviews from the store again.
func Reload(t testing.TB, sh *app.Shared) {
	t.Helper()
	sheet, err := app.LoadSheet(sh.Store, sh.Checklist, sh.Log)
	if err != nil {
		t.Fatal(err)
	}
	book, err := app.LoadReviews(sh.Store, sh.Log)
	if err != nil {
		t.Fatal(err)
	}
	sh.Sheet, sh.Reviews = sheet, book
}

// WithUnit saves Phường Phủ Lý as the unit, as the setup screen does, and
// reloads the answers.
func WithUnit(t testing.TB, sh *app.Shared) {
	t.Helper()
	err := sh.Store.Write(func(w *store.Writer) error {
		if err := w.SetMeta(store.MetaUnit, Unit); err != nil {
			return err
		}
		_, err := w.Put("unit", "", []byte(`{"province":"37","code":"13285","name":"Phường Phủ Lý"}`))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	Reload(t, sh)
}

// Key is a key press: a special key name ("enter", "esc", "up", "down",
// "left", "right", "tab", "backspace") or
// one printable character.
func Key(name string) tea.KeyPressMsg {
	switch name {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	}
	r := []rune(name)[0]
	return tea.KeyPressMsg{Code: r, Text: name}
}

// Keys turns typed text into key presses.
func Keys(text string) []tea.KeyPressMsg {
	var ks []tea.KeyPressMsg
	for _, r := range text {
		ks = append(ks, Key(string(r)))
	}
	return ks
}

// Messages runs cmd and the commands it batches, and returns the messages of
// the types accepted by keep. Commands whose messages are not kept are still
// run, so cmd must not contain ticks that wait.
func Messages(cmd tea.Cmd, keep func(tea.Msg) bool) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	switch msg := msg.(type) {
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, Messages(c, keep)...)
		}
		return out
	case nil:
		return nil
	default:
		if keep(msg) {
			return []tea.Msg{msg}
		}
		return nil
	}
}

// Screen trims the spaces at the end of each line of a view, for golden
// files that editors do not mangle.
func Screen(view string) string {
	lines := strings.Split(view, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}
