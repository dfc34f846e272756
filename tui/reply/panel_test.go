package reply

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"mach/sync/record"
	"mach/sync/review"
	"mach/tui/app/apptest"
)

func TestPanelKeepsTheHeadTheCommentAndTheLatestRepliesInItsLines(t *testing.T) {
	sh := apptest.Shared(t)
	apptest.WithUnit(t, sh)
	at := time.Date(2026, 3, 12, 9, 30, 0, 0, time.Local)
	rv := apptest.HubReview(t, review.Review{Section: "unit", State: review.NeedsWork,
		Comment: strings.Repeat("Thiếu số điện thoại của cán bộ phụ trách. ", 5)}, at)
	recs := []record.Record{rv}
	for i := 1; i <= 3; i++ {
		body, _ := json.Marshal(review.Reply{Review: rv.ID, Comment: fmt.Sprintf("Phản hồi số %d.", i)})
		when := at.Add(time.Duration(i) * time.Hour)
		recs = append(recs, record.Record{ID: record.NewID(when), Kind: review.KindReply, Unit: apptest.Unit, Body: body,
			Version: record.Version{Time: when.UnixMicro(), Device: "B"}, Device: "B", Author: "Lê Văn Hùng", Saved: when.UTC()})
	}
	apptest.Pull(t, sh, recs...)
	s := sh.Review("unit")
	for _, c := range []struct {
		lines int
		want  []string
		not   []string
	}{
		{1, []string{"» Tỉnh yêu cầu bổ sung: cả mục"}, []string{"Nguyễn Thị Lan"}},
		{3, []string{"Nguyễn Thị Lan, 12/03/2026 09:30: «Thiếu", "…", "Phản hồi số 3."}, []string{"Phản hồi số 2."}},
		{5, []string{"Phản hồi số 3.", "Thiếu số…"}, []string{"Phản hồi số 2."}},
		{8, []string{"… 2 phản hồi trước", "Phản hồi số 3.", "phụ trách.»"}, []string{"Phản hồi số 1."}},
		{20, []string{"Phản hồi số 1.", "Phản hồi số 2.", "Phản hồi số 3."}, []string{"phản hồi trước"}},
	} {
		panel := ansi.Strip(Panel(sh, s, 60, c.lines))
		if n := strings.Count(panel, "\n"); n > c.lines {
			t.Errorf("%d lines asked, %d drawn:\n%s", c.lines, n, panel)
		}
		for _, w := range c.want {
			if !strings.Contains(panel, w) {
				t.Errorf("in %d lines the panel lacks %q:\n%s", c.lines, w, panel)
			}
		}
		for _, w := range c.not {
			if strings.Contains(panel, w) {
				t.Errorf("in %d lines the panel has %q:\n%s", c.lines, w, panel)
			}
		}
	}
	// Neither reviewed nor sent back: nothing.
	if p := Panel(sh, sh.Review("equipment"), 60, 5); p != "" {
		t.Fatalf("a section not reviewed has a panel: %q", p)
	}
}
