package dashboard

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"mach/assets/i18n"
	"mach/sync/client"
	"mach/sync/protocol"
)

func TestAgo(t *testing.T) {
	vi, en := i18n.MustNew(i18n.Vietnamese), i18n.MustNew(i18n.English)
	now := testNow
	for _, tc := range []struct {
		at     time.Time
		vi, en string
	}{
		{time.Time{}, "chưa đồng bộ", "never"},
		{now.Add(-20 * time.Second), "vừa xong", "just now"},
		{now.Add(time.Minute), "vừa xong", "just now"}, // a hub clock a little ahead
		{now.Add(-59 * time.Minute), "59 phút trước", "59 min ago"},
		{now.Add(-3*time.Hour - 50*time.Minute), "3 giờ trước", "3 h ago"},
		{now.Add(-73 * time.Hour), "3 ngày trước", "3 days ago"},
		{now.Add(-40 * 24 * time.Hour).UTC(), "11/07/2025", "11/07/2025"},
	} {
		if got := ago(vi, tc.at, now); got != tc.vi {
			t.Errorf("ago(%v) = %q; want %q", tc.at, got, tc.vi)
		}
		if got := ago(en, tc.at, now); got != tc.en {
			t.Errorf("ago(%v) in English = %q; want %q", tc.at, got, tc.en)
		}
	}
}

func TestQueryTiers(t *testing.T) {
	u := func(code, name string) protocol.UnitSummary { return protocol.UnitSummary{Code: code, Name: name} }
	phu, ltk, dhl := u("13285", "Phường Phủ Lý"), u("13435", "Phường Lý Thường Kiệt"), u("14566", "Phường Đông Hoa Lư")
	for _, tc := range []struct {
		query string
		unit  protocol.UnitSummary
		want  int
	}{
		{"", phu, matchWhole},
		{"phu ly", phu, matchWhole},
		{"PHỦ  LÝ", phu, matchWhole},
		{"132", phu, matchWhole},
		{"ly phu", phu, matchWords},
		{"p phu ly", phu, matchKindWords},
		{"phu ly", ltk, matchKindWords},
		{"dong hoa", dhl, matchWhole},
		{"hoa dong", dhl, matchWords},
		{"hoa hoa", dhl, noMatch}, // two query words cannot share one name word
		{"hue", phu, noMatch},
		{"1328", ltk, noMatch},
	} {
		if got := newQuery(tc.query).match(tc.unit); got != tc.want {
			t.Errorf("%q against %s = tier %d; want %d", tc.query, tc.unit.Name, got, tc.want)
		}
	}
}

func TestFlagScoreOrdersByTheMostPressingFlag(t *testing.T) {
	overdue := flagScore([]string{protocol.FlagOverdue})
	rest := flagScore([]string{protocol.FlagFailing, protocol.FlagNotStarted, protocol.FlagStale, protocol.FlagConflicts})
	if overdue <= rest {
		t.Fatalf("overdue alone scores %d, every lesser flag %d: overdue must weigh more", overdue, rest)
	}
	if flagScore(nil) != 0 || flagScore([]string{"some_new_flag"}) <= 0 {
		t.Fatal("no flag must score 0 and an unknown flag more than 0")
	}
}

func TestErrorWords(t *testing.T) {
	tr := i18n.MustNew(i18n.Vietnamese)
	for err, want := range map[error]string{
		&client.HubError{Status: 401}: "máy chủ không nhận mã truy cập này (sai hoặc đã bị thu hồi)",
		&client.HubError{Status: 403}: "đây là mã của một máy trạm, không phải mã của điều phối viên",
		&client.HubError{Status: 404, Body: protocol.Error{Code: protocol.CodeNotFound}}: "máy chủ không có đơn vị này",
		fmt.Errorf("%w: refused", client.ErrUnreachable):                                 "không kết nối được máy chủ (sẽ tự thử lại)",
		errors.New("disk on fire"):                                                       "lỗi trên máy này, xem tệp nhật ký",
	} {
		if got := errorWords(tr, err); got != want {
			t.Errorf("errorWords(%v) = %q; want %q", err, got, want)
		}
	}
}
