package backup

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	bk "mach/checks/backup"
	"mach/tui/app"
)

// maxListed is how many skipped or changed files the screen lists.
const maxListed = 5

// View draws the form, the progress or the result.
func (m Model) View() string {
	tr, st := m.sh.Tr, m.sh.Styles
	w := max(m.width-2, 20)
	var b strings.Builder
	b.WriteString(st.Title.Render(tr.T("backup.tui.title")) + "\n")
	var keys []key.Binding
	switch m.state {
	case stateForm:
		b.WriteString(st.Subtitle.Render(ansi.Truncate(tr.T("backup.tui.intro"), w, "…")) + "\n\n")
		b.WriteString(m.form.View())
		return st.App.Render(b.String())
	case stateRunning:
		p := m.prog
		title := tr.T("backup.started", p.TotalFiles, bk.Size(p.Total, tr), m.in.dest)
		if m.verifying {
			title = tr.T("backup.verifying")
		}
		b.WriteString(st.Subtitle.Render(ansi.Wordwrap(title, w, " ")) + "\n\n")
		b.WriteString(m.bar.ViewAs(p.Fraction()) + "\n")
		b.WriteString(ansi.Truncate(bk.Line(p, tr), w, "…") + "\n")
		b.WriteString(st.Muted.Render(ansi.Truncate(tr.T("backup.tui.files", p.Files, p.TotalFiles), w, "…")) + "\n")
		if p.Current != "" {
			b.WriteString(st.Muted.Render(ansi.Truncate(p.Current, w, "…")) + "\n")
		}
		if m.stopping {
			b.WriteString("\n" + st.Status.Render(tr.T("backup.tui.stopping")) + "\n")
		}
		keys = []key.Binding{m.keys.Cancel}
	case stateDone:
		m.viewDone(&b, w)
		keys = []key.Binding{m.keys.Again, m.keys.Back}
	case stateFailed:
		b.WriteString("\n" + st.Error.Render(ansi.Wordwrap(m.failure, w, " ")) + "\n")
		keys = []key.Binding{m.keys.Again, m.keys.Back}
	}
	if m.status != "" {
		s := st.Status
		if m.isError {
			s = st.Error
		}
		b.WriteString("\n" + s.Render(ansi.Wordwrap(m.status, w, " ")) + "\n")
	}
	return app.Layout(st.App.Render(b.String()), st.App.Render(m.help.View(app.KeyHelp(keys))), m.height)
}

// viewDone is the finished backup: where, how much, its hash, whether it
// was read back intact, and what was left out.
func (m Model) viewDone(b *strings.Builder, w int) {
	tr, st := m.sh.Tr, m.sh.Styles
	r := m.res
	b.WriteString(ansi.Wordwrap(tr.T("backup.done", r.Archive, r.Files, bk.Size(r.Bytes, tr), bk.Size(r.ArchiveBytes, tr),
		bk.Clock(r.Finished.Sub(r.Started))), w, " ") + "\n")
	b.WriteString(ansi.Wordwrap(tr.T("backup.digest", r.Digest), w, " ") + "\n")
	switch {
	case m.failure != "":
		b.WriteString(st.Warn.Render(ansi.Wordwrap(m.failure, w, " ")) + "\n")
	case m.verified:
		b.WriteString(st.OK.Render(tr.T("backup.tui.intact")) + "\n")
	default:
		rep := m.rep
		b.WriteString(st.Error.Render(ansi.Wordwrap(tr.T("backup.not_intact", len(rep.Changed), len(rep.Missing), len(rep.Extra)), w, " ")) + "\n")
		for i, p := range rep.Changed {
			if i == maxListed {
				break
			}
			b.WriteString(ansi.Truncate("  "+tr.T("backup.tag.changed")+" "+p.Name, w, "…") + "\n")
		}
	}
	if n := len(r.Skipped); n > 0 {
		b.WriteString("\n" + st.Warn.Render(ansi.Wordwrap(tr.T("backup.skipped", n), w, " ")) + "\n")
		for i, s := range r.Skipped {
			if i == maxListed {
				b.WriteString(st.Muted.Render(tr.T("backup.tui.more", n-maxListed)) + "\n")
				break
			}
			b.WriteString(ansi.Truncate("  "+s.Path+": "+bk.Reason(s.Reason, tr), w, "…") + "\n")
		}
	}
}
