package dashboard

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"mach/checks/survey"
	"mach/sync/protocol"
	"mach/tui/app"
)

// deadlineInput is what the deadline form fills in; a pointer, because the
// form keeps pointers into it.
type deadlineInput struct {
	section string
	due     string
}

// dateQuestion reads a date the way the checklist's date questions do
// (dd/mm/yyyy, also with - or .).
var dateQuestion = survey.Question{ID: "due", Type: survey.TypeDate}

// parseDue reads the typed due date: the end of that day in the
// coordinator's time zone, so that the section is overdue from the next
// day on; empty clears the deadline.
func (m *Model) parseDue(s string) (time.Time, error) {
	v, err := dateQuestion.ParseInput(s, m.sh.Tr)
	if err != nil || v == nil {
		return time.Time{}, err
	}
	day, err := time.ParseInLocation(time.DateOnly, v.(string), m.loc())
	if err != nil {
		return time.Time{}, fmt.Errorf("due date %q: %w", s, err)
	}
	return day.AddDate(0, 0, 1).Add(-time.Second), nil
}

// openDeadlineForm opens the form: the section, preset to the unit's
// first overdue or unfinished section in a drill-down, and the date.
func (m *Model) openDeadlineForm() tea.Cmd {
	if m.saving {
		return nil
	}
	tr := m.sh.Tr
	m.deadline = &deadlineInput{section: m.sh.Checklist.Sections[0].ID}
	if m.unit != nil {
		for _, p := range m.unit.current(m).Sections {
			if p.Overdue || p.Answered < p.Required {
				m.deadline.section = p.Section
				break
			}
		}
	}
	var opts []huh.Option[string]
	for _, sec := range m.sh.Checklist.Sections {
		label := fmt.Sprintf("%d. %s", sec.Number, sec.Title.In(tr.Lang()))
		for _, d := range m.data.Deadlines {
			if d.Section == sec.ID && !d.Due.IsZero() {
				label = tr.T("dashboard.deadline.current", label, dueDate(tr, d.Due, m.loc()))
			}
		}
		opts = append(opts, huh.NewOption(label, sec.ID))
	}
	m.form = m.sh.Form(
		huh.NewSelect[string]().Title(tr.T("dashboard.deadline.section")).Options(opts...).
			Value(&m.deadline.section).Height(min(len(opts)+2, 10)),
		huh.NewInput().Title(tr.T("dashboard.deadline.due")).
			Description(m.dueHint()).DescriptionFunc(m.dueHint, &m.deadline.section).
			Placeholder("dd/mm/yyyy").Value(&m.deadline.due).Validate(func(s string) error {
			_, err := m.parseDue(s)
			return err
		}),
	).WithWidth(max(m.width-4, 20))
	return m.form.Init()
}

// dueHint says the chosen section's current deadline and what an empty
// date does.
func (m *Model) dueHint() string {
	tr := m.sh.Tr
	hint := tr.T("dashboard.deadline.due_hint")
	for _, d := range m.data.Deadlines {
		if m.deadline != nil && d.Section == m.deadline.section && !d.Due.IsZero() {
			return tr.T("dashboard.deadline.due_now", dueDate(tr, d.Due, m.loc())) + " " + hint
		}
	}
	return hint
}

// updateForm passes msg to the form and, once it is filled in, sends the
// deadline to the hub.
func (m *Model) updateForm(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	m.form, cmd = app.UpdateForm(m.form, msg)
	switch m.form.State {
	case huh.StateAborted:
		m.form, m.deadline = nil, nil
		return nil
	case huh.StateCompleted:
		in := *m.deadline
		m.form, m.deadline = nil, nil
		due, err := m.parseDue(in.due)
		if err != nil {
			m.status, m.statusErr = err.Error(), true
			return nil
		}
		d := protocol.Deadline{Section: in.section, Due: due}
		m.saving = true
		m.status, m.statusErr = m.sh.Tr.T("dashboard.deadline.saving"), false
		src, timeout := m.src, m.opts.Timeout
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			return deadlineSetMsg{d: d, err: src.SetDeadline(ctx, d)}
		}
	}
	return cmd
}

// deadlineSet says how the deadline went and fetches the figures again,
// which the deadline may change.
func (m *Model) deadlineSet(msg deadlineSetMsg) tea.Cmd {
	tr := m.sh.Tr
	m.saving = false
	name := msg.d.Section
	if sec, ok := m.sh.Checklist.Section(msg.d.Section); ok {
		name = fmt.Sprintf("%d. %s", sec.Number, sec.Title.In(tr.Lang()))
	}
	switch {
	case msg.err != nil:
		m.status, m.statusErr = tr.T("dashboard.deadline.failed", errorWords(tr, msg.err)), true
		return nil
	case msg.d.Due.IsZero():
		m.status, m.statusErr = tr.T("dashboard.deadline.cleared", name), false
	default:
		m.status, m.statusErr = tr.T("dashboard.deadline.set", name, dueDate(tr, msg.d.Due, m.loc())), false
	}
	// A fetch under way may have started before the hub took the
	// deadline: ask again.
	m.loading = false
	return m.fetchUnits()
}

// formView draws the deadline form over the dashboard.
func (m *Model) formView() string {
	st := m.sh.Styles
	var b strings.Builder
	b.WriteString(st.Title.Render(m.sh.Tr.T("dashboard.deadline.title")) + "\n")
	if d := m.deadlinesText(); d != "" {
		b.WriteString(st.Muted.Render(d) + "\n")
	}
	b.WriteString("\n" + m.form.View())
	return st.App.Render(b.String())
}
