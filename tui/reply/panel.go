package reply

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"mach/sync/review"
	"mach/tui/app"
)

// Panel draws the review of s where the officer works, in at most lines
// lines of width w: when it is sent back, what the province asks for and
// what it points at, the comment, who and when, and the replies made to
// it, newest last; when approved, one line saying so; nothing otherwise.
// When the lines are few the older replies are left out first, then the
// comment is cut, down to one line, and the last reply goes last.
func Panel(sh *app.Shared, s review.Section, w, lines int) string {
	d, ok := s.Latest()
	if !ok || lines < 1 || w < 10 {
		return ""
	}
	tr, st := sh.Tr, sh.Styles
	switch {
	case d.Review.State == review.Approved:
		return st.OK.Render(ansi.Truncate(MarkApproved+" "+tr.T("review.tui.panel.approved", Who(sh, d.Record)), w, "…")) + "\n"
	case d.Review.State != review.NeedsWork:
		return ""
	}
	head, style := tr.T("review.tui.panel.sent_back", Target(sh, d.Review.Target)), st.Warn
	if d.Done() {
		head, style = tr.T("review.tui.panel.replied", Target(sh, d.Review.Target)), st.Status
	}
	out := []string{style.Render(ansi.Truncate(MarkTarget+" "+head, w, "…"))}
	comment := strings.Split(ansi.Wordwrap(tr.T("review.tui.panel.comment", Who(sh, d.Record), oneLine(d.Review.Comment)), w-2, " "), "\n")
	text := tr.T("review.tui.panel.comment", Who(sh, d.Record), oneLine(d.Review.Comment))
	replies := make([]string, 0, len(d.Replies))
	for _, a := range d.Replies {
		line := tr.T("review.tui.panel.reply", Who(sh, a.Record), oneLine(a.Reply.Comment))
		if a.Reply.Comment == "" {
			line = tr.T("review.tui.panel.reply_empty", Who(sh, a.Record))
		}
		if a.Reply.Done {
			line += " · " + MarkApproved + " " + tr.T("review.tui.reply_done")
		}
		replies = append(replies, st.Muted.Render("  "+ansi.Truncate(line, w-2, "…")))
	}
	// One line of the comment first, then one reply, then the rest of the
	// comment, then the older replies.
	room := lines - 1
	nComment := min(len(comment), max(room, 0), 1)
	nReplies := min(len(replies), max(room-nComment, 0), 1)
	nComment += min(len(comment)-nComment, max(room-nComment-nReplies, 0))
	nReplies += min(len(replies)-nReplies, max(room-nComment-nReplies, 0))
	for _, l := range Clip(text, w-2, nComment) {
		out = append(out, style.Render("  "+l))
	}
	shown := replies[len(replies)-nReplies:]
	if earlier := len(replies) - nReplies; earlier > 0 && nReplies > 1 {
		shown[0] = st.Muted.Render("  " + tr.T("review.tui.panel.earlier", earlier+1))
	}
	out = append(out, shown...)
	return strings.Join(out, "\n") + "\n"
}

// oneLine puts a comment typed on several lines on one.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Clip wraps text to width w in at most n lines; what does not fit is cut
// at the end of the last line, marked with "…".
func Clip(text string, w, n int) []string {
	if n <= 0 {
		return nil
	}
	lines := strings.Split(ansi.Wordwrap(text, w, " "), "\n")
	if len(lines) <= n {
		return lines
	}
	last := strings.Join(lines[n-1:], " ")
	return append(lines[:n-1], ansi.Truncate(last, w, "…"))
}
