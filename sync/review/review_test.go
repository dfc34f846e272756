package review

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"mach/assets/i18n"
	"mach/checks/survey"
	"mach/sync/record"
)

// rec makes a record of kind with body, at version time t.
func rec(t *testing.T, id, kind string, at int64, body any) record.Record {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return record.Record{ID: id, Kind: kind, Unit: "13285", Body: b, Version: record.Version{Time: at, Device: record.HubDevice}}
}

func TestTheLatestDecisionSetsTheStateWhateverTheOrderRecordsCome(t *testing.T) {
	c, err := survey.Default()
	if err != nil {
		t.Fatal(err)
	}
	row := Target{Question: "backups", Row: "01JBROW0000000000000000000"}
	sentBack := rec(t, "01JA0000000000000000000001", Kind, 10, Review{Section: "backups", State: NeedsWork, Comment: "Chưa sao lưu", Target: row})
	reply := rec(t, "01JA0000000000000000000002", KindReply, 20, Reply{Review: sentBack.ID, Comment: "Đã sao lưu", Done: true})
	approved := rec(t, "01JA0000000000000000000003", Kind, 30, Review{Section: "backups", State: Approved})
	other := rec(t, "01JA0000000000000000000004", record.KindAnswer, 5, map[string]string{"question": "officer_name"})

	// The reply arrives before the review it answers; the answer is ignored.
	b := NewBook()
	for _, r := range []record.Record{reply, other, sentBack} {
		if err := b.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	s := b.Section("backups")
	if s.State != NeedsWork || !s.Replied() || s.SentBack() || !s.Points(row) || s.Points(Target{}) {
		t.Fatalf("after the reply: %+v", s)
	}
	if err := b.Add(approved); err != nil {
		t.Fatal(err)
	}
	s = b.Section("backups")
	if s.State != Approved || len(s.Decisions) != 2 || s.Replied() || s.Points(row) || len(s.Decisions[0].Replies) != 1 {
		t.Fatalf("after the approval: %+v", s)
	}
	all := b.Sections(c)
	if len(all) != len(c.Sections) || all[0].State != Unreviewed {
		t.Fatalf("sections: %+v", all)
	}
	bad := record.Record{ID: "01JA0000000000000000000005", Kind: Kind, Body: json.RawMessage(`{"section": 1}`)}
	if err := b.Add(bad); err == nil {
		t.Fatal("a review whose body does not decode was taken")
	}
}

func TestRefusalsInBothLanguages(t *testing.T) {
	c, err := survey.Default()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		err error
		key string
	}{
		{Review{Section: "nope", State: Approved}.Check(c), "review.check.no_section"},
		{Review{Section: "backups", State: "done"}.Check(c), "review.check.bad_state"},
		{Review{Section: "backups", State: NeedsWork}.Check(c), "review.check.need_comment"},
		{Review{Section: "backups", State: Approved, Comment: strings.Repeat("á", MaxCommentRunes+1)}.Check(c), "review.check.comment_too_long"},
		{Review{Section: "backups", State: Approved, Target: Target{Row: "x"}}.Check(c), "review.check.row_without_table"},
		{Review{Section: "unit", State: Approved, Target: Target{Question: "officer_phone", Row: "x"}}.Check(c), "review.check.not_a_table"},
		{Review{Section: "backups", State: Approved, Target: Target{Question: "officer_phone"}}.Check(c), "review.check.no_question"},
		{Reply{Comment: "ok"}.Check(), "review.check.reply_to_nothing"},
		{Reply{Review: "r"}.Check(), "review.check.empty_reply"},
	}
	for _, cs := range cases {
		var r *Refusal
		if !errors.As(cs.err, &r) || r.Reason.Key != cs.key {
			t.Errorf("%v: want a refusal %s", cs.err, cs.key)
			continue
		}
		vi, en := i18n.MustNew(i18n.Vietnamese).Error(cs.err), i18n.MustNew(i18n.English).Error(cs.err)
		if vi == en || vi == "" || strings.Contains(vi, "%!") || en != cs.err.Error() {
			t.Errorf("%s: vi %q, en %q", cs.key, vi, en)
		}
	}
	for _, ok := range []error{
		Review{Section: "backups", State: NeedsWork, Comment: "Thiếu", Target: Target{Question: "backups", Row: "x"}}.Check(c),
		Review{Section: "unit", State: Approved}.Check(c),
		Reply{Review: "r", Done: true}.Check(),
	} {
		if ok != nil {
			t.Errorf("refused: %v", ok)
		}
	}
}
