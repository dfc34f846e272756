package report_test

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"mach/checks/diagnose"
	"mach/checks/evidence"
	"mach/checks/probe"
	"mach/checks/runner"
	"mach/checks/units"
	"mach/sync/hub"
	"mach/sync/protocol"
	"mach/sync/record"
	"mach/sync/report"
	"mach/sync/review"
)

// laptop pushes records of one unit to a hub, as a device's outbox does.
type laptop struct {
	b       *hub.Bolt
	device  string
	unit    string
	seq     uint64
	clock   int64
	entries []record.Entry
}

func enrol(t testing.TB, b *hub.Bolt, unit string) *laptop {
	t.Helper()
	code, err := b.NewCode(unit, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	dev := record.NewID(time.Now())
	if _, err := b.Enroll(protocol.EnrollRequest{Code: code, Device: dev, Name: "máy " + unit}); err != nil {
		t.Fatal(err)
	}
	return &laptop{b: b, device: dev, unit: unit, clock: time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC).UnixMicro()}
}

// put adds a new record of kind with body to the next push.
func (l *laptop) put(t testing.TB, kind string, body any) {
	t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	l.seq++
	l.clock += 1000 // a millisecond: ids (ULIDs) and so rows in the order put
	r := record.Record{ID: record.NewID(time.UnixMicro(l.clock)), Kind: kind, Unit: l.unit, Body: data,
		Version: record.Version{Time: l.clock, Device: l.device}, Device: l.device, Saved: time.UnixMicro(l.clock)}
	l.entries = append(l.entries, record.Entry{Epoch: 1, Seq: l.seq, Record: r})
}

func (l *laptop) answer(t testing.TB, q string, v any) {
	l.put(t, record.KindAnswer, map[string]any{"question": q, "value": v})
}

// push sends what was put, in batches.
func (l *laptop) push(t testing.TB) {
	t.Helper()
	for len(l.entries) > 0 {
		n := min(len(l.entries), protocol.MaxBatchEntries)
		if _, err := l.b.Push(l.device, l.unit, protocol.PushRequest{Device: l.device, Epoch: 1, Entries: l.entries[:n]}); err != nil {
			t.Fatal(err)
		}
		l.entries = l.entries[n:]
	}
}

// checkRun adds a run of the checks on network.
func (l *laptop) checkRun(t testing.TB, network string, at time.Time, verdicts ...probe.Verdict) {
	t.Helper()
	run := runner.Run{ID: record.NewID(at), Profile: "ninhbinh", ProfileVersion: 3, Network: network, Started: at, Finished: at.Add(90 * time.Second)}
	for _, v := range verdicts {
		run.Results = append(run.Results, probe.Result{Target: "Cổng dịch vụ công", Probe: "http", Verdict: v})
	}
	l.put(t, record.KindCheckRun, evidence.Evidence{Run: run, Findings: []diagnose.Finding{
		{Rule: "r", Verdict: probe.Fail, Cause: "Mất kết nối Internet", Action: "=Gọi nhà mạng"}}})
}

// openHub opens a hub file in a temporary folder.
func openHub(t testing.TB) *hub.Bolt {
	t.Helper()
	b, err := hub.OpenBolt(filepath.Join(t.TempDir(), "hub.db"), hub.BoltOptions{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// fillPhuLy pushes a part of Phủ Lý's checklist.
func fillPhuLy(t testing.TB, b *hub.Bolt) {
	l := enrol(t, b, "13285")
	l.put(t, record.KindUnit, map[string]any{"province": "37", "code": "13285", "name": "Phường Phủ Lý"})
	l.put(t, record.KindFormedFrom, map[string]any{"old_code": "13288", "old_name": "Phường Lê Hồng Phong", "part": "full"})
	l.answer(t, "officer_name", "Nguyễn Thị Lan")
	l.answer(t, "officer_phone", "+84912345678")
	l.answer(t, "has_tslcd", false)
	l.answer(t, "tslcd_provider", "vnpt") // left from before the officer said no: not shown
	l.answer(t, "has_internet", true)
	l.answer(t, "internet_provider", "viettel")
	l.answer(t, "internet_bandwidth", 200.0)
	l.put(t, record.KindEquipment, map[string]any{"kind": "desktop", "make_model": "Dell OptiPlex 3080", "serial": "00123", "year": 2019, "condition": "good"})
	l.put(t, record.KindEquipment, map[string]any{"kind": "sign_token", "condition": "degraded", "user": "Chủ tịch UBND"})
	l.put(t, "system", map[string]any{"system": "qlvb", "in_use": true, "accounts": 12, "reconfigure": []string{"unit_code", "doc_symbol"}})
	l.put(t, "account", map[string]any{"full_name": "Lê Thị Bình", "system": "email", "action": "change", "reason": "transfer", "effective_date": "2026-12-01"})
	l.put(t, "account", map[string]any{"full_name": "Trần Văn An", "system": "qlvb", "action": "keep"})
	l.put(t, "account", map[string]any{"full_name": "Phạm Cường", "system": "retired-system", "action": "revoke"})
	l.put(t, "backup", map[string]any{"dataset": "Hồ sơ một cửa 2024", "backed_up": true, "verified": true, "sha256": strings.Repeat("ab", 32), "minutes_no": "12/BB-UBND"})
	backupRow := l.entries[len(l.entries)-1].Record.ID
	l.put(t, "need", map[string]any{"item": "Bộ chuyển mạch 24 cổng", "category": "lan", "quantity": 2, "estimated_cost": 12500000})
	l.put(t, "training", map[string]any{"trainee": "Nguyễn Thị Lan", "system": "sso", "priority": "high"})
	l.checkRun(t, "internet", time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC), probe.Pass, probe.Fail, probe.Skip)
	l.push(t)

	// The province's reviews: the unit approved; the backups sent back
	// twice, the second time about the dataset, and the officer's replies.
	decide(t, b, reviewedAt(1), review.Review{Section: "unit", State: review.Approved})
	first := decide(t, b, reviewedAt(2), review.Review{Section: "backups", State: review.NeedsWork, Comment: "Thiếu biên bản"})
	l.reply(t, first, "Đã gửi biên bản", false)
	second := decide(t, b, reviewedAt(3), review.Review{Section: "backups", State: review.NeedsWork, Comment: "=Bổ sung mã băm",
		Target: review.Target{Question: "backups", Row: backupRow}})
	l.reply(t, second, "Đang tính mã băm", false)
	l.reply(t, second, "Đã bổ sung mã băm", true)
	l.push(t)
	decide(t, b, reviewedAt(4), review.Review{Section: "links", State: review.NeedsWork, Comment: "Băng thông đo được thấp",
		Target: review.Target{Question: "internet_bandwidth"}})
	decide(t, b, reviewedAt(5), review.Review{Section: "equipment", State: review.Unreviewed,
		Target: review.Target{Question: "equipment", Row: record.NewID(reviewedAt(0))}}) // a row the unit never had
}

// reviewedAt is when the province made its n-th review.
func reviewedAt(n int) time.Time { return time.Date(2026, 11, 26, 8+n, 0, 0, 0, time.UTC) }

// decide keeps a coordinator's review of Phủ Lý on the hub, made at, as
// the hub's review route does, and returns its record id.
func decide(t testing.TB, b *hub.Bolt, at time.Time, rv review.Review) string {
	t.Helper()
	body, err := json.Marshal(rv)
	if err != nil {
		t.Fatal(err)
	}
	r := record.Record{ID: record.NewID(at), Kind: review.Kind, Unit: "13285", Body: body,
		Version: record.Version{Time: at.UnixMicro(), Device: record.HubDevice}, Device: record.HubDevice,
		Author: "Phòng Chuyển đổi số", Saved: at}
	if _, err := b.Write(r); err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// reply adds the officer's reply to the review id to the next push.
func (l *laptop) reply(t testing.TB, id, comment string, done bool) {
	t.Helper()
	l.put(t, review.KindReply, review.Reply{Review: id, Comment: comment, Done: done})
	e := &l.entries[len(l.entries)-1]
	e.Record.Author = "Nguyễn Thị Lan"
	e.Record.Saved = time.Date(2026, 11, 27, 8, len(l.entries), 0, 0, time.UTC)
}

// twoUnits are Phủ Lý, filled, and Phù Vân, empty.
func twoUnits(t testing.TB) []units.Unit {
	t.Helper()
	us, err := hub.ReportUnits("37", "")
	if err != nil {
		t.Fatal(err)
	}
	var out []units.Unit
	for _, u := range us {
		if u.Code == "13285" || u.Code == "13291" {
			out = append(out, u)
		}
	}
	return out
}

// wantSheets are the report's sheets and the rows expected on each, header
// first. Cells are compared one by one; a row shorter than the header ends
// with empty cells.
var wantSheets = []struct {
	name string
	rows [][]string
}{
	{"Tổng hợp", nil}, // checked on its own: its figures come from the summaries
	{"Ý kiến duyệt", [][]string{
		{"Mã đơn vị", "Tên đơn vị", "Mục", "Trạng thái duyệt", "Ý kiến gần nhất", "Người duyệt", "Thời điểm duyệt", "Ý kiến về",
			"Trả lời gần nhất của xã", "Người trả lời", "Thời điểm trả lời", "Xã báo đã sửa xong"},
		{"13285", "Phường Phủ Lý", "1. Thông tin đơn vị", "Đã duyệt", "", "Phòng Chuyển đổi số", localTime(reviewedAt(1)), "Cả mục",
			"", "", "", "Không"},
		{"13285", "Phường Phủ Lý", "2. Thiết bị CNTT", "Chưa xem", "", "Phòng Chuyển đổi số", localTime(reviewedAt(5)),
			"Một dòng đã xoá (Danh sách thiết bị)", "", "", "", "Không"},
		{"13285", "Phường Phủ Lý", "3. Đường truyền, kết nối mạng", "Cần bổ sung", "Băng thông đo được thấp", "Phòng Chuyển đổi số",
			localTime(reviewedAt(4)), "Câu: Băng thông Internet theo hợp đồng (Mbps)", "", "", "", "Không"},
		{"13285", "Phường Phủ Lý", "6. Sao lưu và bàn giao dữ liệu", "Cần bổ sung", "=Bổ sung mã băm", "Phòng Chuyển đổi số",
			localTime(reviewedAt(3)), "Dòng: Hồ sơ một cửa 2024 · Đã sao lưu: Có · Đã kiểm tra toàn vẹn: Có (Bộ dữ liệu)",
			"Đã bổ sung mã băm", "Nguyễn Thị Lan", localTime(replyAt), "Có"},
	}},
	{"Thông tin đơn vị", [][]string{
		{"Mã đơn vị", "Tên đơn vị", "Họ và tên cán bộ phụ trách CNTT", "Chức vụ", "Số điện thoại", "Địa chỉ thư công vụ"},
		{"13285", "Phường Phủ Lý", "Nguyễn Thị Lan", "", "+84912345678", ""},
		{"13291", "Phường Phù Vân", "", "", "", ""},
	}},
	{"Hình thành từ (đơn vị cũ)", [][]string{
		{"Mã đơn vị", "Tên đơn vị", "Mã đơn vị cũ", "Tên đơn vị cũ", "Mức độ sáp nhập"},
		{"13285", "Phường Phủ Lý", "13288", "Phường Lê Hồng Phong", "Sáp nhập toàn bộ"},
	}},
	{"Thiết bị CNTT", [][]string{
		{"Mã đơn vị", "Tên đơn vị", "Loại thiết bị", "Hãng, model", "Số sê-ri", "Năm trang bị", "Hệ điều hành", "Tình trạng", "Vị trí đặt", "Người sử dụng"},
		{"13285", "Phường Phủ Lý", "Máy tính để bàn", "Dell OptiPlex 3080", "00123", "2019", "", "Tốt"},
		{"13285", "Phường Phủ Lý", "Thiết bị ký số (USB Token, SIM PKI)", "", "", "", "", "Xuống cấp", "", "Chủ tịch UBND"},
	}},
	{"Đường truyền, kết nối mạng", [][]string{
		{"Mã đơn vị", "Tên đơn vị", "Đơn vị có kết nối mạng truyền số liệu chuyên dùng (TSLCD) không?", "Nhà cung cấp TSLCD",
			"Băng thông TSLCD theo hợp đồng (Mbps)", "Đơn vị có kết nối Internet không?", "Nhà cung cấp Internet",
			"Băng thông Internet theo hợp đồng (Mbps)", "Tình trạng mạng nội bộ (LAN)", "Đơn vị có mạng Wi-Fi không?", "Ghi chú về đường truyền"},
		{"13285", "Phường Phủ Lý", "Không", "", "", "Có", "Viettel", "200"},
		{"13291", "Phường Phù Vân"},
	}},
	{"Hệ thống thông tin", [][]string{
		{"Mã đơn vị", "Tên đơn vị", "Hệ thống", "Đang sử dụng", "Số tài khoản", "Cần cấu hình lại", "Vướng mắc, tồn tại"},
		{"13285", "Phường Phủ Lý", "Hệ thống quản lý văn bản và điều hành", "Có", "12", "Mã đơn vị hành chính, Ký hiệu văn bản"},
	}},
	{"Tài khoản", [][]string{
		{"Hệ thống", "Mã đơn vị", "Tên đơn vị", "Họ và tên", "Chức vụ", "Phòng/bộ phận", "Tài khoản (tên đăng nhập)", "Địa chỉ thư công vụ",
			"Số hiệu chứng thư số", "Thiết bị lưu chứng thư số", "Ngày hết hạn chứng thư số", "Đề nghị", "Lý do", "Ghi chú lý do", "Ngày hiệu lực"},
		{"Hệ thống quản lý văn bản và điều hành", "13285", "Phường Phủ Lý", "Trần Văn An", "", "", "", "", "", "", "", "Giữ nguyên"},
		{"Hệ thống thư điện tử công vụ", "13285", "Phường Phủ Lý", "Lê Thị Bình", "", "", "", "", "", "", "", "Thay đổi", "Chuyển công tác", "", "01/12/2026"},
		{"retired-system", "13285", "Phường Phủ Lý", "Phạm Cường", "", "", "", "", "", "", "", "Thu hồi"},
	}},
	{"Sao lưu và bàn giao dữ liệu", [][]string{
		{"Mã đơn vị", "Tên đơn vị", "Bộ dữ liệu", "Đơn vị cũ", "Hệ thống", "Đã sao lưu", "Nơi lưu trữ", "Thời điểm sao lưu", "Người thực hiện",
			"Đã kiểm tra toàn vẹn", "Mã băm SHA-256", "Dung lượng bản sao lưu (byte)", "Số tệp đã sao lưu", "Bên nhận bàn giao", "Người nhận", "Số biên bản bàn giao", "Ngày bàn giao"},
		{"13285", "Phường Phủ Lý", "Hồ sơ một cửa 2024", "", "", "Có", "", "", "", "Có", strings.Repeat("ab", 32), "", "", "", "", "12/BB-UBND"},
	}},
	{"Đề xuất", [][]string{ // the section's title is too long for a sheet's name
		{"Mã đơn vị", "Tên đơn vị", "Hạng mục", "Nhóm", "Số lượng", "Lý do, sự cần thiết", "Kinh phí dự kiến (đồng)"},
		{"13285", "Phường Phủ Lý", "Bộ chuyển mạch 24 cổng", "Mạng nội bộ (LAN)", "2", "", "12500000"},
	}},
	{"Nhu cầu tập huấn", [][]string{
		{"Mã đơn vị", "Tên đơn vị", "Người cần tập huấn", "Chức vụ", "Hệ thống", "Nội dung cần tập huấn", "Mức ưu tiên"},
		{"13285", "Phường Phủ Lý", "Nguyễn Thị Lan", "", "Hệ thống xác thực tập trung (SSO)", "", "Cao"},
	}},
	{"Kết quả kiểm tra mạng", [][]string{
		{"Mã đơn vị", "Tên đơn vị", "Mạng", "Bắt đầu", "Kết thúc", "Bộ kiểm tra", "Kết quả", "Số mục đạt", "Số mục cảnh báo",
			"Số mục không đạt", "Số mục bỏ qua", "Nhận định", "Việc cần làm"},
		{"13285", "Phường Phủ Lý", "Internet", localTime(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)),
			localTime(time.Date(2026, 11, 25, 9, 1, 30, 0, time.UTC)), "ninhbinh 3", "Không đạt", "1", "0", "1", "1",
			"Mất kết nối Internet", "=Gọi nhà mạng"},
	}},
}

// replyAt is when the officer made the last reply of fillPhuLy.
var replyAt = time.Date(2026, 11, 27, 8, 3, 0, 0, time.UTC)

// localTime is t as the report writes times: dd/mm/yyyy hh:mm where the
// hub runs.
func localTime(t time.Time) string { return t.Local().Format("02/01/2006 15:04") }

// pad makes row as long as the header.
func pad(row []string, n int) []string { return append(row, make([]string, max(0, n-len(row)))...) }

func TestWorkbookReadsBackCellByCell(t *testing.T) {
	b := openHub(t)
	fillPhuLy(t, b)
	var buf bytes.Buffer
	if err := report.WriteXLSX(&buf, b, report.Options{Units: twoUnits(t)}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	for _, s := range wantSheets {
		names = append(names, s.name)
	}
	if got := f.GetSheetList(); strings.Join(got, "|") != strings.Join(names, "|") {
		t.Fatalf("sheets\n%q\nwant\n%q", got, names)
	}
	if f.GetActiveSheetIndex() != 0 {
		t.Errorf("the workbook opens on sheet %d, not the summary", f.GetActiveSheetIndex())
	}
	for _, s := range wantSheets {
		rows, err := f.GetRows(s.name)
		if err != nil {
			t.Fatal(err)
		}
		if s.rows != nil {
			if len(rows) != len(s.rows) {
				t.Fatalf("%s: %d rows, want %d:\n%q", s.name, len(rows), len(s.rows), rows)
			}
			width := len(s.rows[0])
			for i := range s.rows {
				got, want := pad(rows[i], width), pad(s.rows[i], width)
				if len(got) != width {
					t.Fatalf("%s row %d: %d cells, want %d: %q", s.name, i+1, len(got), width, got)
				}
				for j := range want {
					if got[j] != want[j] {
						t.Errorf("%s row %d column %d: %q, want %q", s.name, i+1, j+1, got[j], want[j])
					}
				}
			}
		}
		// Every sheet: header frozen, filters on, codes as text.
		panes, err := f.GetPanes(s.name)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: header not frozen: %+v %v", s.name, panes, err)
		}
		tables, err := f.GetTables(s.name)
		if err != nil || len(tables) != 1 || !strings.HasPrefix(tables[0].Range, "A1:") {
			t.Errorf("%s: no filters on the header: %+v %v", s.name, tables, err)
		}
		if len(rows) > 1 {
			cell := "A2"
			if s.name == "Tài khoản" {
				cell = "B2"
			}
			if typ, _ := f.GetCellType(s.name, cell); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
				t.Errorf("%s %s: the unit's code is not text (%v)", s.name, cell, typ)
			}
		}
	}
	for _, c := range []struct{ sheet, cell string }{
		{"Kết quả kiểm tra mạng", "M2"}, // "=Gọi nhà mạng" stays text, never a formula
		{"Ý kiến duyệt", "E5"},          // and so does a comment "=Bổ sung mã băm"
	} {
		if formula, err := f.GetCellFormula(c.sheet, c.cell); err != nil || formula != "" {
			t.Errorf("%s %s is a formula %q (%v)", c.sheet, c.cell, formula, err)
		}
	}

	summary, err := f.GetRows("Tổng hợp")
	if err != nil {
		t.Fatal(err)
	}
	sums, err := b.Summaries([]string{"13285", "13291"})
	if err != nil {
		t.Fatal(err)
	}
	head := summary[0]
	col := func(name string) int {
		for i, h := range head {
			if h == name {
				return i
			}
		}
		t.Fatalf("summary has no column %q: %q", name, head)
		return -1
	}
	if len(summary) != 3 || summary[1][col("Mã đơn vị")] != "13285" || summary[2][col("Tên đơn vị")] != "Phường Phù Vân" {
		t.Fatalf("summary rows %q", summary)
	}
	phuLy := pad(summary[1], len(head))
	for name, want := range map[string]string{
		"Số máy đã đăng ký":               "1",
		"Số bản ghi":                      strconv.Itoa(sums[0].Records),
		"Số câu đã trả lời":               strconv.Itoa(sums[0].Answered),
		"Số câu bắt buộc":                 strconv.Itoa(sums[0].Required),
		"2. Thiết bị CNTT":                "1/1",
		"Internet":                        "Không đạt, " + localTime(time.Date(2026, 11, 25, 9, 1, 30, 0, time.UTC)),
		"Mạng TSLCD":                      "",
		"Tài khoản: Giữ nguyên":           "1",
		"Tài khoản: Thay đổi":             "1",
		"Tài khoản: Thu hồi":              "1",
		"Tài khoản: Cấp mới":              "0",
		"Số bộ dữ liệu":                   "1",
		"Đã sao lưu và kiểm tra toàn vẹn": "1",
		"Đã có biên bản bàn giao":         "1",
		"Xung đột chưa xử lý":             "0",
		"Cảnh báo":                        "kiểm tra mạng không đạt",
	} {
		if got := phuLy[col(name)]; got != want {
			t.Errorf("summary %s: %q, want %q", name, got, want)
		}
	}
	if got := pad(summary[2], len(head))[col("Cảnh báo")]; got != "chưa bắt đầu" {
		t.Errorf("Phù Vân's warnings %q, want chưa bắt đầu", got)
	}
	// Numbers stay numbers, codes stay text.
	ratio := float64(sums[0].Answered) / float64(sums[0].Required)
	if got, want := phuLy[col("Tỷ lệ hoàn thành (%)")], strconv.FormatFloat(math.Round(ratio*1000)/10, 'f', -1, 64); got != want {
		t.Errorf("summary completion %q, want %q", got, want)
	}
	for _, c := range []struct {
		sheet, column string
		row           int
		number        bool
	}{
		{"Tổng hợp", "Số bản ghi", 2, true}, {"Tổng hợp", "Tỷ lệ hoàn thành (%)", 2, true},
		{"Tổng hợp", "Tài khoản: Thu hồi", 2, true}, {"Tổng hợp", "Mã đơn vị", 2, false},
		{"Đề xuất", "Số lượng", 2, true}, {"Đề xuất", "Kinh phí dự kiến (đồng)", 2, true}, {"Đề xuất", "Mã đơn vị", 2, false},
	} {
		rows, err := f.GetRows(c.sheet)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.Index(rows[0], c.column)
		if i < 0 {
			t.Fatalf("%s has no column %q", c.sheet, c.column)
		}
		cell, _ := excelize.CoordinatesToCellName(i+1, c.row)
		typ, _ := f.GetCellType(c.sheet, cell)
		if isNumber := typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset; isNumber != c.number {
			t.Errorf("%s %s (%s): cell type %v, want a number: %v", c.sheet, c.column, cell, typ, c.number)
		}
	}
}

// files collects the CSV files WriteCSV writes.
type files map[string]*bytes.Buffer

func (fs files) open(name string) (io.WriteCloser, error) {
	fs[name] = &bytes.Buffer{}
	return nopCloser{fs[name]}, nil
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

func TestCSVFilesHoldTheSameRowsWithAByteOrderMark(t *testing.T) {
	b := openHub(t)
	fillPhuLy(t, b)
	fs := files{}
	if err := report.WriteCSV(fs.open, b, report.Options{Units: twoUnits(t)}); err != nil {
		t.Fatal(err)
	}
	want := []string{"summary.csv", "reviews.csv", "unit.csv", "formed_from.csv", "equipment.csv", "links.csv", "systems.csv",
		"accounts.csv", "backups.csv", "needs.csv", "training.csv", "check_runs.csv"}
	if len(fs) != len(want) {
		t.Fatalf("files %v, want %v", keys(fs), want)
	}
	for _, name := range want {
		data, ok := fs[name]
		if !ok {
			t.Fatalf("no %s among %v", name, keys(fs))
		}
		if !bytes.HasPrefix(data.Bytes(), []byte("\uFEFF")) {
			t.Errorf("%s has no byte order mark", name)
		}
	}
	equipment := strings.TrimPrefix(fs["equipment.csv"].String(), "\uFEFF")
	wantEquipment := "Mã đơn vị,Tên đơn vị,Loại thiết bị,\"Hãng, model\",Số sê-ri,Năm trang bị,Hệ điều hành,Tình trạng,Vị trí đặt,Người sử dụng\r\n" +
		"13285,Phường Phủ Lý,Máy tính để bàn,Dell OptiPlex 3080,00123,2019,,Tốt,,\r\n" +
		"13285,Phường Phủ Lý,\"Thiết bị ký số (USB Token, SIM PKI)\",,,,,Xuống cấp,,Chủ tịch UBND\r\n"
	if equipment != wantEquipment {
		t.Errorf("equipment.csv\n%s\nwant\n%s", equipment, wantEquipment)
	}
	if runs := fs["check_runs.csv"].String(); !strings.Contains(runs, ",'=Gọi nhà mạng\r\n") {
		t.Errorf("check_runs.csv does not defuse the formula-looking action:\n%s", runs)
	}
}

func keys(fs files) []string {
	var out []string
	for k := range fs {
		out = append(out, k)
	}
	return out
}
