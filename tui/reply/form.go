package reply

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"

	"mach/sync/review"
	"mach/tui/app"
)

// input is what the officer typed; huh writes into it, so it lives on the
// heap and survives a failed save.
type input struct {
	comment string
	done    bool
}

// Model is the form of one reply, embedded in the screen the officer works
// on. Its zero value is no form.
type Model struct {
	sh       *app.Shared
	title    string
	decision review.Decision
	in       *input
	form     *huh.Form
	saving   string
	status   string
	isError  bool
	width    int
	height   int
}

// New opens the form answering the open review of s, whose title is title,
// for a screen of w by h.
func New(sh *app.Shared, s review.Section, title string, w, h int) (Model, tea.Cmd) {
	d, _ := Open(s)
	m := Model{sh: sh, title: title, decision: d, in: &input{}, width: w, height: h}
	return m.edit()
}

// edit shows the form with what m.in holds.
func (m Model) edit() (Model, tea.Cmd) {
	tr := m.sh.Tr
	f := m.sh.Form(
		huh.NewText().Title(tr.T("review.tui.reply.comment")).Description(tr.T("review.tui.reply.comment_hint")).
			CharLimit(review.MaxCommentRunes).Lines(3).ExternalEditor(false).Value(&m.in.comment),
		huh.NewConfirm().Title(tr.T("review.tui.reply.done")).
			Affirmative(tr.T("review.tui.reply.done_yes")).Negative(tr.T("review.tui.reply.done_no")).Value(&m.in.done),
	)
	km := app.FormKeys(tr)
	km.Text.Prev.SetHelp("shift+tab", tr.T("form.prev"))
	km.Text.Next.SetHelp("enter", tr.T("form.next"))
	km.Text.Submit.SetHelp("enter", tr.T("form.save"))
	km.Text.NewLine.SetHelp("alt+enter", tr.T("review.tui.reply.new_line"))
	km.Text.Editor = key.NewBinding(key.WithDisabled())
	km.Confirm.Toggle.SetHelp("←/→", tr.T("form.toggle"))
	km.Confirm.Accept.SetHelp("y", tr.T("review.tui.reply.done_yes"))
	km.Confirm.Reject.SetHelp("n", tr.T("review.tui.reply.done_no"))
	m.form = f.WithKeyMap(km).WithWidth(max(m.width-4, 20)).WithHeight(m.formHeight())
	return m, m.form.Init()
}

// SetSize sets the size of the screen the form is on.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	if m.form != nil {
		m.form = m.form.WithWidth(max(w-4, 20)).WithHeight(m.formHeight())
	}
}

// formHeight is the height of the form: the comment box, the question
// whether it is fixed, and the form's help.
func (m Model) formHeight() int { return min(max(m.height-8, 12), 20) }

// Editing reports whether the form is shown.
func (m Model) Editing() bool { return m.form != nil }

// Saving reports whether the reply is being saved.
func (m Model) Saving() bool { return m.saving != "" }

// Owns reports whether tag is the tag of this form's save.
func (m Model) Owns(tag string) bool { return m.saving != "" && tag == m.saving }

// Status is what the form last has to say to the officer, and whether it
// is an error: the reply saved, or why it was not.
func (m Model) Status() (string, bool) { return m.status, m.isError }

// Update takes the form's keys and the outcome of its save. A reply that
// could not be saved opens the form again with what the officer typed.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	tr := m.sh.Tr
	switch msg := msg.(type) {
	case app.SavedMsg:
		if m.Owns(msg.Tag) {
			m.saving, m.isError = "", false
			m.status = tr.T("review.tui.reply.saved")
			if m.in.done {
				m.status = tr.T("review.tui.reply.saved_done")
			}
			m.in = nil
		}
		return m, nil
	case app.SaveFailedMsg:
		if m.Owns(msg.Tag) {
			m.saving = ""
			m.status, m.isError = tr.T("review.tui.reply.failed", msg.Err), true
			return m.edit()
		}
		return m, nil
	}
	if m.form == nil {
		return m, nil
	}
	var cmd tea.Cmd
	m.form, cmd = app.UpdateForm(m.form, msg)
	switch m.form.State {
	case huh.StateAborted:
		m.form, m.in, m.status = nil, nil, ""
		return m, nil
	case huh.StateCompleted:
		m.form = nil
		return m.save()
	}
	return m, cmd
}

// save writes the reply as a new record, or says what is missing and opens
// the form again.
func (m Model) save() (Model, tea.Cmd) {
	tr := m.sh.Tr
	comment := strings.TrimSpace(m.in.comment)
	switch {
	case comment == "" && !m.in.done:
		m.status, m.isError = tr.T("review.tui.reply.empty"), true
		return m.edit()
	case utf8.RuneCountInString(comment) > review.MaxCommentRunes:
		m.status, m.isError = tr.T("review.tui.reply.too_long", review.MaxCommentRunes), true
		return m.edit()
	}
	body, err := json.Marshal(review.Reply{Review: m.decision.Record.ID, Comment: comment, Done: m.in.done})
	if err != nil {
		m.status, m.isError = tr.T("review.tui.reply.failed", err), true
		return m.edit()
	}
	m.saving = "reply:" + m.decision.Record.ID
	m.status, m.isError = tr.T("section.saving"), false
	return m, m.sh.SaveCmd(m.saving, nil, app.Change{Kind: review.KindReply, Body: body})
}

// View draws the form under what the province asks, in the screen's
// padding.
func (m Model) View() string {
	if m.form == nil {
		return ""
	}
	tr, st := m.sh.Tr, m.sh.Styles
	w := max(m.width-2, 20)
	d := m.decision
	var b strings.Builder
	b.WriteString(st.Title.Render(ansi.Truncate(tr.T("review.tui.reply.title", m.title), w, "…")) + "\n")
	b.WriteString(st.Warn.Render(ansi.Truncate(MarkTarget+" "+tr.T("review.tui.panel.sent_back", Target(m.sh, d.Review.Target)), w, "…")) + "\n")
	comment := tr.T("review.tui.panel.comment", Who(m.sh, d.Record), oneLine(d.Review.Comment))
	// The title, the heading, the blank line, an error and the form take
	// the rest.
	for _, l := range Clip(comment, w-2, max(m.height-m.formHeight()-5, 1)) {
		b.WriteString(st.Warn.Render("  "+l) + "\n")
	}
	if m.status != "" && m.isError {
		b.WriteString(st.Error.Render(ansi.Wordwrap(m.status, w, " ")) + "\n")
	}
	b.WriteString("\n" + m.form.View() + "\n")
	return st.App.Render(b.String())
}
