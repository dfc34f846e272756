package backup

import (
	"context"
	"encoding/json"

	tea "charm.land/bubbletea/v2"

	bk "mach/checks/backup"
	"mach/sync/store"
	"mach/tui/app"
)

// progressMsg is how far the run has come; verifying says the archive is
// being read back.
type progressMsg struct {
	id        int
	p         bk.Progress
	verifying bool
	ch        <-chan tea.Msg
}

// doneMsg ends a run: the backup and its check, or why there is none.
type doneMsg struct {
	id       int
	res      bk.Result
	err      error
	rep      bk.Report
	verr     error // the archive could not be checked
	verified bool
	// body is the backup's row, for the checklist's table; nil if it
	// could not be made.
	body json.RawMessage
}

// startCmd backs up in the background and checks the archive; its
// progress and its end come on the channel that waitCmd reads.
func startCmd(ctx context.Context, id int, sh *app.Shared, opts bk.Options) tea.Cmd {
	sheet := sh.Sheet // read here, in Update: the root may replace it meanwhile
	return func() tea.Msg {
		ch := make(chan tea.Msg, 1)
		go func() {
			defer close(ch)
			// Only the latest report matters: one that finds the
			// channel full is dropped.
			report := func(verifying bool) func(bk.Progress) {
				return func(p bk.Progress) {
					select {
					case ch <- progressMsg{id: id, p: p, verifying: verifying, ch: ch}:
					default:
					}
				}
			}
			opts.Progress = report(false)
			res, err := bk.Run(ctx, opts)
			if err != nil {
				ch <- doneMsg{id: id, err: err}
				return
			}
			rep, verr := bk.Verify(ctx, res.Archive, report(true))
			if verr != nil {
				sh.Log.Warn("backup not verified", "archive", res.Archive, "err", verr)
			}
			verified := verr == nil && rep.Intact()
			author, err := sh.Store.Meta(store.MetaAuthor)
			if err != nil {
				sh.Log.Warn("read the officer's name", "err", err)
			}
			body, err := sheet.RowBody(res.Row(bk.RowInfo{DoneBy: author}, verified))
			if err != nil {
				sh.Log.Error("encode the backup row", "err", err)
			}
			ch <- doneMsg{id: id, res: res, rep: rep, verr: verr, verified: verified, body: body}
		}()
		return waitMsg(ch)
	}
}

// waitCmd waits for the run's next message.
func waitCmd(ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg { return waitMsg(ch) }
}

func waitMsg(ch <-chan tea.Msg) tea.Msg {
	msg, ok := <-ch
	if !ok {
		return nil
	}
	return msg
}
