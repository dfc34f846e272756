// Package plain runs the checklist line by line, with huh's accessible
// forms, for plain terminals and screen readers (mach --plain). It asks the
// same questions with the same checks as the full-screen interface, and saves
// each answer as soon as it is given.
package plain

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"charm.land/huh/v2"
	"github.com/charmbracelet/colorprofile"

	"mach/checks/answers"
	"mach/checks/survey"
	"mach/checks/units"
	"mach/sync/record"
	"mach/sync/review"
	"mach/sync/store"
	"mach/tui/app"
	"mach/tui/fields"
	"mach/tui/reply"
)

// errEnd means the input ended: the officer closed it or hung up.
var errEnd = errors.New("input ended")

// session is one plain run.
type session struct {
	ctx context.Context
	sh  *app.Shared
	in  *lineReader
	out io.Writer
}

// Run loads the answers and asks the officer, on out, what to fill in,
// reading from in, until they choose to quit or the input ends.
func Run(ctx context.Context, sh *app.Shared, in io.Reader, out io.Writer) error {
	sheet, err := app.LoadSheet(sh.Store, sh.Checklist, sh.Log)
	if err != nil {
		return err
	}
	sh.Sheet = sheet
	if sh.Reviews, err = app.LoadReviews(sh.Store, sh.Log); err != nil {
		return err
	}
	// Colours only where the output is a terminal that wants them: a screen
	// reader or a pipe gets plain text.
	out = colorprofile.NewWriter(out, os.Environ())
	s := &session{ctx: ctx, sh: sh, in: &lineReader{r: bufio.NewReader(in)}, out: out}
	err = s.run()
	if errors.Is(err, errEnd) {
		return nil
	}
	return err
}

func (s *session) run() error {
	if s.sh.Sheet.Unit().Code == "" {
		if err := s.setup(); err != nil {
			return err
		}
	}
	for {
		if err := s.ctx.Err(); err != nil {
			return err
		}
		sec, err := s.pickSection()
		if err != nil || sec == nil {
			return err
		}
		if err := s.fillSection(sec); err != nil {
			return err
		}
	}
}

// ask runs fields as an accessible form and fails with errEnd when the input
// ended while it was asked.
func (s *session) ask(fs ...huh.Field) error {
	err := s.sh.Form(fs...).WithAccessible(true).WithInput(s.in).WithOutput(s.out).Run()
	if err != nil {
		return err
	}
	if s.in.eof {
		return errEnd
	}
	return nil
}

func (s *session) say(format string, args ...any) {
	fmt.Fprintf(s.out, format+"\n", args...)
}

// choose asks for one of options (labels) and returns its index.
func (s *session) choose(title string, labels []string) (int, error) {
	var pick int
	opts := make([]huh.Option[int], len(labels))
	for i, l := range labels {
		opts[i] = huh.NewOption(l, i)
	}
	if err := s.ask(huh.NewSelect[int]().Title(title).Options(opts...).Value(&pick)); err != nil {
		return 0, err
	}
	return pick, nil
}

// setup asks the province, the unit and the officer, as the full-screen
// setup does.
func (s *session) setup() error {
	tr := s.sh.Tr
	s.say("%s", tr.T("setup.title"))
	provinces := s.sh.Units.Provinces()
	names := make([]string, len(provinces))
	for i, p := range provinces {
		names[i] = p.Name
	}
	i, err := s.choose(tr.T("setup.pick_province"), names)
	if err != nil {
		return err
	}
	province := provinces[i]
	unit, old, err := s.pickUnit(province)
	if err != nil {
		return err
	}
	body, err := answers.UnitBody(answers.Unit{Province: unit.Province, Code: unit.Code, Name: unit.Name})
	if err != nil {
		return err
	}
	changes := []app.Change{{Kind: record.KindUnit, Body: body}}
	for _, o := range old {
		row, err := s.sh.Sheet.RowBody(map[string]any{"old_code": o.Code, "old_name": o.Name, "part": o.Part})
		if err != nil {
			return err
		}
		changes = append(changes, app.Change{Kind: record.KindFormedFrom, Body: row})
	}
	meta := []app.Meta{{Key: store.MetaUnit, Value: unit.Code}, {Key: store.MetaProvince, Value: unit.Province}}
	if err := s.save(meta, changes...); err != nil {
		return err
	}
	for _, id := range []string{"officer_name", "officer_position", "officer_phone"} {
		if q, ok := s.sh.Checklist.Question(id); ok {
			if err := s.answer(q); err != nil {
				return err
			}
		}
	}
	return nil
}

// pickUnit asks for the unit by name, with or without diacritics, shows the
// old units it was formed from and asks the officer to confirm it.
func (s *session) pickUnit(province units.Province) (units.Unit, []units.OldUnit, error) {
	tr := s.sh.Tr
	for {
		var query string
		if err := s.ask(huh.NewInput().Title(tr.T("setup.pick_unit", province.Name)).Value(&query)); err != nil {
			return units.Unit{}, nil, err
		}
		found := s.sh.Units.Search(province.Code, query, 20)
		if len(found) == 0 {
			s.say("%s", tr.T("setup.no_match"))
			continue
		}
		labels := make([]string, len(found)+1)
		for i, u := range found {
			labels[i] = u.Name + " (" + u.Code + ")"
		}
		labels[len(found)] = tr.T("plain.search_again")
		i, err := s.choose(tr.T("plain.pick_result"), labels)
		if err != nil {
			return units.Unit{}, nil, err
		}
		if i == len(found) {
			continue
		}
		unit := found[i]
		old := s.sh.Units.FormedFrom(unit.Code)
		s.say("%s (%s)", unit.Name, unit.Code)
		s.say("%s", tr.T("setup.formed_from"))
		for _, o := range old {
			s.say("- %s %s (%s)", o.Code, o.Name, tr.T("setup.part_"+o.Part))
		}
		if len(old) == 0 {
			s.say("%s", tr.T("setup.formed_from_none"))
		}
		ok, err := s.choose(tr.T("plain.confirm_unit"), []string{tr.T("plain.unit_right"), tr.T("plain.search_again")})
		if err != nil {
			return units.Unit{}, nil, err
		}
		if ok == 0 {
			return unit, old, nil
		}
	}
}

// save writes and applies the changes, saying so.
func (s *session) save(meta []app.Meta, changes ...app.Change) error {
	saved, err := s.sh.Save(meta, changes...)
	if err != nil {
		s.say("%s", s.sh.Tr.T("error.save", err))
		return err
	}
	for _, r := range saved {
		if err := s.sh.Apply(r); err != nil {
			s.sh.Log.Warn("saved record not applied", "id", r.ID, "err", err)
		}
	}
	s.say("%s", s.sh.Tr.T("section.saved"))
	return nil
}

// pickSection shows progress and asks for a section; nil means quit.
func (s *session) pickSection() (*survey.Section, error) {
	tr := s.sh.Tr
	prog := s.sh.Checklist.Progress(s.sh.Sheet.State(), tr)
	s.say("%s", tr.T("home.title", s.sh.Sheet.Unit().Name))
	s.say("%s %d/%d (%s)", tr.T("home.overall"), prog.Answered, prog.Total, tr.Percent(prog.Ratio()))
	s.sayReviews(prog)
	labels := make([]string, 0, len(prog.Sections)+1)
	for _, sp := range prog.Sections {
		label := fmt.Sprintf("%d. %s (%d/%d)", sp.Section.Number, sp.Section.Title.In(tr.Lang()), sp.Answered, sp.Total)
		if rv := s.sh.Review(sp.Section.ID); len(rv.Decisions) > 0 {
			_, word, _ := reply.State(s.sh, rv)
			label += " · " + word
		}
		labels = append(labels, label)
	}
	labels = append(labels, tr.T("key.quit"))
	i, err := s.choose(tr.T("plain.pick_section"), labels)
	if err != nil || i == len(prog.Sections) {
		return nil, err
	}
	return prog.Sections[i].Section, nil
}

// sayReviews lists the sections the province sent back, with what each
// comment points at and says.
func (s *session) sayReviews(prog survey.Progress) {
	tr := s.sh.Tr
	var sent []review.Section
	for _, rv := range s.sh.ReviewSections() {
		if rv.SentBack() {
			sent = append(sent, rv)
		}
	}
	if len(sent) == 0 {
		return
	}
	s.say("%s", tr.T("review.tui.home.sent_back", len(sent)))
	for _, rv := range sent {
		d, _ := rv.Latest()
		for _, sp := range prog.Sections {
			if sp.Section.ID == rv.ID {
				s.say("%s %d. %s · %s", reply.MarkNeedsWork, sp.Section.Number, sp.Section.Title.In(tr.Lang()), reply.Target(s.sh, d.Review.Target))
			}
		}
		s.say("  %s", tr.T("review.tui.panel.comment", reply.Who(s.sh, d.Record), d.Review.Comment))
	}
}

// replyTo asks the officer's reply to the open review d and saves it.
func (s *session) replyTo(d review.Decision) error {
	tr := s.sh.Tr
	s.say("%s", tr.T("review.tui.panel.comment", reply.Who(s.sh, d.Record), d.Review.Comment))
	var comment string
	var done bool
	err := s.ask(huh.NewText().Title(tr.T("review.tui.reply.comment")).Description(tr.T("review.tui.reply.comment_hint")).Value(&comment),
		huh.NewConfirm().Title(tr.T("review.tui.reply.done")).Affirmative(tr.T("review.tui.reply.done_yes")).
			Negative(tr.T("review.tui.reply.done_no")).Value(&done))
	if err != nil {
		return err
	}
	r := review.Reply{Review: d.Record.ID, Comment: strings.TrimSpace(comment), Done: done}
	if err := r.Check(); err != nil {
		s.say("%s", tr.Error(err))
		return nil
	}
	body, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return s.save(nil, app.Change{Kind: review.KindReply, Body: body})
}

// fillSection asks for a question of sec until the officer goes back.
func (s *session) fillSection(sec *survey.Section) error {
	tr := s.sh.Tr
	for {
		state := s.sh.Sheet.State()
		var qs []*survey.Question
		var labels []string
		for i := range sec.Questions {
			q := &sec.Questions[i]
			if !q.Relevant(state) {
				continue
			}
			qs = append(qs, q)
			labels = append(labels, q.Label.In(tr.Lang())+": "+s.answerText(q))
		}
		open, canReply := reply.Open(s.sh.Review(sec.ID))
		if canReply {
			labels = append(labels, tr.T("review.tui.reply.title", reply.Target(s.sh, open.Review.Target)))
		}
		labels = append(labels, tr.T("key.back"))
		i, err := s.choose(fmt.Sprintf("%d. %s", sec.Number, sec.Title.In(tr.Lang())), labels)
		if err != nil {
			return err
		}
		if canReply && i == len(qs) {
			if err := s.replyTo(open); err != nil {
				return err
			}
			continue
		}
		if i >= len(qs) {
			return nil
		}
		if qs[i].Type == survey.TypeTable {
			err = s.fillTable(qs[i])
		} else {
			err = s.answer(qs[i])
		}
		if err != nil {
			return err
		}
	}
}

func (s *session) answerText(q *survey.Question) string {
	tr := s.sh.Tr
	if q.Type == survey.TypeTable {
		return tr.T("section.rows", len(s.sh.Sheet.Rows(q.ID)))
	}
	if v, ok := s.sh.Sheet.Value(q.ID); ok {
		return q.FormatValue(v, tr)
	}
	return tr.T("section.unanswered")
}

// answer asks one question and saves the answer.
func (s *session) answer(q *survey.Question) error {
	current, _ := s.sh.Sheet.Value(q.ID)
	in := fields.NewInput(q, current, s.sh.Tr)
	if err := s.ask(in.Field()); err != nil {
		return err
	}
	v, err := in.Result()
	if err != nil {
		s.say("%s", err)
		return nil
	}
	body, err := s.sh.Sheet.AnswerBody(q.ID, v)
	if err != nil {
		return err
	}
	var meta []app.Meta
	if name, ok := v.(string); ok && q.ID == "officer_name" {
		meta = append(meta, app.Meta{Key: store.MetaAuthor, Value: name})
	}
	return s.save(meta, app.Change{Kind: record.KindAnswer, ID: s.sh.Sheet.AnswerID(q.ID), Body: body})
}

// fillTable lists a table's rows and adds, edits or deletes one.
func (s *session) fillTable(q *survey.Question) error {
	tr := s.sh.Tr
	for {
		rows := s.sh.Sheet.Rows(q.ID)
		labels := make([]string, 0, len(rows)+2)
		for i, r := range rows {
			labels = append(labels, fmt.Sprintf("%d. %s", i+1, s.rowText(q, r)))
		}
		labels = append(labels, tr.T("key.add"), tr.T("key.back"))
		i, err := s.choose(q.Label.In(tr.Lang()), labels)
		if err != nil {
			return err
		}
		switch {
		case i == len(rows)+1:
			return nil
		case i == len(rows):
			err = s.editRow(q, "", nil)
		default:
			var act int
			act, err = s.choose(labels[i], []string{tr.T("key.edit"), tr.T("key.delete"), tr.T("key.back")})
			switch {
			case err != nil:
			case act == 0:
				err = s.editRow(q, rows[i].ID, rows[i].Values)
			case act == 1:
				err = s.save(nil, app.Change{Kind: q.Kind, ID: rows[i].ID, Delete: true})
			}
		}
		if err != nil {
			return err
		}
	}
}

func (s *session) rowText(q *survey.Question, r answers.Row) string {
	var parts []string
	for _, id := range q.Summary {
		c, ok := q.Column(id)
		if v, has := r.Values[id]; ok && has && v != nil {
			parts = append(parts, c.FormatValue(v, s.sh.Tr))
		}
	}
	return strings.Join(parts, " · ")
}

// editRow asks each column that applies, one at a time, and saves the row.
func (s *session) editRow(q *survey.Question, id string, values map[string]any) error {
	row := fields.NewRow(q, values, s.sh.Tr)
	for _, in := range row.Inputs() {
		if !row.Relevant(in.Question()) {
			continue
		}
		if err := s.ask(in.Field()); err != nil {
			return err
		}
	}
	vals, bad, err := row.Values()
	if err != nil {
		s.say("%s: %s", bad.Label.In(s.sh.Tr.Lang()), err)
		return nil
	}
	body, err := s.sh.Sheet.RowBody(vals)
	if err != nil {
		return err
	}
	return s.save(nil, app.Change{Kind: q.Kind, ID: id, Body: body})
}

// lineReader hands the reader one line per Read, because huh's accessible
// prompts make a new bufio.Scanner for each question and would otherwise
// swallow the lines meant for the next one. It notes when the input ends.
type lineReader struct {
	r   *bufio.Reader
	eof bool
}

func (l *lineReader) Read(p []byte) (int, error) {
	if l.eof {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) {
		b, err := l.r.ReadByte()
		if err != nil {
			if n == 0 {
				l.eof = true
				return 0, io.EOF
			}
			return n, nil
		}
		p[n] = b
		n++
		if b == '\n' {
			break
		}
	}
	return n, nil
}
