package dashboard

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"

	"mach/checks/survey"
	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/review"
	"mach/tui/app"
)

// reviewInput is what the review form fills in; a pointer, because the
// form keeps pointers into it. It stays, as a draft of its unit and
// section, until the hub has taken it: a send that fails, or a form left
// with esc, loses nothing typed.
type reviewInput struct {
	unit, section string
	state         review.State
	target        review.Target
	comment       string
	// id is the record id of the decision last sent, and sent what was
	// sent with it: sending the same decision again reuses the id, so that
	// a send the hub took before failing to answer is stored once.
	id   string
	sent *review.Review
	// resumed says the form opened on a draft kept from before.
	resumed bool
}

// draftKey names the draft of one section of one unit.
func draftKey(unit, section string) string { return unit + "/" + section }

// kept reports whether the draft holds something the coordinator typed
// or tried to send.
func (in *reviewInput) kept() bool { return in.id != "" || strings.TrimSpace(in.comment) != "" }

// decision is the review the input makes.
func (in *reviewInput) decision() review.Review {
	return review.Review{Section: in.section, State: in.state, Comment: strings.TrimSpace(in.comment), Target: in.target}
}

// reviewSentMsg is the hub's answer to a review sent.
type reviewSentMsg struct {
	req protocol.ReviewRequest
	err error
}

// sectionName is a section's number and title in the coordinator's
// language, or its id when the checklist has no such section.
func (m *Model) sectionName(id string) string {
	if sec, ok := m.sh.Checklist.Section(id); ok {
		return fmt.Sprintf("%d. %s", sec.Number, sec.Title.In(m.sh.Tr.Lang()))
	}
	return id
}

// stateWord names a review state: chưa xem, cần bổ sung, đã duyệt.
func stateWord(m *Model, s review.State) string {
	if key := "dashboard.review.state." + string(s); m.sh.Tr.Has(key) {
		return m.sh.Tr.T(key)
	}
	return string(s)
}

// sectionStateText is a section's state as its head shows it, with the
// officers' word that the fix is done.
func sectionStateText(m *Model, s review.Section) string {
	if s.Replied() {
		return m.sh.Tr.T("dashboard.review.state.replied")
	}
	return stateWord(m, s.State)
}

// targetText says what a comment points at: a question, a row of a
// table by its summary columns, or "" for the whole section.
func targetText(m *Model, v *unitView, t review.Target) string {
	tr := m.sh.Tr
	if t.IsZero() {
		return ""
	}
	q, ok := m.sh.Checklist.Question(t.Question)
	switch {
	case !ok:
		return tr.T("dashboard.review.target_question", t.Question)
	case t.Row == "":
		return tr.T("dashboard.review.target_question", q.Label.In(tr.Lang()))
	}
	if r, ok := v.sheet.Row(q.ID, t.Row); ok {
		return tr.T("dashboard.review.target_row", rowSummary(m, q, r))
	}
	return tr.T("dashboard.review.target_gone_row", q.Label.In(tr.Lang()))
}

// decisionLines show a section's latest review: its state, who and when,
// what it points at and its comment, then the officers' replies to it,
// each wrapped to w cells. Nothing when the section was never reviewed.
func decisionLines(m *Model, v *unitView, s review.Section, w int) []string {
	tr, st := m.sh.Tr, m.sh.Styles
	d, ok := s.Latest()
	if !ok {
		return nil
	}
	head := tr.T("dashboard.review.decided."+string(d.Review.State), authorName(m, d.Record), m.dateTime(d.Record.Saved))
	if t := targetText(m, v, d.Review.Target); t != "" {
		head += " · " + tr.T("dashboard.review.about", t)
	}
	if d.Review.Comment != "" {
		head += ": " + tr.T("dashboard.review.quote", d.Review.Comment)
	}
	style := st.Normal
	switch d.Review.State {
	case review.NeedsWork:
		style = st.Warn
	case review.Approved:
		style = st.OK
	}
	var out []string
	for _, l := range wrap("  "+head, w, "    ") {
		out = append(out, style.Render(l))
	}
	for _, a := range d.Replies {
		line := tr.T("dashboard.review.reply", authorName(m, a.Record), m.dateTime(a.Record.Saved))
		if a.Reply.Done {
			line += " · " + tr.T("dashboard.review.done")
		}
		if a.Reply.Comment != "" {
			line += ": " + tr.T("dashboard.review.quote", a.Reply.Comment)
		}
		out = append(out, wrap("  ↳ "+line, w, "    ")...)
	}
	return out
}

// authorName is who made a record, or a word for nobody named.
func authorName(m *Model, r record.Record) string {
	if r.Author != "" {
		return r.Author
	}
	return m.sh.Tr.T("dashboard.review.no_author")
}

// openReviewForm opens the review of the section under the cursor of the
// answers, its comment pointed at the question or row under it; a draft
// of that section kept from before comes back as it was left.
func (m *Model) openReviewForm() tea.Cmd {
	v := m.unit
	it, ok := v.selected()
	if !ok {
		return nil
	}
	if m.saving {
		m.status, m.statusErr = m.sh.Tr.T("dashboard.review.busy"), false
		return nil
	}
	k := draftKey(v.code, it.section)
	in, ok := m.drafts[k]
	resumed := ok && in.kept()
	if !resumed {
		in = &reviewInput{unit: v.code, section: it.section, state: review.Approved, target: it.target}
		if !it.target.IsZero() {
			in.state = review.NeedsWork
		}
		m.drafts[k] = in
	}
	in.resumed = resumed
	m.reviewing = in
	m.form = m.reviewForm(in)
	return m.form.Init()
}

// reviewForm is the form of one section's review: the state, what the
// comment points at, the comment.
func (m *Model) reviewForm(in *reviewInput) *huh.Form {
	tr := m.sh.Tr
	var states []huh.Option[review.State]
	for _, s := range review.States {
		states = append(states, huh.NewOption(stateWord(m, s), s))
	}
	targets := m.targetOptions(in.section)
	// The title, the state, the comment's title and the help take about
	// 17 lines; the targets take what they need of the rest, the comment
	// what is left, within bounds.
	height := min(len(targets)+1, max(m.height-17, 3))
	lines := min(max(m.height-20-height, 3), 12)
	f := m.sh.Form(
		huh.NewSelect[review.State]().Title(tr.T("dashboard.review.form.state")).Options(states...).Value(&in.state),
		huh.NewSelect[review.Target]().Title(tr.T("dashboard.review.form.target")).Options(targets...).
			Value(&in.target).Height(height),
		huh.NewText().Title(tr.T("dashboard.review.form.comment")).Description(tr.T("dashboard.review.form.comment_hint")).
			CharLimit(review.MaxCommentRunes).Lines(lines).Value(&in.comment).Validate(func(s string) error {
			if in.state == review.NeedsWork && strings.TrimSpace(s) == "" {
				return errors.New(tr.T("dashboard.review.form.need_comment"))
			}
			return nil
		}),
	).WithWidth(max(m.width-4, 20))
	// The help goes on the screen's last line, as on every screen.
	return f.WithKeyMap(reviewFormKeys(m)).WithShowHelp(false)
}

// reviewFormKeys are the forms' keys, with the comment's in the
// coordinator's language and no outside editor.
func reviewFormKeys(m *Model) *huh.KeyMap {
	tr := m.sh.Tr
	km := app.FormKeys(tr)
	km.Text.Prev.SetHelp("shift+tab", tr.T("form.prev"))
	km.Text.Next.SetHelp("enter", tr.T("form.next"))
	km.Text.Submit.SetHelp("enter", tr.T("dashboard.review.form.send"))
	km.Text.NewLine.SetHelp("alt+enter", tr.T("dashboard.review.form.new_line"))
	km.Text.Editor = key.NewBinding(key.WithDisabled())
	return km
}

// targetOptions are what a comment on section may point at: the whole
// section, each of its questions, each row of its tables by its summary
// columns; each cut to the form's width.
func (m *Model) targetOptions(section string) []huh.Option[review.Target] {
	tr := m.sh.Tr
	w := max(m.width-10, 20)
	cut := func(s string) string { return ansi.Truncate(s, w, "…") }
	opts := []huh.Option[review.Target]{huh.NewOption(cut(tr.T("dashboard.review.form.whole")), review.Target{})}
	sec, ok := m.sh.Checklist.Section(section)
	if !ok {
		return opts
	}
	for j := range sec.Questions {
		q := &sec.Questions[j]
		label := q.Label.In(tr.Lang())
		opts = append(opts, huh.NewOption(cut(tr.T("dashboard.review.form.question", label)), review.Target{Question: q.ID}))
		if q.Type != survey.TypeTable || m.unit.sheet == nil {
			continue
		}
		for _, r := range m.unit.sheet.Rows(q.ID) {
			opts = append(opts, huh.NewOption(cut(tr.T("dashboard.review.form.row", rowSummary(m, q, r))), review.Target{Question: q.ID, Row: r.ID}))
		}
	}
	return opts
}

// updateReviewForm passes msg to the review form and, once it is filled
// in, sends the review to the hub.
func (m *Model) updateReviewForm(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	m.form, cmd = app.UpdateForm(m.form, msg)
	switch m.form.State {
	case huh.StateAborted:
		m.form, m.reviewing = nil, nil
		return nil
	case huh.StateCompleted:
		in := m.reviewing
		m.form, m.reviewing = nil, nil
		return m.sendReview(in)
	}
	return cmd
}

// sendReview sends the decision in makes, with a new record id unless it
// is the one whose send failed.
func (m *Model) sendReview(in *reviewInput) tea.Cmd {
	tr := m.sh.Tr
	rv := in.decision()
	if err := rv.Check(m.sh.Checklist); err != nil {
		m.opts.Logger.Warn("review refused before sending", "unit", in.unit, "section", in.section, "err", err)
		m.status, m.statusErr = tr.T("dashboard.review.invalid", m.sectionName(in.section)), true
		return nil
	}
	if in.sent == nil || *in.sent != rv {
		in.id, in.sent = record.NewID(m.now()), &rv
	}
	req := protocol.ReviewRequest{ID: in.id, Unit: in.unit, Review: rv}
	m.saving = true
	m.status, m.statusErr = tr.T("dashboard.review.sending", m.sectionName(in.section)), false
	src, timeout := m.src, m.opts.Timeout
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		_, err := src.Review(ctx, req)
		return reviewSentMsg{req: req, err: err}
	}
}

// reviewSent says how the review went. Once the hub took it the draft is
// done with, and the figures and the unit are fetched again to show it.
func (m *Model) reviewSent(msg reviewSentMsg) tea.Cmd {
	tr := m.sh.Tr
	m.saving = false
	name := m.sectionName(msg.req.Review.Section)
	if msg.err != nil {
		m.opts.Logger.Warn("review not sent", "unit", msg.req.Unit, "id", msg.req.ID, "err", msg.err)
		m.status, m.statusErr = tr.T("dashboard.review.failed", name, errorWords(tr, msg.err)), true
		return nil
	}
	delete(m.drafts, draftKey(msg.req.Unit, msg.req.Review.Section))
	m.status, m.statusErr = tr.T("dashboard.review.sent", name, stateWord(m, msg.req.Review.State)), false
	// Fetches under way may have started before the hub took the review:
	// ask again.
	m.loading = false
	cmds := []tea.Cmd{m.fetchUnits()}
	if v := m.unit; v != nil && v.code == msg.req.Unit {
		v.loading = false
		cmds = append(cmds, v.fetch(m))
	}
	return tea.Batch(cmds...)
}

// reviewFormView draws the review form over the unit: which section of
// which unit, its state now, and whether a draft was kept.
func (m *Model) reviewFormView() string {
	tr, st := m.sh.Tr, m.sh.Styles
	in := m.reviewing
	w := m.width - 2
	var b strings.Builder
	name := in.unit
	if m.unit != nil {
		name = m.unit.current(m).Name
	}
	b.WriteString(st.Title.Render(ansi.Truncate(tr.T("dashboard.review.form.title", m.sectionName(in.section), name), w, "…")) + "\n")
	now := tr.T("dashboard.review.form.now", stateWord(m, review.Unreviewed))
	if m.unit != nil && m.unit.book != nil {
		s := m.unit.book.Section(in.section)
		now = tr.T("dashboard.review.form.now", sectionStateText(m, s))
		if d, ok := s.Latest(); ok {
			now = tr.T("dashboard.review.form.now_by", sectionStateText(m, s), authorName(m, d.Record), m.dateTime(d.Record.Saved))
		}
	}
	b.WriteString(st.Muted.Render(ansi.Truncate(now, w, "…")) + "\n")
	if in.resumed {
		b.WriteString(st.Warn.Render(ansi.Truncate(tr.T("dashboard.review.form.kept"), w, "…")) + "\n")
	}
	b.WriteString("\n" + m.form.View())
	cancel := key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("form.cancel")))
	helpBar := m.help.View(app.KeyHelp(append(m.form.KeyBinds(), cancel)))
	return app.Layout(st.App.Render(b.String()), st.App.Render(helpBar), m.height)
}
