package netcheck

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"mach/checks/diagnose"
	"mach/checks/evidence"
	"mach/checks/probe"
	"mach/tui/app"
)

// refresh rebuilds the scrolled part of the screen: the live list while
// running, the results and the diagnosis when done.
func (m *Model) refresh() {
	w := max(m.width-2, 20)
	var lines []string
	switch {
	case m.state == stateRunning:
		for _, p := range m.planned {
			if r, ok := m.results[p]; ok {
				lines = append(lines, m.resultLine(r, w))
			} else {
				lines = append(lines, m.sh.Styles.Muted.Render(ansi.Truncate(m.spin.View()+" "+p.target+" · "+evidence.Probe(p.probe, m.sh.Tr), w, "…")))
			}
		}
	case m.state == stateDone && m.shown != nil:
		for _, r := range m.shown.Results {
			lines = append(lines, m.resultLine(r, w))
		}
		lines = append(lines, "", m.sh.Styles.Title.Render(m.sh.Tr.T("netcheck.diagnosis")))
		for _, f := range m.shown.Findings {
			lines = append(lines, m.findingLines(f, w)...)
		}
	}
	m.view.SetContentLines(lines)
}

// verdictLabel renders a verdict label in its colour.
func (m *Model) verdictLabel(v probe.Verdict) string {
	st := m.sh.Styles
	label := "[" + evidence.Verdict(v, m.sh.Tr) + "]"
	switch v {
	case probe.Pass:
		return st.OK.Render(label)
	case probe.Warn:
		return st.Warn.Render(label)
	case probe.Fail:
		return st.Error.Render(label)
	}
	return st.Muted.Render(label)
}

// resultLine is one probe's line: verdict, target, probe, figures or reason.
func (m *Model) resultLine(r probe.Result, w int) string {
	tr := m.sh.Tr
	text := r.Target + " · " + evidence.Probe(r.Probe, tr)
	if f := evidence.Figures(r, tr); f != "" && r.Verdict != probe.Skip {
		text += " · " + f
	}
	if r.Verdict != probe.Pass {
		text += " · " + evidence.Reason(r.Reason, tr)
	}
	label := m.verdictLabel(r.Verdict)
	return label + " " + ansi.Truncate(text, max(w-ansi.StringWidth(label)-1, 10), "…")
}

// findingLines shows a finding in the current language: its cause, what to
// do, and the targets concerned.
func (m *Model) findingLines(f diagnose.Finding, w int) []string {
	tr := m.sh.Tr
	cause := tr.T("diagnose." + f.Rule + ".cause")
	action := tr.T("diagnose." + f.Rule + ".action")
	out := []string{m.verdictLabel(f.Verdict) + " " + ansi.Wordwrap(cause, max(w-14, 20), " ")}
	if len(f.Targets) > 0 {
		out = append(out, m.sh.Styles.Muted.Render(ansi.Truncate("  "+tr.T("netcheck.concerned", strings.Join(f.Targets, ", ")), w, "…")))
	}
	for _, l := range strings.Split(ansi.Wordwrap("→ "+action, w-2, " "), "\n") {
		out = append(out, "  "+l)
	}
	return out
}

// summary is one line about a stored run.
func (m *Model) summary(e evidence.Evidence) string {
	tr := m.sh.Tr
	pass, warn, fail, _ := e.Counts()
	return tr.T("netcheck.summary", tr.DateTime(e.Started), tr.T("netcheck.network."+e.Network), pass, warn, fail)
}

// View draws the screen.
func (m Model) View() string {
	tr, st := m.sh.Tr, m.sh.Styles
	w := max(m.width-2, 20)
	var b strings.Builder
	var keys []key.Binding
	switch m.state {
	case statePick:
		b.WriteString(st.Title.Render(tr.T("netcheck.title")) + "\n")
		if m.sh.Profile == nil {
			b.WriteString(st.Error.Render(tr.T("netcheck.no_profile")) + "\n")
			break
		}
		b.WriteString(st.Subtitle.Render(ansi.Truncate(tr.T("netcheck.profile", m.sh.Profile.ID, m.sh.Profile.Version), w, "…")) + "\n\n")
		b.WriteString(tr.T("netcheck.pick") + "\n")
		runs := m.runs()
		for i, n := range networks {
			line := tr.T("netcheck.network." + n)
			if i == m.network {
				b.WriteString(st.Selected.Render("> "+line) + "\n")
			} else {
				b.WriteString("  " + line + "\n")
			}
			for _, e := range runs {
				if e.Network == n {
					b.WriteString(st.Muted.Render(ansi.Truncate("    "+tr.T("netcheck.latest", m.summary(e)), w, "…")) + "\n")
					break
				}
			}
		}
		b.WriteString("\n" + st.Muted.Render(ansi.Wordwrap(tr.T("netcheck.pick_hint"), w, " ")) + "\n")
		keys = []key.Binding{m.keys.Up, m.keys.Down, m.keys.Start, m.keys.History, m.keys.Back, m.keys.Help}
	case stateRunning:
		done := len(m.results)
		b.WriteString(st.Title.Render(ansi.Truncate(tr.T("netcheck.running", tr.T("netcheck.network."+networks[m.network])), w, "…")) + "\n")
		b.WriteString(st.Subtitle.Render(tr.T("netcheck.progress", done, len(m.planned))) + " " + st.Bar(ratio(done, len(m.planned)), 20) + "\n\n")
		b.WriteString(m.view.View() + "\n")
		keys = []key.Binding{m.keys.Cancel, m.keys.Up, m.keys.Down}
	case stateDone:
		e := m.shown
		b.WriteString(st.Title.Render(ansi.Truncate(tr.T("netcheck.result", tr.T("netcheck.network."+e.Network), tr.DateTime(e.Started)), w, "…")) + "\n")
		pass, warn, fail, skip := e.Counts()
		line := tr.T("netcheck.counts", pass, warn, fail, skip)
		if e.Cancelled {
			line += " · " + tr.T("netcheck.cancelled")
		}
		b.WriteString(st.Subtitle.Render(ansi.Truncate(line, w, "…")) + "\n\n")
		b.WriteString(m.view.View() + "\n")
		keys = []key.Binding{m.keys.Up, m.keys.Down, m.keys.Again, m.keys.History, m.keys.Back, m.keys.Help}
	case stateHistory:
		b.WriteString(st.Title.Render(tr.T("netcheck.history")) + "\n\n")
		runs := m.runs()
		if len(runs) == 0 {
			b.WriteString(st.Muted.Render(tr.T("netcheck.no_runs")) + "\n")
		}
		for i, e := range runs {
			if i >= max(m.height-7, 3) {
				b.WriteString(st.Muted.Render(tr.T("setup.more", len(runs)-i)) + "\n")
				break
			}
			line := ansi.Truncate(m.summary(e), w-2, "…")
			if i == m.history {
				b.WriteString(st.Selected.Render("> "+line) + "\n")
			} else {
				b.WriteString("  " + line + "\n")
			}
		}
		keys = []key.Binding{m.keys.Up, m.keys.Down, m.keys.Start, m.keys.Back}
	}
	if m.status != "" {
		s := st.Status
		if m.isError {
			s = st.Error
		}
		b.WriteString(s.Render(ansi.Truncate(m.status, w, "…")) + "\n")
	}
	return app.Layout(st.App.Render(b.String()), st.App.Render(m.help.View(app.KeyHelp(keys))), m.height)
}

func ratio(done, total int) float64 {
	if total == 0 {
		return 1
	}
	return float64(done) / float64(total)
}
