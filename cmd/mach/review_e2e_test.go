package main

import (
	"encoding/json"
	"strings"
	"testing"

	"mach/assets/i18n"
	"mach/sync/review"
)

// TestE2EHubReviewReachesTheLaptop: the province sends a section back with
// mach hub review; the laptop's next sync brings it; the officer's reply
// (written as the screens write it) reaches the hub, whose listing shows
// it; refusals say what to do and write nothing.
func TestE2EHubReviewReachesTheLaptop(t *testing.T) {
	h := startHub(t)
	a := newFixture(t)
	if r := a.run(t, "", nil, a.args("init", "--unit", "13285", "--officer", "Nguyễn Văn An")...); r.code != 0 {
		t.Fatalf("mach init: exit %d %q", r.code, r.stderr)
	}
	if r := a.run(t, "", nil, a.args("enroll", "--hub", h.url, "--code", h.code(t, "13285"), "--fingerprint", h.finger)...); r.code != 0 {
		t.Fatalf("mach enroll: exit %d\n%s", r.code, r.stderr)
	}
	review1 := h.f.run(t, "", nil, h.f.args("hub", "review", "--unit", "13285", "--section", "backups",
		"--state", "can-bo-sung", "--comment", "Thiếu biên bản bàn giao", "--question", "backups")...)
	want := say(t, i18n.Vietnamese, "hubreview.sent", sectionName("backups"), "13285", say(t, i18n.Vietnamese, "hubreview.state.needs_work"))
	if review1.code != 0 || strings.TrimSpace(review1.stdout) != want {
		t.Fatalf("mach hub review: exit %d, stdout %q, stderr %q; want %q", review1.code, review1.stdout, review1.stderr, want)
	}
	if r := a.run(t, "", nil, a.args("sync")...); r.code != 0 {
		t.Fatalf("mach sync: exit %d\n%s", r.code, r.stderr)
	}
	reviews := ofKind(a.exportFile(t), review.Kind)
	if len(reviews) != 1 {
		t.Fatalf("the laptop holds %d reviews after its sync, want 1", len(reviews))
	}
	got := body(t, reviews[0])
	if got["section"] != "backups" || got["state"] != "needs_work" || got["comment"] != "Thiếu biên bản bàn giao" {
		t.Fatalf("the laptop's review: %v", got)
	}
	// The officer replies, as the section screen does, and syncs.
	reply, _ := json.Marshal(review.Reply{Review: reviews[0].ID, Comment: "Đã bổ sung biên bản", Done: true})
	putRecord(t, a, review.KindReply, reply)
	if r := a.run(t, "", nil, a.args("sync")...); r.code != 0 {
		t.Fatalf("mach sync: exit %d\n%s", r.code, r.stderr)
	}
	list := h.f.run(t, "", nil, h.f.args("hub", "review", "--unit", "13285")...)
	if list.code != 0 || !strings.Contains(list.stdout, "Thiếu biên bản bàn giao") || !strings.Contains(list.stdout, "Đã bổ sung biên bản") ||
		!strings.Contains(list.stdout, say(t, i18n.Vietnamese, "hubreview.state.needs_work")) {
		t.Fatalf("mach hub review --unit: exit %d\n%s\n%s", list.code, list.stdout, list.stderr)
	}

	for _, lang := range i18n.Languages {
		env := []string{"MACH_LANG=" + lang}
		tr := i18n.MustNew(lang)
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"--section", "backups"}, tr.T("hubreview.need_unit")},
			{[]string{"--unit", "13285", "--state", "approved"}, tr.T("hubreview.need_section", sectionIDs())},
			{[]string{"--unit", "13285", "--section", "backups", "--state", "ok"}, tr.T("hubreview.bad_state", "ok")},
			{[]string{"--unit", "13285", "--section", "backups", "--state", "needs_work"}, tr.T("hubreview.invalid", tr.T("review.check.need_comment"))},
			{[]string{"--unit", "13285", "--section", "nope", "--state", "approved"}, tr.T("hubreview.invalid", tr.T("review.check.no_section", "ninhbinh-2025", "nope"))},
			{[]string{"--unit", "13285", "--section", "backups", "--state", "approved", "--question", "officer_phone"},
				tr.T("hubreview.invalid", tr.T("review.check.no_question", "backups", "officer_phone"))},
			{[]string{"--unit", "99999", "--section", "backups", "--state", "approved"}, tr.T("hubexport.unit_not_here", "99999")},
		} {
			r := h.f.run(t, "", env, h.f.args(append([]string{"hub", "review"}, c.args...)...)...)
			if r.code == 0 || strings.TrimSpace(r.stderr) != c.want {
				t.Errorf("%s: mach hub review %q: exit %d, stderr %q; want %q", lang, c.args, r.code, r.stderr, c.want)
			}
		}
	}
	if r := a.run(t, "", nil, a.args("sync")...); r.code != 0 || len(ofKind(a.exportFile(t), review.Kind)) != 1 {
		t.Fatalf("after the refusals the laptop holds %d reviews, want 1", len(ofKind(a.exportFile(t), review.Kind)))
	}
}
