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

// TestE2EPlainShowsTheReviewAndReplies: in --plain mode, for a screen
// reader, the officer reads the section the province sent back and
// replies, fix done; the reply reaches the hub.
func TestE2EPlainShowsTheReviewAndReplies(t *testing.T) {
	h := startHub(t)
	a := newFixture(t)
	if r := a.run(t, "", nil, a.args("init", "--unit", unitCode, "--officer", officerName)...); r.code != 0 {
		t.Fatalf("mach init: exit %d %q", r.code, r.stderr)
	}
	if r := a.run(t, "", nil, a.args("enroll", "--hub", h.url, "--code", h.code(t, unitCode), "--fingerprint", h.finger)...); r.code != 0 {
		t.Fatalf("mach enroll: exit %d\n%s", r.code, r.stderr)
	}
	if r := h.f.run(t, "", nil, h.f.args("hub", "review", "--unit", unitCode, "--section", "unit", "--state", "can-bo-sung",
		"--comment", "Thiếu chức vụ của cán bộ", "--question", "officer_position")...); r.code != 0 {
		t.Fatalf("mach hub review: exit %d %q", r.code, r.stderr)
	}
	if r := a.run(t, "", nil, a.args("sync")...); r.code != 0 {
		t.Fatalf("mach sync: exit %d\n%s", r.code, r.stderr)
	}

	s := a.start(t, nil, a.args("--plain")...)
	listed, sections := home(t, s)
	for _, want := range []string{say(t, i18n.Vietnamese, "review.tui.home.sent_back", 1), "! 1. Thông tin đơn vị · câu «Chức vụ»",
		"«Thiếu chức vụ của cán bộ»"} {
		if !strings.Contains(listed, want) {
			t.Errorf("the plain home lacks %q:\n%s", want, listed)
		}
	}
	s.choose(sections, "1. Thông tin đơn vị")
	section := s.menu("1. Thông tin đơn vị")
	s.choose(section, say(t, i18n.Vietnamese, "review.tui.reply.title", "câu «Chức vụ»"))
	s.answer(say(t, i18n.Vietnamese, "review.tui.reply.comment"), "Đã bổ sung chức vụ")
	s.answer(say(t, i18n.Vietnamese, "review.tui.reply.done"), "y")
	s.expect(say(t, i18n.Vietnamese, "section.saved"))
	s.pick("1. Thông tin đơn vị", say(t, i18n.Vietnamese, "key.back"))
	_, sections = home(t, s)
	if !strings.Contains(sections, say(t, i18n.Vietnamese, "review.tui.state.replied")) {
		t.Errorf("after the reply the sections do not say it waits for the province:\n%s", sections)
	}
	s.choose(sections, say(t, i18n.Vietnamese, "key.quit"))
	if code := s.wait(); code != 0 {
		t.Fatalf("mach --plain exited %d", code)
	}
	replies := ofKind(a.exportFile(t), review.KindReply)
	if len(replies) != 1 {
		t.Fatalf("%d replies in the file, want 1", len(replies))
	}
	if b := body(t, replies[0]); b["comment"] != "Đã bổ sung chức vụ" || b["done"] != true {
		t.Fatalf("the reply: %v", b)
	}
	if r := a.run(t, "", nil, a.args("sync")...); r.code != 0 {
		t.Fatalf("mach sync: exit %d\n%s", r.code, r.stderr)
	}
	list := h.f.run(t, "", nil, h.f.args("hub", "review", "--unit", unitCode)...)
	if !strings.Contains(list.stdout, "Đã bổ sung chức vụ") {
		t.Fatalf("the hub does not show the reply:\n%s%s", list.stdout, list.stderr)
	}
}
