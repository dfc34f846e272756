package dashboard

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"mach/assets/i18n"
	"mach/sync/client"
	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/review"
	"mach/tui/app/apptest"
)

// fakeSource is the hub through the real client, but for the reviews: it
// keeps every request sent and fails them while failing is set.
type fakeSource struct {
	Source
	mu      sync.Mutex
	sent    []protocol.ReviewRequest
	failing error
}

func (s *fakeSource) Review(ctx context.Context, req protocol.ReviewRequest) (protocol.ReviewResponse, error) {
	s.mu.Lock()
	s.sent = append(s.sent, req)
	err := s.failing
	s.mu.Unlock()
	if err != nil {
		return protocol.ReviewResponse{}, err
	}
	return s.Source.Review(ctx, req)
}

// fail makes the reviews fail with err (nil: send them on).
func (s *fakeSource) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing = err
}

// requests returns the review requests sent.
func (s *fakeSource) requests() []protocol.ReviewRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}

// reviewDashboard is a dashboard of the fixture's hub through a
// fakeSource, w×h, in lang, opened on Phủ Lý.
func reviewDashboard(t *testing.T, f *fixture, lang string, w, h int) (*driver, *fakeSource) {
	t.Helper()
	m := f.dashboard(t, lang, w, h)
	src := &fakeSource{Source: m.src}
	m.src = src
	d := drive(t, m)
	d.press("r", "enter")
	if d.m.unit == nil || d.m.unit.detail == nil {
		t.Fatalf("Phủ Lý did not open:\n%s", d.screen())
	}
	return d, src
}

// pressDownTo presses down until the cursor of the answers is on the item
// of section and target.
func (d *driver) pressDownTo(section string, target review.Target) {
	d.t.Helper()
	want := itemKey{section: section, target: target}
	for range len(d.m.unit.items) {
		if it, ok := d.m.unit.selected(); ok && it.itemKey == want {
			return
		}
		d.press("down")
	}
	d.t.Fatalf("down never reached %+v:\n%s", want, d.screen())
}

// backupTarget is the dataset of Phủ Lý not backed up.
var backupTarget = review.Target{Question: "backups", Row: backupRow}

func TestUnitViewShowsReviewsRepliesAndSuggestionsAt80x24(t *testing.T) {
	f := newFixture(t)
	d, _ := reviewDashboard(t, f, i18n.Vietnamese, 80, 24)
	view := d.screen()
	requireSize(t, view, 80, 24)
	for _, want := range []string{"2 gợi ý xem lại", "Máy chủ gợi ý xem lại:",
		"3. Đường truyền, kết nối mạng: Băng thông Internet theo hợp đồng là 100 Mbps nhưng kiểm tra chỉ đo được 8,5 Mbps.",
		"5. Tài khoản, thư công vụ, chữ ký số: Chứng thư số của Trần Thị Bình hết hạn ngày 01/09/2025, chỉ còn 12 ngày.",
		"> 1. Thông tin đơn vị · 4/4 · hạn 15/08/2025 · đã duyệt", "Tỉnh đã duyệt (Nguyễn Thu Hà, 19/08/2025 05:30)",
		"v duyệt mục", "enter lịch sử", "esc quay lại"} {
		if !strings.Contains(flat(view), want) {
			t.Errorf("the unit lacks %q", want)
		}
	}
	t.Run("top", func(t *testing.T) { golden.RequireEqual(t, []byte(apptest.Screen(view))) })

	// Down to the dataset the province pointed at: the section's comment
	// and the officer's reply are on screen with it.
	d.pressDownTo("backups", backupTarget)
	view = d.screen()
	requireSize(t, view, 80, 24)
	for _, want := range []string{"6. Sao lưu và bàn giao dữ liệu · 0/1 · cần bổ sung",
		"Tỉnh trả lại, cần bổ sung (Nguyễn Thu Hà, 19/08/2025 07:30) · về dòng «Văn bản đi, đến · Phường Thanh Châu · Đã sao lưu: Không»: «Bộ dữ liệu văn bản đi, đến",
		"↳ Xã trả lời (Nguyễn Văn An, 19/08/2025 09:30): «Đã sao lưu ra ổ cứng ngoài, đang kiểm tra mã băm.»",
		">! • Văn bản đi, đến · Phường Thanh Châu · Đã sao lưu: Không ← ý kiến của t"} {
		if !strings.Contains(flat(view), want) {
			t.Errorf("at the dataset, the unit lacks %q", want)
		}
	}
	t.Run("backups", func(t *testing.T) { golden.RequireEqual(t, []byte(apptest.Screen(view))) })
}

func TestUnitViewShowsReviewsRepliesAndSuggestionsAt160x48(t *testing.T) {
	f := newFixture(t)
	d, _ := reviewDashboard(t, f, i18n.Vietnamese, 160, 48)
	d.pressDownTo("accounts", review.Target{Question: "accounts", Row: cuongRow})
	view := d.screen()
	requireSize(t, view, 160, 48)
	for _, want := range []string{"5. Tài khoản, thư công vụ, chữ ký số · 0/1 · xã đã sửa, chờ duyệt lại",
		"↳ Xã trả lời (Nguyễn Văn An, 19/08/2025 08:30) · đã sửa xong: «Đã bổ sung ngày hiệu lực 01/09/2025.»",
		">! • Lê Văn Cường · Hệ thống thư điện tử công vụ · cuonglv · Thu hồi ← ý kiến của tỉnh",
		"3. Đường truyền, kết nối mạng · 1/3 · hạn 18/08/2025 TRỄ HẠN · chưa xem"} {
		if !strings.Contains(flat(view), want) {
			t.Errorf("the wide unit lacks %q", want)
		}
	}
	golden.RequireEqual(t, []byte(apptest.Screen(view)))
}

func TestReviewFormAt80x24(t *testing.T) {
	f := newFixture(t)
	d, _ := reviewDashboard(t, f, i18n.Vietnamese, 80, 24)
	d.pressDownTo("backups", backupTarget)
	d.press("v")
	view := d.screen()
	requireSize(t, view, 80, 24)
	in := d.m.reviewing
	if in == nil || in.section != "backups" || in.state != review.NeedsWork || in.target != backupTarget {
		t.Fatalf("v on the dataset opened %+v; want the backups sent back about that row:\n%s", in, view)
	}
	for _, want := range []string{"Duyệt mục 6. Sao lưu và bàn giao dữ liệu · Phường Phủ Lý",
		"Hiện tại: cần bổ sung (Nguyễn Thu Hà, 19/08/2025 07:30).", "Kết quả duyệt", "cần bổ sung", "Ý kiến về",
		"Dòng: Văn bản đi, đến · Phường Thanh Châu", "Ý kiến gửi xã", "esc huỷ"} {
		if !strings.Contains(view, want) {
			t.Errorf("the review form lacks %q", want)
		}
	}
	golden.RequireEqual(t, []byte(apptest.Screen(view)))
}

func TestReviewFormAt160x48(t *testing.T) {
	f := newFixture(t)
	d, _ := reviewDashboard(t, f, i18n.Vietnamese, 160, 48)
	d.pressDownTo("unit", review.Target{})
	d.press("v")
	view := d.screen()
	requireSize(t, view, 160, 48)
	in := d.m.reviewing
	if in == nil || in.section != "unit" || in.state != review.Approved || !in.target.IsZero() {
		t.Fatalf("v on a section's head opened %+v; want it approved as a whole:\n%s", in, view)
	}
	// Every question and row of the section is there to point at.
	for _, want := range []string{"Cả mục", "Câu: Hình thành từ (đơn vị cũ)", "Dòng: 13288 · Phường Lê Hồng Phong · Sáp nhập toàn bộ",
		"Dòng: 13291 · Phường Thanh Châu · Một phần", "Câu: Họ và tên cán bộ phụ trách CNTT", "Câu: Địa chỉ thư công vụ"} {
		if !strings.Contains(view, want) {
			t.Errorf("the wide review form lacks %q", want)
		}
	}
	golden.RequireEqual(t, []byte(apptest.Screen(view)))
}

func TestReviewSentByKeysIsTheRightRequestAndShows(t *testing.T) {
	f := newFixture(t)
	d, src := reviewDashboard(t, f, i18n.Vietnamese, 80, 24)
	d.pressDownTo("equipment", review.Target{Question: "equipment"})
	d.press("v")
	// Needs work, about the equipment table, with a comment.
	d.press("enter", "enter")
	d.typeText("Thiếu máy in và bộ lưu điện")
	d.press("enter")
	reqs := src.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d reviews sent; want 1:\n%s", len(reqs), d.screen())
	}
	req := reqs[0]
	want := review.Review{Section: "equipment", State: review.NeedsWork, Comment: "Thiếu máy in và bộ lưu điện",
		Target: review.Target{Question: "equipment"}}
	if req.Unit != phuLy || req.Review != want || !record.ValidID(req.ID) {
		t.Fatalf("sent %+v; want a new ULID, unit %s, %+v", req, phuLy, want)
	}
	if taken := f.hub.reviewsTaken(); len(taken) != 1 || taken[0].ID != req.ID {
		t.Fatalf("the hub took %+v", taken)
	}
	// The unit is fetched again and shows the decision, the cursor where
	// it was.
	view := d.screen()
	for _, w := range []string{"Đã gửi ý kiến duyệt mục 2. Thiết bị CNTT: cần bổ sung.", "2. Thiết bị CNTT · 1/1 · cần bổ sung",
		"Tỉnh trả lại, cần bổ sung (Nguyễn Thu Hà, 20/08/2025 10:31) · về câu «Danh sách thiết bị»: «Thiếu máy in và bộ lưu điện»",
		">! Danh sách thiết bị: 2 dòng ← ý kiến của tỉnh"} {
		if !strings.Contains(flat(view), w) {
			t.Errorf("after the review, the unit lacks %q:\n%s", w, view)
		}
	}
	if len(d.m.drafts) != 0 {
		t.Fatalf("a review the hub took is still a draft: %+v", d.m.drafts)
	}

	// Then approved, from the section's head: a new decision, a new id.
	d.press("up", "v", "enter", "enter", "enter")
	reqs = src.requests()
	if len(reqs) != 2 || reqs[1].ID == req.ID || reqs[1].Review != (review.Review{Section: "equipment", State: review.Approved}) {
		t.Fatalf("the approval sent %+v", reqs)
	}
	if view := d.screen(); !strings.Contains(view, "2. Thiết bị CNTT · 1/1 · đã duyệt") {
		t.Fatalf("after the approval:\n%s", view)
	}
}

func TestFailedReviewKeepsWhatWasTypedAndItsID(t *testing.T) {
	f := newFixture(t)
	d, src := reviewDashboard(t, f, i18n.Vietnamese, 80, 24)
	src.fail(fmt.Errorf("%w: connection refused", client.ErrUnreachable))
	d.pressDownTo("backups", backupTarget)
	d.press("v", "enter", "enter")
	comment := "Vẫn chưa thấy mã băm SHA-256"
	d.typeText(comment)
	d.press("enter")
	view := flat(d.screen())
	if !strings.Contains(view, "Chưa gửi được ý kiến duyệt mục 6. Sao lưu và bàn giao dữ liệu: không kết nối được máy chủ (sẽ tự thử lại). Nội dung đã nhập vẫn còn: nhấn v để gửi lại.") {
		t.Fatalf("a failed send does not say so:\n%s", d.screen())
	}
	if d.m.unit == nil || d.m.form != nil || len(f.hub.reviewsTaken()) != 0 {
		t.Fatal("after a failed send the unit is not shown, or the hub took something")
	}
	first := src.requests()[0]

	// v brings the form back as it was, and sending it again sends the
	// same record id.
	d.press("v")
	if in := d.m.reviewing; in == nil || in.comment != comment || in.target != backupTarget || in.state != review.NeedsWork {
		t.Fatalf("the form came back with %+v; want what was typed", d.m.reviewing)
	}
	view = d.screen()
	requireSize(t, view, 80, 24)
	if !strings.Contains(view, "Nội dung chưa gửi được lần trước đã được giữ lại.") || !strings.Contains(view, comment) {
		t.Fatalf("the form does not show what was kept:\n%s", view)
	}
	src.fail(nil)
	d.press("enter", "enter", "enter")
	reqs := src.requests()
	if len(reqs) != 2 || reqs[1].ID != first.ID || reqs[1].Review != first.Review {
		t.Fatalf("the retry sent %+v; want the same request %+v", reqs[len(reqs)-1], first)
	}
	if taken := f.hub.reviewsTaken(); len(taken) != 1 || taken[0].ID != first.ID {
		t.Fatalf("the hub took %+v", taken)
	}
	if len(d.m.drafts) != 0 {
		t.Fatal("the draft outlived its send")
	}
}

func TestChangedReviewAfterAFailureGetsANewID(t *testing.T) {
	f := newFixture(t)
	d, src := reviewDashboard(t, f, i18n.Vietnamese, 80, 24)
	src.fail(fmt.Errorf("%w: reset", client.ErrUnreachable))
	d.pressDownTo("backups", backupTarget)
	d.press("v", "enter", "enter")
	d.typeText("Sao lưu lại")
	d.press("enter")
	// The coordinator changes the comment before sending again: another
	// decision, another record.
	d.press("v", "enter", "enter")
	d.typeText(" trước 25/08")
	d.press("enter")
	reqs := src.requests()
	if len(reqs) != 2 || reqs[0].ID == reqs[1].ID || reqs[1].Review.Comment != "Sao lưu lại trước 25/08" {
		t.Fatalf("sent %+v; want a second request with its own id", reqs)
	}
}

func TestSendingBackWithoutACommentIsRefused(t *testing.T) {
	f := newFixture(t)
	d, src := reviewDashboard(t, f, i18n.Vietnamese, 80, 24)
	d.pressDownTo("backups", backupTarget)
	d.press("v", "enter", "enter", "enter")
	if d.m.form == nil || !strings.Contains(d.screen(), "Hãy ghi rõ xã cần sửa hoặc bổ sung gì.") {
		t.Fatalf("sending back without a comment is not refused:\n%s", d.screen())
	}
	if n := len(src.requests()); n != 0 {
		t.Fatalf("%d reviews sent without a comment", n)
	}
	// esc closes the form; what is typed stays for the next time.
	d.typeText("Bổ sung")
	d.press("esc")
	if d.m.form != nil || d.m.unit == nil {
		t.Fatal("esc did not close the form back to the unit")
	}
	d.press("v")
	if in := d.m.reviewing; in == nil || in.comment != "Bổ sung" {
		t.Fatalf("the form left with esc came back with %+v", in)
	}
	// Back to not reviewed: the comment and what it points at go with it.
	d.press("up", "enter", "enter", "enter")
	reqs := src.requests()
	if len(reqs) != 1 || reqs[0].Review != (review.Review{Section: "backups", State: review.Unreviewed, Comment: "Bổ sung", Target: backupTarget}) {
		t.Fatalf("sent %+v; want backups back to not reviewed", reqs)
	}
}

func TestHistoryOfARowAt80x24(t *testing.T) {
	f := newFixture(t)
	d, _ := reviewDashboard(t, f, i18n.Vietnamese, 80, 24)
	d.pressDownTo("backups", backupTarget)
	d.press("enter")
	view := d.screen()
	requireSize(t, view, 80, 24)
	for _, want := range []string{"Phường Phủ Lý (13285)",
		"Lịch sử: 6. Sao lưu và bàn giao dữ liệu › Bộ dữ liệu › Văn bản đi, đến",
		"2 phiên bản, cũ nhất trước",
		"1. 17/08/2025 22:30 · Trần Thị Bình · máy …" + laptop2[len(laptop2)-6:],
		"Bộ dữ liệu: Văn bản đi đến · Đơn vị cũ: Phường Thanh Châu",
		"2. 18/08/2025 22:30 · Nguyễn Văn An · máy " + laptop1 + " · đang dùng",
		"Bộ dữ liệu: Văn bản đi, đến · Đơn vị cũ: Phường Thanh Châu · Đã sao lưu: Không",
		"esc quay lại"} {
		if !strings.Contains(flat(view), want) {
			t.Errorf("the history lacks %q", want)
		}
	}
	golden.RequireEqual(t, []byte(apptest.Screen(view)))
	d.press("esc")
	if d.m.unit.hist != nil {
		t.Fatal("esc did not close the history")
	}
	if it, _ := d.m.unit.selected(); it.target != backupTarget || !strings.Contains(d.screen(), ">!   • Văn bản đi, đến") {
		t.Fatalf("back from the history the cursor is on %+v:\n%s", it, d.screen())
	}
}

func TestHistoryOfAnAnswerAt160x48(t *testing.T) {
	f := newFixture(t)
	d, _ := reviewDashboard(t, f, i18n.Vietnamese, 160, 48)
	d.pressDownTo("unit", review.Target{Question: "officer_name"})
	d.press("enter")
	view := d.screen()
	requireSize(t, view, 160, 48)
	for _, want := range []string{"Lịch sử: 1. Thông tin đơn vị › Họ và tên cán bộ phụ trách CNTT", "1 phiên bản",
		"1. 18/08/2025 12:30 · Nguyễn Văn An · máy PL-LAPTOP-1 · đang dùng", "Nguyễn Văn An"} {
		if !strings.Contains(view, want) {
			t.Errorf("the history of an answer lacks %q", want)
		}
	}
	golden.RequireEqual(t, []byte(apptest.Screen(view)))
}

func TestHistoryOfNothingAnswered(t *testing.T) {
	f := newFixture(t)
	d, _ := reviewDashboard(t, f, i18n.Vietnamese, 80, 24)
	d.pressDownTo("unit", review.Target{Question: "officer_position"})
	d.press("enter")
	if d.m.unit.hist != nil || !strings.Contains(d.screen(), "Câu này chưa từng được trả lời nên chưa có lịch sử.") {
		t.Fatalf("enter on a question never answered:\n%s", d.screen())
	}
}

func TestHistoryTheHubDoesNotHold(t *testing.T) {
	f := newFixture(t)
	d, _ := reviewDashboard(t, f, i18n.Vietnamese, 80, 24)
	d.pressDownTo("unit", review.Target{Question: "officer_name"})
	f.hub.mu.Lock()
	det := f.hub.details[phuLy]
	det.Records = slices.DeleteFunc(slices.Clone(det.Records), func(r record.Record) bool { return r.ID == officerAnswer })
	f.hub.details[phuLy] = det
	f.hub.mu.Unlock()
	d.press("enter")
	if view := flat(d.screen()); !strings.Contains(view, "Chưa tải được lịch sử: máy chủ không có bản ghi này. Nhấn r để thử lại.") {
		t.Fatalf("a history the hub does not hold:\n%s", d.screen())
	}
}

func TestTableMarksTheUnitsToLookAt(t *testing.T) {
	f := newFixture(t)
	d := drive(t, f.dashboard(t, i18n.Vietnamese, 160, 48))
	d.press("r")
	row := func(code string) string {
		for _, l := range strings.Split(d.screen(), "\n") {
			if strings.Contains(l, code) {
				return l
			}
		}
		return ""
	}
	for _, c := range []struct {
		flag string
		want []string
	}{{markSuggested, []string{phuLy, tamDiep}}, {markReplied, []string{phuLy}}} {
		for d.m.list.flag != c.flag {
			d.press("f")
		}
		if got := codes(d.m); !slices.Equal(got, c.want) {
			t.Errorf("filter %s shows %v; want %v", c.flag, got, c.want)
		}
		// The sections approved, then the flags and the marks.
		if r := row(phuLy); !strings.Contains(r, "1/8 trễ hạn, mạng lỗi, 2 gợi ý, xã đã trả") {
			t.Errorf("Phủ Lý's row %q lacks its sections approved and its marks", r)
		}
		if r := row(tamDiep); c.flag == markSuggested && !strings.Contains(r, "0/8 trễ hạn, 2 gợi ý") {
			t.Errorf("Tam Điệp's row %q lacks its marks", r)
		}
	}
	view := d.screen()
	if !strings.Contains(view, "lọc: xã đã sửa, chờ duyệt lại") || !strings.Contains(view, "2 có gợi ý xem lại · 1 xã đã trả lời") {
		t.Errorf("the filter or the counts are not said:\n%s", view)
	}
}

func TestSuggestionSentences(t *testing.T) {
	vi, en := i18n.MustNew(i18n.Vietnamese), i18n.MustNew(i18n.English)
	for _, c := range []struct {
		s      protocol.Suggestion
		vi, en string
	}{
		{protocol.Suggestion{Code: protocol.SuggestNoBackupVerified, Args: []string{"3"}},
			"Chưa có bộ dữ liệu nào được sao lưu và kiểm tra toàn vẹn (đã kê khai: 3).", "No dataset is backed up and verified (listed: 3)."},
		{protocol.Suggestion{Code: protocol.SuggestCertExpiring, Args: []string{"Trần Thị Bình", "2025-09-01", "12"}},
			"Chứng thư số của Trần Thị Bình hết hạn ngày 01/09/2025, chỉ còn 12 ngày.",
			"The digital-signature certificate of Trần Thị Bình expires on 01/09/2025, in 12 days."},
		{protocol.Suggestion{Code: protocol.SuggestCertExpiring, Args: []string{"Lê Văn Cường", "2025-08-01", "-19"}},
			"Chứng thư số của Lê Văn Cường đã hết hạn ngày 01/08/2025.", "The digital-signature certificate of Lê Văn Cường expired on 01/08/2025."},
		{protocol.Suggestion{Code: protocol.SuggestBandwidthShort, Args: []string{"dedicated", "1000", "12.5"}},
			"Băng thông TSLCD theo hợp đồng là 1.000 Mbps nhưng kiểm tra chỉ đo được 12,5 Mbps.",
			"The TSLCD link is contracted at 1,000 Mbps but the checks measured only 12.5 Mbps."},
		{protocol.Suggestion{Code: protocol.SuggestNoEquipment}, "Chưa kê khai thiết bị CNTT nào.", "No IT equipment is listed."},
		{protocol.Suggestion{Code: protocol.SuggestOldChecklist, Args: []string{"1", "2"}},
			"Mục được trả lời theo mẫu phiếu phiên bản 1, cũ hơn phiên bản mới nhất (2).",
			"Answered against checklist version 1, older than the latest (2)."},
		// A figure missing or one too many never garbles the sentence.
		{protocol.Suggestion{Code: protocol.SuggestOldChecklist, Args: []string{"1"}},
			"Mục được trả lời theo mẫu phiếu phiên bản 1, cũ hơn phiên bản mới nhất (?).",
			"Answered against checklist version 1, older than the latest (?)."},
		{protocol.Suggestion{Code: protocol.SuggestNoEquipment, Args: []string{"x"}}, "Chưa kê khai thiết bị CNTT nào.", "No IT equipment is listed."},
		// A flag of a newer hub is shown as it came.
		{protocol.Suggestion{Code: "some_new_flag", Args: []string{"a", "b"}}, "some_new_flag · a · b", "some_new_flag · a · b"},
	} {
		if got := suggestionText(vi, c.s); got != c.vi {
			t.Errorf("%+v: %q; want %q", c.s, got, c.vi)
		}
		if got := suggestionText(en, c.s); got != c.en {
			t.Errorf("%+v in English: %q; want %q", c.s, got, c.en)
		}
	}
}

func TestReviewAndHistoryFitInEnglishAt80x24(t *testing.T) {
	f := newFixture(t)
	d, _ := reviewDashboard(t, f, i18n.English, 80, 24)
	d.pressDownTo("backups", backupTarget)
	view := d.screen()
	requireSize(t, view, 80, 24)
	if !strings.Contains(flat(view), "Sent back, needs work (Nguyễn Thu Hà, 19/08/2025 07:30) · on row “Văn bản đi, đến") ||
		!strings.Contains(view, "v review") {
		t.Fatalf("English answers with a review:\n%s", view)
	}
	d.press("v")
	view = d.screen()
	requireSize(t, view, 80, 24)
	if !strings.Contains(view, "Review of section 6.") || !strings.Contains(view, "Comment to the commune") {
		t.Fatalf("English review form:\n%s", view)
	}
	d.press("esc", "enter")
	view = d.screen()
	requireSize(t, view, 80, 24)
	if !strings.Contains(view, "2 versions, oldest first") || !strings.Contains(view, "current") {
		t.Fatalf("English history:\n%s", view)
	}
}

func TestReviewKeysOnlyOnTheAnswers(t *testing.T) {
	f := newFixture(t)
	d, src := reviewDashboard(t, f, i18n.Vietnamese, 80, 24)
	d.press("2", "v", "enter")
	if d.m.form != nil || d.m.unit.hist != nil || len(src.requests()) != 0 {
		t.Fatal("v or enter on the equipment tab opened something")
	}
	if strings.Contains(d.screen(), "v duyệt mục") {
		t.Fatalf("the equipment tab's help offers a review:\n%s", d.screen())
	}
	d.press("1")
	if !strings.Contains(d.screen(), "v duyệt mục") {
		t.Fatalf("the answers' help does not offer a review:\n%s", d.screen())
	}
	// The full help still fits, and lists the deadline and refresh keys.
	d.press("?")
	view := d.screen()
	requireSize(t, view, 80, 24)
	if v := flat(view); !strings.Contains(v, "d hạn nộp") || !strings.Contains(v, "r làm mới") || !strings.Contains(v, "enter lịch sử") {
		t.Fatalf("the answers' full help:\n%s", view)
	}
}
