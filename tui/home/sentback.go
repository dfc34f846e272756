package home

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"mach/sync/review"
	"mach/tui/reply"
)

// stateWidth is the width of the review state after each section's
// progress: none before the province has reviewed any section.
func (m Model) stateWidth(reviews []review.Section) int {
	reviewed := false
	for _, rv := range reviews {
		reviewed = reviewed || len(rv.Decisions) > 0
	}
	if !reviewed {
		return 0
	}
	w := 0
	for _, state := range []string{"needs_work", "replied", "approved", "unreviewed"} {
		// The mark, a space, the word, and a space before them.
		w = max(w, ansi.StringWidth(m.sh.Tr.T("review.tui.state."+state))+3)
	}
	return w
}

// sentBack lists the sections the province sent back, in at most room
// lines of width w: each with what the comment
// points at, then the comment with who wrote it and when, on as many lines
// as there is room for. Sections that do not fit are counted on a last
// line.
func (m Model) sentBack(reviews []review.Section, w, room int) string {
	tr, st := m.sh.Tr, m.sh.Styles
	var back []review.Section
	for _, rv := range reviews {
		if rv.SentBack() {
			back = append(back, rv)
		}
	}
	// The heading and two lines for a section, with a blank line above
	// when there is room for it.
	if len(back) == 0 || room < 3 {
		return ""
	}
	blank := room > 1+2*len(back)
	if blank {
		room--
	}
	shown := min(len(back), (room-1)/2)
	if shown < len(back) {
		// A line says how many more.
		shown = (room - 2) / 2
	}
	if shown <= 0 {
		return ""
	}
	// Lines to spare go to the comments, the first sections first, up to
	// four lines each.
	spare := room - 1 - 2*shown
	if shown < len(back) {
		spare--
	}
	var b strings.Builder
	if blank {
		b.WriteString("\n")
	}
	b.WriteString(st.Warn.Render(ansi.Truncate(tr.T("review.tui.home.sent_back", len(back)), w, "…")) + "\n")
	for _, rv := range back[:shown] {
		d, _ := rv.Latest()
		title := rv.ID
		if sec, ok := m.sh.Checklist.Section(rv.ID); ok {
			title = fmt.Sprintf("%d. %s", sec.Number, sec.Title.In(tr.Lang()))
		}
		head := reply.MarkNeedsWork + " " + title + " · " + reply.Target(m.sh, d.Review.Target)
		b.WriteString(st.Warn.Render(ansi.Truncate(head, w, "…")) + "\n")
		comment := tr.T("review.tui.panel.comment", reply.Who(m.sh, d.Record), strings.Join(strings.Fields(d.Review.Comment), " "))
		want := len(strings.Split(ansi.Wordwrap(comment, w-2, " "), "\n"))
		n := min(want, 1+min(spare, 3))
		spare -= n - 1
		for _, l := range reply.Clip(comment, w-2, n) {
			b.WriteString("  " + l + "\n")
		}
	}
	if rest := len(back) - shown; rest > 0 {
		b.WriteString(st.Muted.Render(ansi.Truncate(tr.T("review.tui.home.more", rest), w, "…")) + "\n")
	}
	return b.String()
}
